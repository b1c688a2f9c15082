/**
 * The scheduler's agenda: a binary min-heap of events ordered by (virtual time, sequence
 * number). Events at equal times come out in the order they were scheduled, so a run never
 * depends on heap internals.
 *
 * @module
 */

/** An event in the agenda. */
export interface Scheduled<E> {
  /** Virtual time (seconds). */
  readonly time: number;
  /** Tie-breaker: the order of scheduling. */
  readonly sequence: number;
  /** The event itself. */
  readonly event: E;
}

/**
 * A priority queue of events by (time, sequence).
 *
 * @example
 * ```ts
 * import { EventQueue } from "./event_queue.ts";
 * const agenda = new EventQueue<string>();
 * agenda.push(2, "late");
 * agenda.push(1, "early");
 * agenda.push(1, "early, second");
 * if (agenda.pop()!.event !== "early") throw new Error("order");
 * ```
 */
export class EventQueue<E> {
  #heap: Scheduled<E>[] = [];
  #sequence = 0;

  /** Number of pending events. */
  get size(): number {
    return this.#heap.length;
  }

  /** Schedules `event` at `time`. */
  push(time: number, event: E): void {
    if (!Number.isFinite(time)) throw new RangeError(`Cannot schedule event at time ${time}`);
    const heap = this.#heap;
    heap.push({ time, sequence: this.#sequence++, event });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  /** The earliest event without removing it. */
  peek(): Scheduled<E> | undefined {
    return this.#heap[0];
  }

  /** Removes and returns the earliest event. */
  pop(): Scheduled<E> | undefined {
    const heap = this.#heap;
    if (heap.length === 0) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1, right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && before(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}

function before<E>(a: Scheduled<E>, b: Scheduled<E>): boolean {
  return a.time < b.time || (a.time === b.time && a.sequence < b.sequence);
}
