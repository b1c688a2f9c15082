// The figure of examples/fedbuff.ts: test accuracy against virtual time per method (the mean
// over seeds, their range shaded), and the staleness histogram of FedBuff's applied uploads;
// rendered headless through metrics/plot.ts's renderVegaLite; and the same numbers as a table.
import type { FedBuffRun } from "./fedbuff_grids.ts";
import { renderVegaLite } from "../mod.ts";
import { textTable } from "./_text_table.ts";

/** One method's accuracy on the time grid over the seeds: mean, least and largest. */
export interface GridSummary {
  /** The method's label. */
  method: string;
  /** The time grid (virtual seconds). */
  times: number[];
  /** Mean test accuracy over the seeds at each time (null until every seed has one). */
  mean: (number | null)[];
  /** Least over the seeds. */
  low: (number | null)[];
  /** Largest over the seeds. */
  high: (number | null)[];
}

/** Per method (in the runs' order), the accuracy on the time grid over the seeds. */
export function summarize(runs: readonly FedBuffRun[], grid: readonly number[]): GridSummary[] {
  const methods = [...new Set(runs.map((run) => run.method))];
  return methods.map((method) => {
    const mine = runs.filter((run) => run.method === method);
    const at = (k: number) => mine.map((run) => run.onGrid[k]);
    const all = (k: number) => at(k).every((v) => v !== null) ? (at(k) as number[]) : null;
    return {
      method,
      times: [...grid],
      mean: grid.map((_, k) => all(k) && all(k)!.reduce((a, b) => a + b, 0) / mine.length),
      low: grid.map((_, k) => all(k) && Math.min(...all(k)!)),
      high: grid.map((_, k) => all(k) && Math.max(...all(k)!)),
    };
  });
}

/** The staleness histogram of `method`'s runs, summed over the seeds. */
export function stalenessTotals(runs: readonly FedBuffRun[], method: string): number[] {
  const totals: number[] = [];
  for (const run of runs.filter((r) => r.method === method)) {
    run.stalenessHistogram.forEach((count, tau) => totals[tau] = (totals[tau] ?? 0) + count);
  }
  return Array.from(totals, (count) => count ?? 0);
}

function accuracyPanel(summaries: readonly GridSummary[]): object {
  const points = summaries.flatMap((s) =>
    s.times.flatMap((time, k) =>
      s.mean[k] === null
        ? []
        : [{ method: s.method, time, mean: s.mean[k], low: s.low[k], high: s.high[k] }]
    )
  );
  const color = {
    field: "method",
    type: "nominal",
    title: "method",
    scale: { domain: summaries.map((s) => s.method) },
    legend: {
      orient: "bottom",
      direction: "vertical",
      labelLimit: 400,
      symbolType: "stroke",
      symbolOpacity: 1,
      symbolStrokeWidth: 3,
    },
  };
  const x = { field: "time", type: "quantitative", title: "virtual time (s)" };
  return {
    title: "Test accuracy of the server's model",
    width: 380,
    height: 280,
    data: { values: points },
    layer: [
      {
        mark: { type: "area", opacity: 0.2 },
        encoding: {
          x,
          y: { field: "low", type: "quantitative" },
          y2: { field: "high" },
          color,
        },
      },
      {
        mark: { type: "line", interpolate: "step-after" },
        encoding: {
          x,
          y: {
            field: "mean",
            type: "quantitative",
            title: "test accuracy (mean over seeds)",
            scale: { zero: false },
            axis: { format: ".0%" },
          },
          color,
        },
      },
    ],
  };
}

function stalenessPanel(totals: readonly number[]): object {
  const sum = totals.reduce((a, b) => a + b, 0) || 1;
  const bars = totals.map((count, tau) => ({ tau, share: count / sum }));
  return {
    title: "Staleness of FedBuff's applied uploads",
    width: 260,
    height: 280,
    data: { values: bars },
    mark: { type: "bar" },
    encoding: {
      x: { field: "tau", type: "ordinal", title: "τ (server versions since download)" },
      y: {
        field: "share",
        type: "quantitative",
        title: "share of uploads",
        axis: { format: ".0%" },
      },
    },
  };
}

/**
 * The vega-lite spec of the figure: accuracy against virtual time, FedBuff's staleness.
 *
 * @param runs the grid's runs
 * @param grid the time grid
 * @param buffered the label of the method whose staleness is shown
 * @param subtitle what the runs ran on
 * @returns the spec
 */
export function figureSpec(
  runs: readonly FedBuffRun[],
  grid: readonly number[],
  buffered: string,
  subtitle: string,
): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    title: {
      text: "FedBuff against synchronous FedAvg in virtual time",
      subtitle: [subtitle, "shaded: the range over the seeds"],
    },
    hconcat: [
      accuracyPanel(summarize(runs, grid)),
      stalenessPanel(stalenessTotals(runs, buffered)),
    ],
    config: { aria: false },
  };
}

/** Renders the figure as SVG, headless and offline (arguments of {@linkcode figureSpec}). */
export async function renderFigure(
  runs: readonly FedBuffRun[],
  grid: readonly number[],
  buffered: string,
  subtitle: string,
): Promise<string> {
  return await renderVegaLite(figureSpec(runs, grid, buffered, subtitle));
}

/**
 * The mean test accuracy of each method at `times` (seconds on the grid), and the rounds or
 * versions its runs reached by the horizon (mean over seeds).
 *
 * @param runs the grid's runs
 * @param grid the time grid
 * @param times the times to show
 * @returns the table, one line each row
 */
export function formatTable(
  runs: readonly FedBuffRun[],
  grid: readonly number[],
  times: readonly number[],
): string {
  const summaries = summarize(runs, grid);
  const index = times.map((t) => grid.findIndex((g) => Math.abs(g - t) < 1e-9));
  const cell = (v: number | null | undefined) => (v == null ? "—" : `${(100 * v).toFixed(1)}%`);
  const reached = (method: string) => {
    const mine = runs.filter((run) => run.method === method);
    const steps = mine.map((run) => run.rows.at(-1)?.step ?? 0);
    return (steps.reduce((a, b) => a + b, 0) / mine.length).toFixed(0);
  };
  return textTable([
    ["method", ...times.map((t) => `${t} s`), "updates"],
    ...summaries.map((s) => [s.method, ...index.map((k) => cell(s.mean[k])), reached(s.method)]),
  ]).join("\n");
}
