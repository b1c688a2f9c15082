// Final honest accuracy under attack, in one command (`deno task figure:byzantine`): DGD on
// MNIST softmax over a 4 × 4 torus with 2 Byzantine nodes, for the plain mean and the robust
// aggregators, with no attack, ALIE and sign-flip. Writes docs/byzantine.svg (grouped bars)
// and docs/byzantine.json and prints a table. The grid is exported so that
// tests/byzantine_figure_test.ts runs it on a tiny size.
import { renderVegaLite } from "../mod.ts";
import {
  byzantineGrid,
  type ByzantineGridOptions,
  type ByzantineResult,
  liarsPerNeighbourhood,
} from "./byzantine_grids.ts";

export * from "./byzantine_grids.ts";

/**
 * The figure's grid. A 4 × 4 torus: every neighbourhood with self has n = 5, so a median of 5
 * and a trimmed mean with b = 1 (or 2) are valid. Nodes 0 and 10 are four hops apart and share
 * no neighbour: every honest node hears at most f = 1 liar, which trimmed mean b = 1, median,
 * clipped gossip b = 1 and ALIE's z_max (f < ⌊n/2 + 1⌋ = 3) all allow.
 */
export const BYZANTINE: ByzantineGridOptions = {
  nodes: 16,
  topology: { type: "torus", rows: 4, cols: 4 },
  byzantine: [0, 10],
  aggregators: [
    { label: "mean", aggregator: "weighted-sum" },
    { label: "trimmed mean (b = 1)", aggregator: { name: "trimmed-mean", params: { b: 1 } } },
    { label: "median", aggregator: "median" },
    {
      label: "clipped gossip (b = 1)",
      aggregator: { name: "clipped-gossip", params: { tau: null, b: 1 } },
    },
  ],
  attacks: [
    { label: "no attack", attack: null },
    { label: "ALIE", attack: "alie" },
    { label: "sign-flip", attack: "sign-flip" },
  ],
  problem: {
    type: "neural",
    model: "softmax",
    partition: "iid",
    batchSize: 16,
    trainSamples: 4000,
    testSamples: 1000,
    evalSamples: 640,
  },
  alpha: 0.05,
  steps: 600,
  evalEvery: 100,
  seed: 0,
};

/** What the figure ran on. */
export const SUBTITLE =
  "DGD (α = 0.05) on MNIST softmax, 4 × 4 torus (n = 5), nodes 0 and 10 Byzantine; clipped gossip: adaptive τ";

/** One bar panel: `field` per aggregator, the attacks side by side. */
function barPanel(results: readonly ByzantineResult[], field: "accuracy" | "nodeAccuracy") {
  const attacks = [...new Set(results.map((r) => r.attack))];
  const aggregators = [...new Set(results.map((r) => r.aggregator))];
  return {
    title: field === "accuracy" ? "Test accuracy of the honest x̄" : "Mean honest node's accuracy",
    width: 300,
    height: 240,
    data: {
      values: results.map((r) => ({ aggregator: r.aggregator, attack: r.attack, value: r[field] })),
    },
    encoding: {
      x: {
        field: "aggregator",
        type: "nominal",
        title: null,
        sort: aggregators,
        axis: { labelAngle: -20, labelLimit: 200 },
      },
      xOffset: { field: "attack", type: "nominal", sort: attacks },
      y: {
        field: "value",
        type: "quantitative",
        title: "final test accuracy",
        scale: { domain: [0, 1] },
        axis: { format: ".0%" },
      },
      color: {
        field: "attack",
        type: "nominal",
        title: "attack",
        scale: { domain: attacks },
        legend: { orient: "bottom", direction: "horizontal" },
      },
    },
    layer: [
      { mark: { type: "bar" } },
      {
        mark: { type: "text", dy: -6, fontSize: 9 },
        encoding: { text: { field: "value", type: "quantitative", format: ".0%" } },
      },
    ],
  };
}

/**
 * The vega-lite spec of the figure: two grouped-bar panels (accuracy of the honest average
 * model, and the honest nodes' mean own accuracy), per aggregator and attack.
 *
 * @param results the grid
 * @param subtitle what it ran on
 * @returns the spec
 */
export function figureSpec(results: readonly ByzantineResult[], subtitle: string): object {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    background: "white",
    title: {
      text: "Final honest accuracy under attack",
      subtitle: [subtitle, "no attack: the same run with every node honest"],
    },
    hconcat: [barPanel(results, "accuracy"), barPanel(results, "nodeAccuracy")],
    config: { aria: false },
  };
}

/**
 * Renders the figure as SVG, headless and offline.
 *
 * @param results the grid
 * @param subtitle what it ran on
 * @returns the SVG text
 */
export async function renderFigure(
  results: readonly ByzantineResult[],
  subtitle: string,
): Promise<string> {
  return await renderVegaLite(figureSpec(results, subtitle));
}

const percent = (value: number | null) => value === null ? "—" : `${(100 * value).toFixed(1)}%`;

/**
 * The grid as a plain-text table, one line per aggregator × attack.
 *
 * @param results the grid
 * @returns the table
 */
export function formatTable(results: readonly ByzantineResult[]): string {
  const rows = [
    ["aggregator", "attack", "acc(x̄)", "node acc", "loss", "consensus", "honest", "step"],
    ...results.map((r) => [
      r.aggregator,
      r.attack,
      percent(r.accuracy),
      percent(r.nodeAccuracy),
      r.loss < 1e4 ? r.loss.toFixed(4) : r.loss.toExponential(2),
      r.consensus.toExponential(2),
      String(r.honestNodes),
      String(r.step),
    ]),
  ];
  const widths = rows[0].map((_, k) => Math.max(...rows.map((row) => [...row[k]].length)));
  return rows.map((row) =>
    row.map((cell, k) => cell + " ".repeat(widths[k] - [...cell].length)).join("  ").trimEnd()
  ).join("\n");
}

if (import.meta.main) {
  const start = performance.now();
  const results = await byzantineGrid(BYZANTINE);
  const docs = new URL("../docs/", import.meta.url);
  await Deno.writeTextFile(new URL("byzantine.svg", docs), await renderFigure(results, SUBTITLE));
  const bounds = liarsPerNeighbourhood(BYZANTINE.topology, BYZANTINE.nodes, BYZANTINE.byzantine);
  const numbers = { command: "deno task figure:byzantine", ...BYZANTINE, bounds, results };
  await Deno.writeTextFile(
    new URL("byzantine.json", docs),
    JSON.stringify(numbers, null, 2) + "\n",
  );
  console.log(formatTable(results));
  console.log(
    `\nwrote docs/byzantine.svg and docs/byzantine.json in ` +
      `${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
