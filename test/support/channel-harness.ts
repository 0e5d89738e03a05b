import { type FakeProviders, startFakeProviders } from "./fake-providers.js";
import { LogRecorder } from "./log-recorder.js";
import { type PagerHarness, startPagerHarness } from "./pager-harness.js";

/** The secret webhooks of a channel harness are signed with; tests check it never shows in logs. */
export const WEBHOOK_SECRET = "webhook-secret-do-not-log";

/** A pager whose every channel is live against fake providers, and what it logged. */
export interface ChannelHarness extends PagerHarness {
  readonly fakes: FakeProviders;
  readonly logs: LogRecorder;
}

/**
 * Starts the fake SMTP relay, Twilio API and webhook receiver, then a pager
 * (timer worker off: tests escalate by calling the timeout themselves)
 * pointed at them, with `env` on top.
 */
export async function startChannelHarness(
  env: Record<string, string> = {},
  options: Parameters<typeof startPagerHarness>[2] = {},
): Promise<ChannelHarness> {
  const fakes = await startFakeProviders(WEBHOOK_SECRET);
  const logs = new LogRecorder();
  try {
    const h = await startPagerHarness(
      { ...fakes.env, PAGER_TIMER_WORKER: "off", ...env },
      logs,
      options,
    );
    return {
      ...h,
      fakes,
      logs,
      async stop() {
        await h.stop();
        await fakes.close();
      },
    };
  } catch (error) {
    await fakes.close();
    throw error;
  }
}
