/**
 * Allocation-free minibatch sampling without replacement.
 *
 * @module
 */
import type { Rng } from "../random.ts";

/**
 * Draws `size` distinct indices of [0, population) by a partial Fisher–Yates shuffle of a kept
 * identity permutation, then undoes the swaps: the draw depends only on the `rng` passed in,
 * never on earlier draws, and allocates nothing.
 */
export class MinibatchSampler {
  #order: Int32Array;
  #swaps: Int32Array;
  #batch: Int32Array;
  #size: number;

  /** @param population the number of samples; @param size the minibatch size (≤ population) */
  constructor(population: number, size: number) {
    this.#order = Int32Array.from({ length: population }, (_, i) => i);
    this.#swaps = new Int32Array(size);
    this.#batch = new Int32Array(size);
    this.#size = size;
  }

  /**
   * Draws one minibatch from `rng`.
   *
   * @returns the drawn indices, in a buffer this sampler reuses on the next call
   */
  draw(rng: Rng): Int32Array {
    const order = this.#order;
    const population = order.length;
    for (let t = 0; t < this.#size; t++) {
      const r = t + rng.int(population - t);
      this.#swaps[t] = r;
      const picked = order[r];
      order[r] = order[t];
      order[t] = picked;
      this.#batch[t] = picked;
    }
    for (let t = this.#size - 1; t >= 0; t--) {
      const r = this.#swaps[t];
      const back = order[r];
      order[r] = order[t];
      order[t] = back;
    }
    return this.#batch;
  }
}
