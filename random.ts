/**
 * Seeded random streams. Every random choice in gossim flows from the run's seed through
 * {@linkcode Rng}: a stream is named (`"data"`, `"node/3/minibatch"`, `"link/0/4"`), so adding a
 * new consumer never shifts the numbers another consumer sees.
 *
 * The generator is xoshiro128** (Blackman & Vigna) seeded through splitmix32 from a 32-bit FNV-1a
 * hash of the seed and the stream name: fast, 2^128 − 1 period, and identical on every platform
 * because it uses only 32-bit integer arithmetic.
 *
 * @module
 */

/** FNV-1a hash of a string into 32 bits. */
function fnv1a(text: string, hash = 0x811c9dc5): number {
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** splitmix32 step: spreads a 32-bit seed into well-mixed words. */
function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) >>> 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/**
 * A deterministic pseudo-random stream.
 *
 * @example Same seed and stream name, same numbers
 * ```ts
 * import { Rng } from "./random.ts";
 * const a = new Rng(42, "data");
 * const b = new Rng(42, "data");
 * if (a.next() !== b.next()) throw new Error("not deterministic");
 * ```
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spareNormal: number | undefined;

  /**
   * Creates the stream named `stream` of the run seeded with `seed`.
   *
   * @param seed the run's seed (any finite number; its integer part and sign are used)
   * @param stream the stream's name; distinct names give independent streams
   */
  constructor(seed: number, stream = "") {
    let state = fnv1a(`${seed}|${stream}`);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, word] = splitmix32(state);
      state = next;
      words.push(word);
    }
    [this.#s0, this.#s1, this.#s2, this.#s3] = words;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /**
   * Writes the stream's state into `words` at `at` (four words), for a caller that keeps
   * many streams compactly, and returns its cached spare normal (NaN for none).
   */
  saveState(words: Uint32Array, at: number): number {
    words[at] = this.#s0;
    words[at + 1] = this.#s1;
    words[at + 2] = this.#s2;
    words[at + 3] = this.#s3;
    return this.#spareNormal ?? NaN;
  }

  /** Makes this stream continue one saved by {@linkcode Rng.saveState}. */
  loadState(words: Uint32Array, at: number, spare: number): void {
    this.#s0 = words[at];
    this.#s1 = words[at + 1];
    this.#s2 = words[at + 2];
    this.#s3 = words[at + 3];
    this.#spareNormal = Number.isNaN(spare) ? undefined : spare;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.#s1 << 9) >>> 0;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
    return result;
  }

  /** A uniform number in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform number in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** A standard normal draw (Box–Muller, the spare value cached). */
  normal(): number {
    if (this.#spareNormal !== undefined) {
      const spare = this.#spareNormal;
      this.#spareNormal = undefined;
      return spare;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.#spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** A Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 boosted). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(1 - this.next(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number, v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x ** 4) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** A Dirichlet(α·1) draw of the given length. */
  dirichlet(alpha: number, length: number): number[] {
    const draws = Array.from({ length }, () => this.gamma(alpha));
    const total = draws.reduce((a, b) => a + b, 0);
    return draws.map((x) => x / total);
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** k distinct indices drawn uniformly from [0, n), in increasing order. */
  sample(n: number, k: number): number[] {
    const picked = this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
    return picked.sort((a, b) => a - b);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
