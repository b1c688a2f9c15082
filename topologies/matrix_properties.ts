/**
 * The structural properties a mixing matrix is checked for before it is used — every row and
 * column summing to 1, W_ij = W_ji — within a tolerance, reporting the first place they fail:
 * W's validation, the routes' properties and the methods' requirements all ask these.
 *
 * @module
 */
import type { MixingMatrix } from "./mixing.ts";
import { entry, sortedRows } from "./_sparse.ts";

/** A row or column of W whose sum misses 1. */
export interface SumDefect {
  /** `row` or `column`. */
  readonly line: "row" | "column";
  /** Its index. */
  readonly index: number;
  /** Its sum (entries added in row order). */
  readonly sum: number;
}

/** A pair with W_ij ≠ W_ji. */
export interface Asymmetry {
  /** The row. */
  readonly i: number;
  /** The column. */
  readonly j: number;
  /** W_ij. */
  readonly wij: number;
  /** W_ji (0 where not stored). */
  readonly wji: number;
}

/**
 * The first row of W whose sum misses 1 by more than `tolerance` or, when every row sums to 1
 * and `columns` is true, the first such column; null when there is none.
 *
 * @param matrix W
 * @param tolerance how far a sum may be from 1
 * @param columns whether columns are checked too (default true)
 */
export function sumDefect(
  matrix: MixingMatrix,
  tolerance: number,
  columns = true,
): SumDefect | null {
  const columnSums = new Float64Array(matrix.nodes);
  let row: SumDefect | null = null;
  matrix.rows.forEach(({ indices, weights }, i) => {
    let sum = 0;
    indices.forEach((j, k) => {
      sum += weights[k];
      columnSums[j] += weights[k];
    });
    if (row === null && !(Math.abs(sum - 1) <= tolerance)) row = { line: "row", index: i, sum };
  });
  if (row || !columns) return row;
  const j = columnSums.findIndex((sum) => !(Math.abs(sum - 1) <= tolerance));
  return j === -1 ? null : { line: "column", index: j, sum: columnSums[j] };
}

/**
 * The first pair (row by row, in column order) with |W_ij − W_ji| > `tolerance`, or null.
 *
 * @param matrix W
 * @param tolerance how far W_ij and W_ji may differ
 */
export function asymmetry(matrix: MixingMatrix, tolerance: number): Asymmetry | null {
  const rows = sortedRows(matrix);
  for (let i = 0; i < rows.length; i++) {
    const { indices, weights } = rows[i];
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k], wji = entry(rows, j, i);
      if (!(Math.abs(weights[k] - wji) <= tolerance)) return { i, j, wij: weights[k], wji };
    }
  }
  return null;
}
