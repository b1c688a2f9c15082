/**
 * The objective seen by an algorithm: N nodes, each with a local loss f_i over one flat
 * parameter vector. Layered models (FED-LAMB's per-layer trust ratios) describe their layers
 * as slices of that vector.
 *
 * @module
 */
import type { Precision, Vector } from "../vector.ts";
import type { Rng } from "../random.ts";

/** One layer (one model variable: a kernel or a bias) as a slice of the flat parameters. */
export interface LayerSpec {
  /** The variable's name, e.g. `"dense/kernel"`. */
  readonly name: string;
  /** Index of its first entry in the flat vector. */
  readonly offset: number;
  /** Number of entries. */
  readonly size: number;
}

/**
 * A distributed objective f(x) = (1/N) Σ_i f_i(x). Instances are built from plain config data
 * and a seed (the problem registry's `loadProblem`), so every Worker rebuilds exactly the same data.
 *
 * Parameters are `Float64Array`s: the paper reproductions and invariants (ALGORITHMS.md §2.5)
 * are asserted to 1e-6 relative, which single precision cannot keep over 20,000 steps.
 */
export interface Problem {
  /** A short human-readable description, e.g. `"logistic(d=10, m=100/node)"`. */
  readonly name: string;
  /** Number of parameters d. */
  readonly dim: number;
  /** Number of nodes N (each holds one local loss f_i). */
  readonly nodes: number;
  /** The model's layers as slices of the flat vector (one layer `"x"` for flat problems). */
  readonly layers: readonly LayerSpec[];
  /**
   * The precision the engines keep this problem's models in (`vector.ts`): a spec's
   * `precision` field; absent, float64. Gradients and losses read the model's entries as
   * numbers and write gradients in the same precision.
   */
  readonly precision?: Precision;
  /** The common starting point x_1 of every node. */
  initialParams(): Float64Array;
  /**
   * Writes a (stochastic) gradient of node `node`'s loss at `x` into `out` and returns the
   * loss on the same minibatch. Randomness (minibatches, gradient noise) comes from `rng`.
   */
  gradient(node: number, x: Vector, out: Vector, rng: Rng): number;
  /**
   * The gradients of several nodes at once: node `nodes[k]`'s stochastic gradient at
   * `points[k]` goes into `outs[k]`, its randomness drawn from `rngs[k]` exactly as
   * `gradient(nodes[k], points[k], outs[k], rngs[k])` draws it (the same minibatch, the same
   * dropout seeds), and the minibatch losses are returned in the same order. Results equal the
   * per-node calls': the problem's documentation says whether bit for bit or to a stated
   * tolerance. A Promise when the backend reads results asynchronously (WebGPU, see
   * {@linkcode Problem.asynchronous}). Optional: {@linkcode gradientsOf} loops over
   * `gradient` when absent. No `outs[k]` may share memory with a `points[j]`.
   */
  gradientBatch?(
    nodes: readonly number[],
    points: readonly Vector[],
    outs: readonly Vector[],
    rngs: readonly Rng[],
  ): number[] | Promise<number[]>;
  /**
   * True when gradients can only be computed asynchronously ({@linkcode Problem.gradient}
   * throws; {@linkcode gradientsOf} returns a Promise): a neural problem on WebGPU.
   */
  readonly asynchronous?: boolean;
  /** The global loss f(x) = (1/N) Σ_i f_i(x) on all training data. */
  loss(x: Vector): number;
  /** Writes the exact gradient ∇f(x) into `out`. */
  fullGradient(x: Vector, out: Vector): void;
  /** Classification accuracy of `x` on held-out data, where the problem has labels. */
  accuracy?(x: Vector): number;
  /**
   * Classification accuracy of `x` on training data (the data `loss()` uses), where the problem
   * has labels: with {@linkcode Problem.accuracy}, the generalisation gap.
   */
  trainAccuracy?(x: Vector): number;
  /**
   * Classification accuracy of `x` on a validation split held out of the training data (never
   * the test data), for tuning hyper-parameters; absent when the problem has no such split.
   */
  validationAccuracy?(x: Vector): number;
  /** Number of training samples held by `node` (FedAvg's sample-count weights). */
  samples(node: number): number;
  /** Minibatch size of `gradient()`; 0 or absent when it uses the node's whole local data. */
  readonly batchSize?: number;
  /** Frees what the problem holds outside the JavaScript heap (tensors); optional. */
  dispose?(): void;
}

/**
 * The gradients of several nodes, as engines compute them: the problem's
 * {@linkcode Problem.gradientBatch} when it has one (one tensor program for the block on a
 * neural problem), else one {@linkcode Problem.gradient} call per node, in order. Node
 * `nodes[k]`'s gradient at `points[k]` goes into `outs[k]`, drawn from `rngs[k]`.
 *
 * @param problem the objective
 * @param nodes the nodes
 * @param points each node's gradient point
 * @param outs where each node's gradient goes (length `problem.dim` each)
 * @param rngs each node's gradient stream
 * @returns the minibatch losses in call order; a Promise when the problem is
 *   {@linkcode Problem.asynchronous}, so `await` the result unless `problem.asynchronous` is
 *   false or absent
 * @throws {RangeError} when the four arrays differ in length (or as `gradient` throws)
 *
 * @example Two nodes' gradients of a quadratic
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../random.ts";
 * import { createProblem, gradientsOf } from "./mod.ts";
 *
 * const problem = createProblem({ type: "quadratic", dim: 2, heterogeneity: 1 }, 3, 5);
 * const x = problem.initialParams();
 * const outs = [new Float64Array(2), new Float64Array(2)];
 * const losses = gradientsOf(problem, [0, 2], [x, x], outs, [new Rng(1, "a"), new Rng(1, "b")]);
 * assert.ok(Array.isArray(losses) && losses.length === 2);
 * ```
 */
export function gradientsOf(
  problem: Problem,
  nodes: readonly number[],
  points: readonly Vector[],
  outs: readonly Vector[],
  rngs: readonly Rng[],
): number[] | Promise<number[]> {
  const count = nodes.length;
  if (points.length !== count || outs.length !== count || rngs.length !== count) {
    throw new RangeError(
      `Cannot compute gradients: nodes, points, outs and rngs must have the same length, received ${count}, ${points.length}, ${outs.length} and ${rngs.length}`,
    );
  }
  if (problem.gradientBatch !== undefined) {
    return problem.gradientBatch(nodes, points, outs, rngs);
  }
  const losses = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    losses[k] = problem.gradient(nodes[k], points[k], outs[k], rngs[k]);
  }
  return losses;
}
