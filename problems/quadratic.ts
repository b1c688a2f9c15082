/**
 * Separable quadratic objectives f_i(x) = ½ Σ_k a_ik (x_k − b_ik)², the closed-form test bed of
 * the paper reproductions (Theorem 1 of the decentralized-AMSGrad paper is two such nodes).
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import { Rng } from "../random.ts";
import type { LayerSpec, Problem } from "./problem.ts";
import {
  checkFinite,
  checkMatrix,
  checkNode,
  checkNonNegative,
  checkPositiveInteger,
  checkVectorInto,
  fail,
} from "./_validate.ts";

const WHAT = "quadratic problem";

/** Options of {@linkcode quadraticProblem}. Arrays are plain data (they cross `postMessage`). */
export interface QuadraticOptions {
  /** Number of nodes N, a positive integer. */
  readonly nodes: number;
  /** Number of parameters d, a positive integer. */
  readonly dim: number;
  /** Curvatures a_ik > 0, one row of `dim` per node. Default: drawn from `curvature`. */
  readonly a?: readonly (readonly number[])[];
  /** Centres b_ik, one row of `dim` per node. Default: drawn N(0, heterogeneity²). */
  readonly b?: readonly (readonly number[])[];
  /** Standard deviation of the drawn centres b_ik when `b` is not given. Default 1. */
  readonly heterogeneity?: number;
  /** Range [min, max] (0 < min ≤ max) of the uniform draw of a_ik when `a` is not given. Default [1, 1]. */
  readonly curvature?: readonly [number, number];
  /** Standard deviation of i.i.d. Gaussian noise added to each gradient entry. Default 0 (exact). */
  readonly noise?: number;
  /** The common starting point, `dim` numbers. Default zeros. */
  readonly x0?: readonly number[];
  /** Seed of the drawn curvatures and centres (streams `"problem/quadratic/..."`). */
  readonly seed: number;
}

/** A quadratic {@linkcode Problem} whose minimiser is known in closed form. */
export interface QuadraticProblem extends Problem {
  /** The exact minimiser of f = (1/N) Σ_i f_i: x_k = Σ_i a_ik b_ik / Σ_i a_ik. */
  optimum(): Float64Array;
}

/**
 * Builds N separable quadratics f_i(x) = ½ Σ_k a_ik (x_k − b_ik)²; the global loss is their mean.
 * `gradient()` returns the exact local loss f_i(x) and, with `noise > 0`, adds N(0, noise²) from
 * the given `rng` to each gradient entry.
 *
 * @param options sizes, curvatures, centres, noise and seed
 * @returns the problem, with its exact minimiser
 * @throws {RangeError} when an option is out of range or an array has the wrong shape
 *
 * @example The Theorem-1 problem: f_1 = ½x², f_2 = ½(x − 1)²
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "../random.ts";
 * import { quadraticProblem } from "./quadratic.ts";
 *
 * const problem = quadraticProblem({ nodes: 2, dim: 1, a: [[1], [1]], b: [[0], [1]], seed: 0 });
 * const out = new Float64Array(1);
 * assert.equal(problem.gradient(1, Float64Array.of(0), out, new Rng(0)), 0.5);
 * assert.equal(out[0], -1);
 * assert.deepEqual(problem.optimum(), Float64Array.of(0.5));
 * ```
 */
export function quadraticProblem(options: QuadraticOptions): QuadraticProblem {
  const nodes = checkPositiveInteger(WHAT, "nodes", options.nodes);
  const dim = checkPositiveInteger(WHAT, "dim", options.dim);
  const seed = checkFinite(WHAT, "seed", options.seed);
  const noise = checkNonNegative(WHAT, "noise", options.noise ?? 0);
  const a = options.a === undefined
    ? drawCurvatures(nodes, dim, options.curvature ?? [1, 1], seed)
    : checkMatrix(WHAT, "a", options.a, { rows: nodes, cols: dim, positive: true });
  const b = options.b === undefined
    ? drawCentres(nodes, dim, options.heterogeneity ?? 1, seed)
    : checkMatrix(WHAT, "b", options.b, { rows: nodes, cols: dim, positive: false });
  const x0 = new Float64Array(dim);
  if (options.x0 !== undefined) {
    checkVectorInto(WHAT, "x0", options.x0, { out: x0, offset: 0, length: dim, positive: false });
  }
  return buildQuadratic({ nodes, dim, a, b, noise, x0 });
}

