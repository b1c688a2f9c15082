/**
 * CHOCO-SGD's drift under loss (ALGORITHMS.md §10): each node keeps s_i, meant to equal
 * Σ_j W_ij x̂_j over its neighbours' public copies; a lost message leaves it out of step for
 * good. The metric is Σ_i ‖s_i − Σ_j W_ij x̂_j‖₂ over the nodes evaluated, 0 up to rounding
 * while every message arrives. Methods with such a memory expose it as
 * `mixedMemory(state) = { copy: x̂_i, sum: s_i }`.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { MixingRow } from "../topologies/mixing.ts";

/** A node's public copy x̂_i and its running sum s_i. */
export interface MixedMemory {
  /** x̂_i. */
  readonly copy: Vector;
  /** s_i. */
  readonly sum: Vector;
}

/**
 * Σ_i ‖s_i − Σ_j W_ij x̂_j‖, `rowOf(i)` node i's row of W (the methods with a memory run on a
 * static W), over the nodes in `memories` whose neighbours are all there too.
 */
export function memoryDrift(
  rowOf: (i: number) => MixingRow,
  memories: ReadonlyMap<number, MixedMemory>,
): number {
  let total = 0;
  for (const [i, { sum }] of memories) {
    const { indices, weights } = rowOf(i);
    if (!indices.every((j) => memories.has(j))) continue;
    let squared = 0;
    for (let k = 0; k < sum.length; k++) {
      let mixed = 0;
      indices.forEach((j, position) => mixed += weights[position] * memories.get(j)!.copy[k]);
      squared += (sum[k] - mixed) ** 2;
    }
    total += Math.sqrt(squared);
  }
  return total;
}
