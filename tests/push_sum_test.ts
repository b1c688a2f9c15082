import assert from "node:assert/strict";
import { routeFromSchedule } from "../exchange/schedule_registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { runActorTest } from "./_actors.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { Rng } from "../random.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import type { PushSumState } from "../algorithms/push_sum.ts";
import type { MissingPolicy } from "../actors/scenario.ts";

const N = 8;
const ring = ringTopology(N);
const mixing = metropolisHastings(ring);
const route = (type: string, fields = {}) =>
  routeFromSchedule({ type, ...fields }, {
    nodes: N,
    seed: 4,
    graph: () => ring,
    mixing: () => mixing,
  });
const sgp = () => createAlgorithm("sgp", { alpha: 0.05 }) as DecentralizedAlgorithm<PushSumState>;
// Full local gradients: the mass bookkeeping below recomputes them.
const spec = { type: "least-squares", dim: 5, heterogeneity: 1, batchSize: 0 };

for (const type of ["directed-ring", "k-out", "one-peer-exponential", "static-exponential"]) {
  Deno.test(`SGP on ${type}: Σ w = N and Σ x moves by exactly −α Σ g every step`, () => {
    const problem = createProblem(spec, N, 1);
    const algorithm = sgp();
    let before: Float64Array | null = null;
    const g = new Float64Array(problem.dim);
    runDecentralized({
      problem,
      algorithm,
      mixing,
      route: route(type),
      steps: 30,
      seed: 1,
      onStep(_t, states) {
        const nodes = states as PushSumState[];
        const mass = nodes.reduce((sum, s) => sum + s.w[0], 0);
        assert.ok(Math.abs(mass - N) < 1e-12, `Σ w = ${mass}`);
        const sum = new Float64Array(problem.dim);
        for (const s of nodes) s.x.forEach((v, k) => (sum[k] += v));
        if (before) {
          // Σ x after = Σ x before − α Σ g at the previous z (column-stochastic mixing keeps Σ).
          sum.forEach((v, k) => assert.ok(Math.abs(v - before![k]) < 1e-9, `Σ x[${k}]`));
        }
        // What the next step must reach: this Σ x minus α Σ_i ∇f_i(z_i).
        before = new Float64Array(sum);
        nodes.forEach((s, i) => {
          problem.gradient(i, s.z, g, new Rng(0));
          g.forEach((v, k) => (before![k] -= 0.05 * v));
        });
      },
    });
  });
}

function actors(type: string, network = {}, missing: MissingPolicy = "drop", workers = 2) {
  return runActorTest({
    problem: createProblem(spec, N, 1),
    algorithm: { name: "sgp", params: { alpha: 0.05 } },
    mixing,
    route: route(type),
    steps: 40,
    seed: 1,
    evalEvery: 10,
    network: network,
    missing,
    workers,
  });
}

Deno.test("SGP: bit-identical engines on k-out and one-peer exponential; it converges", async () => {
  for (const type of ["k-out", "one-peer-exponential"]) {
    const seq = runDecentralized({
      problem: createProblem(spec, N, 1),
      algorithm: sgp(),
      mixing,
      route: route(type),
      steps: 40,
      seed: 1,
      evalEvery: 10,
    });
    const act = await actors(type);
    assert.deepEqual(act.models, seq.models, type);
    seq.rows.forEach((row, k) => assert.equal(act.rows[k].loss, row.loss));
    assert.ok(seq.rows.at(-1)!.loss < seq.rows[0].loss, type);
    // A message carries d + 1 values: x and the weight.
    const d = createProblem(spec, N, 1).dim;
    assert.equal(seq.rows.at(-1)!.bytes, seq.rows.at(-1)!.messages * (d + 1) * 8);
  }
});

Deno.test("SGP under drops with the drop policy: lost pushes lose mass, the ratios stay finite", async () => {
  const lossy = await actors("one-peer-exponential", { dropProbability: 0.3 });
  const clean = await actors("one-peer-exponential");
  assert.ok(lossy.network.droppedLoss > 0);
  assert.ok(lossy.models.every((z) => z.every(Number.isFinite)));
  assert.notDeepEqual(lossy.models, clean.models);
  // Same seed, other Worker count: same bytes (faults are drawn, never measured).
  const again = await actors("one-peer-exponential", { dropProbability: 0.3 }, "drop", 3);
  assert.deepEqual(again.models, lossy.models);
  // The lost mass is a metric (the probe's weight is mixed as SGP's is): 0 without drops.
  assert.equal(clean.rows.at(-1)!.lostMass, 0);
  assert.ok(lossy.rows.at(-1)!.lostMass! > 0.1, `lost ${lossy.rows.at(-1)!.lostMass}`);
  assert.ok(lossy.rows.at(-1)!.lostMass! < 1);
});
