/**
 * The simulated network: decides, at send time, each message's fate — lost, cut by a
 * partition, refused by a full link, or delivered after a latency (+ size/bandwidth, + a
 * clog), maybe replayed. Each link draws from its own seeded stream, so one link's traffic
 * never shifts another's draws; every fault is counted.
 *
 * @module
 */
import { Rng } from "../random.ts";
import {
  type Distribution,
  type RandomPartitions,
  sampleDuration,
  type Scenario,
} from "./scenario.ts";

/** Counters of everything the network did. */
export interface NetworkCounters {
  /** Messages handed to the network. */
  sent: number;
  /** Payload bytes handed to the network. */
  bytes: number;
  /** Messages that arrived (replays not counted twice). */
  delivered: number;
  /** Messages lost at random. */
  droppedLoss: number;
  /** Messages cut by a partition. */
  droppedPartition: number;
  /** Messages refused because the link had `linkCapacity` in flight. */
  droppedCapacity: number;
  /** Messages addressed to a crashed node. */
  droppedCrashed: number;
  /** Messages replayed (a second copy delivered). */
  duplicated: number;
  /** Messages held by a clogged link. */
  clogged: number;
  /** Partitions formed (scheduled windows entered and random ones formed). */
  partitions: number;
  /**
   * Messages delivered by the network but not yet arrived; at the end of a run, those still in
   * flight. Every message is accounted for: sent = delivered + dropped (all causes) + inFlight.
   */
  inFlight: number;
}

/** The fate of one message. */
export type Fate =
  | { delivered: true; arrival: number; duplicate: boolean }
  | { delivered: false; reason: "loss" | "partition" | "capacity" };

/** Traffic on one directed link. */
export interface LinkTraffic {
  /** Sender. */
  from: number;
  /** Receiver. */
  to: number;
  /** Messages handed to the link. */
  sent: number;
  /** Messages it delivered. */
  delivered: number;
}

interface LinkState {
  from: number;
  to: number;
  sent: number;
  delivered: number;
  rng: Rng;
  latency: Distribution;
  bandwidth: number | null;
  dropProbability: number;
  inFlight: number;
  clogUntil: number;
}

/** The network of one run. */
export class Network {
  /** What happened so far. */
  readonly counters: NetworkCounters = {
    sent: 0,
    bytes: 0,
    delivered: 0,
    droppedLoss: 0,
    droppedPartition: 0,
    droppedCapacity: 0,
    droppedCrashed: 0,
    duplicated: 0,
    clogged: 0,
    partitions: 0,
    inFlight: 0,
  };
  #scenario: Scenario;
  #seed: number;
  /**
   * Links that carried traffic: per sender, a small map by receiver (sparse: O(edges), never
   * N²; small-integer keys, which V8 hashes fast).
   */
  #links: (Map<number, LinkState> | undefined)[] = [];
  #partitionRng: Rng;
  #nodes: number;
  #randomCut: { side: Set<number>; symmetric: boolean } | null = null;
  #nextCheck: number;
  #windowsSeen = new Set<number>();
  #onPartition?: (change: PartitionChange) => void;

  /**
   * Creates the network of one run.
   *
   * @param scenario the network and fault model
   * @param nodes endpoints 0 … nodes − 1 (the federated server included)
   * @param seed the run's seed
   */
  constructor(
    scenario: Scenario,
    nodes: number,
    seed: number,
    onPartition?: (change: PartitionChange) => void,
  ) {
    this.#onPartition = onPartition;
    this.#scenario = scenario;
    this.#nodes = nodes;
    this.#seed = seed;
    this.#partitionRng = new Rng(seed, "network/partitions");
    this.#nextCheck = scenario.randomPartitions?.stability ?? Infinity;
  }

  #link(from: number, to: number): LinkState {
    const outgoing = this.#links[from] ??= new Map();
    let link = outgoing.get(to);
    if (!link) {
      const s = this.#scenario;
      const override = s.links.find((o) =>
        (o.from === from && o.to === to) || (o.symmetric && o.from === to && o.to === from)
      );
      link = {
        from,
        to,
        sent: 0,
        delivered: 0,
        rng: new Rng(this.#seed, `network/link/${from}/${to}`),
        latency: override?.latency ?? s.latency,
        bandwidth: override?.bandwidth !== undefined ? override.bandwidth : s.bandwidth,
        dropProbability: override?.dropProbability ?? s.dropProbability,
        inFlight: 0,
        clogUntil: -Infinity,
      };
      outgoing.set(to, link);
    }
    return link;
  }

