import assert from "node:assert/strict";
import {
  ACCURACY,
  accuracyGrid,
  formatTables,
  MIXING,
  mixingGrid,
  renderFigure,
  settledRate,
  stragglerNodes,
} from "../examples/realised_mixing.ts";

// The figure's grids (examples/realised_mixing.ts) on a tiny size: N = 8, few steps.
const drops = [0, 0.3];
const graphs = [
  {
    label: "ring",
    schedule: { type: "static" },
    topology: { type: "ring" },
    steps: 60,
    evalEvery: 20,
  },
  {
    label: "one-peer exponential",
    schedule: { type: "one-peer-exponential" },
    steps: 12,
    evalEvery: 3,
  },
];

Deno.test("the realised-mixing grids run at N = 8: drops slow the ring, one-peer is exact fault-free, the SVG renders", async () => {
  const rates = await mixingGrid({ ...MIXING, nodes: 8, drops, graphs, policies: ["stale"] });
  assert.equal(rates.length, 4);
  const [ringClean, ringLossy, peerClean, peerLossy] = rates;
  // λ of the 8-node ring (weights 1/3): 1/3 + (2/3) cos(2π/8).
  const lambda = 1 / 3 + (2 / 3) * Math.cos(Math.PI / 4);
  assert.ok(Math.abs(ringClean.nominal - lambda) < 1e-9, `${ringClean.nominal}`);
  assert.ok(Math.abs(ringClean.rate - lambda) < 1e-2, `${ringClean.rate}`);
  assert.ok(ringLossy.rate >= ringClean.rate, `${ringLossy.rate} < ${ringClean.rate}`);
  assert.ok(ringLossy.rate < 1);
  // τ = 3: fault-free, one-peer exponential averages exactly within the first window.
  assert.deepEqual([peerClean.rate, peerClean.windows, peerClean.nominal], [0, 0, 0]);
  assert.ok(peerLossy.rate > 0 && peerLossy.windows > 0, `${peerLossy.rate}`);

  const runs = await accuracyGrid({
    ...ACCURACY,
    nodes: 8,
    drops,
    problem: { type: "logistic", dim: 5, heterogeneity: 1, batchSize: 5 },
    steps: 20,
    evalEvery: 10,
  });
  assert.deepEqual(runs.map((r) => r.method), [
    "dgd",
    "dgd",
    "gradient-tracking",
    "gradient-tracking",
    "sgp",
    "sgp",
  ]);
  for (const run of runs) {
    assert.equal(run.step, 20);
    assert.ok(run.accuracy !== null && run.accuracy > 0.5, `${run.method} ${run.accuracy}`);
  }
  assert.ok(runs[1].dropped > 0 && runs[0].dropped === 0);
  const svg = await renderFigure(rates, runs, "logistic, N = 8");
  assert.ok(svg.startsWith("<svg"), svg.slice(0, 40));
  assert.ok(svg.includes("Realised mixing"));
  assert.match(
    formatTables(rates, runs),
    /one-peer exponential\s+stale\s+0\.0\s+0 \(exact\)\s+0 \(exact\)\s+0/,
  );
});

Deno.test("settledRate: the mean after the first window, else the first, else exact (0)", () => {
  assert.deepEqual(settledRate([0.5, 0.8, null, 0.6]), [0.7, 2]);
  assert.deepEqual(settledRate([0.4, null]), [0.4, 1]);
  assert.deepEqual(settledRate([null, null]), [0, 0]);
  assert.deepEqual(stragglerNodes(64, 0.1), [0, 10, 21, 32, 42, 53]);
});
