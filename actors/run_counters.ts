/**
 * What the scheduler counts besides the network: late messages, the staleness of mixed
 * values, uploads that missed their round, bounded-mode waits that timed out.
 *
 * @module
 */

/** The scheduler's counters of one run. */
export class RunCounters {
  /** Messages that arrived after their receiver had mixed. */
  late = 0;
  /** Federated uploads that missed their round's deadline. */
  missedDeadline = 0;
  /** Bounded-mode waits that ended at the timeout. */
  waitTimeouts = 0;
  #stalenessTotal = 0;
  #stalenessCount = 0;
  #stalenessMax = 0;

  /** Records the staleness (steps) of one neighbour value used in a mix. */
  recordStaleness(staleness: number): void {
    this.#stalenessTotal += staleness;
    this.#stalenessCount++;
    if (staleness > this.#stalenessMax) this.#stalenessMax = staleness;
  }

  /** Mean staleness of the values mixed so far (0 before any). */
  get stalenessMean(): number {
    return this.#stalenessCount ? this.#stalenessTotal / this.#stalenessCount : 0;
  }

  /** Largest staleness seen. */
  get stalenessMax(): number {
    return this.#stalenessMax;
  }
}
