/**
 * A mixing matrix packed for fast products W·x, and the structural facts the spectral analysis
 * needs (symmetry, W1 = 1 with non-negative entries). Private to `topologies/`.
 *
 * Layout: "hybrid" ELL + CSR. The first `width` entries of every row (width = the shortest
 * row's length) sit in a dense `nodes × width` block, so the hot loop has a fixed trip count;
 * longer rows keep their remaining entries in a CSR list of the rows that have any. For a
 * regular graph the CSR part is empty and W·x runs about twice as fast as plain CSR.
 *
 * @module
 */

import type { MixingMatrix, MixingRow } from "./mixing.ts";

/** W packed for products; no N × N array anywhere. */
export interface SparseOperator {
  /** N. */
  readonly nodes: number;
  /** Entries per row in the ELL block. */
  readonly width: number;
  /** Column of ELL entry `i * width + q`. */
  readonly ellColumns: Int32Array;
  /** Value of ELL entry `i * width + q`. */
  readonly ellValues: Float64Array;
  /** Rows with entries beyond the ELL block. */
  readonly extraRows: Int32Array;
  /** Row `extraRows[r]`'s extra entries are `extraStart[r] … extraStart[r + 1] − 1`. */
  readonly extraStart: Int32Array;
  /** Column of each extra entry. */
  readonly extraColumns: Int32Array;
  /** Value of each extra entry. */
  readonly extraValues: Float64Array;
  /** max_i Σ_j |W_ij|, an upper bound on every |eigenvalue| of W. */
  readonly normBound: number;
  /** The most entries in one row. */
  readonly maxRowLength: number;
}

/** A row's entries in ascending column order (a duplicate column keeps its last value). */
function sortedRow({ indices, weights }: MixingRow): { indices: number[]; weights: number[] } {
  let ascending = true;
  for (let k = 1; k < indices.length && ascending; k++) ascending = indices[k] > indices[k - 1];
  if (ascending) return { indices: [...indices], weights: [...weights] };
  const byColumn = new Map<number, number>();
  indices.forEach((j, k) => byColumn.set(j, weights[k]));
  const columns = [...byColumn.keys()].sort((a, b) => a - b);
  return { indices: columns, weights: columns.map((j) => byColumn.get(j)!) };
}

/** Rows sorted by column, for lookups. */
export type SortedRows = readonly { indices: number[]; weights: number[] }[];

/**
 * The rows of W sorted by column, checked finite.
 *
 * @throws {RangeError} on a non-finite weight or a column outside `0 … N − 1`
 */
export function sortedRows(matrix: MixingMatrix): SortedRows {
  return matrix.rows.map((row, i) => {
    const sorted = sortedRow(row);
    sorted.indices.forEach((j, k) => {
      const w = sorted.weights[k];
      if (!Number.isInteger(j) || j < 0 || j >= matrix.nodes) {
        throw new RangeError(
          `Cannot analyse mixing matrix: row ${i} has column ${j}, expected an integer in [0, ${matrix.nodes})`,
        );
      }
      if (typeof w !== "number" || !Number.isFinite(w)) {
        throw new RangeError(
          `Cannot analyse mixing matrix: W[${i}][${j}] must be a finite number, received ${w}`,
        );
      }
    });
    return sorted;
  });
}

/** W_ij from sorted rows (0 where not stored). */
export function entry(rows: SortedRows, i: number, j: number): number {
  const { indices, weights } = rows[i];
  let lo = 0;
  let hi = indices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (indices[mid] === j) return weights[mid];
    if (indices[mid] < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** The first pair with W_ij ≠ W_ji, or undefined when W is exactly symmetric. */
export function findAsymmetry(
  rows: SortedRows,
): { i: number; j: number; wij: number; wji: number } | undefined {
  for (let i = 0; i < rows.length; i++) {
    const { indices, weights } = rows[i];
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k];
      const wji = entry(rows, j, i);
      if (weights[k] !== wji) return { i, j, wij: weights[k], wji };
    }
  }
  return undefined;
}

/**
 * max_i |Σ_j W_ij − 1| when every entry is ≥ 0, else Infinity: how far the all-ones vector is
 * from being the eigenvector of W's largest eigenvalue 1 (Perron–Frobenius needs W ≥ 0).
 */
export function stochasticDefect(rows: SortedRows): number {
  let defect = 0;
  for (const { weights } of rows) {
    let sum = 0;
    for (const w of weights) {
      if (w < 0) return Infinity;
      sum += w;
    }
    defect = Math.max(defect, Math.abs(sum - 1));
  }
  return defect;
}

/** Packs sorted rows into a {@linkcode SparseOperator}. */
export function toSparseOperator(rows: SortedRows): SparseOperator {
  const nodes = rows.length;
  const width = rows.reduce((min, row) => Math.min(min, row.indices.length), Infinity);
  const ellColumns = new Int32Array(nodes * width);
  const ellValues = new Float64Array(nodes * width);
  const extraRows: number[] = [];
  const extraStart: number[] = [0];
  const extraColumns: number[] = [];
  const extraValues: number[] = [];
  let normBound = 0;
  let maxRowLength = 0;
  rows.forEach(({ indices, weights }, i) => {
    let absSum = 0;
    indices.forEach((j, k) => {
      absSum += Math.abs(weights[k]);
      if (k < width) {
        ellColumns[i * width + k] = j;
        ellValues[i * width + k] = weights[k];
      } else {
        extraColumns.push(j);
        extraValues.push(weights[k]);
      }
    });
    if (indices.length > width) {
      extraRows.push(i);
      extraStart.push(extraColumns.length);
    }
    normBound = Math.max(normBound, absSum);
    maxRowLength = Math.max(maxRowLength, indices.length);
  });
  return {
    nodes,
    width,
    ellColumns,
    ellValues,
    extraRows: Int32Array.from(extraRows),
    extraStart: Int32Array.from(extraStart),
    extraColumns: Int32Array.from(extraColumns),
    extraValues: Float64Array.from(extraValues),
    normBound,
    maxRowLength,
  };
}

/** out = W·x (out and x must not alias). */
export function multiply(op: SparseOperator, x: Float64Array, out: Float64Array): void {
  const { nodes, width, ellColumns, ellValues } = op;
  for (let i = 0, p = 0; i < nodes; i++) {
    let acc = 0;
    for (let q = 0; q < width; q++, p++) acc += ellValues[p] * x[ellColumns[p]];
    out[i] = acc;
  }
  const { extraRows, extraStart, extraColumns, extraValues } = op;
  for (let r = 0; r < extraRows.length; r++) {
    let acc = 0;
    for (let p = extraStart[r]; p < extraStart[r + 1]; p++) {
      acc += extraValues[p] * x[extraColumns[p]];
    }
    out[extraRows[r]] += acc;
  }
}
