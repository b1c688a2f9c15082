// The compressed-gossip finding, in one command (`deno task figure:compression`): on MNIST
// softmax over a ring of 16 nodes with 1 MB/s links (actor engine, sync mode), D-PSGD at full
// precision against CHOCO-SGD gossiping top-k 1% and qsgd (s = 15) differences, and CHOCO-SGD
// at full precision as a sanity line. Plots test accuracy against total bytes sent and against
// virtual time, writes docs/compression.svg and docs/compression.json and prints a table. The
// grid is exported so that tests/compression_figure_test.ts runs it on a tiny size.
import { compressionGrid, type CompressionGridOptions } from "./compression_grids.ts";
import { formatTable, renderFigure } from "./compression_plot.ts";

export * from "./compression_grids.ts";
export { figureSpec, formatBytes, formatTable, renderFigure } from "./compression_plot.ts";

/**
 * The runs of the figure. Two classes per node (`partition: "classes"`): with iid shards every
 * node learns alone and x̄ hides what the gossip costs. One α = 0.1 for all (D-PSGD's best of
 * 0.05, 0.1, 0.5); CHOCO's γ is the largest that stays stable over the run: top-k 1% diverges
 * at γ = 0.1 (the consensus distance grows exponentially after ~600 steps) and not at 0.05;
 * qsgd diverges at γ = 1 and is best at 0.5 (of 0.1, 0.2, 0.5). s = 15 levels: a level in
 * [0, 15] fits in 4 bits, with the sign 5 bits an entry against 64 (s = 16 would need a fifth
 * level bit for one more level).
 */
export const COMPRESSION: CompressionGridOptions = {
  nodes: 16,
  topology: { type: "ring" },
  problem: {
    type: "neural",
    model: "softmax",
    partition: "classes",
    batchSize: 16,
    trainSamples: 8000,
    testSamples: 2000,
    evalSamples: 640,
  },
  steps: 3000,
  evalEvery: 50,
  bandwidth: 1e6,
  latency: 0.001,
  methods: [
    { label: "D-PSGD, full (α = 0.1)", algorithm: "dgd", params: { alpha: 0.1 }, encoder: "full" },
    {
      label: "CHOCO-SGD, top-k 1% (α = 0.1, γ = 0.05)",
      algorithm: "choco-sgd",
      params: { alpha: 0.1, gamma: 0.05 },
      encoder: { name: "top-k", params: { fraction: 0.01 } },
    },
    {
      label: "CHOCO-SGD, qsgd s = 15 (α = 0.1, γ = 0.5)",
      algorithm: "choco-sgd",
      params: { alpha: 0.1, gamma: 0.5 },
      encoder: { name: "qsgd", params: { levels: 15 } },
    },
    {
      label: "CHOCO-SGD, full (α = 0.1, γ = 1)",
      algorithm: "choco-sgd",
      params: { alpha: 0.1, gamma: 1 },
      encoder: "full",
    },
  ],
  seed: 0,
};

/** The accuracies of the table's bytes-to-reach columns; the first is the figure's rule. */
export const THRESHOLDS: readonly number[] = [0.85, 0.88];

/** What the runs ran on. */
export const SUBTITLE =
  "MNIST softmax, 2 classes per node, ring of 16, 1 MB/s links, 1 ms latency, sync, 3000 steps";

if (import.meta.main) {
  const start = performance.now();
  const results = await compressionGrid(COMPRESSION);
  const docs = new URL("../docs/", import.meta.url);
  await Deno.writeTextFile(
    new URL("compression.svg", docs),
    await renderFigure(results, THRESHOLDS[0], SUBTITLE),
  );
  const numbers = {
    command: "deno task figure:compression",
    ...COMPRESSION,
    thresholds: THRESHOLDS,
    results,
  };
  await Deno.writeTextFile(
    new URL("compression.json", docs),
    JSON.stringify(numbers, null, 2) + "\n",
  );
  console.log(formatTable(results, THRESHOLDS));
  console.log(
    `\nwrote docs/compression.svg and docs/compression.json in ` +
      `${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
