/** What a parser made of a body: the value, or every problem found, worded for the sender. */
export type Parsed<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly errors: string[] };

/** A JSON object: what every event and notification a monitoring system sends must be. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the fields of a JSON object a monitoring system sent, collecting
 * every problem instead of stopping at the first, in PagerDuty's wording
 * (`'payload.summary' is missing or blank`): a sender fixes its whole event
 * in one round trip, and tools that already parse PagerDuty's refusals read
 * ours. Readers return a neutral value ("" or []) for a bad field, so a parser
 * reads on and decides at the end.
 */
export class JsonFields {
  private constructor(
    private readonly fields: JsonObject,
    private readonly path: string,
    readonly errors: string[],
  ) {}

  /** The fields of the top-level object. */
  static of(object: JsonObject): JsonFields {
    return new JsonFields(object, "", []);
  }

  /** Records a problem with one field. */
  fail(field: string, problem: string): void {
    this.errors.push(`'${this.name(field)}' ${problem}`);
  }

  /** A string field; "" when absent, null or blank, which is an error when `required`. */
  string(field: string, required = false): string {
    const value = this.fields[field];
    if (value === undefined || value === null) {
      if (required) this.fail(field, "is missing or blank");
      return "";
    }
    if (typeof value !== "string") {
      this.fail(field, "must be a string");
      return "";
    }
    if (required && value.trim() === "") this.fail(field, "is missing or blank");
    return value;
  }

  /** A string field that must be one of `allowed`; null when it is not (or absent and optional). */
  oneOf<T extends string>(field: string, allowed: readonly T[], required = true): T | null {
    const value = this.string(field, required);
    if (value === "") return null;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    const choices = allowed.map((choice) => `'${choice}'`);
    const last = choices.pop() ?? "";
    const listed = choices.length === 0 ? last : `${choices.join(", ")} or ${last}`;
    this.fail(field, `is invalid (must be one of the following: ${listed})`);
    return null;
  }

  /** A whole number of 0 or more; 0 when absent. */
  count(field: string): number {
    const value = this.fields[field];
    if (value === undefined || value === null) return 0;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
    this.fail(field, "must be a whole number of 0 or more");
    return 0;
  }

  /** A nested object's fields; null when absent (an error when `required`) or not an object. */
  object(field: string, required = false): JsonFields | null {
    const value = this.fields[field];
    if (value === undefined || value === null) {
      if (required) this.fail(field, "is missing or blank");
      return null;
    }
    if (!isJsonObject(value)) {
      this.fail(field, "must be an object");
      return null;
    }
    return new JsonFields(value, this.name(field), this.errors);
  }

  /**
   * An array of objects, each read by its own fields (`links[0].href`); []
   * when absent, which is an error when `required`, as is an empty array.
   */
  objects(field: string, required = false): JsonFields[] {
    const value = this.fields[field];
    if (value === undefined || value === null) {
      if (required) this.fail(field, "is missing or blank");
      return [];
    }
    if (!Array.isArray(value)) {
      this.fail(field, "must be an array");
      return [];
    }
    if (required && value.length === 0) this.fail(field, "must not be empty");
    return value.flatMap((item, index) => {
      if (isJsonObject(item))
        return [new JsonFields(item, this.name(`${field}[${index}]`), this.errors)];
      this.fail(`${field}[${index}]`, "must be an object");
      return [];
    });
  }

  /** An object of string values (Alertmanager's labels and annotations); {} when absent. */
  strings(field: string): Readonly<Record<string, string>> {
    const nested = this.object(field);
    if (nested === null) return {};
    const entries = Object.entries(nested.fields);
    const bad = entries.find(([, value]) => typeof value !== "string");
    if (bad !== undefined) {
      nested.fail(bad[0], "must be a string");
      return {};
    }
    return Object.fromEntries(entries) as Record<string, string>;
  }

  /** A field as it was sent, for free-form content; undefined when absent. */
  raw(field: string): unknown {
    return this.fields[field];
  }

  /** What a parser returns: the value when no field had a problem. */
  result<T>(value: T): Parsed<T> {
    return this.errors.length === 0 ? { ok: true, value } : { ok: false, errors: this.errors };
  }

  private name(field: string): string {
    return this.path === "" ? field : `${this.path}.${field}`;
  }
}
