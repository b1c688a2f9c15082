// The realised-mixing finding, in one command (`deno task figure:mixing`): how much message
// drops slow the mixing a run really delivers (ρ̂, metrics/mixing_probe.ts) on a ring, the
// static exponential graph and the one-peer exponential schedule, and how DGD, gradient
// tracking and SGP degrade on MNIST softmax under the same drops with stragglers. Writes
// docs/realised-mixing.svg and docs/realised-mixing.json and prints a table. The grids are
// exported so that tests/realised_mixing_test.ts runs them on a tiny size.
import {
  accuracyGrid,
  type AccuracyGridOptions,
  mixingGrid,
  type MixingGridOptions,
} from "./realised_mixing_grids.ts";
import { formatTables, renderFigure } from "./realised_mixing_figure.ts";

export * from "./realised_mixing_grids.ts";
export { figureSpec, formatTables, renderFigure } from "./realised_mixing_figure.ts";

/** The ρ̂ grid of the figure: N = 64, each graph run long enough for ρ̂ to settle. */
export const MIXING: MixingGridOptions = {
  nodes: 64,
  drops: [0, 0.1, 0.3, 0.5],
  graphs: [
    {
      label: "ring",
      schedule: { type: "static" },
      topology: { type: "ring" },
      steps: 2000,
      evalEvery: 250,
    },
    {
      label: "static exponential",
      schedule: { type: "static-exponential" },
      steps: 50,
      evalEvery: 5,
    },
    // τ = 6: fault-free, the probe averages exactly in one window of τ steps.
    {
      label: "one-peer exponential",
      schedule: { type: "one-peer-exponential" },
      steps: 120,
      evalEvery: 6,
    },
  ],
  policies: ["stale", "self"],
  seed: 0,
};

/** The accuracy grid: MNIST softmax on one-peer exponential, 10% of the nodes 5× slower. */
export const ACCURACY: AccuracyGridOptions = {
  nodes: 64,
  drops: [0, 0.1, 0.3, 0.5],
  methods: [
    { name: "dgd", alpha: 0.1, missing: "stale" },
    { name: "gradient-tracking", alpha: 0.1, missing: "stale" },
    { name: "sgp", alpha: 0.1, missing: "drop" },
  ],
  schedule: { type: "one-peer-exponential" },
  problem: {
    type: "neural",
    model: "softmax",
    partition: "iid",
    batchSize: 16,
    trainSamples: 4000,
    testSamples: 1000,
    evalSamples: 640,
  },
  steps: 300,
  evalEvery: 50,
  stragglerFraction: 0.1,
  slowdown: 5,
  timeout: 0.1,
  seed: 0,
};

/** What the method panels of the figure ran on. */
export const SUBTITLE =
  "MNIST softmax, N = 64, one-peer exponential, 6 of 64 nodes 5× slower, deadline 0.1 s";

if (import.meta.main) {
  const start = performance.now();
  const rates = await mixingGrid(MIXING);
  const runs = await accuracyGrid(ACCURACY);
  const docs = new URL("../docs/", import.meta.url);
  await Deno.writeTextFile(
    new URL("realised-mixing.svg", docs),
    await renderFigure(rates, runs, SUBTITLE),
  );
  const numbers = {
    command: "deno task figure:mixing",
    mixing: { ...MIXING, results: rates },
    accuracy: { ...ACCURACY, results: runs },
  };
  await Deno.writeTextFile(
    new URL("realised-mixing.json", docs),
    JSON.stringify(numbers, null, 2) + "\n",
  );
  console.log(formatTables(rates, runs));
  console.log(
    `\nwrote docs/realised-mixing.svg and docs/realised-mixing.json in ` +
      `${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
