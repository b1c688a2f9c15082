/**
 * The engine's vector type. A run keeps its nodes' model-sized vectors (state, gradients, mix
 * sums) in one precision: `float64` (the default of the analytic problems, and every exactness
 * test's) or `float32` (half the memory and memory traffic; what neural models compute in
 * anyway, and the neural problem's default). Algorithm code is
 * written once over {@linkcode Vector}: reading an entry widens it to a JavaScript number
 * (float64), arithmetic is float64, and writing rounds to the vector's precision. The SIMD
 * kernels do exactly the same, so results depend on the precision, never on where a vector
 * lives.
 *
 * @module
 */

/** A vector of a node: float64 or float32 entries, by the run's precision. */
export type Vector = Float64Array | Float32Array;

/** The precisions a run may keep its vectors in. */
export const PRECISIONS = ["float64", "float32"] as const;

/** A run's precision. */
export type Precision = (typeof PRECISIONS)[number];

/**
 * A zeroed vector of `length` entries in `precision`.
 *
 * @param precision the run's precision; absent, float64
 * @param length the entries
 */
export function vectorOf(precision: Precision | undefined, length: number): Vector {
  return precision === "float32" ? new Float32Array(length) : new Float64Array(length);
}

/**
 * A vector of `precision` viewing `length` entries of `buffer` from byte `byteOffset` (no copy).
 *
 * @param precision the entries' precision
 * @param buffer the memory viewed
 * @param byteOffset where the first entry starts (a multiple of the entry's bytes)
 * @param length how many entries
 * @returns a `Float32Array` or `Float64Array` view
 */
export function vectorView(
  precision: Precision | undefined,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): Vector {
  return precision === "float32"
    ? new Float32Array(buffer, byteOffset, length)
    : new Float64Array(buffer, byteOffset, length);
}

/** Bytes of one entry in `precision` (absent: float64): 8 or 4. */
export function entryBytes(precision: Precision | undefined): number {
  return precision === "float32" ? 4 : 8;
}
