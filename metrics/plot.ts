/**
 * SVG plots of metrics rows, rendered headless with vega-lite (compile) and vega (a `View`
 * with renderer `"none"`, then `toSVG()`): no browser, no canvas, no network, no Deno
 * permissions. vega and vega-lite are imported on the first plot, so code that never plots
 * does not load them.
 *
 * Guarantees:
 * - one line per value of the rows' `algorithm` field, coloured in order of first appearance,
 *   the legend naming each algorithm;
 * - rows whose x or y value is null, missing or not finite are skipped;
 * - on a log y axis, values ≤ 0 are skipped too (a log axis cannot place them) and the
 *   subtitle says how many were left out;
 * - the same rows and options give the same SVG bytes.
 *
 * @module
 */

/** Options of {@linkcode plotMetrics}. */
export interface PlotOptions {
  /**
   * The x field: `"step"` (iterations or rounds), `"virtualTime"` (simulated seconds) or
   * `"bytes"` (sent so far).
   */
  x: "step" | "virtualTime" | "bytes";
  /** The y field: a metric key of the rows, e.g. `"loss"` or `"consensusDistance"`. */
  y: string;
  /** The chart's title. */
  title: string;
  /** The y axis title; default the `y` key. */
  yTitle?: string;
  /** The x axis title; default one naming the `x` field's unit. */
  xTitle?: string;
  /** A d3-format string for the y axis labels (e.g. `".0%"`); default vega's. */
  yFormat?: string;
  /** Logarithmic y axis; values ≤ 0 are then skipped. Default false. */
  logY?: boolean;
  /** Logarithmic x axis. Default false. */
  logX?: boolean;
}

/** One plottable point. */
interface Point {
  algorithm: string;
  x: number;
  y: number;
}

type Vega = typeof import("vega");
type VegaLite = typeof import("vega-lite");

let libraries: Promise<[Vega, VegaLite]> | undefined;

function loadLibraries(): Promise<[Vega, VegaLite]> {
  libraries ??= Promise.all([import("vega"), import("vega-lite")]);
  return libraries;
}

/** A loader that refuses every request: the specs carry their data inline. */
const OFFLINE_LOADER = {
  load: (uri: string): Promise<string> =>
    Promise.reject(new Error(`Cannot load "${uri}": plots are rendered offline`)),
  sanitize: (uri: string): Promise<{ href: string }> =>
    Promise.reject(new Error(`Cannot load "${uri}": plots are rendered offline`)),
  http: (uri: string): Promise<string> =>
    Promise.reject(new Error(`Cannot load "${uri}": plots are rendered offline`)),
  file: (path: string): Promise<string> =>
    Promise.reject(new Error(`Cannot load "${path}": plots are rendered offline`)),
};

const X_TITLES: Record<PlotOptions["x"], string> = {
  step: "step (iterations or rounds)",
  virtualTime: "virtual time (s)",
  bytes: "bytes sent (the encoder's count)",
};

/** The points of `rows` a plot can show, and per algorithm how many ≤ 0 the log axis left out. */
function collectPoints(
  rows: readonly object[],
  options: PlotOptions,
): { points: Point[]; nonPositive: Map<string, number> } {
  const points: Point[] = [];
  const nonPositive = new Map<string, number>();
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    const x = record[options.x], y = record[options.y];
    if (typeof x !== "number" || !Number.isFinite(x) || (options.logX && x <= 0)) continue;
    if (typeof y !== "number" || !Number.isFinite(y)) continue;
    const algorithm = String(record.algorithm ?? "—");
    if (options.logY && y <= 0) {
      nonPositive.set(algorithm, (nonPositive.get(algorithm) ?? 0) + 1);
      continue;
    }
    points.push({ algorithm, x, y });
  }
  return { points, nonPositive };
}

/** The subtitle naming what a log axis left out, or undefined. */
function omittedNote(nonPositive: Map<string, number>): string | undefined {
  if (nonPositive.size === 0) return undefined;
  return [...nonPositive]
    .map(([algorithm, count]) =>
      `${algorithm}: ${count} value${count === 1 ? "" : "s"} ≤ 0 left out`
    )
    .join("; ") + " (log axis)";
}

/** Tick labels for a log axis: exponent notation when the values span tiny or huge ones. */
function logFormat(points: readonly Point[]): string | undefined {
  let low = Infinity, high = -Infinity;
  for (const { y } of points) {
    low = Math.min(low, y);
    high = Math.max(high, y);
  }
  return low < 1e-3 || high >= 1e5 ? "~e" : undefined;
}

/**
 * Renders one line chart of `options.y` against `options.x`, one coloured line per algorithm.
 *
 * @example Two algorithms' losses on a log axis
 * ```ts
 * import assert from "node:assert/strict";
 * import { plotMetrics } from "./plot.ts";
 *
 * const rows = [
 *   { algorithm: "dgd", step: 1, loss: 0.7 },
 *   { algorithm: "dgd", step: 2, loss: 0.5 },
 *   { algorithm: "dadam", step: 1, loss: 0.69 },
 *   { algorithm: "dadam", step: 2, loss: 0.6 },
 * ];
 * const svg = await plotMetrics(rows, { x: "step", y: "loss", title: "loss", logY: true });
 * assert.ok(svg?.startsWith("<svg"));
 * assert.ok(svg?.includes(">dadam</text>"));
 * ```
 *
 * @param rows metrics rows, each with an `algorithm` field and numeric x and y fields
 * @param options the axes and title
 * @returns the SVG text, or null when no row has a plottable y value
 */
export async function plotMetrics(
  rows: readonly object[],
  options: PlotOptions,
): Promise<string | null> {
  const { points, nonPositive } = collectPoints(rows, options);
  if (points.length === 0) return null;
  const algorithms = [...new Set(points.map((point) => point.algorithm))];
  const subtitle = omittedNote(nonPositive);
  const format = options.yFormat ?? (options.logY ? logFormat(points) : undefined);
  const spec = {
    title: { text: options.title, ...(subtitle ? { subtitle } : {}) },
    width: 560,
    height: 320,
    background: "white",
    data: { values: points },
    mark: { type: "line", strokeWidth: 1.5, point: points.length <= 50 * algorithms.length },
    encoding: {
      x: {
        field: "x",
        type: "quantitative",
        title: options.xTitle ?? X_TITLES[options.x],
        ...(options.logX ? { scale: { type: "log" } } : {}),
      },
      y: {
        field: "y",
        type: "quantitative",
        title: options.yTitle ?? options.y,
        scale: options.logY ? { type: "log" } : { zero: false },
        ...(format ? { axis: { format } } : {}),
      },
      color: {
        field: "algorithm",
        type: "nominal",
        title: "algorithm",
        scale: { domain: algorithms },
        legend: { labelLimit: 400 },
      },
    },
    config: { aria: false },
  };
  return await renderVegaLite(spec);
}

/**
 * Renders a vega-lite spec (its data inline) to SVG, headless and offline: any data URL the
 * spec names is refused. Every figure of gossim renders through this.
 *
 * @param spec a vega-lite specification with inline data
 * @returns the SVG text
 */
export async function renderVegaLite(spec: object): Promise<string> {
  const [vega, vegaLite] = await loadLibraries();
  // deno-lint-ignore no-explicit-any
  const compiled = vegaLite.compile(spec as any).spec;
  const view = new vega.View(vega.parse(compiled), {
    renderer: "none",
    // deno-lint-ignore no-explicit-any
    loader: OFFLINE_LOADER as any,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
