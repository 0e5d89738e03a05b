import { rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { buildConsole } from "../../scripts/build-console.js";

let built: Promise<string> | undefined;

/**
 * The console as `npm run build` makes it, built once per test run into a
 * directory of its own: the tests always see the sources they run with,
 * whether or not `dist/` exists or is stale.
 */
export function builtConsole(): Promise<string> {
  built ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "pager-console-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    await buildConsole(dir);
    return dir;
  })();
  return built;
}
