// FedBuff against synchronous FedAvg, in one command (`deno task figure:fedbuff`): MNIST
// softmax over 100 clients on the actor engine, a tenth of them 10× slower, test accuracy
// against virtual time for a few seeds. FedBuff keeps 10 clients training and steps every 10
// uploads; FedAvg samples 10 clients a round and either waits for all of them or closes the
// round at a deadline (the stragglers' uploads then miss it). Writes docs/fedbuff.svg and
// docs/fedbuff.json and prints a table. The grid is exported so that tests/fedbuff_test.ts
// runs it on a tiny size.
import { fedbuffGrid, type FedBuffGridOptions, timeGrid } from "./fedbuff_grids.ts";
import { formatTable, renderFigure, stalenessTotals, summarize } from "./fedbuff_figure.ts";

export * from "./fedbuff_grids.ts";
export {
  figureSpec,
  formatTable,
  renderFigure,
  stalenessTotals,
  summarize,
} from "./fedbuff_figure.ts";

/** The label of FedBuff in the figure. */
export const BUFFERED = "FedBuff (C = 10, M = 10)";

/** The figure's grid. */
export const FEDBUFF: FedBuffGridOptions = {
  nodes: 100,
  methods: [
    {
      label: BUFFERED,
      algorithm: { name: "fedbuff", params: { alpha: 0.05, buffer: 10, concurrency: 10 } },
      participation: 1,
      timeout: 1,
      evalEvery: 5,
      steps: 300,
    },
    {
      label: "FedAvg (10 a round, waits for all)",
      algorithm: { name: "fedavg", params: { alpha: 0.05 } },
      participation: 0.1,
      timeout: 100,
      evalEvery: 1,
      steps: 60,
    },
    {
      label: "FedAvg (10 a round, deadline 0.15 s)",
      algorithm: { name: "fedavg", params: { alpha: 0.05 } },
      participation: 0.1,
      timeout: 0.15,
      evalEvery: 4,
      steps: 180,
    },
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
  localSteps: 5,
  stragglerFraction: 0.1,
  slowdown: 10,
  computeMean: 0.01,
  horizon: 20,
  every: 0.25,
  seeds: [0, 1, 2],
};

/** What the runs ran on. */
export const SUBTITLE = "MNIST softmax, 100 clients (10 of them 10× slower), K = 5 local steps " +
  "of η_l = 0.05, compute exponential (mean 0.01 s a step), 3 seeds";

/** The times of the printed table (virtual seconds). */
export const TABLE_TIMES = [1, 2, 5, 10, 20];

if (import.meta.main) {
  const start = performance.now();
  const runs = await fedbuffGrid(FEDBUFF);
  const grid = timeGrid(FEDBUFF);
  const docs = new URL("../docs/", import.meta.url);
  await Deno.writeTextFile(
    new URL("fedbuff.svg", docs),
    await renderFigure(runs, grid, BUFFERED, SUBTITLE),
  );
  const numbers = {
    command: "deno task figure:fedbuff",
    grid: FEDBUFF,
    summary: summarize(runs, grid),
    staleness: stalenessTotals(runs, BUFFERED),
    runs,
  };
  await Deno.writeTextFile(new URL("fedbuff.json", docs), JSON.stringify(numbers, null, 2) + "\n");
  console.log(formatTable(runs, grid, TABLE_TIMES));
  const totals = stalenessTotals(runs, BUFFERED), count = totals.reduce((a, b) => a + b, 0);
  const mean = totals.reduce((sum, c, tau) => sum + c * tau, 0) / count;
  console.log(
    `\n${BUFFERED}: ${count} uploads applied, staleness τ mean ${mean.toFixed(2)}, ` +
      `τ = 0 for ${(100 * totals[0] / count).toFixed(1)}%, max ${totals.length - 1}`,
  );
  console.log(
    `\nwrote docs/fedbuff.svg and docs/fedbuff.json in ` +
      `${((performance.now() - start) / 1000).toFixed(1)} s`,
  );
}
