/**
 * A small dense linear solver for closed-form optima.
 *
 * @module
 */

/**
 * Solves A x = b for a square row-major `n` × `n` matrix by Gaussian elimination with partial
 * pivoting. `matrix` and `rhs` are overwritten.
 *
 * @returns x, or `undefined` when A is (numerically) singular
 */
export function solveLinear(matrix: Float64Array, rhs: Float64Array): Float64Array | undefined {
  const n = rhs.length;
  for (let col = 0; col < n; col++) {
    const pivot = pivotRow(matrix, n, col);
    if (Math.abs(matrix[pivot * n + col]) < 1e-12) return undefined;
    swapRows(matrix, rhs, n, [col, pivot]);
    for (let row = col + 1; row < n; row++) {
      const factor = matrix[row * n + col] / matrix[col * n + col];
      for (let k = col; k < n; k++) matrix[row * n + k] -= factor * matrix[col * n + k];
      rhs[row] -= factor * rhs[col];
    }
  }
  const x = new Float64Array(n);
  for (let row = n - 1; row >= 0; row--) {
    let sum = rhs[row];
    for (let k = row + 1; k < n; k++) sum -= matrix[row * n + k] * x[k];
    x[row] = sum / matrix[row * n + row];
  }
  return x;
}

/** The row at or below `col` with the largest entry in column `col`. */
function pivotRow(matrix: Float64Array, n: number, col: number): number {
  let best = col;
  for (let row = col + 1; row < n; row++) {
    if (Math.abs(matrix[row * n + col]) > Math.abs(matrix[best * n + col])) best = row;
  }
  return best;
}

/** Swaps two rows of the system. */
function swapRows(
  matrix: Float64Array,
  rhs: Float64Array,
  n: number,
  rows: [number, number],
): void {
  const [i, j] = rows;
  if (i === j) return;
  for (let k = 0; k < n; k++) {
    const t = matrix[i * n + k];
    matrix[i * n + k] = matrix[j * n + k];
    matrix[j * n + k] = t;
  }
  const t = rhs[i];
  rhs[i] = rhs[j];
  rhs[j] = t;
}
