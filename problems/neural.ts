/**
 * MNIST classification with a tfjs-layers model (`buildModel`) as a {@linkcode Problem}:
 * the flat `Float64Array` parameters are the model's weights in `model.getWeights()` order, one
 * {@linkcode LayerSpec} per variable (`"dense_1/kernel"`, `"dense_1/bias"`, …). Training images
 * come from MNIST's training set, partitioned over the nodes; accuracy is measured on MNIST's
 * test set, training accuracy on the training images `loss()` uses and, with
 * `validationSamples`, validation accuracy on MNIST training images held out of training.
 *
 * Determinism: the training and test subsets, the partition and the initial weights (Glorot
 * uniform kernels, zero biases) come from the seed; minibatches and dropout masks come from the
 * `rng` passed to `gradient()` (tfjs's dropout is seeded with a draw from it). tfjs computes in
 * float32, so results agree across processes on the same backend.
 *
 * Gradients: `gradientBatch()` computes a block of nodes in one tfjs program (their weights
 * stacked, see `_neural_program.ts`); `gradient()` is that program on a block of one. On wasm
 * and cpu a node's gradient and loss are bit-identical in any block, alone or batched (every
 * node's arithmetic is the same: XNNPACK's products do not depend on the stack). On WebGPU,
 * whose results can only be awaited, `gradientBatch()` returns a Promise, `gradient()` throws,
 * and `asynchronous` is true; the model and the evaluations (`loss`, `fullGradient`,
 * `accuracy`, which read synchronously) run on wasm, so they equal a wasm run's.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import { Rng } from "../random.ts";
import type { Problem } from "./problem.ts";
import { loadMnistPixels } from "./idx.ts";
import { type LayersModel, modelInputShape, type ModelName } from "./models.ts";
import { heldOut, subset } from "./_mnist_subsets.ts";
import { classHistogram, type Partition, partitionLabels } from "./partition.ts";
import { type BackendName, initBackend, onBackend } from "./tfjs_backend.ts";
import { MinibatchSampler } from "./_minibatch.ts";
import { CLASSES, NeuralModel } from "./_neural_model.ts";
import { Evaluator, initialWeights } from "./_neural_eval.ts";
import { NeuralGradients } from "./_neural_gradients.ts";
import { stagesOf } from "./_neural_program.ts";
import { checkOptions, type NeuralOptions } from "./_neural_options.ts";

export type { NeuralOptions, NeuralPartition } from "./_neural_options.ts";

/** A neural-network {@linkcode Problem} on MNIST. */
export interface NeuralProblem extends Problem {
  /** The fraction of the test images whose label the model at `x` predicts. */
  accuracy(x: Vector): number;
  /**
   * The same on the training images `loss()` uses (⌊evalSamples / N⌋ per node), each node
   * weighted 1/N as in the loss.
   */
  trainAccuracy(x: Vector): number;
  /** Each node's number of training images per class (N rows of 10). */
  readonly classHistogram: readonly (readonly number[])[];
  /** The model's name. */
  readonly model?: ModelName;
  /** The tfjs backend the problem computes on. */
  readonly backend: BackendName;
  /** The tfjs-layers model whose weights the flat parameters are (to save or inspect it). */
  readonly tfModel: LayersModel;
  /** Writes flat parameters into {@linkcode NeuralProblem.tfModel}'s weights (as float32). */
  setModelWeights(x: Vector): void;
  /** Reads {@linkcode NeuralProblem.tfModel}'s weights as flat parameters. */
  getModelWeights(): Float64Array;
  /** Frees the model's tensors; the problem cannot be used afterwards. */
  dispose(): void;
}

/**
 * Builds an MNIST problem on a tfjs-layers model. Initialises the tfjs backend first (once per
 * process or Worker).
 *
 * Needs read access to the data (Deno's npm cache by default) and, for `"wasm"`, to
 * tfjs-backend-wasm's `.wasm` files in the same cache.
 *
 * @param options the model, partition, sizes, data folder, backend, node count and seed
 * @returns the problem, with test accuracy and the per-node class histogram
 * @throws {RangeError} when an option is out of range
 * @throws {TypeError} when the model, partition or backend name is unknown
 * @throws {BackendUnavailableError} when the backend cannot run here
 *
 * @example Softmax regression on 2 nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { neuralProblem } from "./neural.ts";
 *
 * const problem = await neuralProblem({
 *   model: "softmax", nodes: 2, seed: 1, trainSamples: 200, testSamples: 100,
 * });
 * assert.equal(problem.dim, 784 * 10 + 10);
 * assert.ok(Number.isFinite(problem.loss(problem.initialParams())));
 * assert.equal(problem.classHistogram.length, 2);
 * problem.dispose();
 * ```
 */
