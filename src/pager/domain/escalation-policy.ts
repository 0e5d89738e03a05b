import { invalidArgument } from "../../platform/errors/domain-error.js";
import { type Target, targetKey, validateTarget } from "./target.js";
import { requireText, utf8Length } from "./text-field.js";
import type { WebhookHostRule } from "./webhook-hosts.js";

/** The acknowledgement delay of a level that does not choose one. */
export const DEFAULT_ACK_TIMEOUT_MS = 15 * 60 * 1000;
/** Shorter delays would page the next level before anyone could react. */
export const MIN_ACK_TIMEOUT_MS = 1000;
/** Longer delays would leave an incident unescalated for more than a day. */
export const MAX_ACK_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const MAX_LEVELS = 20;
const MAX_TARGETS_PER_LEVEL = 50;
/**
 * Bytes of a policy's levels as stored: each alert keeps a copy, and each
 * read of a policy or an alert carries it.
 */
const MAX_LEVELS_BYTES = 64 * 1024;
/** Bytes of UTF-8; service names are a unique index key, far below PostgreSQL's limit. */
const MAX_NAME_BYTES = 200;

/** Everyone paged together, and how long they have before the next level. */
export interface EscalationLevel {
  readonly targets: readonly Target[];
  readonly ackTimeoutMs: number;
}

/** Who is paged, in which order, while an alert stays unacknowledged. */
export interface EscalationPolicy {
  readonly id: string;
  readonly name: string;
  readonly levels: readonly EscalationLevel[];
  readonly createTime: Date;
  readonly updateTime: Date;
}

/** A level as a client wrote it: the delay may be left to the default. */
export interface EscalationLevelInput {
  readonly targets: readonly Target[];
  readonly ackTimeoutMs?: number | undefined;
}

/**
 * Checks a human-chosen name; shared by policies and services so both refuse
 * the same way.
 */
export function validateName(name: string, field: string): string {
  return requireText(name, field, MAX_NAME_BYTES);
}

/**
 * Turns levels as written into levels that can page: every problem is
 * reported with the path of the field to fix, and unset delays become the
 * default so that what is stored is what is read back.
 */
export function validateLevels(
  levels: readonly EscalationLevelInput[],
  webhookHosts: WebhookHostRule,
  field = "levels",
): EscalationLevel[] {
  if (levels.length === 0) throw invalidArgument(field, "at least one level is required");
  if (levels.length > MAX_LEVELS) {
    throw invalidArgument(field, `at most ${MAX_LEVELS} levels are allowed`);
  }
  const valid = levels.map((level, index) =>
    validateLevel(level, `${field}[${index}]`, webhookHosts),
  );
  const bytes = utf8Length(JSON.stringify(valid));
  if (bytes > MAX_LEVELS_BYTES) {
    throw invalidArgument(
      field,
      `take ${bytes} bytes as stored; at most ${MAX_LEVELS_BYTES} are allowed (use fewer or shorter targets)`,
    );
  }
  return valid;
}

function validateLevel(
  level: EscalationLevelInput,
  field: string,
  webhookHosts: WebhookHostRule,
): EscalationLevel {
  if (level.targets.length === 0) {
    throw invalidArgument(`${field}.targets`, "at least one target is required");
  }
  if (level.targets.length > MAX_TARGETS_PER_LEVEL) {
    throw invalidArgument(
      `${field}.targets`,
      `at most ${MAX_TARGETS_PER_LEVEL} targets are allowed per level`,
    );
  }
  const seen = new Set<string>();
  const targets = level.targets.map((target, index) => {
    const valid = validateTarget(target, `${field}.targets[${index}]`, webhookHosts);
    const key = targetKey(valid);
    if (seen.has(key)) {
      throw invalidArgument(`${field}.targets[${index}]`, `duplicates an earlier target (${key})`);
    }
    seen.add(key);
    return valid;
  });
  const ackTimeoutMs = level.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  if (
    !Number.isInteger(ackTimeoutMs) ||
    ackTimeoutMs < MIN_ACK_TIMEOUT_MS ||
    ackTimeoutMs > MAX_ACK_TIMEOUT_MS
  ) {
    throw invalidArgument(
      `${field}.ack_timeout`,
      "must be whole milliseconds from 1s to 24h inclusive (leave unset for 15m)",
    );
  }
  return { targets, ackTimeoutMs };
}
