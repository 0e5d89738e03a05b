import { generateSecret } from "../../src/platform/secrets/random-secret.js";

/**
 * The secrets test servers are started with, fresh for each test run: the
 * pager's admin key (PAGER_ADMIN_KEY, so no key file is written), the keys
 * the timer service accepts (TIMER_API_KEYS) and the timer-role key the
 * pager's callbacks carry (PAGER_TIMER_CALLBACK_KEY).
 */
export const TEST_KEYS = {
  admin: generateSecret(),
  timerService: generateSecret(),
  timerCallback: generateSecret(),
} as const;

/**
 * The settings every test pager gets: its keys, and leave to deliver
 * webhooks to the fake receivers, which listen on loopback (a pager refuses
 * internal addresses unless allowed). Suites about those refusals override
 * PAGER_WEBHOOK_ALLOWED_HOSTS.
 */
export function testPagerEnv(): Record<string, string> {
  return {
    PAGER_ADMIN_KEY: TEST_KEYS.admin,
    PAGER_TIMER_CALLBACK_KEY: TEST_KEYS.timerCallback,
    PAGER_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  };
}
