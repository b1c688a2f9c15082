/**
 * What the sorting aggregators share: gathering one coordinate of every received value into a
 * scratch array and sorting it numerically in place, without allocating.
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import type { Payload } from "../../algorithms/algorithm.ts";

/** Above this many values a coordinate is sorted by the engine's typed-array sort. */
const INSERTION_LIMIT = 32;

/**
 * Whether `a` sorts strictly before `b` in the typed-array order: numeric, −0 before +0, NaN
 * last (so both sorts below agree bit for bit).
 */
function before(a: number, b: number): boolean {
  if (a < b) return true;
  if (a === b) return a === 0 && 1 / a < 1 / b;
  return b !== b && a === a;
}

/** Sorts the first `n` entries of `scratch` numerically (−0 before +0, NaN last), in place. */
export function sortPrefix(scratch: Vector, n: number): void {
  if (n > INSERTION_LIMIT) {
    scratch.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = scratch[i];
    let j = i - 1;
    while (j >= 0 && before(v, scratch[j])) {
      scratch[j + 1] = scratch[j];
      j--;
    }
    scratch[j + 1] = v;
  }
}

/** A growable scratch array, reused across calls by one aggregator instance. */
export class Scratch {
  #buffer = new Float64Array(8);

  /** A buffer of at least `n` entries (the same one while `n` fits). */
  get(n: number): Vector {
    if (this.#buffer.length < n) {
      this.#buffer = new Float64Array(Math.max(n, 2 * this.#buffer.length));
    }
    return this.#buffer;
  }
}

/** The channel's vector of every value, or null when some value lacks the channel. */
export function channelOf(values: readonly Payload[], name: string): Vector[] | null {
  const vectors = values.map((value) => value[name]);
  return vectors.every((vector) => vector !== undefined) ? vectors : null;
}

/**
 * For every channel of `into` (that every value carries) and every coordinate k: gathers the
 * values' k-th entries into a scratch array, sorts it, and writes `reduce(sorted, n)` into
 * `into`. A channel some value lacks (a hand-made payload without the probe) is left as it was.
 */
export function reduceSorted(
  into: Payload,
  values: readonly Payload[],
  scratch: Scratch,
  reduce: (sorted: Vector, n: number) => number,
): void {
  const n = values.length, buffer = scratch.get(n);
  for (const name of Object.keys(into)) {
    const vectors = channelOf(values, name);
    if (vectors === null) continue;
    const out = into[name];
    for (let k = 0; k < out.length; k++) {
      for (let j = 0; j < n; j++) buffer[j] = vectors[j][k];
      sortPrefix(buffer, n);
      out[k] = reduce(buffer, n);
    }
  }
}
