// FedBuff (algorithms/fedbuff.ts, actors/drive_buffered.ts): one FedAvg round when C = M = N
// with nothing stale, the staleness weights 1/√(1+τ) against a hand-computed update with a
// straggler, the staleness histogram and lost uploads, 1, 2 and 5 Workers bit for bit with
// drops and stragglers, the sequential engine's refusal, and the figure's grid on a tiny size.
import assert from "node:assert/strict";
import { createProblem } from "../problems/registry.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { completeTopology, ringTopology } from "../topologies/generators.ts";
import { stalenessWeight } from "../algorithms/fedbuff.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { runFederated } from "../simulation/sequential_federated.ts";
import { runSimulation } from "../simulation/run_simulation.ts";
import { ConfigError } from "../simulation/config.ts";
import { runActorTest } from "./_actors.ts";
import { runCli } from "./_cli.ts";
import { Rng } from "../random.ts";
import {
  BUFFERED,
  FEDBUFF,
  fedbuffGrid,
  formatTable,
  readOnGrid,
  renderFigure,
  stalenessTotals,
  timeGrid,
} from "../examples/fedbuff.ts";

const spec = { type: "logistic", dim: 4, heterogeneity: 1 };
const minibatch = { ...spec, batchSize: 5 };

function maxRelative(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  a.forEach((v, k) => worst = Math.max(worst, Math.abs(v - b[k]) / Math.max(1, Math.abs(b[k]))));
  return worst;
}

Deno.test("C = M = N, nothing stale: each version is a FedAvg round (η_g = 1), to rounding", async () => {
  const n = 4, common = { mixing: metropolisHastings(ringTopology(n)), seed: 2, evalEvery: 1 };
  const federated = { localSteps: 3, participation: 1, weighting: "uniform" as const };
  const run = (name: string, params: Record<string, unknown>) =>
    runActorTest({
      ...common,
      problem: createProblem(minibatch, n, 2),
      algorithm: { name, params },
      steps: 3,
      federated,
      workers: 2,
    });
  const buffered = await run("fedbuff", { alpha: 0.1, buffer: n, concurrency: n });
  const fedavg = await run("fedavg", { alpha: 0.1 });
  assert.ok(maxRelative(buffered.models[0], fedavg.models[0]) < 1e-13);
  buffered.rows.forEach((row, k) => {
    assert.equal(row.step, k + 1);
    assert.ok(Math.abs(row.loss - fedavg.rows[k].loss) < 1e-12, `version ${k + 1}`);
  });
  assert.deepEqual(buffered.stalenessHistogram, [3 * n]);
  const x0 = createProblem(minibatch, n, 2).initialParams();
  const round = runFederated({
    ...federated,
    problem: createProblem(minibatch, n, 2),
    algorithm: createAlgorithm("fedavg", { alpha: 0.1 }) as FederatedAlgorithm,
    rounds: 1,
    seed: 2,
  }).models[0];
  const expected = x0.map((x, k) => x + 0.5 * (round[k] - x));
  const first = await runActorTest({
    ...common,
    problem: createProblem(minibatch, n, 2),
    algorithm: {
      name: "fedbuff",
      params: { alpha: 0.1, buffer: n, concurrency: n, serverStep: 0.5 },
    },
    steps: 1,
    federated,
  });
  assert.ok(maxRelative(first.models[0], expected) < 1e-13);
});

