/**
 * The partitions of a run's network: the scenario's fixed windows and its random partitions
 * (a two-state chain checked every `stability` seconds from the stream `network/partitions`),
 * which cut messages between the two sides of the current cut.
 *
 * @module
 */
import { Rng } from "../random.ts";
import type { RandomPartitions, Scenario } from "./scenario.ts";

/** The partitions of one run. */
export class PartitionModel {
  readonly #scenario: Scenario;
  readonly #nodes: number;
  readonly #partitionRng: Rng;
  readonly #counters: { partitions: number };
  readonly #onPartition?: (change: PartitionChange) => void;
  #randomCut: { side: Set<number>; symmetric: boolean } | null = null;
  #nextCheck: number;
  #windowsSeen = new Set<number>();

  /**
   * @param scenario the fault model (windows, random partitions)
   * @param nodes endpoints 0 … nodes − 1
   * @param seed the run's seed
   * @param counters where formed partitions are counted
   * @param onPartition told of every random partition forming or healing
   */
  constructor(
    scenario: Scenario,
    nodes: number,
    seed: number,
    counters: { partitions: number },
    onPartition?: (change: PartitionChange) => void,
  ) {
    this.#scenario = scenario;
    this.#nodes = nodes;
    this.#counters = counters;
    this.#onPartition = onPartition;
    this.#partitionRng = new Rng(seed, "network/partitions");
    this.#nextCheck = scenario.randomPartitions?.stability ?? Infinity;
  }

  /** Whether a message from `from` to `to` at `now` is cut by a partition (fixed or random). */
  cuts(from: number, to: number, now: number): boolean {
    this.#scenario.partitions.forEach((window, index) => {
      if (window.start <= now && now < window.end && !this.#windowsSeen.has(index)) {
        this.#windowsSeen.add(index);
        this.#counters.partitions++;
      }
    });
    for (const window of this.#scenario.partitions) {
      if (now < window.start || now >= window.end) continue;
      const fromInside = window.nodes.includes(from), toInside = window.nodes.includes(to);
      if (fromInside !== toInside && (!window.oneWay || fromInside)) return true;
    }
    this.#advancePartitions(now);
    const cut = this.#randomCut;
    if (!cut) return false;
    const fromInside = cut.side.has(from), toInside = cut.side.has(to);
    return fromInside !== toInside && (cut.symmetric || fromInside);
  }

  /**
   * Runs the random-partition checks due up to `now`, one per `stability` seconds. Up to
   * {@linkcode SIMULATED_CHECKS} checks are drawn one by one; a longer stretch (a huge virtual
   * time, a tiny `stability`) is jumped in one draw from the two-state chain's k-step
   * distribution, so no stretch of virtual time costs more than a bounded amount of work.
   */
  #advancePartitions(now: number): void {
    const model = this.#scenario.randomPartitions;
    if (!model) return;
    for (let checks = 0; this.#nextCheck <= now; checks++) {
      if (checks === SIMULATED_CHECKS) return this.#jumpPartitions(model, now);
      this.#nextCheck += model.stability;
      const rng = this.#partitionRng;
      if (this.#randomCut) {
        if (rng.bernoulli(model.healProbability)) this.#setCut(null, now);
      } else if (rng.bernoulli(model.probability)) this.#setCut(this.#drawSide(model), now);
    }
  }

  /** Jumps the k checks due up to `now` at once (k > {@linkcode SIMULATED_CHECKS}). */
  #jumpPartitions(model: RandomPartitions, now: number): void {
    const k = Math.floor((now - this.#nextCheck) / model.stability) + 1;
    this.#nextCheck += k * model.stability;
    if (this.#nextCheck <= now) this.#nextCheck = now + model.stability;
    const a = model.probability, b = model.healProbability;
    if (a + b === 0) return;
    const stationary = a / (a + b), decay = Math.pow(1 - a - b, k);
    const cutProbability = this.#randomCut
      ? stationary + (1 - stationary) * decay
      : stationary * (1 - decay);
    // Formations over the stretch: its expected count (the chain forms one every 1/(a·π₀) checks).
    this.#counters.partitions += Math.round(k * a * (1 - stationary));
    const rng = this.#partitionRng;
    this.#setCut(rng.bernoulli(cutProbability) ? this.#drawSide(model) : null, now, false);
  }

  #drawSide(model: RandomPartitions): number[] {
    const rng = this.#partitionRng;
    return model.mode === "isolate-single"
      ? [rng.int(this.#nodes)]
      : rng.sample(this.#nodes, 1 + rng.int(Math.max(1, this.#nodes - 1)));
  }

  #setCut(side: number[] | null, time: number, count = true): void {
    const model = this.#scenario.randomPartitions!;
    const previous = this.#randomCut;
    if (previous) {
      const nodes = [...previous.side];
      this.#onPartition?.({ kind: "heal", time, nodes, oneWay: !previous.symmetric });
    }
    this.#randomCut = side ? { side: new Set(side), symmetric: model.symmetric } : null;
    if (side) {
      if (count) this.#counters.partitions++;
      this.#onPartition?.({ kind: "partition", time, nodes: side, oneWay: !model.symmetric });
    }
  }
}

/** Random-partition checks drawn one by one before a stretch is jumped in one draw. */
export const SIMULATED_CHECKS = 10_000;

/** A random partition forming or healing, as the network reports it. */
export interface PartitionChange {
  /** `partition` (formed) or `heal`. */
  kind: "partition" | "heal";
  /** Virtual time (seconds). */
  time: number;
  /** One side of the cut. */
  nodes: number[];
  /** Only messages from `nodes` outward are cut. */
  oneWay: boolean;
}
