import type { Vector } from "../mod.ts";
import assert from "node:assert/strict";
import { createAlgorithm, resolveHyperparameters } from "../algorithms/registry.ts";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import type { LocalAmsClient } from "../algorithms/federated.ts";
import { runFederated } from "../simulation/sequential_federated.ts";
import { logisticProblem } from "../problems/synthetic.ts";
import { Rng } from "../random.ts";

const layers = [
  { name: "dense/kernel", offset: 0, size: 6 },
  { name: "dense/bias", offset: 6, size: 2 },
  { name: "out/kernel", offset: 8, size: 4 },
];
const dim = 12;

function norm(x: Vector, offset: number, size: number): number {
  let total = 0;
  for (let k = offset; k < offset + size; k++) total += x[k] * x[k];
  return Math.sqrt(total);
}

Deno.test("FED-LAMB with φ = identity, λ = 0: each local step moves layer ℓ by α‖θ^ℓ‖", () => {
  const alpha = 0.01;
  const algorithm = createAlgorithm("fed-lamb", { alpha, lambda: 0 }) as FederatedAlgorithm<
    LocalAmsClient
  >;
  const rng = new Rng(5, "test");
  const theta = Float64Array.from({ length: dim }, () => rng.normal());
  const vhat = Float64Array.from({ length: dim }, () => rng.uniform(0.1, 1));
  const client = algorithm.initClient({ id: 0, nodes: 1, dim, layers }, { theta, vhat });
  for (let t = 1; t <= 20; t++) {
    const before = new Float64Array(client.theta);
    const gradient = Float64Array.from({ length: dim }, () => rng.normal());
    algorithm.localStep(client, gradient, t);
    for (const { name, offset, size } of layers) {
      const step = new Float64Array(size);
      for (let k = 0; k < size; k++) step[k] = client.theta[offset + k] - before[offset + k];
      const expected = alpha * norm(before, offset, size);
      const relative = Math.abs(norm(step, 0, size) - expected) / expected;
      assert.ok(relative < 1e-5, `step ${t}, ${name}: ${norm(step, 0, size)} vs ${expected}`);
    }
  }
});

Deno.test("FED-LAMB moves a zero layer by α‖p‖ (trust ratio 1), so zero biases train", () => {
  const algorithm = createAlgorithm("fed-lamb", { alpha: 0.1 }) as FederatedAlgorithm<
    LocalAmsClient
  >;
  const zeros = new Float64Array(dim);
  const client = algorithm.initClient({ id: 0, nodes: 1, dim, layers }, {
    theta: zeros,
    vhat: new Float64Array(dim).fill(1),
  });
  algorithm.localStep(client, new Float64Array(dim).fill(1), 1);
  assert.ok(norm(client.theta, 6, 2) > 0);
});

Deno.test("Fed-AMS and FED-LAMB differ only in the model step", () => {
  const theta = Float64Array.from({ length: dim }, (_, k) => 0.1 * (k + 1));
  const vhat = new Float64Array(dim).fill(0.5);
  const gradient = Float64Array.from({ length: dim }, (_, k) => Math.sin(k));
  const clients = ["fed-ams", "fed-lamb"].map((name) => {
    const algorithm = createAlgorithm(name) as FederatedAlgorithm<LocalAmsClient>;
    const client = algorithm.initClient({ id: 0, nodes: 1, dim, layers }, { theta, vhat });
    algorithm.localStep(client, gradient, 1);
    return client;
  });
  assert.deepEqual(clients[0].m, clients[1].m);
  assert.deepEqual(clients[0].v, clients[1].v);
  assert.deepEqual(clients[0].p, clients[1].p);
  assert.notDeepEqual(clients[0].theta, clients[1].theta);
});

Deno.test("FedAvg, full participation, 1 local step, equal data = centralized SGD on f", () => {
  const problem = logisticProblem({
    nodes: 4,
    dim: 6,
    samplesPerNode: 50,
    heterogeneity: 1,
    seed: 9,
  });
  const alpha = 0.5, rounds = 30;
  const result = runFederated({
    problem,
    algorithm: createAlgorithm("fedavg", { alpha }) as FederatedAlgorithm,
    rounds,
    localSteps: 1,
    participation: 1,
    weighting: "samples",
    seed: 2,
  });
  const x = problem.initialParams();
  const gradient = new Float64Array(problem.dim);
  for (let r = 0; r < rounds; r++) {
    problem.fullGradient(x, gradient);
    for (let k = 0; k < x.length; k++) x[k] -= alpha * gradient[k];
  }
  for (let k = 0; k < x.length; k++) {
    assert.ok(Math.abs(result.models[0][k] - x[k]) <= 1e-6, `coordinate ${k}`);
  }
  assert.ok(result.rows.at(-1)!.loss < result.rows[0].loss);
});

Deno.test("Fed-AMS server keeps v̂ = max(v̂, mean v) across rounds (never decreases)", () => {
  const algorithm = createAlgorithm("fed-ams") as FederatedAlgorithm<
    LocalAmsClient,
    { vhat: Float64Array }
  >;
  const context = { id: -1, nodes: 2, dim: 3, layers: [{ name: "x", offset: 0, size: 3 }] };
  const server = algorithm.initServer(context, new Float64Array(3));
  const uploads = [
    { theta: Float64Array.of(1, 2, 3), v: Float64Array.of(4, 0, 2) },
    { theta: Float64Array.of(3, 2, 1), v: Float64Array.of(0, 2, 2) },
  ];
  algorithm.aggregate(server, uploads, [0.5, 0.5]);
  assert.deepEqual(algorithm.params(server), Float64Array.of(2, 2, 2));
  assert.deepEqual(server.vhat, Float64Array.of(2, 1, 2));
  algorithm.aggregate(server, [{ theta: uploads[0].theta, v: Float64Array.of(1, 4, 0) }], [1]);
  assert.deepEqual(server.vhat, Float64Array.of(2, 4, 2));
});

