import { type Setting, shownDefault } from "./setting.js";

/** What `--help` says about a program before its settings. */
export interface ProgramUsage {
  /** How it is started, e.g. `npm start`. */
  readonly command: string;
  /** One line on what it is. */
  readonly summary: string;
}

const WIDTH = 100;
const INDENT = "    ";

/**
 * The text of `--help`: every setting with its default and meaning, from the
 * same table the settings are read from, so it cannot drift from what the
 * program reads. The README's Markdown is turned into plain text.
 */
export function settingsHelp(usage: ProgramUsage, settings: readonly Setting[]): string {
  const lines = [
    `Usage: ${usage.command} [-- --help]`,
    "",
    usage.summary,
    "",
    "Settings are environment variables; a bad value stops the start with a message naming it.",
    "",
  ];
  for (const setting of settings) {
    lines.push(`${setting.name}  (default: ${plain(shownDefault(setting))})`);
    lines.push(...wrap(plain(setting.meaning)), "");
  }
  return lines.join("\n");
}

/** Markdown of the tables as a terminal shows it: no backticks, links as their text. */
function plain(markdown: string): string {
  return markdown.replace(/\[([^\]]+)\]\([^)]+\)/g, "$1").replace(/`/g, "");
}

function wrap(text: string): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && INDENT.length + line.length + 1 + word.length > WIDTH) {
      lines.push(INDENT + line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(INDENT + line);
  return lines;
}
