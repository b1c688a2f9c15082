/**
 * Mixing matrices W, stored sparsely one row per node, and the standard builders:
 * uniform neighbour weights, Metropolis–Hastings, max-degree, constant weights, the lazy
 * variant (W + I)/2, and a user-given dense matrix.
 *
 * Every builder that starts from a graph returns a row for each node whose `indices` are the
 * node itself and its neighbours, ascending. That order is the summation order of
 * `Σ_j W_ij x_j` in the engines, so results are reproducible bit for bit.
 *
 * @module
 */

import { type Graph, maxDegree } from "./graph.ts";

/** One row of a mixing matrix: the non-structural-zero entries of `W[i]`. */
export interface MixingRow {
  /** Column indices, strictly ascending, including the row's own node. */
  readonly indices: readonly number[];
  /** `weights[k]` is `W[i][indices[k]]`. */
  readonly weights: readonly number[];
}

/** A mixing matrix W (N × N), stored sparsely per row. */
export interface MixingMatrix {
  /** N, the number of nodes. */
  readonly nodes: number;
  /** One row per node. */
  readonly rows: readonly MixingRow[];
}

/** `neighbors` with `node` inserted in ascending position. */
function closedNeighborhood(neighbors: readonly number[], node: number): number[] {
  const position = neighbors.findIndex((j) => j > node);
  const result = [...neighbors];
  result.splice(position === -1 ? result.length : position, 0, node);
  return result;
}

/**
 * Rows over each node's closed neighbourhood: `offDiagonal(i, j)` for neighbours, then
 * `diagonal(i, offSum)` on the node itself, where `offSum` is the ascending-order sum of the
 * off-diagonal weights.
 */
function buildRows(
  graph: Graph,
  offDiagonal: (i: number, j: number) => number,
  diagonal: (i: number, offSum: number) => number,
): MixingMatrix {
  const rows = graph.neighbors.map((neighbors, i) => {
    const indices = closedNeighborhood(neighbors, i);
    const weights = indices.map((j) => (j === i ? 0 : offDiagonal(i, j)));
    const offSum = weights.reduce((sum, w) => sum + w, 0);
    weights[indices.indexOf(i)] = diagonal(i, offSum);
    return Object.freeze({ indices: Object.freeze(indices), weights: Object.freeze(weights) });
  });
  return Object.freeze({ nodes: graph.nodes, rows: Object.freeze(rows) });
}

/**
 * Uniform neighbour weights on a regular graph of degree d: W_ij = 1/(d + 1) for j = i and for
 * every neighbour j (the ring of the DADAM paper: 1/3 each).
 *
 * @param graph a regular graph (all degrees equal)
 * @returns the mixing matrix
 * @throws {RangeError} if the graph is not regular, naming a node whose degree differs
 *
 * @example A ring of 5 nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { mixingWeight, ringTopology, uniformWeights } from "./mod.ts";
 * const w = uniformWeights(ringTopology(5));
 * assert.equal(mixingWeight(w, 0, 4), 1 / 3);
 * ```
 */
export function uniformWeights(graph: Graph): MixingMatrix {
  const d = graph.neighbors[0].length;
  const odd = graph.neighbors.findIndex((list) => list.length !== d);
  if (odd !== -1) {
    throw new RangeError(
      `Cannot build uniform weights: graph ${graph.name} is not regular, node ${odd} has degree ${
        graph.neighbors[odd].length
      } but node 0 has degree ${d}`,
    );
  }
  return buildRows(graph, () => 1 / (d + 1), () => 1 / (d + 1));
}

/**
 * Metropolis–Hastings weights: W_ij = 1/(1 + max(deg_i, deg_j)) for every edge and
 * W_ii = 1 − Σ_{j≠i} W_ij. Symmetric and doubly stochastic on any undirected graph.
 *
 * @param graph any undirected graph
 * @returns the mixing matrix
 *
 * @example A star of 3 nodes
 * ```ts
 * import assert from "node:assert/strict";
 * import { metropolisHastings, starTopology, toDense } from "./mod.ts";
 * const dense = toDense(metropolisHastings(starTopology(3)));
 * assert.deepEqual(dense[0].slice(1), [1 / 3, 1 / 3]); // the hub sends 1/3 to each leaf
 * assert.deepEqual(dense[1], [1 / 3, 1 - 1 / 3, 0]);
 * ```
 */