Deno.test("a straggler's upload τ versions old is weighted 1/√(1+τ): a hand-computed run", async () => {
  // Client 0 takes 0.012 s per attempt, client 1 (3× slower) 0.032 s; M = 1, η_g = 0.5:
  // v1 = x0 + ½Δ0(x0) at 0.012, v2 = v1 + ½Δ0(v1) at 0.024, v3 = v2 + ½s(2)Δ1(x0) at 0.032,
  // v4 = v3 + ½s(1)Δ0(v2) at 0.036 (client 0 downloaded v2, then v3 was applied).
  const problem = createProblem(spec, 2, 1), alpha = 0.3, eta = 0.5;
  const result = await runActorTest({
    problem,
    mixing: metropolisHastings(completeTopology(2)),
    algorithm: { name: "fedbuff", params: { alpha, serverStep: eta, buffer: 1, concurrency: 2 } },
    steps: 4,
    seed: 1,
    evalEvery: 1,
    network: {
      latency: { type: "constant", value: 0.001 },
      compute: { type: "constant", value: 0.01 },
      stragglers: { nodes: [1], slowdown: 3 },
    },
  });
  const delta = (client: number, x: Float64Array) => {
    const g = new Float64Array(x.length);
    problem.gradient(client, x, g, new Rng(0));
    return g.map((v) => -alpha * v);
  };
  const step = (x: Float64Array, d: Float64Array, tau: number) =>
    x.map((v, k) => v + eta * stalenessWeight(tau) * d[k]);
  const x0 = problem.initialParams();
  const v1 = step(x0, delta(0, x0), 0), v2 = step(v1, delta(0, v1), 0);
  const v3 = step(v2, delta(1, x0), 2), v4 = step(v3, delta(0, v2), 1);
  assert.ok(maxRelative(result.models[0], v4) < 1e-14, `${result.models[0]} vs ${v4}`);
  assert.deepEqual(result.stalenessHistogram, [2, 1, 1]);
  assert.equal(stalenessWeight(2), 1 / Math.sqrt(3));
  const times = result.rows.map((row) => row.virtualTime);
  [0.012, 0.024, 0.032, 0.036].forEach((t, k) => assert.ok(Math.abs(times[k] - t) < 1e-12));
  assert.equal(result.rows[3].stalenessMax, 2);
  assert.equal(result.rows[3].stalenessMean, 3 / 4);
  assert.equal(result.droppedUploads, 0);
});

Deno.test("a down client is not drawn: its slot waits for the rejoin, then the client trains", async () => {
  // Client 1 is down until 0.03 s: client 0 alone uploads at 0.012, 0.024 and 0.036; client 1,
  // drawn at its rejoin, downloads v2 and uploads at 0.042 (τ = 1).
  const result = await runActorTest({
    problem: createProblem(spec, 2, 1),
    mixing: metropolisHastings(completeTopology(2)),
    algorithm: { name: "fedbuff", params: { buffer: 1, concurrency: 2 } },
    steps: 4,
    seed: 1,
    evalEvery: 1,
    network: {
      latency: { type: "constant", value: 0.001 },
      crashes: [{ node: 1, at: 0, rejoin: 0.03 }],
    },
  });
  const times = result.rows.map((row) => row.virtualTime);
  [0.012, 0.024, 0.036, 0.042].forEach((t, k) => assert.ok(Math.abs(times[k] - t) < 1e-12));
  assert.deepEqual(result.stalenessHistogram, [3, 1]);
  assert.deepEqual(result.nodeSteps, [3, 1]);
  assert.equal(result.network.droppedCrashed, 0, "no download went to the down client");
});

Deno.test("1, 2 and 5 Workers give the same rows and model with drops, stragglers, crashes", async () => {
  const n = 8;
  const run = (workers: number) =>
    runActorTest({
      problem: createProblem(minibatch, n, 3),
      mixing: metropolisHastings(ringTopology(n)),
      algorithm: { name: "fedbuff", params: { alpha: 0.1, buffer: 3, concurrency: 4 } },
      steps: 12,
      seed: 3,
      evalEvery: 3,
      timeout: 0.2,
      federated: { localSteps: 2, participation: 1, weighting: "uniform" },
      network: {
        dropProbability: 0.2,
        latency: { type: "lognormal", mu: -4, sigma: 1 },
        stragglers: { nodes: [1, 5], slowdown: 5 },
        crashes: [{ node: 6, at: 0.05, rejoin: 0.2 }],
      },
      workers,
    });
  const runs = [await run(1), await run(2), await run(5)];
  const [one] = runs;
  assert.ok(one.droppedUploads > 0, "some uploads are lost");
  assert.equal(one.stalenessHistogram.reduce((a, b) => a + b, 0), 12 * 3);
  assert.ok(one.stalenessHistogram.length > 1, "some uploads are stale");
  assert.equal(one.rows.at(-1)!.step, 12);
  for (const other of runs.slice(1)) {
    assert.deepEqual(other.models, one.models);
    assert.deepEqual(other.rows, one.rows);
    assert.deepEqual(other.stalenessHistogram, one.stalenessHistogram);
    assert.equal(other.droppedUploads, one.droppedUploads);
  }
});

