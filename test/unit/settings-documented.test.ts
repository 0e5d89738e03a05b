import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { pagerSettingList, readConfig } from "../../src/pager/settings/pager-config.js";
import type { Env } from "../../src/platform/settings/env-values.js";
import { type Setting, shownDefault } from "../../src/platform/settings/setting.js";
import { readTimerConfig, timerSettingList } from "../../src/timer/timer-config.js";

const execFileAsync = promisify(execFile);

/** Upper-case strings in src/ that look like settings but are not: error reasons. */
const NOT_SETTINGS = new Set(["TIMER_ID_TAKEN"]);

const programs = [
  {
    name: "pager",
    entry: "test/support/pager-main.ts",
    prefix: "PAGER_",
    list: pagerSettingList,
    read: (env: Env) => readConfig(env),
    readmeHeader: "| Variable | Default | Meaning |",
  },
  {
    name: "timer service",
    entry: "test/support/timer-main.ts",
    prefix: "TIMER_",
    list: timerSettingList,
    read: (env: Env) => readTimerConfig(env),
    readmeHeader: "| Timer service variable | Default | Meaning |",
  },
] as const;

describe("settings: one table read, printed by --help and documented in the README", () => {
  for (const program of programs) {
    describe(program.name, () => {
      it("lists each setting once", () => {
        const names = program.list().map((setting) => setting.name);
        expect(names).to.deep.equal([...new Set(names)]);
      });

      it("--help prints every setting with its default, whatever the environment holds", async () => {
        // A value that would stop the start: --help must not read settings at all.
        const env = { ...process.env, [`${program.prefix}PORT`]: "not-a-port" };
        const { stdout } = await execFileAsync(
          process.execPath,
          ["--import", "tsx", program.entry, "--help"],
          { env },
        );
        const printed = [...stdout.matchAll(/^(\S+) {2}\(default: (.*)\)$/gm)].map(
          ([, name, fallback]) => [name, fallback],
        );
        const expected = program
          .list()
          .map((setting) => [setting.name, shownDefault(setting).replace(/`/g, "")]);
        expect(printed).to.deep.equal(expected);
      });

      it("the table holds every variable the code reads", async () => {
        const table = new Set(program.list().map((setting) => setting.name));
        const readAtStart = recordReads(program.read);
        expect([...readAtStart].filter((name) => !table.has(name))).to.deep.equal([]);
        const named = [...(await namesInSource())].filter(
          (name) => name.startsWith(program.prefix) || name === "DATABASE_URL",
        );
        expect(named.filter((name) => !table.has(name))).to.deep.equal([]);
      });

      it("the README tables list exactly these settings, defaults and meanings", async () => {
        const readme = await readFile("README.md", "utf8");
        const documented = tableRows(readme, program.readmeHeader);
        const expected = program.list().map(readmeRow);
        const missing = expected.filter((row) => !documented.includes(row));
        const stale = documented.filter((row) => !expected.includes(row));
        expect({ missing, stale }, "README rows to add (missing) and remove (stale)").to.deep.equal(
          { missing: [], stale: [] },
        );
      });
    });
  }
});

/** The row the README must hold for `setting`. */
function readmeRow(setting: Setting): string {
  return `| \`${setting.name}\` | ${shownDefault(setting)} | ${setting.meaning} |`;
}

/** The rows of every README table under `header`. */
function tableRows(readme: string, header: string): string[] {
  const rows: string[] = [];
  const lines = readme.split("\n");
  lines.forEach((line, index) => {
    if (line !== header) return;
    for (let at = index + 2; lines[at]?.startsWith("|"); at++) rows.push(lines[at] as string);
  });
  return rows;
}

/** Every variable a program's configuration reader looks at, with nothing set. */
function recordReads(read: (env: Env) => unknown): Set<string> {
  const names = new Set<string>();
  const env = new Proxy({} as Env, {
    get(_target, name) {
      if (typeof name === "string") names.add(name);
      return undefined;
    },
  });
  read(env);
  return names;
}

/**
 * Names of settings written in src/: string literals that are exactly a
 * PAGER_/TIMER_ name or DATABASE_URL, `env.NAME`, and `${prefix}_NAME`
 * (for both prefixes). Constants named that way are not strings and are skipped.
 */
async function namesInSource(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const file of await sourceFiles("src")) {
    const code = await readFile(file, "utf8");
    for (const [, name] of code.matchAll(/["'`]((?:PAGER|TIMER)_[A-Z0-9_]+|DATABASE_URL)["'`]/g)) {
      names.add(name as string);
    }
    for (const [, name] of code.matchAll(/\benv\.((?:PAGER|TIMER)_[A-Z0-9_]+|DATABASE_URL)/g)) {
      names.add(name as string);
    }
    for (const [, suffix] of code.matchAll(/\$\{prefix\}_([A-Z0-9_]+)/g)) {
      names.add(`PAGER_${suffix}`).add(`TIMER_${suffix}`);
    }
  }
  for (const name of NOT_SETTINGS) names.delete(name);
  return names;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
