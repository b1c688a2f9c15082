/**
 * Reporters: metrics rows as JSONL and CSV, files written atomically (temp file, then
 * rename), and a fixed-width table for the terminal.
 *
 * @module
 */
import type { MetricsRow } from "./rows.ts";

/** One JSON object per line, keys in the row's order; same rows → same bytes. */
export function toJsonl(rows: readonly object[]): string {
  return rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
}

/** CSV with a header of every key seen (first-seen order); null and missing cells are empty. */
export function toCsv(rows: readonly object[]): string {
  const columns: string[] = [];
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!columns.includes(key)) columns.push(key);
    }
  }
  const cell = (value: unknown) => {
    if (value === null || value === undefined) return "";
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = rows.map((row) =>
    columns.map((column) => cell((row as Record<string, unknown>)[column])).join(",")
  );
  return [columns.join(","), ...lines].join("\n") + "\n";
}

/**
 * Writes `text` to `path` so that readers see either the old file or the whole new one:
 * the text goes to a temporary file beside it, which is then renamed over `path`.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${Deno.pid}.tmp`;
  try {
    await Deno.writeTextFile(temporary, text);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function formatNumber(value: number | null): string {
  if (value === null) return "—";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  return magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(3) : value.toPrecision(4);
}

/** The final row of each run as an aligned text table. */
export function formatTable(rows: readonly MetricsRow[]): string {
  const header = [
    "algorithm",
    "step",
    "loss",
    "‖∇f(x̄)‖²",
    "consensus",
    "u-disagr.",
    "accuracy",
    "acc. spread",
  ];
  const percent = (value: number | null | undefined) =>
    value === null || value === undefined ? "—" : `${(100 * value).toFixed(1)}%`;
  const body = rows.map((row) => [
    row.algorithm,
    String(row.step),
    formatNumber(row.loss),
    formatNumber(row.gradNormSq),
    formatNumber(row.consensusDistance),
    formatNumber(row.rateDisagreement),
    percent(row.accuracy),
    percent(row.accuracySpread),
  ]);
  const widths = header.map((title, c) =>
    Math.max(title.length, ...body.map((line) => line[c].length))
  );
  const render = (line: string[]) =>
    line.map((text, c) => c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c])).join("  ");
  return [render(header), widths.map((w) => "─".repeat(w)).join("  "), ...body.map(render)]
    .join("\n");
}