Deno.test("the sequential engine refuses fedbuff before the run, naming the actor engine", async () => {
  const config = { nodes: 4, problem: spec, algorithms: ["fedbuff"], steps: 2 };
  await assert.rejects(() => runSimulation(config), (error: Error) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /algorithms\.0: "fedbuff" .* sequential engine .*engine "actors"/);
    return true;
  });
  const { code, err } = await runCli("--algorithm", "fedbuff", "--steps", "2");
  assert.equal(code, 2);
  assert.match(err, /set engine "actors" \(--engine actors\)/);
  assert.throws(
    () =>
      runFederated({
        problem: createProblem(spec, 4, 0),
        algorithm: createAlgorithm("fedbuff", {}) as FederatedAlgorithm,
        rounds: 1,
        seed: 0,
        localSteps: 1,
        participation: 1,
        weighting: "uniform",
      }),
    /sequential engine/,
  );
  const crowded = {
    ...config,
    engine: "actors",
    algorithms: [{ name: "fedbuff", params: { concurrency: 5 } }],
  };
  await assert.rejects(() => runSimulation(crowded), /concurrency = 5: at most the 4 clients/);
  const ignored = { ...config, engine: "actors", federated: { participation: 0.5 } };
  await assert.rejects(() => runSimulation(ignored), /federated.participation: buffered/);
});

Deno.test("the figure's grid runs on a tiny size: curves on the time grid, staleness, the SVG", async () => {
  const options = {
    ...FEDBUFF,
    nodes: 10,
    problem: { type: "logistic", dim: 5, heterogeneity: 1, batchSize: 5 },
    methods: FEDBUFF.methods.map((m) => ({ ...m, steps: 5 })),
    horizon: 1,
    every: 0.25,
    seeds: [0],
  };
  const runs = await fedbuffGrid(options);
  assert.deepEqual(runs.map((r) => r.method), FEDBUFF.methods.map((m) => m.label));
  const grid = timeGrid(options);
  assert.deepEqual(grid, [0.25, 0.5, 0.75, 1]);
  for (const run of runs) {
    assert.equal(run.onGrid.length, 4);
    assert.ok(run.onGrid[3] !== null && run.onGrid[3] > 0.5, `${run.method} ${run.onGrid}`);
    assert.ok(run.rows.at(-1)!.time >= 1 && run.rows.at(-2)!.time < 1, "cut past the horizon");
  }
  const [buffered, waits, deadline] = runs;
  const applied = stalenessTotals(runs, BUFFERED).reduce((a, b) => a + b, 0);
  assert.ok(applied >= 10 * buffered.rows.at(-1)!.step, `${applied}`);
  assert.deepEqual(waits.stalenessHistogram, []);
  assert.equal(waits.missedDeadline, 0);
  assert.ok(deadline.missedDeadline > 0, "the stragglers miss the deadline");
  const svg = await renderFigure(runs, grid, BUFFERED, "logistic, N = 10");
  assert.ok(svg.startsWith("<svg") && svg.includes("Staleness of FedBuff"));
  assert.match(formatTable(runs, grid, [0.5, 1]), /^method\s+0\.5 s\s+1 s\s+updates\nFedBuff/);
  assert.deepEqual(readOnGrid([{ time: 0.3, step: 1, accuracy: 0.5, loss: 1 }], [0.25, 0.3]), [
    null,
    0.5,
  ]);
});
