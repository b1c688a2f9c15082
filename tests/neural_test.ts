import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { createNeuralProblem, type NeuralProblem, neuralProblem } from "../problems/neural.ts";
import { BackendUnavailableError, initBackend } from "../problems/tfjs_backend.ts";
import { Rng } from "../random.ts";

const small = { trainSamples: 1000, testSamples: 200, evalSamples: 400 } as const;

/** Runs `body` on a problem, then frees its tensors. */
async function withProblem(
  problem: Promise<NeuralProblem>,
  body: (problem: NeuralProblem) => void | Promise<void>,
): Promise<void> {
  const built = await problem;
  try {
    await body(built);
  } finally {
    built.dispose();
  }
}

Deno.test("softmax regression trained by SGD through the Problem reaches 85% test accuracy", async () => {
  const problem = neuralProblem({
    model: "softmax",
    nodes: 4,
    seed: 0,
    batchSize: 100,
    trainSamples: 4000,
    testSamples: 1000,
  });
  await withProblem(problem, (problem) => {
    assert.equal(problem.backend, "wasm");
    assert.equal(tf.getBackend(), "wasm");
    const x = problem.initialParams();
    const g = new Float64Array(problem.dim);
    const step = new Float64Array(problem.dim);
    const rng = new Rng(0, "sgd");
    const before = problem.loss(x);
    for (let t = 0; t < 100; t++) {
      step.fill(0);
      for (let node = 0; node < problem.nodes; node++) {
        problem.gradient(node, x, g, rng);
        for (let k = 0; k < x.length; k++) step[k] += g[k] / problem.nodes;
      }
      for (let k = 0; k < x.length; k++) x[k] -= 0.5 * step[k];
    }
    const accuracy = problem.accuracy(x);
    assert.ok(problem.loss(x) < before / 3, `loss ${before} -> ${problem.loss(x)}`);
    assert.ok(accuracy >= 0.85, `test accuracy ${accuracy}`);
    const train = problem.trainAccuracy(x);
    assert.ok(train >= 0.85 && train <= 1, `training accuracy ${train}`);
    assert.equal(problem.validationAccuracy, undefined, "no validation split unless asked");
  });
});

Deno.test("validationSamples holds MNIST training images out of training: same training data, disjoint, seeded", async () => {
  const { heldOut, subset } = await import("../problems/_mnist_subsets.ts");
  const count = 50, size = 4;
  const set = {
    pixels: Uint8Array.from({ length: count * size }, (_, k) => Math.floor(k / size)),
    labels: Uint8Array.from({ length: count }, (_, s) => s % 10),
    rows: 2,
    cols: 2,
    count,
  };
  const ids = (images: Float32Array) =>
    Array.from({ length: images.length / size }, (_, r) => Math.round(images[r * size] * 255));
  const train = ids(subset(set, 30, new Rng(4, "problem/neural/train")).images);
  const validation = ids(heldOut(set, 30, 15, 4).images);
  assert.equal(new Set(validation).size, 15);
  assert.ok(validation.every((s) => !train.includes(s)), `${validation} ∩ ${train}`);
  assert.deepEqual(ids(heldOut(set, 30, 15, 4).images), validation);
  await assert.rejects(
    () => neuralProblem({ nodes: 2, seed: 0, trainSamples: 59_990, validationSamples: 20 }),
    /validationSamples must be an integer in \[0, 10\], received 20/,
  );
  const plain = await neuralProblem({ model: "softmax", nodes: 2, seed: 3, ...small });
  const split = await neuralProblem({
    model: "softmax",
    nodes: 2,
    seed: 3,
    ...small,
    validationSamples: 300,
  });
  try {
    const x = plain.initialParams();
    assert.equal(split.loss(x), plain.loss(x), "the training data do not move");
    const accuracy = split.validationAccuracy!(x);
    assert.ok(accuracy >= 0 && accuracy <= 1 && Number.isFinite(accuracy));
  } finally {
    plain.dispose();
    split.dispose();
  }
});

