/**
 * Seeded synthetic regression and classification problems. Node i holds `samplesPerNode`
 * samples with features a ~ N(h·μ_i, I) and ground-truth weights w* + h·δ_i, where w*, μ_i and
 * δ_i are standard normal and h is the `heterogeneity` (h = 0: i.i.d. nodes). The same options
 * give bit-identical data in any process.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { LayerSpec, Problem } from "./problem.ts";
import { generateData, type Labeller, type SyntheticData } from "./_synthetic_data.ts";
import { linearModelProblem, linearScore, type SampleLoss } from "./_linear_model.ts";
import { solveLinear } from "./_solve.ts";
import {
  checkFinite,
  checkIntegerIn,
  checkNodeIds,
  checkNonNegative,
  checkPositiveInteger,
  checkProbability,
} from "./_validate.ts";

/** Options shared by {@linkcode leastSquaresProblem} and {@linkcode logisticProblem}. */
export interface SyntheticOptions {
  /** Number of nodes N, a positive integer. */
  readonly nodes: number;
  /** Number of features d, a positive integer. */
  readonly dim: number;
  /** Training samples per node, a positive integer. Default 100. */
  readonly samplesPerNode?: number;
  /** Spread h ≥ 0 of the nodes' feature means and ground-truth weights. Default 0 (i.i.d.). */
  readonly heterogeneity?: number;
  /**
   * Label noise: the standard deviation of Gaussian noise on least-squares targets, or the
   * probability in [0, 1] that a logistic label is flipped. Default 0.
   */
  readonly noise?: number;
  /** Minibatch size of `gradient()`, drawn without replacement; 0 = the full local batch. Default 0. */
  readonly batchSize?: number;
  /** Ridge coefficient λ ≥ 0 of the (λ/2)‖x‖² term. Default 0 (least squares), 1e-3 (logistic). */
  readonly l2?: number;
  /** Seed of all data (streams `"problem/least-squares/..."`, `"problem/logistic/..."`). */
  readonly seed: number;
}

/** Options of {@linkcode logisticProblem}. */
export interface LogisticOptions extends SyntheticOptions {
  /** Held-out samples, drawn from the mixture of all nodes' distributions. Default 500. */
  readonly testSamples?: number;
  /**
   * Nodes whose `gradient()` trains on flipped labels y → 1 − y (data poisoning, the
   * `label-flip` attack); `loss`, `fullGradient` and `accuracy` keep the true labels. Default [].
   */
  readonly poisoned?: readonly number[];
}

/** A least-squares {@linkcode Problem} whose minimiser is known in closed form. */
export interface LeastSquaresProblem extends Problem {
  /** The exact minimiser of the global loss (the ridge normal equations, solved directly). */
  optimum(): Float64Array;
}

/** A binary classification {@linkcode Problem}: its `accuracy` is always defined. */
export interface LogisticProblem extends Problem {
  /** The fraction of held-out samples whose label sign(w·a + b) predicts. */
  accuracy(x: Vector): number;
}

/** The validated numbers shared by both builders. */
interface SyntheticSizes {
  nodes: number;
  dim: number;
  samplesPerNode: number;
  heterogeneity: number;
  batchSize: number;
  l2: number;
  seed: number;
}

/** Validates the shared options, naming `what` in any error. */
function checkSizes(what: string, options: SyntheticOptions, l2Default: number): SyntheticSizes {
  const samplesPerNode = checkPositiveInteger(
    what,
    "samplesPerNode",
    options.samplesPerNode ?? 100,
  );
  return {
    nodes: checkPositiveInteger(what, "nodes", options.nodes),
    dim: checkPositiveInteger(what, "dim", options.dim),
    samplesPerNode,
    heterogeneity: checkNonNegative(what, "heterogeneity", options.heterogeneity ?? 0),
    batchSize: checkIntegerIn(what, "batchSize", options.batchSize ?? 0, [0, samplesPerNode]),
    l2: checkNonNegative(what, "l2", options.l2 ?? l2Default),
    seed: checkFinite(what, "seed", options.seed),
  };
}

const squaredError: SampleLoss = {
  value: (z, y) => 0.5 * (z - y) * (z - y),
  slope: (z, y) => z - y,
};

/**
 * Builds a least-squares problem: f_i(x) = (1/m) Σ_s ½(x·a_s − y_s)² + (λ/2)‖x‖², with targets
 * y = (w* + h·δ_i)·a + noise·N(0, 1).
 *
 * @param options sizes, heterogeneity, noise, minibatch size, ridge and seed
 * @returns the problem, with its exact minimiser
 * @throws {RangeError} when an option is out of range
 *
 * @example Noiseless i.i.d. data: the minimiser zeroes the gradient
 * ```ts
 * import assert from "node:assert/strict";
 * import { leastSquaresProblem } from "./synthetic.ts";
 *
 * const problem = leastSquaresProblem({ nodes: 3, dim: 4, samplesPerNode: 20, seed: 1 });
 * const gradient = new Float64Array(problem.dim);
 * problem.fullGradient(problem.optimum(), gradient);
 * assert.ok(Math.hypot(...gradient) < 1e-9);
 * ```
 */
