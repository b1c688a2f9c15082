/**
 * What the scheduler counts besides the network: late messages, the staleness of mixed
 * values (and of applied buffered uploads) with its histogram, uploads that missed their round
 * or were lost, bounded-mode waits that timed out.
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
  /** Buffered federated runs: uploads the network lost on their way to the server. */
  droppedUploads = 0;
  #histogram: number[] = [];
  #stalenessTotal = 0;
  #stalenessCount = 0;
  #stalenessMax = 0;

  /**
   * Records the staleness (steps) of one neighbour value used in a mix, or (buffered federated
   * runs) the server versions τ an applied upload is old.
   */
  recordStaleness(staleness: number): void {
    const bin = Math.round(staleness);
    while (this.#histogram.length <= bin) this.#histogram.push(0);
    this.#histogram[bin]++;
    this.#stalenessTotal += staleness;
    this.#stalenessCount++;
    if (staleness > this.#stalenessMax) this.#stalenessMax = staleness;
  }

  /** Mean staleness of the values mixed so far (0 before any). */
  get stalenessMean(): number {
    return this.#stalenessCount ? this.#stalenessTotal / this.#stalenessCount : 0;
  }

  /** How many values had each staleness: entry τ counts those τ steps old (a copy). */
  get stalenessHistogram(): number[] {
    return [...this.#histogram];
  }

  /** Largest staleness seen. */
  get stalenessMax(): number {
    return this.#stalenessMax;
  }
}
