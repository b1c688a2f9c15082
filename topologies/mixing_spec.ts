/**
 * Building a mixing matrix from plain data ({@linkcode MixingSpec}).
 *
 * @module
 */

import type { Graph } from "./graph.ts";
import {
  constantWeights,
  lazy,
  maxDegreeWeights,
  metropolisHastings,
  type MixingMatrix,
  uniformWeights,
} from "./mixing.ts";
import { mixingFromMatrix } from "./mixing_from_matrix.ts";
import { validateMixing } from "./validate_mixing.ts";

/** Every rule a {@linkcode MixingSpec} may name. */
export const MIXING_RULES = [
  "uniform",
  "metropolis-hastings",
  "max-degree",
  "constant",
  "custom",
] as const;

/** One of {@linkcode MIXING_RULES}. */
export type MixingRule = typeof MIXING_RULES[number];

/**
 * A mixing matrix as plain data:
 * - `"uniform"`: {@linkcode uniformWeights} (regular graphs only);
 * - `"metropolis-hastings"`: {@linkcode metropolisHastings};
 * - `"max-degree"`: {@linkcode maxDegreeWeights};
 * - `"constant"`: {@linkcode constantWeights} with `self` and `neighbor`;
 * - `"custom"`: the dense `matrix`.
 * With `lazy: true` the result is replaced by (W + I)/2.
 */
export interface MixingSpec {
  /** The weighting rule. */
  readonly rule: MixingRule;
  /** Use the lazy variant (W + I)/2 (default false). */
  readonly lazy?: boolean;
  /** Diagonal weight for the `"constant"` rule. */
  readonly self?: number;
  /** Per-edge weight for the `"constant"` rule. */
  readonly neighbor?: number;
  /** Dense N × N matrix for the `"custom"` rule. */
  readonly matrix?: readonly (readonly number[])[];
}

function required<T>(value: T | undefined, rule: MixingRule, key: string): T {
  if (value === undefined || value === null) {
    throw new TypeError(`Cannot build mixing matrix "${rule}" from spec: ${key} is required`);
  }
  return value;
}

function baseMixing(spec: MixingSpec, graph: Graph): MixingMatrix {
  switch (spec.rule) {
    case "uniform":
      return uniformWeights(graph);
    case "metropolis-hastings":
      return metropolisHastings(graph);
    case "max-degree":
      return maxDegreeWeights(graph);
    case "constant":
      return constantWeights(
        graph,
        required(spec.self, spec.rule, "self"),
        required(spec.neighbor, spec.rule, "neighbor"),
      );
    case "custom":
      return mixingFromMatrix(required(spec.matrix, spec.rule, "matrix"), graph);
    default:
      throw new RangeError(
        `Cannot build mixing matrix from spec: rule must be one of ${
          MIXING_RULES.join(", ")
        }, received ${(spec as { rule: unknown }).rule}`,
      );
  }
}

/**
 * Builds the mixing matrix a {@linkcode MixingSpec} describes on the given graph, then checks
 * it with {@linkcode validateMixing}.
 *
 * @param spec the rule as plain data
 * @param graph the communication graph
 * @returns the validated mixing matrix
 * @throws {TypeError} if a field the rule needs is missing
 * @throws {RangeError} on an unknown rule or an invalid resulting matrix
 *
 * @example Lazy Metropolis–Hastings on a path
 * ```ts
 * import assert from "node:assert/strict";
 * import { mixingFromSpec, mixingWeight, pathTopology } from "./mod.ts";
 * const w = mixingFromSpec({ rule: "metropolis-hastings", lazy: true }, pathTopology(3));
 * assert.equal(mixingWeight(w, 0, 1), 1 / 6);
 * ```
 */
export function mixingFromSpec(spec: MixingSpec, graph: Graph): MixingMatrix {
  const base = baseMixing(spec, graph);
  const matrix = spec.lazy === true ? lazy(base) : base;
  validateMixing(matrix, graph);
  return matrix;
}
