// The figure of examples/realised_mixing.ts: three panels against the drop probability — the
// realised per-step mixing rate ρ̂ per graph and policy with each graph's nominal rate as a
// dotted rule, then the final test accuracy and the final loss per method. Rendered headless
// through metrics/plot.ts's renderVegaLite (headless, offline);
// and the same numbers as plain-text tables.
import type { AccuracyResult, RateResult } from "./realised_mixing_grids.ts";
import { renderVegaLite } from "../mod.ts";
import { textTable } from "./_text_table.ts";

/** ρ̂ ticks: the axis is log(1 − ρ̂), reversed so that slower mixing is higher. */
const GAP_TICKS = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001];

const DROP_AXIS = {
  field: "drop",
  type: "quantitative",
  title: "message drop probability",
  axis: { values: [0, 0.1, 0.3, 0.5], format: ".1f" },
};

/** The ρ̂ panel: 1 − ρ̂ on a reversed log axis labelled in ρ̂. */
function ratePanel(rates: readonly RateResult[]): object {
  const points = rates.map((r) => ({
    graph: r.graph,
    missing: r.missing,
    drop: r.drop,
    rate: r.rate,
    gap: Math.max(1 - r.rate, 1e-6),
  }));
  const graphs = [...new Set(rates.map((r) => r.graph))];
  const nominal = graphs.map((graph) => {
    const rate = rates.find((r) => r.graph === graph)!.nominal;
    return { graph, gap: Math.max(1 - rate, 1e-6) };
  });
  const low = Math.min(...points.map((p) => p.gap), ...nominal.map((p) => p.gap));
  const y = {
    field: "gap",
    type: "quantitative",
    title: "ρ̂ per step (up = slower)",
    scale: { type: "log", reverse: true, domain: [Math.min(0.001, low), 1] },
    axis: { values: GAP_TICKS, labelExpr: "format(1 - datum.value, '.4~f')" },
  };
  const color = {
    field: "graph",
    type: "nominal",
    title: "graph",
    scale: { domain: graphs },
    legend: { orient: "bottom", direction: "vertical", labelLimit: 300 },
  };
  return {
    title: "Realised mixing ρ̂ (DGD's probe)",
    width: 280,
    height: 260,
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: true },
        encoding: {
          x: DROP_AXIS,
          y,
          color,
          strokeDash: {
            field: "missing",
            type: "nominal",
            title: "missing value",
            legend: {
              orient: "bottom",
              direction: "vertical",
              symbolType: "stroke",
              symbolSize: 400,
              symbolStrokeWidth: 2,
              encode: { symbols: { update: { stroke: { value: "#444" } } } },
            },
          },
        },
      },
      {
        data: { values: nominal },
        mark: { type: "rule", strokeDash: [2, 3], opacity: 0.8 },
        encoding: { y: { field: "gap", type: "quantitative" }, color },
      },
    ],
  };
}

/** A per-method panel of `field` against the drop probability; blown-up runs are crosses. */
function methodPanel(runs: readonly AccuracyResult[], field: "accuracy" | "loss"): object {
  const points = runs
    .filter((r) => r[field] !== null && Number.isFinite(r[field]))
    .map((r) => ({
      method: `${r.method} (${r.missing})`,
      drop: r.drop,
      value: r[field],
      outcome: r.lossRose ? "loss rose (or diverged)" : "loss fell",
    }));
  const accuracy = field === "accuracy";
  return {
    title: accuracy ? "Final test accuracy" : "Final training loss",
    width: 280,
    height: 260,
    data: { values: points },
    encoding: {
      x: DROP_AXIS,
      y: {
        field: "value",
        type: "quantitative",
        title: accuracy ? "test accuracy of x̄" : "f(x̄) (log)",
        scale: accuracy ? { zero: false } : { type: "log" },
        ...(accuracy ? { axis: { format: ".0%" } } : { axis: { format: "~e" } }),
      },
      color: {
        field: "method",
        type: "nominal",
        title: "method (missing)",
        legend: { orient: "bottom", direction: "vertical", labelLimit: 300 },
      },
    },
    layer: [
      { mark: { type: "line" } },
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          shape: {
            field: "outcome",
            type: "nominal",
            title: "outcome",
            scale: { domain: ["loss fell", "loss rose (or diverged)"], range: ["circle", "cross"] },
            legend: { orient: "bottom", direction: "vertical", labelLimit: 300 },
          },
        },
      },
    ],
  };
}

/**
 * The vega-lite spec of the figure (three panels side by side).
 *
 * @param rates the ρ̂ grid
 * @param runs the accuracy grid
 * @param subtitle what the method panels ran on
 * @returns the spec
 */
export function figureSpec(
  rates: readonly RateResult[],
  runs: readonly AccuracyResult[],
  subtitle: string,
): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    // Subtitles of the panels would widen them (a headless render estimates text widths).
    title: {
      text: "Realised mixing under message drops",
      subtitle: [
        "left: ρ̂ on a log(1 − ρ̂) axis; dotted: the nominal rate; ρ̂ = 0: exact averaging",
        `middle, right: ${subtitle}`,
        "✚: the loss rose from the first evaluation to the last (or the model diverged)",
      ],
    },
    hconcat: [
      ratePanel(rates),
      methodPanel(runs, "accuracy"),
      methodPanel(runs, "loss"),
    ],
    resolve: { scale: { color: "independent" }, legend: { color: "independent" } },
    config: { aria: false },
  };
}

/**
 * Renders the figure as SVG, headless and offline.
 *
 * @param rates the ρ̂ grid
 * @param runs the accuracy grid
 * @param subtitle what the method panels ran on
 * @returns the SVG text
 */
export async function renderFigure(
  rates: readonly RateResult[],
  runs: readonly AccuracyResult[],
  subtitle: string,
): Promise<string> {
  return await renderVegaLite(figureSpec(rates, runs, subtitle));
}

const rateCell = (rate: number, windows: number) => (windows === 0 ? "0 (exact)" : rate.toFixed(5));

/**
 * The two grids as plain-text tables: ρ̂ per graph, policy and drop probability beside the
 * nominal rate; then each method's final accuracy and loss (↑: the loss rose over the run).
 *
 * @param rates the ρ̂ grid
 * @param runs the accuracy grid
 * @returns the tables, one line each row
 */
export function formatTables(
  rates: readonly RateResult[],
  runs: readonly AccuracyResult[],
): string {
  const mixing = textTable([
    ["graph", "missing", "drop", "ρ̂", "nominal", "windows"],
    ...rates.map((r) => [
      r.graph,
      r.missing,
      r.drop.toFixed(1),
      rateCell(r.rate, r.windows),
      rateCell(r.nominal, r.nominal === 0 ? 0 : 1),
      String(r.windows),
    ]),
  ]);
  const methods = textTable([
    ["method", "missing", "drop", "accuracy", "loss", "step", "probe ρ̂", "dropped", "late"],
    ...runs.map((r) => [
      r.method,
      r.missing,
      r.drop.toFixed(1),
      r.accuracy === null ? "—" : `${(100 * r.accuracy).toFixed(1)}%`,
      (r.loss === null ? "—" : r.loss < 1e4 ? r.loss.toFixed(4) : r.loss.toExponential(2)) +
      (r.lossRose ? " ↑" : ""),
      r.error ? `${r.step} (diverged after)` : String(r.step),
      r.mixingWindows === 0 ? "conv." : r.mixingRate.toFixed(4),
      String(r.dropped),
      String(r.late),
    ]),
  ]);
  return [...mixing, "", ...methods].join("\n");
}
