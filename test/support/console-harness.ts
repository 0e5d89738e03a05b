import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { builtConsole } from "./built-console.js";
import { type FakeProviders, startFakeProviders } from "./fake-providers.js";
import { type PagerHarness, startPagerHarness } from "./pager-harness.js";
import { createTestDatabase } from "./test-database.js";

/** Flags for a quiet, throw-away Chromium: nothing phones home, nothing persists. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--headless",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Debian's Chromium, where `command -v chromium` finds it. */
function chromiumPath(): string {
  try {
    return execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).trim();
  } catch {
    throw new Error("chromium is not installed: apt-get install -y chromium");
  }
}

/** A pager serving its console on a real port, its fake providers, and a real Chromium. */
export interface ConsoleHarness extends PagerHarness {
  readonly fakes: FakeProviders;
  /** `http://127.0.0.1:<port>` (`https://` with PAGER_TLS_CERT): where the console is. */
  readonly baseUrl: string;
  readonly browser: BrowserContext;
  /** A new tab: its own sessionStorage, so its own sign-in. */
  newPage(): Promise<Page>;
  /** Opens the console in `page` and signs in with `secret`, as a person would. */
  signIn(page: Page, secret: string): Promise<void>;
}

/**
 * Starts a database of its own (so the Alerts view shows only this suite's
 * alerts), fake SMTP/Twilio/webhook servers, a pager whose channels are live
 * against them and which serves the freshly built console, and Chromium with
 * a fresh profile.
 */
export async function startConsoleHarness(
  env: Record<string, string> = {},
): Promise<ConsoleHarness> {
  const consoleDir = await builtConsole();
  const tls = env.PAGER_TLS_CERT !== undefined;
  const database = await createTestDatabase();
  const fakes = await startFakeProviders("console-webhook-secret");
  const profile = await mkdtemp(path.join(os.tmpdir(), "pager-chromium-"));
  const cleanUp = async () => {
    await fakes.close();
    await database.drop();
    await rm(profile, { recursive: true, force: true });
  };
  let h: PagerHarness;
  try {
    h = await startPagerHarness(
      { ...fakes.env, PAGER_CONSOLE_DIR: consoleDir, ...env },
      undefined,
      { databaseUrl: database.url },
    );
  } catch (error) {
    await cleanUp();
    throw error;
  }
  let browser: BrowserContext;
  try {
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      headless: true,
      chromiumSandbox: false,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 720 },
      // The test CA is not in the profile's trust store; TLS itself is still spoken.
      ignoreHTTPSErrors: tls,
      locale: "en-GB",
      timezoneId: "UTC",
    });
  } catch (error) {
    await h.stop();
    await cleanUp();
    throw error;
  }
  const baseUrl = `${tls ? "https" : "http"}://${h.address}`;
  return {
    ...h,
    fakes,
    baseUrl,
    browser,
    newPage: () => browser.newPage(),
    async signIn(page, secret) {
      await page.goto(`${baseUrl}/`);
      await page.getByLabel("API key").fill(secret);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
    },
    async stop() {
      await browser.close();
      await h.stop();
      await cleanUp();
    },
  };
}
