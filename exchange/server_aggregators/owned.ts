/**
 * What the server aggregators share: their output buffers, reused round after round, and the
 * equal-weight mean of chosen uploads.
 *
 * @module
 */
import type { Payload } from "../../algorithms/algorithm.ts";

/**
 * An aggregator's output buffers: one vector per channel of the uploads, the same ones while
 * the channels and their lengths stay the same.
 */
export class OwnedPayload {
  #payload: Payload = {};

  /** Buffers shaped like `like`'s channels (reused when they already fit). */
  shape(like: Payload): Payload {
    const names = Object.keys(like), current = this.#payload;
    const fits = names.length === Object.keys(current).length &&
      names.every((name) => current[name]?.length === like[name].length);
    if (!fits) {
      this.#payload = Object.fromEntries(
        names.map((name) => [name, new Float64Array(like[name].length)]),
      );
    }
    return this.#payload;
  }
}

/**
 * The equal-weight mean of `uploads[indices[0]]`, `uploads[indices[1]]`, … into `out`'s
 * channels: Σ_j (1/m) x_j in the order given, from 0 (the arithmetic of the algorithms'
 * weighted sum with uniform weights, so m = n in index order is their mean bit for bit).
 */
export function meanOf(out: Payload, uploads: readonly Payload[], indices: readonly number[]) {
  const w = 1 / indices.length;
  for (const name of Object.keys(out)) {
    const target = out[name];
    for (let k = 0; k < target.length; k++) {
      let sum = 0;
      for (const i of indices) sum += w * uploads[i][name][k];
      target[k] = sum;
    }
  }
}