Deno.test("softmax gradient() and fullGradient() match finite differences", async () => {
  await withProblem(neuralProblem({ model: "softmax", nodes: 2, seed: 1, ...small }), (problem) => {
    const x = problem.initialParams();
    const g = new Float64Array(problem.dim);
    const full = new Float64Array(problem.dim);
    problem.gradient(1, x, g, new Rng(5, "batch"));
    problem.fullGradient(x, full);
    const h = 1e-2;
    // kernel entries of central pixels (pixel·10 + class) and two biases
    for (const k of [405 * 10 + 3, 434 * 10 + 7, 378 * 10 + 0, 7840 + 1, 7840 + 9]) {
      const plus = x.slice();
      const minus = x.slice();
      plus[k] += h;
      minus[k] -= h;
      const scratch = new Float64Array(problem.dim);
      const batchFd = (problem.gradient(1, plus, scratch, new Rng(5, "batch")) -
        problem.gradient(1, minus, scratch, new Rng(5, "batch"))) / (2 * h);
      const fullFd = (problem.loss(plus) - problem.loss(minus)) / (2 * h);
      assert.ok(
        Math.abs(batchFd - g[k]) < 1e-3 + 1e-2 * Math.abs(g[k]),
        `${k}: ${batchFd} vs ${g[k]}`,
      );
      assert.ok(
        Math.abs(fullFd - full[k]) < 1e-3 + 1e-2 * Math.abs(full[k]),
        `${k}: ${fullFd} vs ${full[k]}`,
      );
    }
    assert.ok(g.some((v) => v !== 0));
  });
});

Deno.test("gradient(), loss() and accuracy() leak no tensors over 100 steps", async () => {
  await withProblem(neuralProblem({ model: "mlp", nodes: 3, seed: 2, ...small }), (problem) => {
    const x = problem.initialParams();
    const g = new Float64Array(problem.dim);
    const rng = new Rng(2, "leak");
    problem.gradient(0, x, g, rng);
    const tensors = tf.memory().numTensors;
    for (let t = 0; t < 100; t++) {
      problem.gradient(t % 3, x, g, rng);
      for (let k = 0; k < x.length; k++) x[k] -= 0.05 * g[k];
    }
    problem.loss(x);
    problem.fullGradient(x, g);
    problem.accuracy(x);
    assert.equal(tf.memory().numTensors, tensors);
  });
});

Deno.test("MLP layers are 784·200, 200, 200·10, 10 and the flat ⇄ weights round trip is exact", async () => {
  await withProblem(neuralProblem({ model: "mlp", nodes: 2, seed: 3, ...small }), (problem) => {
    assert.deepEqual(problem.layers.map((l) => l.size), [784 * 200, 200, 200 * 10, 10]);
    assert.deepEqual(
      problem.layers.map((l) => l.name),
      ["dense_1/kernel", "dense_1/bias", "dense_2/kernel", "dense_2/bias"],
    );
    assert.deepEqual(problem.layers.map((l) => l.offset), [0, 156800, 157000, 159000]);
    assert.equal(problem.dim, 159010);
    const x = Float64Array.from({ length: problem.dim }, (_, k) => Math.fround(Math.sin(k)));
    problem.setModelWeights(x);
    assert.deepEqual(problem.getModelWeights(), x);
    const bias = problem.tfModel.getWeights()[3];
    assert.deepEqual(bias.shape, [10]);
    assert.equal((bias.dataSync() as Float32Array)[9], Math.fround(Math.sin(159009)));
  });
});

