/**
 * The simulated network: decides, at send time, each message's fate — lost, cut by a
 * partition, refused by a full link, or delivered after a latency (+ size/bandwidth, + a
 * clog), maybe replayed. Each link draws from its own seeded stream, so one link's traffic
 * never shifts another's draws; every fault is counted.
 *
 * @module
 */
import type { Rng } from "../random.ts";
import { LinkTable } from "./link_table.ts";
import { type PartitionChange, PartitionModel } from "./partition_model.ts";
import { type Distribution, sampleDuration, type Scenario } from "./scenario.ts";

export { type PartitionChange, SIMULATED_CHECKS } from "./partition_model.ts";

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

/** What governs one link: the scenario's defaults, or its override. */
interface LinkLaw {
  latency: Distribution;
  bandwidth: number | null;
  dropProbability: number;
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
  /** Links that carried traffic (sparse: O(edges), never N²), compactly. */
  #links: LinkTable;
  /** The laws of the scenario's link overrides, and (last) of every other link. */
  #laws: LinkLaw[];
  #partitions: PartitionModel;

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
    this.#scenario = scenario;
    this.#links = new LinkTable(nodes, seed);
    const law = (o?: Scenario["links"][number]): LinkLaw => ({
      latency: o?.latency ?? scenario.latency,
      bandwidth: o?.bandwidth !== undefined ? o.bandwidth : scenario.bandwidth,
      dropProbability: o?.dropProbability ?? scenario.dropProbability,
    });
    this.#laws = [...scenario.links.map(law), law()];
    this.#partitions = new PartitionModel(scenario, nodes, seed, this.counters, onPartition);
  }

  /** The slot of link `from → to` (created with its override, if any, on first use). */
  #link(from: number, to: number): number {
    return this.#links.slot(from, to, () => {
      const index = this.#scenario.links.findIndex((o) =>
        (o.from === from && o.to === to) || (o.symmetric && o.from === to && o.to === from)
      );
      return index === -1 ? this.#laws.length - 1 : index;
    });
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
    const links = this.#links, link = this.#link(from, to);
    links.sent[link]++;
    if (this.#partitions.cuts(from, to, now)) {
      this.counters.droppedPartition++;
      return { delivered: false, reason: "partition" };
    }
    if (
      this.#scenario.linkCapacity !== null && links.inFlight[link] >= this.#scenario.linkCapacity
    ) {
      this.counters.droppedCapacity++;
      return { delivered: false, reason: "capacity" };
    }
    const law = this.#laws[links.override[link]];
    const fate = links.draw(link, (rng) => this.#deliver(link, law, rng, bytes, now));
    if (fate.delivered) {
      links.inFlight[link]++;
      this.counters.inFlight++;
    }
    return fate;
  }

  /** The draws of a message that reached its link: loss, delay, clog, replay. */
  #deliver(link: number, law: LinkLaw, rng: Rng, bytes: number, now: number): Fate {
    if (law.dropProbability > 0 && rng.bernoulli(law.dropProbability)) {
      this.counters.droppedLoss++;
      return { delivered: false, reason: "loss" };
    }
    const links = this.#links;
    let arrival = now + oneWayDelay(law, rng, bytes);
    if (this.#shouldClog(link, rng, now)) {
      links.clogUntil[link] = now + rng.exponential(this.#scenario.clog!.durationMean);
    }
    if (links.clogUntil[link] > now) {
      this.counters.clogged++;
      arrival = Math.max(arrival, links.clogUntil[link]);
    }
    const replay = this.#scenario.duplicateProbability;
    const duplicate = replay > 0 && rng.bernoulli(replay);
    if (duplicate) {
      this.counters.duplicated++;
      this.counters.bytes += bytes;
      arrival = Math.min(arrival, now + oneWayDelay(law, rng, bytes));
    }
    return { delivered: true, arrival, duplicate };
  }

  /** Marks a message on `from → to` as arrived (frees link capacity). */
  arrived(from: number, to: number, crashed: boolean): void {
    const link = this.#link(from, to);
    this.#links.inFlight[link]--;
    this.counters.inFlight--;
    if (crashed) this.counters.droppedCrashed++;
    else {
      this.counters.delivered++;
      this.#links.delivered[link]++;
    }
  }

  /** Traffic per directed link that carried anything, ordered by (from, to). */
  traffic(): LinkTraffic[] {
    const { from, to, sent, delivered, size } = this.#links;
    return Array.from({ length: size }, (_, k) => ({
      from: from[k],
      to: to[k],
      sent: sent[k],
      delivered: delivered[k],
    })).sort((a, b) => a.from - b.from || a.to - b.to);
  }

  /** Total dropped messages, all causes. */
  get dropped(): number {
    const c = this.counters;
    return c.droppedLoss + c.droppedPartition + c.droppedCapacity + c.droppedCrashed;
  }

  #shouldClog(link: number, rng: Rng, now: number): boolean {
    const clog = this.#scenario.clog;
    return clog !== null && this.#links.clogUntil[link] <= now && rng.bernoulli(clog.probability);
  }
}

/** Latency plus transmission time on a link with law `law`. */
function oneWayDelay(law: LinkLaw, rng: Rng, bytes: number): number {
  const transmission = law.bandwidth === null ? 0 : bytes / law.bandwidth;
  return sampleDuration(law.latency, rng) + transmission;
}
