import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";
import { runActors } from "../actors/engine.ts";
import { listAlgorithms, resolveHyperparameters } from "../algorithms/registry.ts";
import { loadProblem, problemReadPaths, resolveProblemSpec } from "../problems/registry.ts";
import { ringTopology } from "../topologies/generators.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import "./fixtures/custom_problem.ts";

const custom = {
  nodes: 6,
  topology: { type: "ring" },
  problem: { type: "test-centred-quadratic", dim: 5, spread: 2 },
  algorithms: ["dgd", "decentralized-amsgrad", "fedavg"],
  steps: 30,
  evalEvery: 10,
  seed: 9,
  federated: { participation: 0.5, localSteps: 2 },
};

Deno.test("a user's registered problem runs on both engines with identical results", async () => {
  const sequential = await runSimulation(custom);
  const actors = await runSimulation({ ...custom, engine: "actors", workers: 2 });
  assert.equal(sequential.runs.length, 3);
  for (let r = 0; r < 3; r++) {
    const seq = sequential.runs[r].rows, act = actors.runs[r].rows;
    assert.equal(act.length, seq.length);
    seq.forEach((row, k) => {
      for (const key of ["step", "loss", "gradNormSq", "consensusDistance", "messages"] as const) {
        assert.equal(act[k][key], row[key], `${sequential.runs[r].label} row ${k} ${key}`);
      }
    });
  }
  // The problem moved: DGD brings the loss down from its start.
  const first = sequential.runs[0].rows[0].loss, last = sequential.runs[0].rows.at(-1)!.loss;
  assert.ok(last < first, `${first} → ${last}`);
});

Deno.test("a registered problem's spec is checked by its schema, defaults filled in", () => {
  assert.deepEqual(resolveProblemSpec({ type: "test-centred-quadratic" }), {
    type: "test-centred-quadratic",
    dim: 4,
    spread: 1,
    noise: 0.1,
  });
  assert.throws(
    () => resolveConfig({ problem: { type: "test-centred-quadratic", spread: -1 } }),
    /problem\.spread = -1/,
  );
  assert.throws(() => resolveConfig({ problem: { type: "nope" } }), /problem\.type = "nope"/);
  // Workers may read the module that registers it, and nothing else.
  const paths = problemReadPaths({ type: "test-centred-quadratic" });
  assert.equal(paths.length, 1);
  assert.match(paths[0], /fixtures\/custom_problem\.ts$/);
});

Deno.test("runActors resolves hyper-parameters itself: raw and resolved give the same trajectory", async () => {
  const problem = await loadProblem({ type: "logistic", dim: 6, batchSize: 5 }, 5, 2);
  const mixing = metropolisHastings(ringTopology(5));
  const common = {
    problem,
    mixing,
    steps: 20,
    seed: 2,
    evalEvery: 5,
    scenario: resolveConfig({}).network,
    mode: "sync" as const,
    timeout: 1,
    missing: "stale" as const,
    staleness: 2,
    federated: { localSteps: 1, participation: 1, weighting: "uniform" as const },
    workers: 2,
  };
  for (const name of ["dgd", "icdsgd", "decentralized-amsgrad"]) {
    const raw = await runActors({ ...common, algorithm: name });
    const resolved = await runActors({
      ...common,
      algorithm: { name, params: resolveHyperparameters(name, {}) },
    });
    assert.deepEqual(raw.rows, resolved.rows, name);
    assert.ok(raw.rows.every((row) => Number.isFinite(row.loss)), name);
    assert.ok(raw.rows.at(-1)!.loss < raw.rows[0].loss, `${name} moved`);
  }
  assert.ok(listAlgorithms().some((d) => d.name === "icdsgd"));
});

Deno.test("runActors refuses a problem not built through the registry", async () => {
  const problem = await loadProblem({ type: "quadratic", dim: 2 }, 3, 0);
  const { source: _source, ...bare } = { ...problem };
  await assert.rejects(
    () =>
      runActors({
        problem: bare as never,
        algorithm: "dgd",
        mixing: metropolisHastings(ringTopology(3)),
        steps: 2,
        seed: 0,
        evalEvery: 1,
        scenario: resolveConfig({}).network,
        mode: "sync",
        timeout: 1,
        missing: "stale",
        staleness: 2,
        federated: { localSteps: 1, participation: 1, weighting: "uniform" },
      }),
    /Cannot run problem .* on the actor engine/,
  );
});
