/**
 * Watches a stream of text chunks for `needle` and calls `found` once it has appeared.
 *
 * A pipe delivers whatever has accumulated since it was last read: when the reader is slow
 * (a busy machine), the line sought may be split across chunks, or arrive together with many
 * lines written after it. Only the end of the text seen so far that could still begin the
 * needle is carried over to the next chunk, so neither case can hide it.
 */
export function watchOutputFor(needle: string, found: () => void): (chunk: string) => void {
  let carried = "";
  let seen = false;
  return (chunk) => {
    if (seen) return;
    const text = carried + chunk;
    if (text.includes(needle)) {
      seen = true;
      carried = "";
      found();
      return;
    }
    carried = text.slice(-(needle.length - 1));
  };
}
