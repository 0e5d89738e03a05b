import {
  create,
  type DescEnum,
  type DescField,
  type DescMessage,
  type Message,
  ScalarType,
} from "@bufbuild/protobuf";

/** A seeded pseudo-random source (mulberry32): the same seed makes the same requests. */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Characters a careless or hostile client sends: NUL, controls, CJK, emoji, a lone surrogate. */
const NASTY_CHARACTERS = [
  "\u0000",
  "\u0001",
  "\u001b",
  "\u007f",
  "\n",
  "\t",
  "\r",
  "é",
  "鉤",
  "🔥",
  "\ud800",
  "\udfff",
  "\u200b",
  "\ufeff",
  "%",
  "'",
  '"',
  "\\",
  "/",
  "..",
  "<",
  "a",
  "Z",
  "0",
  " ",
];

/**
 * Builds random requests from message descriptors (gen/): strings with NUL
 * and unicode, 10 KB strings, huge and negative numbers, out-of-range enum
 * numbers, malformed and unknown ids, and now and then a valid id of
 * something that exists (`knownIds`), so both the refusals and the paths
 * behind them are reached.
 */
export class MessageFuzzer {
  constructor(
    private readonly random: SeededRandom,
    private readonly knownIds: () => readonly string[],
  ) {}

  message<Desc extends DescMessage>(schema: Desc, depth = 0): Message {
    const message = create(schema) as unknown as Record<string, unknown>;
    for (const oneof of schema.oneofs) {
      if (this.random.chance(0.3)) continue;
      const field = this.random.pick(oneof.fields);
      message[oneof.localName] = { case: field.localName, value: this.single(field, depth) };
    }
    for (const field of schema.fields) {
      if (field.oneof !== undefined || this.random.chance(0.25)) continue;
      message[field.localName] = this.fieldValue(field, depth);
    }
    return message as unknown as Message;
  }

  private fieldValue(field: DescField, depth: number): unknown {
    switch (field.fieldKind) {
      case "list": {
        const length = this.listLength(depth);
        return Array.from({ length }, () => {
          if (field.listKind === "message") return this.message(field.message, depth + 1);
          if (field.listKind === "enum") return this.enumValue(field.enum);
          return this.scalar(field.scalar);
        });
      }
      case "map": {
        const entries = Array.from({ length: this.listLength(depth) }, () => {
          const key = String(this.scalar(field.mapKey));
          if (field.mapKind === "message") return [key, this.message(field.message, depth + 1)];
          if (field.mapKind === "enum") return [key, this.enumValue(field.enum)];
          return [key, this.scalar(field.scalar)];
        });
        return Object.fromEntries(entries);
      }
      default:
        return this.single(field, depth);
    }
  }

  private single(field: DescField, depth: number): unknown {
    switch (field.fieldKind) {
      case "message":
        return depth >= 4 ? create(field.message) : this.message(field.message, depth + 1);
      case "enum":
        return this.enumValue(field.enum);
      case "scalar":
        return this.scalar(field.scalar);
      default:
        return this.fieldValue(field, depth);
    }
  }

  private listLength(depth: number): number {
    if (depth >= 3) return 0;
    return this.random.chance(0.05) ? 25 + this.random.int(40) : this.random.int(4);
  }

  private enumValue(desc: DescEnum): number {
    if (this.random.chance(0.7)) return this.random.pick(desc.values).number;
    return this.random.pick([-1, 99, 2_147_483_647, -2_147_483_648]);
  }

  private scalar(type: ScalarType): unknown {
    const r = this.random;
    switch (type) {
      case ScalarType.STRING:
        return this.string();
      case ScalarType.BOOL:
        return r.chance(0.5);
      case ScalarType.BYTES:
        return Uint8Array.from({ length: r.int(64) }, () => r.int(256));
      case ScalarType.DOUBLE:
      case ScalarType.FLOAT:
        return r.pick([0, -1, 1.5, 1e308, -1e308, Number.NaN, Number.POSITIVE_INFINITY]);
      case ScalarType.INT64:
      case ScalarType.SINT64:
      case ScalarType.SFIXED64:
        return r.pick([
          0n,
          1n,
          -1n,
          9_223_372_036_854_775_807n,
          -9_223_372_036_854_775_808n,
          BigInt(r.int(1e9)),
        ]);
      case ScalarType.UINT64:
      case ScalarType.FIXED64:
        return r.pick([0n, 1n, 18_446_744_073_709_551_615n, BigInt(r.int(1e9))]);
      case ScalarType.UINT32:
      case ScalarType.FIXED32:
        return r.pick([0, 1, 4_294_967_295, r.int(100_000)]);
      default:
        return r.pick([0, 1, -1, 2_147_483_647, -2_147_483_648, r.int(2000) - 1000]);
    }
  }

  private string(): string {
    const r = this.random;
    const known = this.knownIds();
    switch (r.int(12)) {
      case 0:
        return "";
      case 1:
        return "x".repeat(10 * 1024);
      case 2:
        return r.pick(NASTY_CHARACTERS).repeat(3400);
      case 3:
      case 4:
        return Array.from({ length: 1 + r.int(24) }, () => r.pick(NASTY_CHARACTERS)).join("");
      case 5:
        return known.length > 0 ? r.pick(known) : "";
      case 6:
        return r.pick([
          "0190a5f1-0000-7000-8000-000000000000",
          "00000000-0000-0000-0000-000000000000",
          "not-an-id",
          "0190a5f1-0000-7000-8000-00000000000g",
          "0190A5F1-0000-7000-8000-000000000000",
          "0190a5f1000070008000000000000000",
        ]);
      case 7:
        return r.pick([
          "ana@example.com",
          "+14155550123",
          "https://hooks.example.com/p",
          "http://127.0.0.1:9/x",
          "http://169.254.169.254/latest",
          "http://[::1]/",
          "ftp://x",
          "https://u:p@hooks.example.com/",
        ]);
      case 8:
        return r.pick(["name", "levels", "escalation_policy_id", "bogus", "levels.targets", "*"]);
      case 9:
        return r.pick(["AAAA", "garbage", "eyJ9", "%%%", "MTAwMA", "-1"]);
      case 10:
        return r.pick(["ADMIN", "admin", "2026-11-27T10:00:00Z", "15m", "-1s"]);
      default:
        return Array.from({ length: r.int(40) }, () => String.fromCharCode(32 + r.int(95))).join(
          "",
        );
    }
  }
}
