// Gradient tracking (DIGing) and D² / exact diffusion: the tracking invariant, the exact
// minimiser that DGD misses, bit-identical engines, the tracking error under drops, and the
// refusal of a W that D² cannot use.
import assert from "node:assert/strict";
import { createAlgorithm, getAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import type { GradientTrackingState } from "../algorithms/gradient_tracking.ts";
import { leastSquaresProblem, logisticProblem } from "../problems/synthetic.ts";
import { lazy, metropolisHastings, ringTopology } from "../topologies/mod.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { actorRunOptions, buildSetup, resolveConfig } from "../simulation/mod.ts";
import { checkRequirements } from "../simulation/requirements.ts";
import { runActors } from "../actors/engine.ts";
import { runSimulation } from "./_fit.ts";
import { runCli } from "./_cli.ts";

const decentralized = (name: string, params = {}) =>
  createAlgorithm(name, params) as DecentralizedAlgorithm;

Deno.test("DIGing: Σ_i y_i = Σ_i g_i after every step (ring of 6, minibatch gradients)", () => {
  const problem = logisticProblem({ nodes: 6, dim: 8, heterogeneity: 1, batchSize: 5, seed: 2 });
  let checked = 0;
  runDecentralized({
    problem,
    algorithm: decentralized("gradient-tracking", { alpha: 0.05 }),
    mixing: metropolisHastings(ringTopology(6)),
    steps: 200,
    seed: 7,
    evalEvery: 200,
    onStep(t, states) {
      const nodes = states as GradientTrackingState[];
      for (let k = 0; k < problem.dim; k++) {
        let y = 0, g = 0, scale = 0;
        for (const { y: yi, gprev } of nodes) {
          y += yi[k];
          g += gprev[k];
          scale += Math.abs(gprev[k]);
        }
        assert.ok(Math.abs(y - g) <= 1e-10 * Math.max(scale, 1e-300), `t = ${t}, k = ${k}`);
      }
      checked++;
    },
  });
  assert.equal(checked, 200);
});

Deno.test("exact gradients, constant step: gradient tracking and D² reach the minimiser, DGD does not", () => {
  const problem = leastSquaresProblem({ nodes: 5, dim: 5, heterogeneity: 1, seed: 3 });
  const optimum = problem.optimum();
  // Ring of 5, Metropolis–Hastings: λ_min = 1/3 + (2/3) cos(4π/5) ≈ −0.206 > −1/3.
  const mixing = metropolisHastings(ringTopology(5));
  const distance = (name: string) => {
    const { models } = runDecentralized({
      problem,
      algorithm: decentralized(name, { alpha: 0.02 }),
      mixing,
      steps: 3000,
      seed: 1,
      evalEvery: 3000,
    });
    return Math.max(...models.flatMap((x) => [...x].map((v, k) => Math.abs(v - optimum[k]))));
  };
  const tracking = distance("gradient-tracking"), d2 = distance("d2"), dgd = distance("dgd");
  assert.ok(tracking < 1e-8, `gradient tracking: ${tracking}`);
  assert.ok(d2 < 1e-8, `D²: ${d2}`);
  assert.ok(dgd > 1e-3 && dgd > 1e4 * Math.max(tracking, d2), `DGD: ${dgd}`);
});

const ring = {
  nodes: 5,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  steps: 40,
  evalEvery: 1,
  seed: 4,
};

Deno.test("sync, no faults: both methods are bit-identical on the sequential and actor engines", async () => {
  const algorithms = ["gradient-tracking", "d2"];
  const sequential = await runSimulation({ ...ring, algorithms });
  const actors = await runSimulation({ ...ring, algorithms, engine: "actors", workers: 2 });
  const keys = ["loss", "consensusDistance", "gradNormSq", "trackingError"] as const;
  sequential.runs.forEach((run, r) => {
    assert.equal(actors.runs[r].rows.length, run.rows.length);
    run.rows.forEach((row, k) => {
      for (const key of keys) assert.equal(actors.runs[r].rows[k][key], row[key], `${key} ${k}`);
    });
    assert.deepEqual(actors.runs[r].nodeAccuracy, run.nodeAccuracy);
  });
  assert.equal(sequential.runs[1].rows[0].trackingError, undefined, "D² tracks nothing");
  const config = resolveConfig({ ...ring, algorithms, engine: "actors", workers: 2 });
  const setup = await buildSetup(config);
  for (const name of algorithms) {
    const { models } = await runActors(actorRunOptions(config, setup, { name, params: {} }, 4));
    const expected = runDecentralized({
      problem: setup.problem,
      algorithm: decentralized(name),
      mixing: setup.mixing,
      steps: ring.steps,
      seed: 4,
    }).models;
    assert.deepEqual(models, expected, name);
  }
});

Deno.test("the tracking error is 0 up to rounding without faults and grows with drops", async () => {
  const base = { ...ring, algorithms: ["gradient-tracking"], engine: "actors", workers: 2 };
  const clean = await runSimulation(base);
  for (const row of clean.runs[0].rows) assert.ok(row.trackingError! < 1e-12, `${row.step}`);
  const lossy = await runSimulation({
    ...base,
    mode: "sync",
    missing: "stale",
    network: { dropProbability: 0.3 },
  });
  const last = lossy.runs[0].rows.at(-1)!;
  assert.ok(last.trackingError! > 1e-6, `with drops: ${last.trackingError}`);
});

Deno.test("requirements: D² takes an odd ring, refuses λ_min ≤ −1/3 and takes its lazy W", async () => {
  const d2 = getAlgorithm("exact-diffusion");
  assert.equal(d2.name, "d2");
  assert.equal(getAlgorithm("diging").name, "gradient-tracking");
  const options = { static: true };
  assert.deepEqual(await checkRequirements(d2, metropolisHastings(ringTopology(5)), options), []);
  // An even ring's W has λ_min = −1/3 exactly: on the boundary, refused.
  const even = metropolisHastings(ringTopology(6));
  const [problem] = await checkRequirements(d2, even, options);
  assert.match(problem, /d2 needs a symmetric W with λ_min > −1\/3, W has λ_min = −0\.3333/);
  assert.match(problem, /mixing\.lazy: true/);
  assert.deepEqual(await checkRequirements(d2, lazy(even), options), []);
  assert.match((await checkRequirements(d2, even, { static: false })).join(), /static W/);
  // Gradient tracking needs only a doubly stochastic W.
  const tracking = getAlgorithm("gradient-tracking");
  assert.deepEqual(await checkRequirements(tracking, even, options), []);
  const skewed = {
    nodes: 2,
    rows: [{ indices: [0, 1], weights: [0.5, 0.5] }, {
      indices: [0, 1],
      weights: [0.25, 0.75],
    }],
  };
  assert.match((await checkRequirements(tracking, skewed, options))[0], /column 0 of W sums/);
  assert.match((await checkRequirements(d2, skewed, options)).join(), /W\[0\]\[1\] = 0\.5 but/);
  // A schedule's route speaks for every W_t: push-sum weights are only column stochastic.
  const pushSum = { static: false, route: { stochastic: "column", symmetric: false } } as const;
  assert.match((await checkRequirements(tracking, even, pushSum)).join(), /only column stochastic/);
});

Deno.test("a run refuses D² on a hypercube (λ_min = −1/2) and the CLI exits 2", async () => {
  const config = {
    algorithms: ["dgd", "d2"],
    nodes: 8,
    topology: { type: "hypercube", dimension: 3 },
    steps: 2,
  };
  await assert.rejects(
    () => runSimulation(config),
    /algorithms\.1: d2 needs a symmetric W with λ_min > −1\/3, W has λ_min = −0\.5000/,
  );
  const result = await runSimulation({ ...config, mixing: { lazy: true } });
  assert.equal(result.runs.length, 2);
  const refused = await runCli("--algorithm", "d2", "--nodes", "6", "--steps", "2", "--quiet");
  assert.equal(refused.code, 2, refused.err);
  assert.match(refused.err, /algorithms\.0: d2 needs .* λ_min = −0\.3333 .*mixing\.lazy: true/);
  const lazyRun = await runCli("--algorithm", "d2", "--nodes", "6", "--steps", "2", "--lazy");
  assert.equal(lazyRun.code, 0, lazyRun.err);
});

Deno.test("docs/algorithms.md documents both methods, their aliases and the tracking error", async () => {
  const docs = await Deno.readTextFile(new URL("../docs/algorithms.md", import.meta.url));
  for (const [name, alias] of [["gradient-tracking", "diging"], ["d2", "exact-diffusion"]]) {
    const heading = docs.split("\n").find((line) => line.startsWith("### ") && line.includes(name));
    assert.ok(heading?.includes(`\`${name}\``) && heading.includes(`\`${alias}\``), name);
  }
  assert.match(docs, /\| `trackingError` +\|/);
  assert.match(docs, /λ_min > −1\/3/);
});
