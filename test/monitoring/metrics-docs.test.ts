import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { expect } from "chai";
import { testDatabaseUrl } from "../support/global-database.js";
import { type PagerHarness, startPagerHarness } from "../support/pager-harness.js";
import { scrapeOk } from "../support/scrape.js";
import { TEST_KEYS } from "../support/test-keys.js";
import { startTimerHarness, type TimerHarness } from "../support/timer-harness.js";

const execFileAsync = promisify(execFile);
const RULES = "docs/prometheus-rules.yml";
const DASHBOARD = "docs/grafana-dashboard.json";

/** Series names of ours and of the Node.js process, as rules and panels write them. */
const SERIES_NAME = /\b(?:pager|timer|grpc_server|db_pool|process|nodejs)_[a-z0-9_]*[a-z0-9]\b/g;

/**
 * The example alerting rules and the Grafana dashboard in docs/: Prometheus'
 * own tool accepts the rules and runs their unit tests, and every series
 * either names is one the pager or the timer service really exports, so the
 * examples cannot drift from the code.
 */
describe("docs: Prometheus alerting rules and Grafana dashboard", function () {
  this.timeout(60_000);
  let pager: PagerHarness;
  let timer: TimerHarness;
  let exported: Set<string>;

  before(async () => {
    const url = await testDatabaseUrl();
    pager = await startPagerHarness({}, undefined, { databaseUrl: url });
    timer = await startTimerHarness(url, {});
    const texts = [
      (await scrapeOk(`127.0.0.1:${pager.pager.port}`, TEST_KEYS.admin)).text,
      (await scrapeOk(`127.0.0.1:${timer.timer.port}`, TEST_KEYS.timerService)).text,
    ];
    exported = new Set(
      texts.flatMap((text) => [...text.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name ?? "")),
    );
  });
  after(async () => {
    await timer?.stop();
    await pager?.stop();
  });

  it("promtool accepts the rules", async () => {
    const { stdout } = await execFileAsync("promtool", ["check", "rules", RULES]);
    expect(stdout).to.match(/SUCCESS: \d+ rules found/);
  });

  it("the rules fire when they should and stay quiet otherwise (promtool test rules)", async () => {
    const { stdout } = await execFileAsync("promtool", [
      "test",
      "rules",
      "test/monitoring/prometheus-rules.test.yml",
    ]);
    expect(stdout).to.match(/SUCCESS/);
  });

  it("the dashboard is a Grafana import: a Prometheus data-source input, panels with queries", async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, "utf8"));
    expect(dashboard.__inputs[0]).to.include({ name: "DS_PROMETHEUS", pluginId: "prometheus" });
    expect(dashboard.uid).to.be.a("string");
    expect(dashboard.panels).to.have.length.above(5);
    for (const panel of dashboard.panels) {
      expect(panel.targets, panel.title).to.have.length.above(0);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's import placeholder, literally.
      expect(panel.datasource.uid, panel.title).to.equal("${DS_PROMETHEUS}");
    }
  });

  for (const file of [RULES, DASHBOARD]) {
    it(`every series ${file} names is exported`, async () => {
      const names = new Set((await readFile(file, "utf8")).match(SERIES_NAME));
      expect(names.size).to.be.above(5);
      const missing = [...names].filter(
        (name) => !exported.has(name) && !exported.has(name.replace(/_(bucket|count|sum)$/, "")),
      );
      expect(missing).to.deep.equal([]);
    });
  }
});
