/**
 * Validation of a mixing matrix against the conditions of ALGORITHMS.md §1.
 *
 * @module
 */

import { type Graph, reachableFrom } from "./graph.ts";
import type { MixingMatrix } from "./mixing.ts";
import { sumDefect } from "./matrix_properties.ts";

function fail(message: string): never {
  throw new RangeError(`Invalid mixing matrix: ${message}`);
}

function checkShape(matrix: MixingMatrix, graph: Graph): void {
  const n = graph.nodes;
  if (matrix.nodes !== n) fail(`has ${matrix.nodes} nodes but graph ${graph.name} has ${n}`);
  if (matrix.rows.length !== n) fail(`has ${matrix.rows.length} rows, expected ${n}`);
  matrix.rows.forEach(({ indices, weights }, i) => {
    if (indices.length !== weights.length) {
      fail(`row ${i} has ${indices.length} indices but ${weights.length} weights`);
    }
    indices.forEach((j, k) => {
      if (!Number.isInteger(j) || j < 0 || j >= n) {
        fail(`row ${i} has index ${j}, expected an integer in [0, ${n})`);
      }
      if (k > 0 && j <= indices[k - 1]) {
        fail(`row ${i} indices are not strictly ascending (${j} after ${indices[k - 1]})`);
      }
    });
    if (!indices.includes(i)) fail(`row ${i} does not include its own index ${i}`);
  });
}

function checkEntries(matrix: MixingMatrix, graph: Graph): void {
  matrix.rows.forEach(({ indices, weights }, i) => {
    indices.forEach((j, k) => {
      const w = weights[k];
      if (typeof w !== "number" || !Number.isFinite(w)) fail(`W[${i}][${j}] = ${w} is not finite`);
      if (w < 0) fail(`W[${i}][${j}] = ${w} is negative`);
      if (w !== 0 && i !== j && !graph.neighbors[i].includes(j)) {
        fail(`W[${i}][${j}] = ${w} but nodes ${i} and ${j} are not neighbours`);
      }
    });
  });
}

function checkSums(matrix: MixingMatrix, tolerance: number): void {
  const defect = sumDefect(matrix, tolerance);
  if (defect) {
    fail(`${defect.line} ${defect.index} sums to ${defect.sum}, expected 1 (±${tolerance})`);
  }
}

/**
 * Checks that W is a valid mixing matrix for the graph (ALGORITHMS.md §1):
 * - shape: N rows, each with matching `indices`/`weights`, indices ascending, in range, and
 *   including the row's own node;
 * - every entry finite and non-negative;
 * - W_ij = 0 whenever i ≠ j are not neighbours;
 * - every row and every column sums to 1 within `tolerance`;
 * - the graph is connected.
 *
 * These conditions give λ1 = 1 and λ2 < 1; λ = max(|λ2|, |λN|) < 1 also needs λN > −1, which
 * {@linkcode spectralAnalysis} reports and {@linkcode lazy} guarantees.
 *
 * @param matrix the mixing matrix W
 * @param graph the communication graph
 * @param tolerance allowed deviation of a row or column sum from 1 (default 1e-9)
 * @throws {RangeError} naming the first failing row, column or entry, e.g.
 *   `"Invalid mixing matrix: row 2 sums to 0.9, expected 1 (±1e-9)"`
 *
 * @example A row that does not sum to 1
 * ```ts
 * import assert from "node:assert/strict";
 * import { mixingFromMatrix, pathTopology, validateMixing } from "./mod.ts";
 * const w = mixingFromMatrix([[0.5, 0.5], [0.5, 0.4]]);
 * assert.throws(() => validateMixing(w, pathTopology(2)), /row 1 sums to 0.9/);
 * ```
 */
export function validateMixing(matrix: MixingMatrix, graph: Graph, tolerance = 1e-9): void {
  if (typeof tolerance !== "number" || !(tolerance >= 0)) {
    throw new RangeError(
      `Cannot validate mixing matrix: tolerance must be a number ≥ 0, received ${tolerance}`,
    );
  }
  checkShape(matrix, graph);
  checkEntries(matrix, graph);
  checkSums(matrix, tolerance);
  const unreached = reachableFrom(graph).indexOf(false);
  if (unreached !== -1) {
    fail(`graph ${graph.name} is not connected, node ${unreached} cannot be reached from node 0`);
  }
}
