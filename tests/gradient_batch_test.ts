import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import type { ModelName } from "../problems/models.ts";
import { createProblem, gradientsOf, type Problem } from "../problems/mod.ts";
import { Rng } from "../random.ts";

/**
 * 7 nodes on 150 images, unbalanced: some nodes hold fewer images than the minibatch (14), so a
 * block holds several minibatch sizes.
 */
const OPTIONS = {
  nodes: 7,
  seed: 11,
  batchSize: 14,
  partition: "unbalanced",
  trainSamples: 150,
  testSamples: 20,
  evalSamples: 20,
} as const;

/** Each node's own point near x₁, and each node's own gradient stream. */
function inputs(problem: Problem, nodes: readonly number[]) {
  const points = nodes.map((node) =>
    problem.initialParams().map((v, k) => v + 0.01 * Math.sin(3 * node + k))
  );
  const rngs = () => nodes.map((node) => new Rng(5, `node/${node}`));
  const outs = () => nodes.map(() => new Float64Array(problem.dim));
  return { points, rngs, outs };
}

/** The cpu backend's filter gradients are slow (0.5 s a call): 3 nodes, minibatches of 2. */
const SMALL = { ...OPTIONS, nodes: 3, batchSize: 2, trainSamples: 60 } as const;

/** gradientBatch on `nodes` against one gradient() call per node: equal bit for bit. */
async function assertBatchEqualsLoop(model: ModelName, backend: "wasm" | "cpu") {
  const options = backend === "cpu" && model.includes("cnn") ? SMALL : OPTIONS;
  const problem = await neuralProblem({ ...options, model, backend });
  try {
    assert.equal(tf.getBackend(), backend);
    const sizes = Array.from({ length: options.nodes }, (_, node) => problem.samples(node));
    if (options === OPTIONS) {
      assert.ok(sizes.some((size) => size < options.batchSize), `sizes ${sizes}`);
      assert.ok(sizes.some((size) => size >= options.batchSize), `sizes ${sizes}`);
    }
    const nodes = [5, 0, 3, 6, 1, 2, 4].filter((node) => node < options.nodes); // any order
    const { points, rngs, outs } = inputs(problem, nodes);
    const single = outs(), batched = outs();
    const streams = rngs();
    const expected = nodes.map((node, k) =>
      problem.gradient(node, points[k], single[k], streams[k])
    );
    const tensors = tf.memory().numTensors;
    const batchStreams = rngs();
    const losses = await problem.gradientBatch!(nodes, points, batched, batchStreams);
    assert.equal(tf.memory().numTensors, tensors, "tensors left behind");
    assert.deepEqual(losses, expected);
    nodes.forEach((node, k) => {
      assert.deepEqual(batched[k], single[k], `${model} on ${backend}, node ${node}`);
      assert.ok(single[k].some((g) => g !== 0));
      // The streams were consumed alike: their next draws agree.
      assert.equal(batchStreams[k].nextUint32(), streams[k].nextUint32());
    });
    // Again, through gradientsOf, on a subset: nothing depends on the rest of the block.
    const again = outs();
    const subset = await gradientsOf(
      problem,
      nodes.slice(2, 4),
      points.slice(2, 4),
      again.slice(2, 4),
      rngs().slice(2, 4),
    );
    assert.deepEqual(subset, expected.slice(2, 4));
    assert.deepEqual(again.slice(2, 4), single.slice(2, 4));
  } finally {
    problem.dispose();
  }
}

for (const backend of ["wasm", "cpu"] as const) {
  for (const model of ["softmax", "mlp", "cnn", "small-cnn"] as const) {
    Deno.test(`${model} on ${backend}: gradientBatch equals gradient() per node, bit for bit`, () =>
      assertBatchEqualsLoop(model, backend));
  }
}

Deno.test("gradientBatch keeps the tensor count stable over 30 MLP block steps", async () => {
  const problem = await neuralProblem({ ...OPTIONS, model: "mlp", partition: "iid" });
  try {
    const nodes = [0, 1, 2, 3];
    const { points, rngs, outs } = inputs(problem, nodes);
    const [streams, gradients] = [rngs(), outs()];
    problem.gradientBatch!(nodes, points, gradients, streams);
    const tensors = tf.memory().numTensors, bytes = tf.memory().numBytes;
    for (let t = 0; t < 30; t++) {
      problem.gradientBatch!(nodes, points, gradients, streams);
      points.forEach((x, k) => x.forEach((_, i) => (x[i] -= 0.05 * gradients[k][i])));
    }
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.memory().numBytes, bytes);
    assert.ok(problem.loss(points[0]) < problem.loss(problem.initialParams()));
  } finally {
    problem.dispose();
  }
});

Deno.test("gradientBatch and gradientsOf reject mismatched inputs with the field named", async () => {
  const problem = await neuralProblem({ ...OPTIONS, model: "softmax" });
  try {
    const { points, rngs, outs } = inputs(problem, [0, 1]);
    assert.throws(
      () => problem.gradientBatch!([0, 1], points, outs().slice(1), rngs()),
      /Cannot compute gradients: nodes, points, outs and rngs must have the same length, received 2, 2, 1 and 2/,
    );
    assert.throws(
      () => gradientsOf(problem, [0], points, outs(), rngs()),
      /Cannot compute gradients: .* received 1, 2, 2 and 2/,
    );
    assert.throws(
      () => problem.gradientBatch!([0, 7], points, outs(), rngs()),
      /Cannot compute gradient: node must be an integer in \[0, 6\], received 7/,
    );
    assert.throws(
      () => problem.gradientBatch!([0, 1], [points[0], new Float64Array(3)], outs(), rngs()),
      /Cannot compute gradient of node 1: x must have 7850 entries, received 3/,
    );
  } finally {
    problem.dispose();
  }
});

Deno.test("gradientsOf loops over gradient() for a problem without gradientBatch", () => {
  const problem = createProblem(
    { type: "logistic", dim: 4, samplesPerNode: 20, batchSize: 5 },
    3,
    2,
  );
  assert.equal(problem.gradientBatch, undefined);
  const nodes = [2, 0];
  const { points, rngs, outs } = inputs(problem, nodes);
  const [looped, viaHelper] = [outs(), outs()];
  const streams = rngs();
  const expected = nodes.map((node, k) => problem.gradient(node, points[k], looped[k], streams[k]));
  assert.deepEqual(gradientsOf(problem, nodes, points, viaHelper, rngs()), expected);
  assert.deepEqual(viaHelper, looped);
});
