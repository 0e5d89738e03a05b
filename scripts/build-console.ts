import { copyFile, mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOURCE = join(ROOT, "src", "console");
/** Where `npm run build` puts the console, and where the pager looks by default (PAGER_CONSOLE_DIR). */
export const CONSOLE_OUT_DIR = join(ROOT, "dist", "console");

/**
 * Bundles the web console into `outDir`: `index.html`, `main.js` and
 * `app.css`, everything the page needs, so nothing is fetched from elsewhere
 * at run time. Type checking is `tsc -p src/console`, run before this by
 * `npm run build`; esbuild only strips types.
 */
export async function buildConsole(outDir: string = CONSOLE_OUT_DIR): Promise<void> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: [join(SOURCE, "main.tsx"), join(SOURCE, "app.css")],
    entryNames: "[name]",
    bundle: true,
    minify: true,
    sourcemap: true,
    format: "esm",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    outdir: outDir,
    logLevel: "warning",
    legalComments: "linked",
  });
  await copyFile(join(SOURCE, "index.html"), join(outDir, "index.html"));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildConsole(process.argv[2] ?? CONSOLE_OUT_DIR);
}