export function leastSquaresProblem(options: SyntheticOptions): LeastSquaresProblem {
  const what = "least-squares problem";
  const sizes = checkSizes(what, options, 0);
  const noise = checkNonNegative(what, "noise", options.noise ?? 0);
  const label: Labeller = (score, rng) => score + noise * rng.normal();
  const data = generateData({ ...sizes, kind: "least-squares", testSamples: 0, label });
  const problem = linearModelProblem({
    ...sizes,
    name: describe("least-squares", sizes),
    features: sizes.dim,
    bias: false,
    data,
    sampleLoss: squaredError,
    layers: Object.freeze([{ name: "x", offset: 0, size: sizes.dim }]),
  });
  return { ...problem, optimum: () => ridgeSolution(sizes, data) };
}

/** Solves (AᵀA/n + λI) x = Aᵀy/n over all n training rows. */
function ridgeSolution(sizes: SyntheticSizes, data: SyntheticData): Float64Array {
  const { dim, l2 } = sizes;
  data.ensureAll();
  const rows = sizes.nodes * sizes.samplesPerNode;
  const matrix = new Float64Array(dim * dim);
  const rhs = new Float64Array(dim);
  for (let row = 0; row < rows; row++) {
    const a = data.features.subarray(row * dim, (row + 1) * dim);
    for (let j = 0; j < dim; j++) {
      rhs[j] += (a[j] * data.labels[row]) / rows;
      for (let k = 0; k < dim; k++) matrix[j * dim + k] += (a[j] * a[k]) / rows;
    }
  }
  for (let j = 0; j < dim; j++) matrix[j * dim + j] += l2;
  const solution = solveLinear(matrix, rhs);
  if (solution === undefined) {
    throw new RangeError(
      `Cannot compute least-squares optimum: the normal matrix is singular, received ${rows} samples for dim ${dim} with l2 ${l2}`,
    );
  }
  return solution;
}

/** Stable log-loss of a score z for a label y ∈ {0, 1}, and its slope σ(z) − y. */
const logLoss: SampleLoss = {
  value: (z, y) => Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z))),
  slope: (z, y) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : 1 - 1 / (1 + Math.exp(z))) - y,
};

/**
 * Builds a binary logistic-regression problem with a bias: parameters are d weights then one
 * bias (layers `"weights"` and `"bias"`). Labels are 1 when (w* + h·δ_i)·a > 0, else 0, each
 * flipped with probability `noise`; f_i is the mean log-loss plus (λ/2)‖x‖² (bias included).
 * The nodes in `poisoned` train on labels 1 − y instead.
 *
 * @param options sizes, heterogeneity, label-flip probability, minibatch size, ridge and seed
 * @returns the problem, with `accuracy` on `testSamples` held-out samples
 * @throws {RangeError} when an option is out of range
 *
 * @example Gradient descent learns an i.i.d. problem
 * ```ts
 * import assert from "node:assert/strict";
 * import { logisticProblem } from "./synthetic.ts";
 *
 * const problem = logisticProblem({ nodes: 4, dim: 5, seed: 7 });
 * const x = problem.initialParams();
 * const gradient = new Float64Array(problem.dim);
 * for (let step = 0; step < 100; step++) {
 *   problem.fullGradient(x, gradient);
 *   for (let k = 0; k < x.length; k++) x[k] -= 0.5 * gradient[k];
 * }
 * assert.ok(problem.accuracy(x) > 0.8);
 * ```
 */
export function logisticProblem(options: LogisticOptions): LogisticProblem {
  const what = "logistic problem";
  const sizes = checkSizes(what, options, 1e-3);
  const flip = checkProbability(what, "noise", options.noise ?? 0);
  const testSamples = checkPositiveInteger(what, "testSamples", options.testSamples ?? 500);
  const poisoned = checkNodeIds(what, "poisoned", options.poisoned, sizes.nodes);
  const label: Labeller = (score, rng) => (rng.bernoulli(flip) ? +(score <= 0) : +(score > 0));
  const data = generateData({ ...sizes, kind: "logistic", testSamples, label });
  const layers: readonly LayerSpec[] = Object.freeze([
    { name: "weights", offset: 0, size: sizes.dim },
    { name: "bias", offset: sizes.dim, size: 1 },
  ]);
  const problem = linearModelProblem({
    ...sizes,
    name: describe("logistic", sizes),
    features: sizes.dim,
    bias: true,
    data,
    sampleLoss: logLoss,
    layers,
    poisoned,
    flip: (y) => 1 - y,
  });
  return { ...problem, accuracy: (x) => testAccuracy(data, x, sizes.dim) };
}

/** The fraction of test rows whose label matches the prediction [w·a + b > 0]. */
function testAccuracy(data: SyntheticData, x: Vector, width: number): number {
  const shape = { width, bias: true };
  const test = data.test();
  let correct = 0;
  for (let row = 0; row < test.labels.length; row++) {
    const predicted = linearScore(test.features, row, x, shape) > 0 ? 1 : 0;
    if (predicted === test.labels[row]) correct++;
  }
  return correct / test.labels.length;
}

/** A short description such as `"logistic(N=4, d=10, m=100/node, h=0)"`. */
function describe(kind: string, sizes: SyntheticSizes): string {
  const batch = sizes.batchSize > 0 ? `, batch=${sizes.batchSize}` : "";
  return `${kind}(N=${sizes.nodes}, d=${sizes.dim}, m=${sizes.samplesPerNode}/node, h=${sizes.heterogeneity}${batch})`;
}
