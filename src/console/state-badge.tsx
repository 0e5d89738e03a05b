/**
 * A state as a word, with a colour that only repeats it: the word is what a
 * reader relies on, on a phone in the sun or without colour vision.
 */
export function StateBadge({ kind, value, text }: { kind: string; value: number; text: string }) {
  return <span class={`badge ${kind}-${value}`}>{text}</span>;
}