export async function neuralProblem(options: NeuralOptions): Promise<NeuralProblem> {
  const o = checkOptions(options);
  const [train, test] = await Promise.all([
    loadMnistPixels({ dataDir: options.dataDir, set: "train" }),
    loadMnistPixels({ dataDir: options.dataDir, set: "test" }),
  ]);
  // WebGPU computes the gradients; the model and its evaluations stay on wasm.
  if (o.backend === "webgpu") await initBackend("wasm");
  await initBackend(o.backend);
  const trainSet = subset(train, o.trainSamples, new Rng(o.seed, "problem/neural/train"));
  const testSet = subset(test, o.testSamples, new Rng(o.seed, "problem/neural/test"));
  const validationSet = o.validationSamples > 0
    ? heldOut(train, o.trainSamples, o.validationSamples, o.seed)
    : null;
  const parts: Partition = partitionLabels(trainSet.labels, o.spec, {
    nodes: o.nodes,
    seed: o.seed,
    classes: CLASSES,
  });
  const network = o.backend === "webgpu"
    ? onBackend("wasm", () => new NeuralModel(o.model))
    : new NeuralModel(o.model);
  const initial = initialWeights(network, o.seed);
  const samplers = parts.map((part) =>
    new MinibatchSampler(part.length, Math.min(o.batchSize, part.length))
  );
  const evaluator = new Evaluator(network, {
    train: trainSet,
    test: testSet,
    parts,
    evalSamples: o.evalSamples,
    seed: o.seed,
  });
  const gradients = new NeuralGradients({
    stages: stagesOf(network.model),
    layers: network.layers,
    shapes: network.variables.map((v) => v.shape),
    inputShape: modelInputShape(o.model),
    classes: CLASSES,
    dropouts: network.dropouts,
    images: trainSet.images,
    labels: trainSet.labels,
    parts,
    samplers,
    activations: network.activations,
    poisoned: o.poisoned,
    direct: o.backend === "wasm",
  });
  const asynchronous = o.backend === "webgpu";
  // A problem computes on its own backend whatever another problem switched tfjs to since; on
  // WebGPU the model (and so every evaluation) lives on wasm: evaluations read synchronously.
  const compute = <T>(body: () => T) => onBackend(o.backend, body);
  const evaluate = <T>(body: () => T) => onBackend(asynchronous ? "wasm" : o.backend, body);
  return {
    name: `neural(${o.model}, ${o.spec.scheme}, N=${o.nodes}, m=${trainSet.labels.length})`,
    dim: network.dim,
    nodes: o.nodes,
    layers: network.layers,
    model: o.model,
    backend: o.backend,
    asynchronous,
    tfModel: network.model,
    setModelWeights: (x) => evaluate(() => network.setWeights(x)),
    getModelWeights: () => evaluate(() => network.getWeights()),
    classHistogram: Object.freeze(
      classHistogram(parts, trainSet.labels, CLASSES).map((row) => Object.freeze(row)),
    ),
    initialParams: () => initial.slice(),
    samples: (node) => parts[node].length,
    batchSize: o.batchSize,
    gradient(node, x, out, rng) {
      if (asynchronous) {
        throw new Error(
          `Cannot compute a gradient synchronously on webgpu: tfjs-backend-webgpu reads results only asynchronously, so webgpu needs the actor engine's asynchronous gradient path (gradientsOf or gradientBatch, awaited), received gradient(${node}, …)`,
        );
      }
      return compute(() => gradients.run([node], [x], [out], [rng])[0]);
    },
    gradientBatch: (nodes, points, outs, rngs) =>
      compute(() =>
        asynchronous
          ? gradients.runAsync(nodes, points, outs, rngs)
          : gradients.run(nodes, points, outs, rngs)
      ),
    loss: (x) => evaluate(() => evaluator.loss(x)),
    fullGradient(x, out) {
      evaluate(() => evaluator.loss(x, out));
    },
    accuracy: (x) => evaluate(() => evaluator.accuracy(x)),
    trainAccuracy: (x) => evaluate(() => evaluator.trainAccuracy(x)),
    ...(validationSet
      ? {
        validationAccuracy: (x: Vector) => evaluate(() => evaluator.accuracyOn(validationSet, x)),
      }
      : {}),
    dispose: () => network.model.dispose(),
  };
}

/**
 * Builds the problem a neural spec (`{ type: "neural", …NeuralOptions }`) describes (the asynchronous counterpart of
 * `createProblem`, since the data are read from disk).
 *
 * @param spec the problem's options, with `type: "neural"`
 * @param nodes the number of nodes N
 * @param seed the run's seed
 * @returns the problem
 * @throws {TypeError} when `spec.type` is not `"neural"` or a name is unknown
 * @throws {RangeError} when an option is out of range
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createNeuralProblem } from "./neural.ts";
 *
 * const spec = { type: "neural", model: "softmax", trainSamples: 100, testSamples: 50 } as const;
 * const problem = await createNeuralProblem(spec, 2, 3);
 * assert.equal(problem.layers[0].name, "dense_1/kernel");
 * problem.dispose();
 * ```
 */
export function createNeuralProblem(
  spec: Omit<NeuralOptions, "nodes" | "seed"> & { readonly type: "neural" },
  nodes: number,
  seed: number,
): Promise<NeuralProblem> {
  if (spec?.type !== "neural") {
    return Promise.reject(
      new TypeError(
        `Cannot build problem: type must be "neural", received ${
          JSON.stringify((spec as { type?: unknown } | undefined)?.type)
        }`,
      ),
    );
  }
  const { type: _type, ...options } = spec;
  return neuralProblem({ ...options, nodes, seed });
}
