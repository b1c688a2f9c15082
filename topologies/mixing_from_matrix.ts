/**
 * User-given dense mixing matrices, and the graph a mixing matrix implies.
 *
 * @module
 */

import { emptyAdjacency, makeGraph } from "./_make_graph.ts";
import type { Graph } from "./graph.ts";
import type { MixingMatrix, MixingRow } from "./mixing.ts";

function checkDense(matrix: readonly (readonly number[])[]): void {
  if (!Array.isArray(matrix) || matrix.length < 1) {
    throw new TypeError(`Cannot build mixing matrix: matrix must be a non-empty array of rows`);
  }
  matrix.forEach((row, i) => {
    if (!Array.isArray(row)) {
      throw new TypeError(`Cannot build mixing matrix: row ${i} is not an array`);
    }
    if (row.length !== matrix.length) {
      throw new RangeError(
        `Cannot build mixing matrix: row ${i} has length ${row.length}, expected ${matrix.length}`,
      );
    }
    row.forEach((value, j) => {
      if (typeof value !== "number") {
        throw new TypeError(
          `Cannot build mixing matrix: W[${i}][${j}] must be a number, received ${typeof value}`,
        );
      }
    });
  });
}

/**
 * A mixing matrix from a user-given dense N × N array. Row i stores the node itself, its graph
 * neighbours (when a graph is given) and every column with a non-zero entry, ascending; entries
 * off the graph are kept so that {@linkcode validateMixing} can report them.
 *
 * This builder checks only the shape; call {@linkcode validateMixing} for the mixing-matrix
 * conditions (stochasticity, sign, support, connectivity).
 *
 * @param matrix the dense matrix, `matrix[i][j]` = W_ij
 * @param graph the communication graph (default: inferred from the non-zero entries, see
 *   {@linkcode graphOfMixing})
 * @returns the mixing matrix
 * @throws {TypeError} if the matrix, a row or an entry has the wrong type
 * @throws {RangeError} if the matrix is not square or its size differs from the graph's
 *
 * @example Two nodes averaging
 * ```ts
 * import assert from "node:assert/strict";
 * import { mixingFromMatrix, pathTopology, validateMixing } from "./mod.ts";
 * const w = mixingFromMatrix([[0.5, 0.5], [0.5, 0.5]]);
 * validateMixing(w, pathTopology(2));
 * assert.deepEqual(w.rows[1], { indices: [0, 1], weights: [0.5, 0.5] });
 * ```
 */
export function mixingFromMatrix(
  matrix: readonly (readonly number[])[],
  graph?: Graph,
): MixingMatrix {
  checkDense(matrix);
  const nodes = matrix.length;
  if (graph !== undefined && graph.nodes !== nodes) {
    throw new RangeError(
      `Cannot build mixing matrix: matrix has ${nodes} rows but graph ${graph.name} has ${graph.nodes} nodes`,
    );
  }
  const rows: MixingRow[] = matrix.map((dense, i) => {
    const indices = dense
      .map((_, j) => j)
      .filter((j) => j === i || dense[j] !== 0 || graph?.neighbors[i].includes(j) === true);
    const weights = indices.map((j) => dense[j]);
    return Object.freeze({ indices: Object.freeze(indices), weights: Object.freeze(weights) });
  });
  return Object.freeze({ nodes, rows: Object.freeze(rows) });
}

/**
 * The graph a mixing matrix implies: i and j (i ≠ j) are neighbours when W_ij ≠ 0 or W_ji ≠ 0.
 *
 * @param matrix the mixing matrix
 * @param name the graph's name (default `"custom"`)
 * @returns the graph
 * @throws {RangeError} if a row stores an index outside [0, N)
 *
 * @example The graph of a dense 3-node matrix
 * ```ts
 * import assert from "node:assert/strict";
 * import { graphOfMixing, mixingFromMatrix } from "./mod.ts";
 * const w = mixingFromMatrix([[0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]]);
 * assert.deepEqual(graphOfMixing(w).neighbors, [[1], [0, 2], [1]]);
 * ```
 */
export function graphOfMixing(matrix: MixingMatrix, name = "custom"): Graph {
  const adjacency = emptyAdjacency(matrix.nodes);
  matrix.rows.forEach((row, i) => {
    row.indices.forEach((j, k) => {
      if (!Number.isInteger(j) || j < 0 || j >= matrix.nodes) {
        throw new RangeError(
          `Cannot build graph of mixing matrix: row ${i} has index ${j}, expected an integer in [0, ${matrix.nodes})`,
        );
      }
      if (j !== i && row.weights[k] !== 0) {
        adjacency[i].add(j);
        adjacency[j].add(i);
      }
    });
  });
  return makeGraph(adjacency, name);
}
