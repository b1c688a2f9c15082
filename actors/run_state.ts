/**
 * The scheduler's view of one actor run, shared by the drivers: who is alive (the one crash
 * model), each node's step count and clock, the latest value every receiver holds from each
 * neighbour, the network, the counters, and the metrics rows. Commands for the node actors
 * are queued through it.
 *
 * @module
 */
import type { Algorithm } from "../algorithms/algorithm.ts";
import type { Route } from "../exchange/route.ts";
import { type ExchangeSources, messageBytes, runByzantine } from "../exchange/registry.ts";
import type { ActorMetricsRow } from "../metrics/rows.ts";
import type { DropReason, SimEvent, UnstampedEvent } from "../metrics/events.ts";
import type { Problem } from "../problems/problem.ts";
import { Rng } from "../random.ts";
import { Network } from "./network.ts";
import type { Command, Target } from "./protocol.ts";
import { sampleDuration, type Scenario } from "./scenario.ts";
import type { Supervisor } from "./supervisor.ts";
import { CrashModel, type Scheduled, scheduledChanges } from "./schedule.ts";
import { RunCounters } from "./run_counters.ts";
import { Evaluations, probeWatch } from "./evaluations.ts";
import { type Arrival, type Held, HeldValues } from "./held_values.ts";

export type { Arrival, Held };

/** What a run state is built from. */
export interface RunStateOptions {
  /** The problem (main-thread copy, for metrics). */
  problem: Problem;
  /** The algorithm (main-thread copy, for its channels and exchanges). */
  algorithm: Algorithm;
  /** Who hears from whom at each step. */
  route: Route;
  /** The encoder (its byte counts) and the aggregator. */
  exchange: ExchangeSources;
  /** λ of a static W, the nominal mixing rate; absent: the probe replayed through the route. */
  nominalRate?: number | null;
  /** The fault model. */
  scenario: Scenario;
  /** The run's seed. */
  seed: number;
  /** Node → Worker (the federated server is node N). */
  placement: number[];
  /** Called with every row as it is recorded. */
  onRow?: (row: ActorMetricsRow) => void;
  /** Stops the run at the next flush. */
  signal?: AbortSignal;
  /** Called with every scheduler event, in sequence order. */
  onEvent?: (event: SimEvent) => void;
}

/** The scheduler's state of one run. */
export class RunState {
  /** The network model (fates, counters, traffic). */
  readonly network: Network;
  /** The metrics rows, recorded in order while the Workers go on. */
  readonly evaluations: Evaluations;
  /** Steps (or rounds taken part in) completed by each node. */
  readonly nodeSteps: number[];
  /** Virtual time of each node's latest completed step. */
  readonly nodeTimes: number[];
  /** Who hears from whom at each step. */
  readonly route: Route;
  /** The Worker hosting each node. */
  readonly placement: readonly number[];
  /**
   * Bytes on the wire of a message sent by each node (the encoder's count): a neighbour
   * message, or a federated upload; the federated server's (node N) is its broadcast.
   */
  readonly bytes: readonly number[];
  /** Whether the run has Byzantine nodes (mixes then name their senders). */
  readonly attacked: boolean;
  #now = 0;
  #seq = 0;
  #scheduled: Scheduled[];
  #crashes: CrashModel;
  #nextScheduled = 0;
  #supervisor: Supervisor;
  #options: RunStateOptions;
  #computeRng: Rng[];
  #held: HeldValues;
  /** Late messages, staleness, missed deadlines, wait timeouts. */
  readonly counters: RunCounters = new RunCounters();
  #nextId = 0;

  /**
   * @param supervisor the Workers' driver
   * @param options problem, algorithm, neighbours, scenario, seed, placement, hooks
   */
  constructor(supervisor: Supervisor, options: RunStateOptions) {
    this.#supervisor = supervisor;
    this.#options = options;
    const n = options.problem.nodes;
    this.evaluations = new Evaluations(
      options.problem,
      options.algorithm.name,
      n,
      options.onRow,
      probeWatch(options.algorithm, options.route, options.seed, options.nominalRate),
      options.algorithm.kind === "decentralized"
        ? runByzantine(options.exchange, n, options.seed)?.is ?? null
        : null,
      options.route,
    );
    this.network = new Network(
      options.scenario,
      n + 1,
      options.seed,
      (change) => this.emit({ ...change, time: change.time }),
    );
    this.#scheduled = scheduledChanges(options.scenario);
    this.#crashes = new CrashModel(options.scenario.crashes, n);
    this.nodeSteps = new Array(n).fill(0);
    this.nodeTimes = new Array(n).fill(0);
    this.route = options.route;
    this.placement = options.placement;
    this.bytes = messageBytes(options.exchange, options.algorithm, options.problem);
    this.attacked = Boolean(options.exchange.byzantine);
    this.#computeRng = Array.from({ length: n }, (_, i) => new Rng(options.seed, `compute/${i}`));
    this.#held = new HeldValues(n);
  }

