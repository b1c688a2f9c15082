/**
 * The objective seen by an algorithm: N nodes, each with a local loss f_i over one flat
 * parameter vector. Layered models (FED-LAMB's per-layer trust ratios) describe their layers
 * as slices of that vector.
 *
 * @module
 */
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
  /** The common starting point x_1 of every node. */
  initialParams(): Float64Array;
  /**
   * Writes a (stochastic) gradient of node `node`'s loss at `x` into `out` and returns the
   * loss on the same minibatch. Randomness (minibatches, gradient noise) comes from `rng`.
   */
  gradient(node: number, x: Float64Array, out: Float64Array, rng: Rng): number;
  /** The global loss f(x) = (1/N) Σ_i f_i(x) on all training data. */
  loss(x: Float64Array): number;
  /** Writes the exact gradient ∇f(x) into `out`. */
  fullGradient(x: Float64Array, out: Float64Array): void;
  /** Classification accuracy of `x` on held-out data, where the problem has labels. */
  accuracy?(x: Float64Array): number;
  /**
   * Classification accuracy of `x` on training data (the data `loss()` uses), where the problem
   * has labels: with {@linkcode Problem.accuracy}, the generalisation gap.
   */
  trainAccuracy?(x: Float64Array): number;
  /**
   * Classification accuracy of `x` on a validation split held out of the training data (never
   * the test data), for tuning hyper-parameters; absent when the problem has no such split.
   */
  validationAccuracy?(x: Float64Array): number;
  /** Number of training samples held by `node` (FedAvg's sample-count weights). */
  samples(node: number): number;
  /** Minibatch size of `gradient()`; 0 or absent when it uses the node's whole local data. */
  readonly batchSize?: number;
  /** Frees what the problem holds outside the JavaScript heap (tensors); optional. */
  dispose?(): void;
}
