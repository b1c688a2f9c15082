/**
 * The network's per-link state, kept compactly: every directed link that ever carried a
 * message has its own seeded stream (`network/link/<from>/<to>`), its counters and its clog
 * horizon, stored in typed arrays by link slot rather than as an object and a stream object
 * per link — a schedule that reaches many peers (one-peer exponential touches ⌈log₂ N⌉ links
 * per node) costs tens of bytes a link, not hundreds.
 *
 * @module
 */
import { Rng } from "../random.ts";

/** Per-link state in parallel typed arrays, indexed by slot. */
export class LinkTable {
  readonly #nodes: number;
  readonly #seed: number;
  readonly #slots = new Map<number, number>();
  #size = 0;
  /** Endpoints. */
  from = new Int32Array(16);
  /** Endpoints. */
  to = new Int32Array(16);
  /** Messages handed to the link. */
  sent = new Float64Array(16);
  /** Messages it delivered. */
  delivered = new Float64Array(16);
  /** Messages on it now. */
  inFlight = new Float64Array(16);
  /** Clogged until this virtual time. */
  clogUntil = new Float64Array(16);
  /** Which override of the scenario's `links` applies (−1: none). */
  override = new Int32Array(16);
  #words = new Uint32Array(64);
  #spare = new Float64Array(16);
  /** The one stream object, loaded with a link's state while that link draws. */
  readonly #rng = new Rng(0, "network/link-cursor");

  /**
   * @param nodes endpoints 0 … nodes − 1
   * @param seed the run's seed (each link's stream)
   */
  constructor(nodes: number, seed: number) {
    this.#nodes = nodes;
    this.#seed = seed;
  }

  /** How many links carried anything. */
  get size(): number {
    return this.#size;
  }

  /** The slot of link `from → to`, created (with `override`) on its first message. */
  slot(from: number, to: number, override: () => number): number {
    const key = from * this.#nodes + to;
    const known = this.#slots.get(key);
    if (known !== undefined) return known;
    const slot = this.#size++;
    if (slot === this.from.length) this.#grow();
    this.from[slot] = from;
    this.to[slot] = to;
    this.clogUntil[slot] = -Infinity;
    this.override[slot] = override();
    this.#spare[slot] = new Rng(this.#seed, `network/link/${from}/${to}`)
      .saveState(this.#words, 4 * slot);
    this.#slots.set(key, slot);
    return slot;
  }

  /** Runs `draw` with link `slot`'s stream, which then keeps where `draw` left it. */
  draw<T>(slot: number, draw: (rng: Rng) => T): T {
    const rng = this.#rng;
    rng.loadState(this.#words, 4 * slot, this.#spare[slot]);
    try {
      return draw(rng);
    } finally {
      this.#spare[slot] = rng.saveState(this.#words, 4 * slot);
    }
  }

  #grow(): void {
    const grow = <A extends Int32Array | Float64Array | Uint32Array>(old: A): A => {
      const bigger = new (old.constructor as new (n: number) => A)(old.length * 2);
      bigger.set(old as never);
      return bigger;
    };
    this.from = grow(this.from);
    this.to = grow(this.to);
    this.sent = grow(this.sent);
    this.delivered = grow(this.delivered);
    this.inFlight = grow(this.inFlight);
    this.clogUntil = grow(this.clogUntil);
    this.override = grow(this.override);
    this.#words = grow(this.#words);
    this.#spare = grow(this.#spare);
  }
}
