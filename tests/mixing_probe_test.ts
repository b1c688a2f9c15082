import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";
import { initialProbe, probeDisagreement } from "../metrics/mixing_probe.ts";
import { ProbeReplay } from "../exchange/probe_replay.ts";
import { routeFromSchedule } from "../exchange/schedule_registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import type { MetricsRow } from "../metrics/rows.ts";

const base = {
  algorithms: ["dgd"],
  problem: { type: "logistic", dim: 4, heterogeneity: 1, batchSize: 5 },
  seed: 3,
};
const rates = (rows: MetricsRow[]) => rows.map((row) => row.mixingRate);

Deno.test("fault-free on a static symmetric W: ρ̂ → λ (within 1e-3), the same on both engines", async () => {
  // λ ≈ 0.949: 300 steps keep the disagreement far above 1e-9 of its start.
  const config = { ...base, nodes: 16, steps: 300, evalEvery: 100 };
  const seq = await runSimulation(config);
  const act = await runSimulation({ ...config, engine: "actors", workers: 2 });
  const lambda = seq.spectral!.lambda;
  const rows = seq.runs[0].rows;
  for (const row of rows) assert.equal(row.nominalRate, lambda);
  assert.ok(
    Math.abs(rows.at(-1)!.mixingRate! - lambda) < 1e-3,
    `${rows.at(-1)!.mixingRate} vs ${lambda}`,
  );
  assert.deepEqual(rates(act.runs[0].rows), rates(rows));
});

Deno.test("drops slow the realised mixing below the nominal rate; the probe never changes the model", async () => {
  const config = { ...base, nodes: 16, steps: 300, evalEvery: 100, engine: "actors" };
  const clean = await runSimulation(config);
  const lossy = await runSimulation({ ...config, network: { dropProbability: 0.3 } });
  const realised = lossy.runs[0].rows.at(-1)!.mixingRate!;
  assert.ok(realised > lossy.spectral!.lambda + 1e-4, `ρ̂ ${realised} λ ${lossy.spectral!.lambda}`);
  assert.ok(realised < 1);
  // The probe rides along: the loss is what it was without a probe (sequential oracle).
  const oracle = await runSimulation({ ...config, engine: "sequential" });
  assert.equal(clean.runs[0].rows.at(-1)!.loss, oracle.runs[0].rows.at(-1)!.loss);
});

Deno.test("one-peer exponential, N = 16: the probe averages exactly in τ = 4 steps (no rate left: null)", async () => {
  const ring = ringTopology(16);
  const route = routeFromSchedule({ type: "one-peer-exponential" }, {
    nodes: 16,
    seed: 1,
    graph: () => ring,
    mixing: () => metropolisHastings(ring),
  });
  const start = Array.from({ length: 16 }, (_, i) => initialProbe(1, i));
  const replay = new ProbeReplay(route, 1);
  const rate = replay.rateAt(2, 1);
  assert.ok(rate !== null && rate > 0 && rate < 1);
  assert.equal(replay.rateAt(4, 1), null);
  assert.ok(probeDisagreement(start) > 1);
  const result = await runSimulation({
    ...base,
    nodes: 16,
    schedule: { type: "one-peer-exponential" },
    steps: 12,
    evalEvery: 4,
  });
  assert.equal(result.spectral, null);
  for (const row of result.runs[0].rows) {
    assert.equal(row.mixingRate, null);
    assert.equal(row.nominalRate, null);
  }
});

Deno.test("push-sum probe on a directed graph: a finite rate below 1, realised = nominal without faults", async () => {
  const result = await runSimulation({
    ...base,
    algorithms: ["sgp"],
    nodes: 12,
    schedule: { type: "k-out", k: 2 },
    steps: 40,
    evalEvery: 10,
  });
  for (const row of result.runs[0].rows) {
    assert.ok(row.mixingRate! > 0 && row.mixingRate! < 1);
    assert.ok(Math.abs(row.mixingRate! - row.nominalRate!) < 1e-12);
  }
});