export function metropolisHastings(graph: Graph): MixingMatrix {
  const deg = graph.neighbors.map((list) => list.length);
  return buildRows(graph, (i, j) => 1 / (1 + Math.max(deg[i], deg[j])), (_, sum) => 1 - sum);
}

/**
 * Max-degree weights: W_ij = 1/(1 + Δ) for every edge (Δ the largest degree) and the rest of
 * each row on the diagonal, W_ii = 1 − deg_i/(1 + Δ).
 *
 * @param graph any undirected graph
 * @returns the mixing matrix
 */
export function maxDegreeWeights(graph: Graph): MixingMatrix {
  const weight = 1 / (1 + maxDegree(graph));
  return buildRows(graph, () => weight, (_, sum) => 1 - sum);
}

/**
 * Constant weights: `self` on the diagonal and `neighbor` on every edge, e.g. the seed-004 ring
 * with 0.34 on self and 0.33 per neighbour. Every row must sum to 1 (so on a regular graph of
 * degree d, self + d · neighbor = 1).
 *
 * @param graph the graph
 * @param self the diagonal weight, in [0, 1]
 * @param neighbor the weight on each edge, in [0, 1]
 * @returns the mixing matrix
 * @throws {RangeError} if a weight is outside [0, 1] or a row does not sum to 1 (±1e-9)
 *
 * @example The seed-004 "sparse" ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { constantWeights, mixingWeight, ringTopology } from "./mod.ts";
 * const w = constantWeights(ringTopology(5), 0.34, 0.33);
 * assert.equal(mixingWeight(w, 2, 2), 0.34);
 * ```
 */
export function constantWeights(graph: Graph, self: number, neighbor: number): MixingMatrix {
  for (const [label, value] of [["self", self], ["neighbor", neighbor]] as const) {
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
      throw new RangeError(
        `Cannot build constant weights: ${label} must be a number in [0, 1], received ${value}`,
      );
    }
  }
  graph.neighbors.forEach((list, i) => {
    const sum = self + list.length * neighbor;
    if (Math.abs(sum - 1) > 1e-9) {
      throw new RangeError(
        `Cannot build constant weights: row ${i} sums to ${sum} (self ${self} + ${list.length} × ${neighbor}), expected 1`,
      );
    }
  });
  return buildRows(graph, () => neighbor, () => self);
}

/**
 * The lazy variant (W + I)/2: halves every weight and adds 1/2 on the diagonal. It keeps double
 * stochasticity and moves every eigenvalue into [0, 1], so λN ≥ 0 > −1.
 *
 * @param matrix the mixing matrix W
 * @returns (W + I)/2
 */
export function lazy(matrix: MixingMatrix): MixingMatrix {
  const rows = matrix.rows.map((row, i) => {
    let indices = [...row.indices];
    let weights = row.weights.map((w) => w / 2);
    let self = indices.indexOf(i);
    if (self === -1) {
      indices = closedNeighborhood(indices, i);
      self = indices.indexOf(i);
      weights = [...weights.slice(0, self), 0, ...weights.slice(self)];
    }
    weights[self] += 0.5;
    return Object.freeze({ indices: Object.freeze(indices), weights: Object.freeze(weights) });
  });
  return Object.freeze({ nodes: matrix.nodes, rows: Object.freeze(rows) });
}

/**
 * The entry W_ij (0 where row i stores no entry for j).
 *
 * @param matrix the mixing matrix
 * @param i row (receiving node)
 * @param j column (sending node)
 * @returns W[i][j]
 * @throws {RangeError} if i or j is not a node index
 */
export function mixingWeight(matrix: MixingMatrix, i: number, j: number): number {
  for (const [label, value] of [["i", i], ["j", j]] as const) {
    if (!Number.isInteger(value) || value < 0 || value >= matrix.nodes) {
      throw new RangeError(
        `Cannot read mixing weight: ${label} must be an integer in [0, ${matrix.nodes}), received ${value}`,
      );
    }
  }
  const row = matrix.rows[i];
  const k = row.indices.indexOf(j);
  return k === -1 ? 0 : row.weights[k];
}

/**
 * The mixing matrix as a dense N × N array.
 *
 * @param matrix the mixing matrix
 * @returns `dense[i][j]` = W_ij
 */
export function toDense(matrix: MixingMatrix): number[][] {
  return matrix.rows.map((row) => {
    const dense = new Array<number>(matrix.nodes).fill(0);
    row.indices.forEach((j, k) => (dense[j] = row.weights[k]));
    return dense;
  });
}