Deno.test("the same spec and seed give the same data, weights and minibatch gradients", async () => {
  const spec = { type: "neural", model: "cnn", partition: "classes", ...small } as const;
  const a = await createNeuralProblem(spec, 5, 4);
  const b = await createNeuralProblem(spec, 5, 4);
  try {
    assert.deepEqual(a.initialParams(), b.initialParams());
    assert.deepEqual(a.classHistogram, b.classHistogram);
    assert.ok(a.classHistogram.every((row) => row.filter((n) => n > 0).length === 2));
    const ga = new Float64Array(a.dim);
    const gb = new Float64Array(b.dim);
    const la = a.gradient(3, a.initialParams(), ga, new Rng(1, "n"));
    const lb = b.gradient(3, b.initialParams(), gb, new Rng(1, "n"));
    assert.equal(la, lb);
    assert.deepEqual(ga, gb);
  } finally {
    a.dispose();
    b.dispose();
  }
});

Deno.test("wasm CNN gradients (with the added filter-gradient kernel) match cpu's", async () => {
  for (const model of ["cnn", "small-cnn"] as const) {
    const options = { model, nodes: 2, seed: 6, batchSize: 8, ...small } as const;
    const onCpu = await neuralProblem({ ...options, backend: "cpu" });
    const x = onCpu.initialParams();
    const cpu = new Float64Array(onCpu.dim);
    const cpuLoss = onCpu.gradient(0, x, cpu, new Rng(3, "b"));
    onCpu.dispose();
    await withProblem(neuralProblem(options), (problem) => {
      const wasm = new Float64Array(problem.dim);
      const wasmLoss = problem.gradient(0, x, wasm, new Rng(3, "b"));
      assert.equal(tf.getBackend(), "wasm");
      assert.ok(Math.abs(wasmLoss - cpuLoss) < 1e-4, `${wasmLoss} vs ${cpuLoss}`);
      const scale = Math.max(...cpu.map(Math.abs));
      for (let k = 0; k < cpu.length; k++) {
        assert.ok(
          Math.abs(wasm[k] - cpu[k]) < 1e-4 * scale,
          `${model} ${k}: ${wasm[k]} vs ${cpu[k]}`,
        );
      }
    });
  }
});

Deno.test("a problem computes on its own backend, whatever tfjs was switched to since", async () => {
  const options = { model: "mlp", nodes: 2, seed: 6, ...small } as const;
  const onCpu = await neuralProblem({ ...options, backend: "cpu" });
  const onWasm = await neuralProblem(options);
  try {
    const x = onWasm.initialParams();
    const [a, b] = [new Float64Array(onWasm.dim), new Float64Array(onWasm.dim)];
    onWasm.gradient(1, x, a, new Rng(1, "s"));
    await initBackend("cpu");
    onWasm.gradient(1, x, b, new Rng(1, "s"));
    assert.deepEqual(b, a, "the wasm problem computed on cpu");
    assert.equal(tf.getBackend(), "cpu");
    assert.equal(onWasm.loss(x), onWasm.loss(x));
  } finally {
    onCpu.dispose();
    onWasm.dispose();
    await initBackend("wasm");
  }
});

Deno.test("initBackend() rejects unknown names and explains unavailable backends", async () => {
  await assert.rejects(
    () => initBackend("tpu" as never),
    /Cannot initialise TensorFlow.js backend: name must be one of wasm, cpu, tensorflow, tensorflow-gpu, webgpu, received "tpu"/,
  );
  for (const [name, pkg] of [["tensorflow", "tfjs-node"], ["tensorflow-gpu", "tfjs-node-gpu"]]) {
    await assert.rejects(
      () => initBackend(name as "tensorflow"),
      (error: Error) =>
        error instanceof BackendUnavailableError && error.backend === name &&
        error.message.includes(`@tensorflow/${pkg}`) && error.message.includes("libtensorflow"),
    );
  }
  assert.equal(await initBackend("wasm"), "wasm");
  assert.equal(tf.getBackend(), "wasm");
  await assert.rejects(
    () => neuralProblem({ model: "resnet" as never, nodes: 2, seed: 0 }),
    /Cannot build neural problem: model must be one of softmax, mlp, cnn, small-cnn, received "resnet"/,
  );
});
