/**
 * What the scheduler knows of the values in flight and held: a message's arrival (header,
 * sender's step, time) and, per receiver, the latest value it holds from each neighbour for
 * each exchange — the value a mix uses when no fresh one arrived.
 *
 * @module
 */

/** A message the network will deliver: its header, the sender's step and the arrival time. */
export interface Arrival {
  /** Sender. */
  from: number;
  /** Receiver. */
  to: number;
  /** The exchange round it belongs to. */
  round: number;
  /** Its message id. */
  id: number;
  /** The sender's step when it sent it. */
  stamp: number;
  /** Arrival time (virtual seconds). */
  time: number;
}

/** A neighbour value chosen for a mix: its message id and how many steps old it is. */
export interface Held {
  /** Message id. */
  id: number;
  /** The sender's step when it sent it. */
  stamp: number;
}

/** The key of the latest value a receiver holds from `from` for exchange `round` (τ ≤ 100). */
function heldKey(from: number, round: number): number {
  return from * 128 + round;
}

/** The latest value every receiver holds from each sender, per exchange. */
export class HeldValues {
  readonly #held: Map<number, Held>[];

  /** Nothing held by any of `nodes` receivers. */
  constructor(nodes: number) {
    this.#held = Array.from({ length: nodes }, () => new Map());
  }

  /**
   * `arrival` reached its receiver: it becomes the latest value held if it is newer.
   *
   * @returns the message id no mix will use any more (the older of the two), or null
   */
  keep(arrival: Arrival): number | null {
    const key = heldKey(arrival.from, arrival.round);
    const previous = this.#held[arrival.to].get(key);
    if (!previous) {
      this.#held[arrival.to].set(key, { id: arrival.id, stamp: arrival.stamp });
      return null;
    }
    if (previous.stamp >= arrival.stamp) return arrival.id;
    // Updated in place (callers read a held value at once and keep none): no object per message.
    const released = previous.id;
    previous.id = arrival.id;
    previous.stamp = arrival.stamp;
    return released;
  }

  /** The latest value node `to` holds from `from` for exchange `round`, if any. */
  get(to: number, from: number, round: number): Held | undefined {
    return this.#held[to].get(heldKey(from, round));
  }
}