  /**
   * Decides the fate of a message sent at virtual time `now`.
   *
   * @param from sender
   * @param to receiver
   * @param bytes payload size
   * @param now send time (seconds); calls must come in non-decreasing time order
   * @returns lost (and why), or its arrival time and whether it is replayed
   */
  send(from: number, to: number, bytes: number, now: number): Fate {
    this.counters.sent++;
    this.counters.bytes += bytes;
    const link = this.#link(from, to);
    link.sent++;
    if (this.#partitioned(from, to, now)) {
      this.counters.droppedPartition++;
      return { delivered: false, reason: "partition" };
    }
    if (this.#scenario.linkCapacity !== null && link.inFlight >= this.#scenario.linkCapacity) {
      this.counters.droppedCapacity++;
      return { delivered: false, reason: "capacity" };
    }
    if (shouldDrop(link)) {
      this.counters.droppedLoss++;
      return { delivered: false, reason: "loss" };
    }
    let arrival = now + oneWayDelay(link, bytes);
    if (this.#shouldClog(link, now)) {
      link.clogUntil = now + link.rng.exponential(this.#scenario.clog!.durationMean);
    }
    if (link.clogUntil > now) {
      this.counters.clogged++;
      arrival = Math.max(arrival, link.clogUntil);
    }
    const duplicate = shouldReplay(link, this.#scenario.duplicateProbability);
    if (duplicate) {
      this.counters.duplicated++;
      this.counters.bytes += bytes;
      arrival = Math.min(arrival, now + oneWayDelay(link, bytes));
    }
    link.inFlight++;
    this.counters.inFlight++;
    return { delivered: true, arrival, duplicate };
  }

  /** Marks a message on `from → to` as arrived (frees link capacity). */
  arrived(from: number, to: number, crashed: boolean): void {
    const link = this.#link(from, to);
    link.inFlight--;
    this.counters.inFlight--;
    if (crashed) this.counters.droppedCrashed++;
    else {
      this.counters.delivered++;
      link.delivered++;
    }
  }

  /** Traffic per directed link that carried anything, ordered by (from, to). */
  traffic(): LinkTraffic[] {
    return this.#links.flatMap((outgoing) => outgoing ? [...outgoing.values()] : [])
      .map(({ from, to, sent, delivered }) => ({ from, to, sent, delivered }))
      .sort((a, b) => a.from - b.from || a.to - b.to);
  }

  /** Total dropped messages, all causes. */
  get dropped(): number {
    const c = this.counters;
    return c.droppedLoss + c.droppedPartition + c.droppedCapacity + c.droppedCrashed;
  }

  #shouldClog(link: LinkState, now: number): boolean {
    const clog = this.#scenario.clog;
    return clog !== null && link.clogUntil <= now && link.rng.bernoulli(clog.probability);
  }

  #partitioned(from: number, to: number, now: number): boolean {
    this.#scenario.partitions.forEach((window, index) => {
      if (window.start <= now && now < window.end && !this.#windowsSeen.has(index)) {
        this.#windowsSeen.add(index);
        this.counters.partitions++;
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
    this.counters.partitions += Math.round(k * a * (1 - stationary));
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
      if (count) this.counters.partitions++;
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

/** Whether the link loses this message. */
function shouldDrop(link: LinkState): boolean {
  return link.dropProbability > 0 && link.rng.bernoulli(link.dropProbability);
}

/** Whether a delivered message is also replayed. */
function shouldReplay(link: LinkState, probability: number): boolean {
  return probability > 0 && link.rng.bernoulli(probability);
}

/** Latency plus transmission time on the link. */
function oneWayDelay(link: LinkState, bytes: number): number {
  const transmission = link.bandwidth === null ? 0 : bytes / link.bandwidth;
  return sampleDuration(link.latency, link.rng) + transmission;
}