Deno.test("local epochs: E·⌈n_i / batch⌉ steps per client, the same on both engines", async () => {
  const { clientSteps } = await import("../algorithms/federated_round.ts");
  const fake = { batchSize: 32, samples: (i: number) => [100, 64, 5][i] } as never;
  assert.deepEqual([0, 1, 2].map((i) => clientSteps(fake, i, 7, 3)), [12, 6, 3]);
  assert.equal(clientSteps(fake, 0, 7, null), 7);
  assert.equal(clientSteps({ samples: () => 50 } as never, 0, 7, 2), 2, "full-batch gradients");
  const { runSimulation } = await import("./_fit.ts");
  const scenario = {
    algorithms: ["fed-ams"],
    nodes: 4,
    problem: { type: "logistic", dim: 5, samplesPerNode: 40, batchSize: 10 },
    steps: 6,
  };
  const epochs = await runSimulation({ ...scenario, federated: { localEpochs: 2 } });
  const steps = await runSimulation({ ...scenario, federated: { localSteps: 8 } });
  assert.deepEqual(epochs.runs[0].rows, steps.runs[0].rows);
  const actors = await runSimulation({
    ...scenario,
    federated: { localEpochs: 2 },
    engine: "actors",
  });
  assert.equal(actors.runs[0].rows.at(-1)!.loss, epochs.runs[0].rows.at(-1)!.loss);
});

/** One Fed-AMS client after one local step from the global v̂ = `start` with gradient `g`. */
function firstStep(vBiasCorrection: string | undefined, start: number, g: number) {
  const params = vBiasCorrection === undefined ? {} : { vBiasCorrection };
  const algorithm = createAlgorithm("fed-ams", params) as FederatedAlgorithm<LocalAmsClient>;
  const context = { id: 0, nodes: 1, dim: 1, layers: [{ name: "x", offset: 0, size: 1 }] };
  const client = algorithm.initClient(context, {
    theta: Float64Array.of(0),
    vhat: Float64Array.of(start),
  });
  algorithm.localStep(client, Float64Array.of(g), 1);
  return client;
}

Deno.test("vBiasCorrection: paper divides v (started at v̂) by 1 − β2, none keeps v, from-zero corrects only the new part", () => {
  const beta2 = 0.999, start = 0.01, g = 0.05;
  const v = beta2 * start + (1 - beta2) * g * g;
  const close = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) <= 1e-12 * expected, `${what}: ${actual} vs ${expected}`);
  // paper: v / (1 − β2) ≈ 999·v̂ + g², far above v̂, so the max takes it.
  close(firstStep("paper", start, g).vhat[0], v / (1 - beta2), "paper");
  assert.ok(firstStep("paper", start, g).vhat[0] > 900 * start);
  // none: v̂_loc = v < v̂ here, so the client keeps dividing by v̂.
  close(firstStep("none", start, g).vhat[0], start, "none");
  // from-zero: max(v̂, (v − β2 v̂)/(1 − β2)) = max(v̂, g²).
  close(firstStep("from-zero", start, 0.2).vhat[0], 0.2 * 0.2, "from-zero, large gradient");
  close(firstStep("from-zero", start, g).vhat[0], start, "from-zero, small gradient");
  // Today's behaviour is the default.
  assert.deepEqual(firstStep(undefined, start, g).vhat, firstStep("paper", start, g).vhat);
  // With v̂_{r−1} = 0 (the first round) the three agree: v started at 0.
  const zero = ["paper", "none", "from-zero"].map((c) => firstStep(c, 0, g).vhat[0]);
  close(zero[0], g * g, "paper from 0");
  close(zero[2], g * g, "from-zero from 0");
  close(zero[1], (1 - beta2) * g * g, "none from 0");
});

Deno.test("vBiasCorrection: paper shrinks Fed-AMS's step ~√(1/(1−β2)) ≈ 31× against from-zero when v̂ ≈ g²", () => {
  const steps = ["paper", "from-zero"].map((c) => -firstStep(c, 0.0025, 0.05).theta[0]);
  const ratio = steps[1] / steps[0];
  assert.ok(ratio > 28 && ratio < 33, `ratio ${ratio}`);
});

Deno.test("vBiasCorrection is validated and applies to FED-LAMB too", () => {
  assert.throws(
    () => createAlgorithm("fed-ams", { vBiasCorrection: "zero" }),
    /vBiasCorrection = "zero"/,
  );
  for (const name of ["fed-ams", "fed-lamb"]) {
    assert.equal(resolveHyperparameters(name, {}).vBiasCorrection, "paper");
  }
  const lamb = createAlgorithm("fed-lamb", { vBiasCorrection: "none" }) as FederatedAlgorithm<
    LocalAmsClient
  >;
  const client = lamb.initClient({ id: 0, nodes: 1, dim, layers }, {
    theta: new Float64Array(dim).fill(1),
    vhat: new Float64Array(dim).fill(0.5),
  });
  lamb.localStep(client, new Float64Array(dim).fill(0.1), 1);
  assert.deepEqual(client.vhat, new Float64Array(dim).fill(0.5));
});
