/** A plain-text table: readable in a terminal and in a pasted log, no dependency. */
export function table(
  headers: string[],
  rows: string[][],
  rightAligned: ReadonlySet<number>,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        rightAligned.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Fixed decimals, or "-" where a figure could not be measured (no samples: NaN). */
export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "-";
