/** An IPv4 (4 bytes) or IPv6 (16 bytes) address, parsed from its text. */
export interface IpAddress {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses an address as URLs and resolvers write it: dotted IPv4, or IPv6
 * with `::` and an optional dotted tail (`::ffff:127.0.0.1`), brackets
 * allowed. Null for anything else (a host name).
 */
export function parseIp(text: string): IpAddress | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = parseIpv4(bare);
  if (v4 !== null) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(bare);
  return v6 === null ? null : { version: 6, bytes: v6 };
}

function parseIpv4(text: string): number[] | null {
  const match = IPV4.exec(text);
  if (match === null) return null;
  const bytes = match.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  if (!text.includes(":")) return null;
  // A dotted IPv4 tail is two more words.
  const lastColon = text.lastIndexOf(":");
  const dottedTail = text.slice(lastColon + 1);
  let body = text;
  if (dottedTail.includes(".")) {
    const v4 = parseIpv4(dottedTail);
    if (v4 === null) return null;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    body = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = body.split("::");
  if (halves.length > 2) return null;
  const words = (half: string | undefined) =>
    half === undefined || half === ""
      ? []
      : half.split(":").map((p) => (/^[0-9a-fA-F]{1,4}$/.test(p) ? Number.parseInt(p, 16) : NaN));
  const head = words(halves[0]);
  const rest = words(halves[1]);
  if ([...head, ...rest].some(Number.isNaN)) return null;
  let all: number[];
  if (halves.length === 1) {
    if (head.length !== 8) return null;
    all = head;
  } else {
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    all = [...head, ...Array<number>(fill).fill(0), ...rest];
  }
  return all.flatMap((word) => [word >> 8, word & 0xff]);
}

/** A block of addresses: `10.0.0.0/8`, `fc00::/7`; a lone address is a block of one. */
export interface IpRange {
  readonly version: 4 | 6;
  readonly bytes: readonly number[];
  readonly prefix: number;
}

/** Parses `address/prefix` or a lone address; null when it is neither. */
export function parseIpRange(text: string): IpRange | null {
  const [address = "", prefixText, ...rest] = text.split("/");
  if (rest.length > 0) return null;
  const ip = parseIp(address);
  if (ip === null) return null;
  const max = ip.version === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...ip, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { ...ip, prefix } : null;
}

/** Whether `ip` lies in `range` (never across IP versions). */
export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.version !== range.version) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const left = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - left)) & 0xff;
    if (((ip.bytes[bit / 8] ?? 0) & mask) !== ((range.bytes[bit / 8] ?? 0) & mask)) return false;
  }
  return true;
}

/** The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) stands for, or null. */
export function mappedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.version !== 6) return null;
  const mapped =
    ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return mapped ? { version: 4, bytes: ip.bytes.slice(12) } : null;
}
