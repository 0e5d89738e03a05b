/**
 * A time as the ISO text PostgreSQL reads as timestamptz, for rows bound as
 * JSON. Rows carry this text, not Date objects: `JSON.stringify` serialises
 * a Date through its `toJSON` method, which takes V8's serialiser off its
 * fast path for every date, and the hot path binds several per call. The
 * dates of one decision are mostly the same instant (its `now`), so the
 * last one converted is kept.
 */
export function isoTime(time: Date): string;
export function isoTime(time: Date | null): string | null;
export function isoTime(time: Date | null): string | null {
  if (time === null) return null;
  const ms = time.getTime();
  if (ms !== last.ms) {
    last.ms = ms;
    last.text = time.toISOString();
  }
  return last.text;
}

const last = { ms: Number.NaN, text: "" };