/** Draws a_ik ~ U[min, max] node by node from the seed's curvature stream. */
function drawCurvatures(
  nodes: number,
  dim: number,
  range: readonly [number, number],
  seed: number,
): Float64Array {
  if (!Array.isArray(range) || range.length !== 2) fail(WHAT, "curvature", "[min, max]", range);
  const [min, max] = range;
  if (!(typeof min === "number" && min > 0 && Number.isFinite(min))) {
    fail(WHAT, "curvature[0]", "a finite number > 0", min);
  }
  if (!(typeof max === "number" && max >= min && Number.isFinite(max))) {
    fail(WHAT, "curvature[1]", `a finite number >= curvature[0] (${min})`, max);
  }
  const rng = new Rng(seed, "problem/quadratic/curvature");
  return Float64Array.from({ length: nodes * dim }, () => rng.uniform(min, max));
}

/** Draws b_ik ~ N(0, heterogeneity²) node by node from the seed's centre stream. */
function drawCentres(
  nodes: number,
  dim: number,
  heterogeneity: number,
  seed: number,
): Float64Array {
  const scale = checkNonNegative(WHAT, "heterogeneity", heterogeneity);
  const rng = new Rng(seed, "problem/quadratic/centres");
  return Float64Array.from({ length: nodes * dim }, () => scale * rng.normal());
}

/** The validated, flat (row-major, node by coordinate) data of a quadratic problem. */
interface QuadraticData {
  nodes: number;
  dim: number;
  a: Float64Array;
  b: Float64Array;
  noise: number;
  x0: Float64Array;
}

/** Wraps validated data into the {@linkcode QuadraticProblem} object. */
function buildQuadratic(data: QuadraticData): QuadraticProblem {
  const { nodes, dim, a, b, noise, x0 } = data;
  const layers: readonly LayerSpec[] = Object.freeze([{ name: "x", offset: 0, size: dim }]);
  const localLoss = (node: number, x: Vector): number => {
    let total = 0;
    for (let k = 0, at = node * dim; k < dim; k++, at++) {
      const r = x[k] - b[at];
      total += 0.5 * a[at] * r * r;
    }
    return total;
  };
  return {
    name: `quadratic(N=${nodes}, d=${dim}${noise > 0 ? `, noise=${noise}` : ""})`,
    dim,
    nodes,
    layers,
    initialParams: () => x0.slice(),
    gradient(node, x, out, rng) {
      checkNode(node, nodes);
      for (let k = 0, at = node * dim; k < dim; k++, at++) {
        out[k] = a[at] * (x[k] - b[at]) + (noise > 0 ? noise * rng.normal() : 0);
      }
      return localLoss(node, x);
    },
    loss(x) {
      let total = 0;
      for (let i = 0; i < nodes; i++) total += localLoss(i, x);
      return total / nodes;
    },
    fullGradient(x, out) {
      out.fill(0, 0, dim);
      for (let at = 0; at < nodes * dim; at++) out[at % dim] += a[at] * (x[at % dim] - b[at]);
      for (let k = 0; k < dim; k++) out[k] /= nodes;
    },
    samples: () => 1,
    optimum: () => weightedCentre(data),
  };
}

/** x_k = Σ_i a_ik b_ik / Σ_i a_ik, the minimiser of the mean of the quadratics. */
function weightedCentre({ nodes, dim, a, b }: QuadraticData): Float64Array {
  const weighted = new Float64Array(dim);
  const mass = new Float64Array(dim);
  for (let at = 0; at < nodes * dim; at++) {
    weighted[at % dim] += a[at] * b[at];
    mass[at % dim] += a[at];
  }
  return weighted.map((value, k) => value / mass[k]);
}
