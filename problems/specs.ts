/**
 * The built-in problems as plain data: each spec's documented type, and the zod schema a
 * config's `problem` is checked against (defaults filled in). Kept apart from the problems
 * themselves so that validating a neural spec does not load TensorFlow.js.
 *
 * @module
 */
import { z } from "zod";
import { BACKEND_NAMES } from "./backend_names.ts";
import type { QuadraticOptions } from "./quadratic.ts";
import type { LogisticOptions, SyntheticOptions } from "./synthetic.ts";
import type { NeuralOptions } from "./neural.ts";

/** A `quadraticProblem` as plain data (the node count and seed come separately). */
export interface QuadraticSpec extends Omit<QuadraticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "quadratic";
}

/** A `leastSquaresProblem` as plain data (the node count and seed come separately). */
export interface LeastSquaresSpec extends Omit<SyntheticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "least-squares";
}

/** A `logisticProblem` as plain data (the node count and seed come separately). */
export interface LogisticSpec extends Omit<LogisticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "logistic";
}

/** A `neuralProblem` as plain data (the node count and seed come separately). */
export interface NeuralSpec extends Omit<NeuralOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "neural";
}

const int = (min: number) => z.number().int().min(min);
const matrix = z.array(z.array(z.number().finite()));

/** Fields of a `quadratic` spec, with the config's defaults. */
export const quadraticSpecSchema = z.strictObject({
  dim: int(1).max(1_000_000).default(10),
  a: matrix.optional(),
  b: matrix.optional(),
  heterogeneity: z.number().min(0).finite().optional(),
  curvature: z.tuple([z.number().positive(), z.number().positive()]).optional(),
  noise: z.number().min(0).finite().optional(),
  x0: z.array(z.number().finite()).optional(),
});

const syntheticFields = {
  dim: int(1).max(100_000).default(10),
  samplesPerNode: int(1).default(100),
  testSamples: int(1).default(500),
  heterogeneity: z.number().min(0).finite().default(0),
  noise: z.number().min(0).finite().optional(),
  batchSize: int(0).default(0),
  l2: z.number().min(0).finite().optional(),
};

/** Fields of a `least-squares` spec, with the config's defaults. */
export const leastSquaresSpecSchema = z.strictObject(syntheticFields);

/**
 * `poisoned`: the nodes whose training labels are flipped (y → C − 1 − y). A run with the
 * `label-flip` attack sets it to its Byzantine nodes; ids are checked against N when built.
 */
const poisoned = z.array(int(0)).optional().describe(
  "node ids whose training labels are flipped, y → C − 1 − y (the label-flip attack sets " +
    "them; default none); loss and accuracy keep the true labels",
);

/** Fields of a `logistic` spec, with the config's defaults. */
export const logisticSpecSchema = z.strictObject({ ...syntheticFields, poisoned });

/** Fields of a `neural` spec; a config's `backend` comes from its top level. */
export const neuralSpecSchema = z.strictObject({
  model: z.enum(["softmax", "mlp", "cnn", "small-cnn"]).default("softmax"),
  partition: z.enum(["iid", "classes", "dirichlet", "unbalanced"]).default("iid"),
  classesPerNode: int(1).max(10).optional(),
  dirichletAlpha: z.number().positive().finite().optional(),
  batchSize: int(1).default(32),
  trainSamples: int(1).max(60_000).optional(),
  testSamples: int(1).max(10_000).optional(),
  validationSamples: int(0).max(59_999).optional(),
  evalSamples: int(1).optional(),
  dataDir: z.string().min(1).optional(),
  backend: z.enum(BACKEND_NAMES).optional(),
  poisoned,
});

// Each schema's output is a valid spec of its type (checked at compile time).
const _quadraticFits: Omit<QuadraticSpec, "type"> = {} as z.output<typeof quadraticSpecSchema>;
const _leastSquaresFits: Omit<LeastSquaresSpec, "type"> = {} as z.output<
  typeof leastSquaresSpecSchema
>;
const _logisticFits: Omit<LogisticSpec, "type"> = {} as z.output<typeof logisticSpecSchema>;
const _neuralFits: Omit<NeuralSpec, "type"> = {} as z.output<typeof neuralSpecSchema>;
