import type { Logger } from "pino";
import { secretFileKeeper } from "./adapters/system/secret-file-keeper.js";
import type { AppDeps } from "./app/ports.js";
import { ensureFirstAdminKey, ensureKeptKey, ensureSuppliedKey } from "./app/server-keys.js";
import { isUsable } from "./domain/api-key.js";
import type { PagerConfig } from "./settings/pager-config.js";

/** The keys the pager made or found for itself at start. */
export interface ServerKeys {
  /** For the start line: where the admin key came from, when this start had a say in it. */
  readonly adminKey: string | undefined;
  /** The timer-role secret every timer callback carries; null unless timers are external. */
  readonly callbackSecret: string | null;
  /** For the start line: where that secret came from. */
  readonly callbackKey: string | undefined;
}

/**
 * Before the port opens: the operator's admin key (PAGER_ADMIN_KEY), or on
 * a first start the first admin key with its secret in a 0600 file; and, when
 * a timer service holds the timers, the timer-role key its callbacks carry:
 * PAGER_TIMER_CALLBACK_KEY whenever it is set (a replica that relays no
 * timers still answers callbacks that carry it), or a key kept in a file by
 * a replica that relays timers.
 * No secret is ever logged: the start line says where to find it.
 */
export async function prepareServerKeys(
  config: PagerConfig,
  deps: AppDeps,
  logger: Logger,
): Promise<ServerKeys> {
  return {
    adminKey: await prepareAdminKey(config, deps, logger),
    ...(await prepareCallbackKey(config, deps)),
  };
}

async function prepareAdminKey(
  config: PagerConfig,
  deps: AppDeps,
  logger: Logger,
): Promise<string | undefined> {
  const supplied = config.auth.adminKey;
  if (supplied !== null) {
    const key = await ensureSuppliedKey(deps, supplied, {
      role: "admin",
      name: "admin (PAGER_ADMIN_KEY)",
      setting: "PAGER_ADMIN_KEY",
    });
    if (!isUsable(key, deps.clock.now())) {
      logger.warn(
        { api_key_id: key.id },
        "PAGER_ADMIN_KEY names a revoked or expired key and does not work; set a new secret to have an admin key again",
      );
    }
    return "PAGER_ADMIN_KEY";
  }
  const keeper = secretFileKeeper(config.auth.adminKeyFile);
  const created = await ensureFirstAdminKey(deps, keeper);
  return created === null ? undefined : `created; its secret is in ${keeper.location} (mode 0600)`;
}

async function prepareCallbackKey(
  config: PagerConfig,
  deps: AppDeps,
): Promise<Pick<ServerKeys, "callbackSecret" | "callbackKey">> {
  const relaying = config.timerWorker && config.timers.serviceUrl !== null;
  const wanted = { role: "timer", name: "timer callbacks" } as const;
  const supplied = config.timers.callbackKey;
  if (supplied !== null) {
    const key = await ensureSuppliedKey(deps, supplied, {
      ...wanted,
      setting: "PAGER_TIMER_CALLBACK_KEY",
    });
    if (!isUsable(key, deps.clock.now())) {
      throw new Error(
        "PAGER_TIMER_CALLBACK_KEY names a revoked or expired key: timer callbacks would be refused; choose a new secret",
      );
    }
    return { callbackSecret: supplied, callbackKey: "PAGER_TIMER_CALLBACK_KEY" };
  }
  if (!relaying) return { callbackSecret: null, callbackKey: undefined };
  const keeper = secretFileKeeper(config.timers.callbackKeyFile);
  const { secret, created } = await ensureKeptKey(deps, keeper, wanted);
  return {
    callbackSecret: secret,
    callbackKey: `${created ? "created" : "kept"} in ${keeper.location} (mode 0600)`,
  };
}