  /** The virtual clock (seconds). */
  get now(): number {
    return this.#now;
  }

  /**
   * Advances the virtual clock, announcing the crashes, rejoins and partition windows it
   * passes.
   *
   * @throws {RangeError} when the time is not finite (durations too large for a double)
   */
  set now(time: number) {
    if (!Number.isFinite(time)) {
      throw new RangeError(
        `Cannot advance virtual time past ${this.#now} s: it became ${time}; timeout, latency ` +
          "and compute times must keep the run's virtual time finite",
      );
    }
    this.#now = time;
    while (
      this.#nextScheduled < this.#scheduled.length &&
      this.#scheduled[this.#nextScheduled].time <= time
    ) this.emit(this.#scheduled[this.#nextScheduled++]);
  }

  /** Whether anyone listens to the run's events (the hot paths build none otherwise). */
  get listening(): boolean {
    return this.#options.onEvent !== undefined;
  }

  /**
   * Runs `work`, holding back the events it emits (stamped only when {@linkcode RunState.emit}
   * is called with them later): a driver that runs independent work in an order of its own
   * choosing (which may depend on placement) logs it in an order that does not.
   *
   * @returns the events `work` emitted, in order (none when nobody listens)
   */
  hold(work: () => void): UnstampedEvent[] {
    const outer = this.#heldEvents, held: UnstampedEvent[] = [];
    this.#heldEvents = this.listening ? held : null;
    try {
      work();
    } finally {
      this.#heldEvents = outer;
    }
    return held;
  }

  #heldEvents: UnstampedEvent[] | null = null;

  /** Stamps an event with the next sequence number and hands it to the run's listener. */
  emit(event: UnstampedEvent): void {
    if (this.#heldEvents) {
      this.#heldEvents.push(event);
      return;
    }
    const listener = this.#options.onEvent;
    const seq = this.#seq++;
    if (listener) listener({ seq, ...event } as SimEvent);
  }

  /**
   * Node `i` takes local step `t` (the iteration it runs: in sync mode the global one, which a
   * node that was down skips ahead to), completing at virtual time `time`.
   */
  step(i: number, t: number, time: number): void {
    this.command(i, { op: "step", node: i, t });
    this.nodeSteps[i]++;
    this.nodeTimes[i] = time;
    if (this.listening) this.emit({ kind: "step", time, node: i, t });
  }

  /** Message `id` on `from → to` reached its receiver at `time`, or found it down. */
  arrived(from: number, to: number, id: number, time: number, crashed: boolean): void {
    this.network.arrived(from, to, crashed);
    if (!this.listening) return;
    this.emit({ kind: "arrive", time, from, to, id, fate: crashed ? "crashed" : "delivered" });
  }

  /** Queues a command for the Worker hosting `node`. */
  command(node: number, command: Command): void {
    this.#supervisor.enqueue(this.placement[node], command);
  }

  /** Compute time of one local step of node `i` (stragglers slowed down). */
  computeTime(i: number): number {
    const { compute, stragglers } = this.#options.scenario;
    const base = sampleDuration(compute, this.#computeRng[i]);
    return stragglers.nodes.includes(i) ? base * stragglers.slowdown : base;
  }

  /** The crash/rejoin schedule (the drivers turn it into events). */
  get crashes(): Scenario["crashes"] {
    return this.#options.scenario.crashes;
  }

  /** Why the run ended before every node took its steps (all nodes down for good), or null. */
  stopped: string | null = null;

  /** Whether every node is down at `time` and none of them will rejoin. */
  allDownForGood(time: number): boolean {
    return this.#crashes.allDownForGood(time);
  }

  /** Ends the run early: every node is down for good at `time`. */
  stopAllDown(time: number, steps: number): void {
    const n = this.nodeSteps.length;
    this.stopped = `all ${n} nodes crashed for good by ${time.toFixed(3)} s; the run stopped ` +
      `with ${Math.max(...this.nodeSteps)} of ${steps} steps taken`;
  }

  /** Whether node `i` is up at virtual time `time`: the run's one crash model. */
  alive(i: number, time: number): boolean {
    return this.#crashes.alive(i, time);
  }

  /** Sends one message through the network; a delivered one gets an id and a target. */
  send(from: number, to: number, time: number, bytes: number) {
    const fate = this.network.send(from, to, bytes, time);
    const log = (id: number | null, outcome: "delivered" | DropReason, arrival: number | null) =>
      this.emit({ kind: "send", time, from, to, bytes, id, fate: outcome, arrival });
    if (!fate.delivered) {
      if (this.listening) log(null, fate.reason, null);
      return null;
    }
    if (to < this.nodeSteps.length && !this.alive(to, fate.arrival)) {
      this.network.arrived(from, to, true);
      if (this.listening) log(null, "crashed", fate.arrival);
      return null;
    }
    const target: Target = { id: this.#nextId++, to, worker: this.placement[to] };
    if (this.listening) log(target.id, "delivered", fate.arrival);
    return { target, arrival: fate.arrival };
  }

  /**
   * Node `i` sends its payload of exchange `round` (its step `t`) to every neighbour at
   * `time`; returns the messages the network will deliver.
   */
  sendToNeighbours(i: number, round: number, t: number, time: number): Arrival[] {
    const targets: Target[] = [], arrivals: Arrival[] = [];
    for (const j of this.route.outbound(i, t)) {
      const sent = this.send(i, j, time, this.bytes[i]);
      if (!sent) continue;
      targets.push(sent.target);
      arrivals.push({ from: i, to: j, round, id: sent.target.id, stamp: t, time: sent.arrival });
    }
    this.command(i, { op: "send", node: i, round, to: targets });
    return arrivals;
  }

  /** A message reached receiver `to`: it becomes the latest held value if it is newer. */
  absorb(arrival: Arrival): void {
    this.arrived(arrival.from, arrival.to, arrival.id, arrival.time, false);
    const released = this.#held.keep(arrival);
    if (released !== null) this.command(arrival.to, { op: "release", ids: [released] });
  }

  /** The latest value node `to` holds from `from` for exchange `round`, if any. */
  held(to: number, from: number, round: number): Held | undefined {
    return this.#held.get(to, from, round);
  }

  /**
   * Snapshots `nodes` at this point of their command streams for a metrics row, recorded while
   * the Workers go on (see `evaluations.ts`); resolves once the previous row is recorded.
   */
  evaluate(step: number, nodes: number[]): Promise<void> {
    for (const node of nodes) this.command(node, { op: "snapshot", node });
    const counters = this.network.counters;
    const point = {
      step,
      messages: counters.sent,
      bytes: counters.bytes,
      virtualTime: this.now,
      delivered: counters.delivered,
      dropped: this.network.dropped,
      late: this.counters.late,
      stalenessMean: this.counters.stalenessMean,
      stalenessMax: this.counters.stalenessMax,
    };
    this.emit({ kind: "evaluate", time: this.now, step });
    return this.evaluations.add(point, nodes, this.#supervisor.flush());
  }

  /**
   * Hands queued commands to the Workers once there are enough to be worth a message: 8,000
   * (a few steps of 512 nodes; 2,000, a step, cost ~8% of the N = 512 bench in messages).
   */
  async maybeFlush(): Promise<void> {
    this.#options.signal?.throwIfAborted();
    if (this.#supervisor.pending > 8_000) await this.#supervisor.dispatch();
  }

  /** The run's outcome once the drivers are done and every evaluation is recorded. */
  async result() {
    await this.evaluations.settle();
    return {
      rows: this.evaluations.rows,
      models: this.evaluations.models,
      nodeSteps: this.nodeSteps,
      nodeTimes: this.nodeTimes,
      network: { ...this.network.counters },
      links: this.network.traffic(),
      missedDeadline: this.counters.missedDeadline,
      droppedUploads: this.counters.droppedUploads,
      stalenessHistogram: this.counters.stalenessHistogram,
      waitTimeouts: this.counters.waitTimeouts,
      virtualTime: this.now,
      stopped: this.stopped,
    };
  }
}
