/**
 * The checks of a neural problem's options ({@linkcode checkOptions}): names, sizes and the
 * poisoned nodes, defaults filled in, each error naming its field.
 *
 * @module
 */
import { MODEL_NAMES } from "./models.ts";
import type { PartitionSpec } from "./partition.ts";
import { BACKEND_NAMES } from "./backend_names.ts";
import type { NeuralOptions, NeuralPartition } from "./neural.ts";
import {
  checkFinite,
  checkIntegerIn,
  checkNodeIds,
  checkPositiveInteger,
  fail,
} from "./_validate.ts";

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
