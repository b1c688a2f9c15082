// The figure of examples/compression_figure.ts: test accuracy against total bytes sent and
// against virtual time (both log axes), one line per method, the accuracy threshold of the table as
// a dotted rule. Rendered headless and offline through metrics/plot.ts's renderVegaLite; and
// the same numbers as a plain-text table.
import { type CompressionResult, reached } from "./compression_grids.ts";
import { renderVegaLite } from "../mod.ts";
import { textTable } from "./_text_table.ts";

/** The ticks m · 10^k (m from `mantissas`) that span the positive values, one decade past. */
export function logTicks(values: readonly number[], mantissas: readonly number[]): number[] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [];
  const low = Math.floor(Math.log10(Math.min(...positive)));
  const high = Math.ceil(Math.log10(Math.max(...positive)));
  const ticks: number[] = [];
  for (let k = low; k <= high; k++) for (const m of mantissas) ticks.push(m * 10 ** k);
  return ticks;
}

/** A panel of accuracy against `x` (bytes or virtual time, both on log axes). */
function panel(
  results: readonly CompressionResult[],
  x: "bytes" | "virtualTime",
  threshold: number,
): object {
  const points = results.flatMap((r) =>
    r.points
      .filter((p) => p.accuracy !== null && p[x] > 0)
      .map((p) => ({ method: r.label, x: p[x], accuracy: p.accuracy }))
  );
  const bytes = x === "bytes";
  return {
    title: bytes ? "Test accuracy against bytes sent" : "Test accuracy against virtual time",
    width: 320,
    height: 260,
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: { size: 12 } },
        encoding: {
          x: {
            field: "x",
            type: "quantitative",
            title: bytes ? "total bytes sent, all nodes (log)" : "virtual time (s, log)",
            scale: { type: "log" },
            axis: { values: logTicks(points.map((p) => p.x), bytes ? [1] : [1, 3]), format: "~s" },
          },
          y: {
            field: "accuracy",
            type: "quantitative",
            title: "test accuracy of x̄",
            scale: { zero: false },
            axis: { format: ".0%" },
          },
          color: {
            field: "method",
            type: "nominal",
            title: "method",
            scale: { domain: results.map((r) => r.label) },
            legend: { orient: "bottom", direction: "vertical", labelLimit: 0 },
          },
        },
      },
      {
        data: { values: [{ threshold }] },
        mark: { type: "rule", strokeDash: [2, 3], color: "#666" },
        encoding: { y: { field: "threshold", type: "quantitative" } },
      },
    ],
  };
}

/**
 * The vega-lite spec of the figure (two panels side by side).
 *
 * @param results the runs
 * @param threshold the accuracy of the dotted rule, in [0, 1]
 * @param subtitle what the runs ran on
 * @returns the spec
 */
export function figureSpec(
  results: readonly CompressionResult[],
  threshold: number,
  subtitle: string,
): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    title: {
      text: "Compressed gossip: accuracy against bytes and against time",
      subtitle: [subtitle, `dotted: ${(100 * threshold).toFixed(0)}% test accuracy`],
    },
    hconcat: [panel(results, "bytes", threshold), panel(results, "virtualTime", threshold)],
    resolve: { legend: { color: "shared" } },
    config: { aria: false },
  };
}

/**
 * Renders the figure as SVG, headless and offline.
 *
 * @param results the runs
 * @param threshold the accuracy of the dotted rule
 * @param subtitle what the runs ran on
 * @returns the SVG text
 */
export async function renderFigure(
  results: readonly CompressionResult[],
  threshold: number,
  subtitle: string,
): Promise<string> {
  return await renderVegaLite(figureSpec(results, threshold, subtitle));
}

/** Bytes in decimal units (B, kB, MB, GB), three significant digits. */
export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let k = 0;
  while (k < units.length - 1 && bytes >= 1000 ** (k + 1)) k++;
  return k === 0 ? `${bytes} B` : `${(bytes / 1000 ** k).toPrecision(3)} ${units[k]}`;
}

const percent = (v: number | null) => (v === null ? "—" : `${(100 * v).toFixed(1)}%`);

/**
 * The runs as a plain-text table: bytes per message, final accuracy of x̄ and mean of the
 * nodes' own, bytes and virtual time at the end, and the step, bytes and virtual time at which each run first reached each
 * threshold ("—": never).
 *
 * @param results the runs
 * @param thresholds the accuracies, in [0, 1]
 * @returns the table, one line a row
 */
export function formatTable(
  results: readonly CompressionResult[],
  thresholds: readonly number[],
): string {
  const header = ["method", "B/message", "final acc.", "node acc.", "bytes", "time (s)"];
  for (const t of thresholds) {
    const name = (100 * t).toFixed(0);
    header.push(`step@${name}%`, `bytes@${name}%`, `time@${name}%`);
  }
  const rows = results.map((r) => {
    const last = r.points.at(-1);
    const cells = [
      r.label,
      formatBytes(Math.round(r.bytesPerMessage)),
      percent(last?.accuracy ?? null),
      percent(last?.nodeAccuracy ?? null),
      last ? formatBytes(last.bytes) : "—",
      last ? last.virtualTime.toFixed(2) : "—",
    ];
    for (const t of thresholds) {
      const hit = reached(r, t);
      cells.push(
        hit ? String(hit.step) : "—",
        hit ? formatBytes(hit.bytes) : "—",
        hit ? hit.virtualTime.toFixed(2) : "—",
      );
    }
    return cells;
  });
  return textTable([header, ...rows]).join("\n");
}
