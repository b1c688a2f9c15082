/**
 * The actor engine: every node an actor in a Deno Worker, a discrete-event scheduler in
 * virtual time deciding what each node does and which messages it sees.
 *
 * The schedule depends only on the config and seed — compute times and network fates are
 * drawn, never measured — so the scheduler runs ahead of the Workers, emitting each node's
 * commands in virtual-time order; Workers run them in parallel, waiting only for payloads
 * from other Workers. Results never depend on the number of Workers or on machine load.
 *
 * Modes (decentralized algorithms):
 * - `sync`: barrier phases with a deadline (`timeout` after the barrier opened); a message
 *   missing when a node mixes is handled by the `missing` policy (`stale`, `self`,
 *   `renormalize`); a node whose own work overruns the deadline mixes late with what it has.
 * - `async`: each node steps at its own pace and mixes the latest values it holds; the
 *   staleness (own step − sender's step) of every value used is recorded.
 * - `bounded`: async, but a node waits (at most `timeout`) until no live neighbour is more
 *   than `staleness` steps behind.
 * Federated algorithms run rounds with a server actor: a round's deadline is `timeout` after
 * its broadcast; uploads arriving later miss the round (counted).
 *
 * Crashes are crash-stop with optional rejoin from the node's last state; a step under way
 * at the crash is lost.
 *
 * @module
 */
import type { Algorithm } from "../algorithms/algorithm.ts";
import type { Hyperparameters } from "../algorithms/registry.ts";
import type { Problem } from "../problems/problem.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import { evaluateModels } from "../metrics/evaluate.ts";
import { Rng } from "../random.ts";
import { EventQueue } from "./event_queue.ts";
import { type LinkTraffic, Network, type NetworkCounters } from "./network.ts";
import { checkFiniteModels, type Command, SELF, type Snapshot, type Target } from "./protocol.ts";
import {
  type ExecutionMode,
  type MissingPolicy,
  sampleDuration,
  type Scenario,
} from "./scenario.ts";
import {
  type AggregationWeighting,
  aggregationWeights,
  clientSteps,
  type MetricsRow,
  participationSampler,
  type RunHooks,
} from "./sequential.ts";
import { type ActorPool, defaultWorkers, placeNodes, Supervisor } from "./supervisor.ts";

/** A metrics row of the actor engine: the sequential row plus time and network facts. */
export interface ActorMetricsRow extends MetricsRow {
  /** Virtual time (seconds) at the evaluation. */
  virtualTime: number;
  /** Messages delivered so far. */
  delivered: number;
  /** Messages dropped so far (loss, partition, capacity, crashed receiver). */
  dropped: number;
  /** Messages that arrived after their receiver had mixed (or the round had closed). */
  late: number;
  /** Mean staleness (steps) of the neighbour values mixed since the start. */
  stalenessMean: number;
  /** Largest staleness seen. */
  stalenessMax: number;
}

/** Options of an actor run. */
export interface ActorRunOptions extends RunHooks {
  /** The objective, in the main thread (for metrics). */
  problem: Problem;
  /** The same problem as plain data; every Worker rebuilds it. */
  problemSpec: unknown;
  /** Registry name and resolved hyper-parameters (and a module that registers it, if any). */
  algorithm: { name: string; params: Hyperparameters; module?: string };
  /** The algorithm's code, in the main thread (for its channels and exchange count). */
  instance: Algorithm;
  /** W; its rows give the neighbours and the summation order. */
  mixing: MixingMatrix;
  /** Iterations (decentralized) or rounds (federated). */
  steps: number;
  /** The run's seed. */
  seed: number;
  /** Evaluate every this many steps (average steps per node in async modes). */
  evalEvery: number;
  /** Network and fault model. */
  scenario: Scenario;
  /** Execution mode of decentralized algorithms. */
  mode: ExecutionMode;
  /** Barrier / round deadline and the bound on bounded-mode waits (virtual seconds). */
  timeout: number;
  /** Sync mode: what a missing neighbour value becomes. */
  missing: MissingPolicy;
  /** Bounded mode: how many steps a neighbour may lag. */
  staleness: number;
  /** Federated rounds (local steps, or local epochs when set). */
  federated: {
    localSteps: number;
    localEpochs?: number | null;
    participation: number;
    weighting: AggregationWeighting;
  };
  /** Number of Workers (default: one per core, at most one per node). */
  workers?: number;
  /** Folders the Workers may read (data directories). */
  readable?: string[];
  /** Wall-clock bound on a Worker waiting for one message (ms, default 60,000). */
  waitTimeoutMs?: number;
  /** Reuse these Workers across runs (left open); without it, Workers live for one run. */
  pool?: ActorPool;
}

/** What an actor run returns. */
export interface ActorRunResult {
  /** One row per evaluation. */
  rows: ActorMetricsRow[];
  /** Final models: every node's, or the federated global model. */
  models: Float64Array[];
  /** Steps (or rounds taken part in) completed by each node. */
  nodeSteps: number[];
  /** Virtual time (seconds) of each node's latest completed step. */
  nodeTimes: number[];
  /** Network counters. */
  network: NetworkCounters;
  /** Traffic per directed link. */
  links: LinkTraffic[];
  /** Federated: uploads that missed their round's deadline (stragglers, drops). */
  missedDeadline: number;
  /** Bounded mode: waits that ended at the timeout. */
  waitTimeouts: number;
  /** Virtual time at the end (seconds). */
  virtualTime: number;
}

interface Held {
  id: number;
  stamp: number;
}

interface Arrival {
  from: number;
  to: number;
  round: number;
  id: number;
  stamp: number;
  time: number;
}

/** The key of the latest value a receiver holds from `from` for exchange `round` (τ ≤ 100). */
function heldKey(from: number, round: number): number {
  return from * 128 + round;
}

/** State shared by the drivers: the scheduler's view of one run. */
class Run {
  readonly supervisor: Supervisor;
  readonly options: ActorRunOptions;
  readonly network: Network;
  readonly placement: number[];
  readonly rows: ActorMetricsRow[] = [];
  readonly nodeSteps: number[];
  readonly nodeTimes: number[];
  /** Payload bytes of a neighbour message, a broadcast and an upload (8 per entry). */
  readonly bytes: { message: number; broadcast: number; upload: number };
  readonly computeRng: Rng[];
  /** Each node's neighbours (W's row indices without itself), ascending. */
  readonly neighbours: number[][];
  /** Latest payload each receiver holds from each (sender, round). */
  readonly held: Map<number, Held>[];
  /** The models of the latest evaluation (the final models once the run ends). */
  lastModels: Float64Array[] = [];
  late = 0;
  stalenessTotal = 0;
  stalenessCount = 0;
  stalenessMax = 0;
  missedDeadline = 0;
  waitTimeouts = 0;
  now = 0;
  #nextId = 0;

  constructor(supervisor: Supervisor, options: ActorRunOptions, placement: number[]) {
    this.supervisor = supervisor;
    this.options = options;
    this.placement = placement;
    const n = options.problem.nodes;
    this.network = new Network(options.scenario, n + 1, options.seed);
    this.nodeSteps = new Array(n).fill(0);
    this.nodeTimes = new Array(n).fill(0);
    const instance = options.instance, vector = options.problem.dim * 8;
    this.bytes = instance.kind === "decentralized"
      ? { message: instance.channels.length * vector, broadcast: 0, upload: 0 }
      : {
        message: 0,
        broadcast: instance.broadcastChannels.length * vector,
        upload: instance.uploadChannels.length * vector,
      };
    this.computeRng = Array.from({ length: n }, (_, i) => new Rng(options.seed, `compute/${i}`));
    this.held = Array.from({ length: n }, () => new Map());
    this.neighbours = options.mixing.rows.map((row, i) => row.indices.filter((j) => j !== i));
  }

  command(node: number, command: Command): void {
    this.supervisor.enqueue(this.placement[node], command);
  }

  /** Compute time of one local step of node `i` (stragglers slowed down). */
  computeTime(i: number): number {
    const { compute, stragglers } = this.options.scenario;
    const base = sampleDuration(compute, this.computeRng[i]);
    return stragglers.nodes.includes(i) ? base * stragglers.slowdown : base;
  }

  /** Whether node `i` is up at virtual time `time`. */
  alive(i: number, time: number): boolean {
    return !this.options.scenario.crashes.some((crash) =>
      crash.node === i && crash.at <= time && (crash.rejoin === null || time < crash.rejoin)
    );
  }

  /** Sends one message through the network; a delivered one gets an id and a target. */
  send(from: number, to: number, time: number, bytes: number) {
    const fate = this.network.send(from, to, bytes, time);
    if (!fate.delivered) return null;
    if (to < this.nodeSteps.length && !this.alive(to, fate.arrival)) {
      this.network.arrived(from, to, true);
      return null;
    }
    const target: Target = { id: this.#nextId++, to, worker: this.placement[to] };
    return { target, arrival: fate.arrival };
  }

  /**
   * Node `i` sends its payload of exchange `round` (its step `t`) to every neighbour at
   * `time`; returns the messages the network will deliver.
   */
  broadcastToNeighbours(i: number, round: number, t: number, time: number): Arrival[] {
    const targets: Target[] = [], arrivals: Arrival[] = [];
    for (const j of this.neighbours[i]) {
      const sent = this.send(i, j, time, this.bytes.message);
      if (!sent) continue;
      targets.push(sent.target);
      arrivals.push({ from: i, to: j, round, id: sent.target.id, stamp: t, time: sent.arrival });
    }
    this.command(i, { op: "send", node: i, round, to: targets });
    return arrivals;
  }

  /** A message reached receiver `to`: it becomes the latest held value if it is newer. */
  absorb(arrival: Arrival): void {
    this.network.arrived(arrival.from, arrival.to, false);
    const key = heldKey(arrival.from, arrival.round);
    const previous = this.held[arrival.to].get(key);
    if (previous && previous.stamp >= arrival.stamp) {
      this.command(arrival.to, { op: "release", ids: [arrival.id] });
      return;
    }
    if (previous) this.command(arrival.to, { op: "release", ids: [previous.id] });
    this.held[arrival.to].set(key, { id: arrival.id, stamp: arrival.stamp });
  }

  recordStaleness(staleness: number): void {
    this.stalenessTotal += staleness;
    this.stalenessCount++;
    if (staleness > this.stalenessMax) this.stalenessMax = staleness;
  }

  /** Snapshots `nodes` at this point of their command streams and records a metrics row. */
  async evaluate(step: number, nodes: number[]): Promise<void> {
    for (const node of nodes) this.command(node, { op: "snapshot", node });
    const snapshots = await this.supervisor.flush();
    const byNode = new Map<number, Snapshot>(snapshots.map((s) => [s.node, s]));
    const taken = nodes.map((node) => byNode.get(node)!);
    checkFiniteModels(taken.map((s) => s.params), nodes, step);
    const rates = taken.every((s) => s.rate) ? taken.map((s) => s.rate!) : null;
    const counters = this.network.counters;
    const row: ActorMetricsRow = {
      algorithm: this.options.instance.name,
      step,
      ...evaluateModels(this.options.problem, taken.map((s) => s.params), rates),
      messages: counters.sent,
      bytes: counters.bytes,
      virtualTime: this.now,
      delivered: counters.delivered,
      dropped: this.network.dropped,
      late: this.late,
      stalenessMean: this.stalenessCount ? this.stalenessTotal / this.stalenessCount : 0,
      stalenessMax: this.stalenessMax,
    };
    this.rows.push(row);
    this.options.onRow?.(row);
    this.lastModels = taken.map((s) => s.params);
  }

  /** Hands queued commands to the Workers once there are enough to be worth a message. */
  async maybeFlush(): Promise<void> {
    this.options.signal?.throwIfAborted();
    if (this.supervisor.pending > 2_000) await this.supervisor.dispatch();
  }
}

/**
 * Runs an algorithm on the actor engine.
 *
 * @param options problem, algorithm, W, scenario, mode, Workers
 * @returns metrics rows, final models, per-node step counts and network counters
 * @throws {NodeFailureError} when a node's code throws (the message names node and step)
 */
export async function runActors(options: ActorRunOptions): Promise<ActorRunResult> {
  const n = options.problem.nodes;
  const workers = Math.max(1, Math.min(options.workers ?? defaultWorkers(n), n));
  const federated = options.instance.kind === "federated";
  const placement = [...placeNodes(n, workers), 0];
  const start = {
    workers,
    placement: placement.slice(0, n),
    server: federated ? { node: n, worker: 0 } : null,
    readable: [...(options.readable ?? []), ...moduleFile(options.algorithm.module)],
    setup: {
      algorithm: options.algorithm,
      problem: { spec: options.problemSpec, nodes: n, seed: options.seed },
      seed: options.seed,
      waitTimeoutMs: options.waitTimeoutMs ?? 60_000,
    },
  };
  const supervisor = options.pool
    ? await options.pool.acquire(start)
    : await Supervisor.start(start);
  try {
    const run = new Run(supervisor, options, placement);
    if (federated) await driveFederated(run);
    else if (options.mode === "sync") await driveSync(run);
    else await driveAsync(run);
    return {
      rows: run.rows,
      models: run.lastModels,
      nodeSteps: run.nodeSteps,
      nodeTimes: run.nodeTimes,
      network: { ...run.network.counters },
      links: run.network.traffic(),
      missedDeadline: run.missedDeadline,
      waitTimeouts: run.waitTimeouts,
      virtualTime: run.now,
    };
  } finally {
    if (!options.pool) supervisor.shutdown();
  }
}

/** A user algorithm's module, when it is a local file, must be readable by the Workers. */
function moduleFile(module: string | undefined): string[] {
  if (!module?.startsWith("file:")) return [];
  return [decodeURIComponent(new URL(module).pathname)];
}

/** Sync mode: barrier phases (one per exchange of every iteration) with a deadline. */
async function driveSync(run: Run): Promise<void> {
  const { options } = run;
  const { steps, timeout, evalEvery } = options;
  const instance = options.instance as Extract<Algorithm, { kind: "decentralized" }>;
  const n = options.problem.nodes;
  const everyone = [...Array(n).keys()];
  const free = new Float64Array(n);
  const late = new EventQueue<Arrival>();
  let open = 0;
  for (let t = 1; t <= steps; t++) {
    for (let round = 0; round < instance.exchanges; round++) {
      while (late.size && late.peek()!.time <= open) run.absorb(late.pop()!.event);
      const deadline = open + timeout;
      const start = everyone.map((i) => Math.max(open, free[i]));
      const ready = everyone.map((i) => start[i] + (round === 0 ? run.computeTime(i) : 0));
      const active = everyone.filter((i) => run.alive(i, start[i]) && run.alive(i, ready[i]));
      const inbound: Arrival[][] = everyone.map(() => []);
      for (const i of active) {
        if (round === 0) {
          run.command(i, { op: "step", node: i, t });
          run.nodeSteps[i]++;
          run.nodeTimes[i] = ready[i];
        }
        for (const arrival of run.broadcastToNeighbours(i, round, t, ready[i])) {
          inbound[arrival.to].push(arrival);
        }
      }
      let closed = open;
      for (const j of active) {
        const expected = run.neighbours[j].length;
        const last = inbound[j].length === expected
          ? Math.max(...inbound[j].map((a) => a.time), -Infinity)
          : Infinity;
        const mixTime = Math.max(ready[j], Math.min(deadline, last));
        mixSync(run, j, round, t, inbound[j], mixTime, late);
        free[j] = mixTime;
        closed = Math.max(closed, Math.min(deadline, mixTime));
      }
      open = active.length ? closed : deadline;
      run.now = Math.max(run.now, open);
    }
    if (t % evalEvery === 0 || t === steps) {
      run.now = Math.max(open, ...free);
      await run.evaluate(t, everyone);
    } else await run.maybeFlush();
  }
}

/** A neighbour value chosen for a mix: its message id and how many steps old it is. */
interface Chosen {
  id: number;
  staleness: number;
}

/**
 * Emits node `j`'s mix of exchange `round`: W_jk for every neighbour value `choose(k)`
 * returns; a missing one's weight goes to the node itself, or (`renormalize`) the weights
 * used are rescaled to sum to 1. Summation follows W's row order, as in the sequential engine.
 */
function emitMix(run: Run, j: number, round: number, choose: (k: number) => Chosen | null): void {
  const { indices, weights } = run.options.mixing.rows[j];
  const renormalize = run.options.missing === "renormalize";
  const from: number[] = [], used: number[] = [];
  let selfExtra = 0;
  indices.forEach((k, position) => {
    const chosen = k === j ? { id: SELF, staleness: -1 } : choose(k);
    if (chosen) {
      from.push(chosen.id);
      used.push(weights[position]);
      if (chosen.staleness >= 0) run.recordStaleness(chosen.staleness);
    } else if (!renormalize) selfExtra += weights[position];
  });
  used[from.indexOf(SELF)] += selfExtra;
  const total = used.reduce((sum, w) => sum + w, 0);
  const final = renormalize ? used.map((w) => w / total) : used;
  run.command(j, { op: "mix", node: j, round, from, weights: final });
}

/** One node's mix in sync mode: fresh values where they arrived, the policy elsewhere. */
function mixSync(
  run: Run,
  j: number,
  round: number,
  t: number,
  inbound: Arrival[],
  mixTime: number,
  late: EventQueue<Arrival>,
): void {
  const stalePolicy = run.options.missing === "stale";
  emitMix(run, j, round, (k) => {
    const fresh = inbound.find((a) => a.from === k && a.time <= mixTime);
    if (fresh) {
      run.absorb(fresh);
      return { id: fresh.id, staleness: 0 };
    }
    const stale = stalePolicy ? run.held[j].get(heldKey(k, round)) : undefined;
    return stale ? { id: stale.id, staleness: t - stale.stamp } : null;
  });
  for (const arrival of inbound) {
    if (arrival.time > mixTime) {
      run.late++;
      late.push(arrival.time, arrival);
    }
  }
}

type AsyncEvent =
  | { kind: "step"; node: number; generation: number }
  | { kind: "arrival"; arrival: Arrival }
  | { kind: "crash"; node: number }
  | { kind: "rejoin"; node: number }
  | { kind: "wait-timeout"; node: number; generation: number };

/** Async and bounded modes: every node at its own pace, mixing the latest values held. */
async function driveAsync(run: Run): Promise<void> {
  const { options } = run;
  const { steps, evalEvery, timeout, mode, staleness } = options;
  const instance = options.instance as Extract<Algorithm, { kind: "decentralized" }>;
  const n = options.problem.nodes;
  const everyone = [...Array(n).keys()];
  const agenda = new EventQueue<AsyncEvent>();
  const generation = new Array(n).fill(0);
  const crashed = new Array(n).fill(false);
  const waiting = new Set<number>();
  let completed = 0, nextEval = 1;
  for (const crash of options.scenario.crashes) {
    agenda.push(crash.at, { kind: "crash", node: crash.node });
    if (crash.rejoin !== null) agenda.push(crash.rejoin, { kind: "rejoin", node: crash.node });
  }
  const schedule = (i: number, time: number) =>
    agenda.push(time + run.computeTime(i), { kind: "step", node: i, generation: generation[i] });
  const tooFarAhead = (i: number) =>
    mode === "bounded" &&
    run.neighbours[i].some((k) =>
      !crashed[k] && run.nodeSteps[k] < steps && run.nodeSteps[i] - run.nodeSteps[k] > staleness
    );
  const proceed = (i: number, time: number) => {
    if (run.nodeSteps[i] >= steps || crashed[i]) return;
    if (tooFarAhead(i)) {
      waiting.add(i);
      agenda.push(time + timeout, { kind: "wait-timeout", node: i, generation: generation[i] });
    } else schedule(i, time);
  };
  for (const i of everyone) schedule(i, 0);
  while (agenda.size) {
    const { time, event } = agenda.pop()!;
    run.now = time;
    if (event.kind === "arrival") {
      if (crashed[event.arrival.to]) {
        run.network.arrived(event.arrival.from, event.arrival.to, true);
      } else run.absorb(event.arrival);
    } else if (event.kind === "crash") {
      crashed[event.node] = true;
      generation[event.node]++;
      waiting.delete(event.node);
    } else if (event.kind === "rejoin") {
      crashed[event.node] = false;
      proceed(event.node, time);
    } else if (event.kind === "wait-timeout") {
      if (event.generation === generation[event.node] && waiting.delete(event.node)) {
        run.waitTimeouts++;
        schedule(event.node, time);
      }
    } else if (event.generation === generation[event.node] && !crashed[event.node]) {
      const i = event.node;
      const t = ++run.nodeSteps[i];
      run.nodeTimes[i] = time;
      run.command(i, { op: "step", node: i, t });
      for (let round = 0; round < instance.exchanges; round++) {
        for (const arrival of run.broadcastToNeighbours(i, round, t, time)) {
          agenda.push(arrival.time, { kind: "arrival", arrival });
        }
        mixLatest(run, i, round, t);
      }
      completed++;
      proceed(i, time);
      for (const k of run.neighbours[i]) {
        if (waiting.has(k) && !tooFarAhead(k)) {
          waiting.delete(k);
          generation[k]++;
          schedule(k, time);
        }
      }
      while (completed >= nextEval * evalEvery * n && nextEval * evalEvery <= steps) {
        await run.evaluate(nextEval * evalEvery, everyone);
        nextEval++;
      }
      await run.maybeFlush();
    }
  }
  const average = Math.floor(completed / n);
  if (run.rows.at(-1)?.step !== average || run.rows.length === 0) {
    await run.evaluate(average, everyone);
  }
}

/** Async mix: the latest value held from each neighbour; never-heard-from ones by policy. */
function mixLatest(run: Run, i: number, round: number, t: number): void {
  emitMix(run, i, round, (k) => {
    const held = run.held[i].get(heldKey(k, round));
    return held ? { id: held.id, staleness: Math.max(0, t - held.stamp) } : null;
  });
}

/** Federated rounds: a server actor broadcasts, clients train and upload before a deadline. */
async function driveFederated(run: Run): Promise<void> {
  const { options } = run;
  const { steps: rounds, timeout, evalEvery, problem } = options;
  const { localSteps, localEpochs, participation, weighting } = options.federated;
  const n = problem.nodes, server = n;
  const sample = participationSampler(options.seed, n, participation);
  for (let r = 1; r <= rounds; r++) {
    const start = run.now, deadline = start + timeout;
    const participants = sample();
    const broadcast: Target[] = [];
    const uploads: { client: number; id: number; time: number }[] = [];
    const pending: [number, Command][] = [];
    let expected = 0;
    for (const client of participants) {
      if (!run.alive(client, start)) continue;
      const down = run.send(server, client, start, run.bytes.broadcast);
      if (!down) continue;
      broadcast.push(down.target);
      const steps = clientSteps(problem, client, localSteps, localEpochs);
      let done = down.arrival;
      for (let t = 0; t < steps; t++) done += run.computeTime(client);
      if (!run.alive(client, done)) {
        pending.push([client, { op: "release", ids: [down.target.id] }]);
        continue;
      }
      run.nodeSteps[client]++;
      run.nodeTimes[client] = done;
      expected++;
      const up = run.send(client, server, done, run.bytes.upload);
      const inTime = up !== null && up.arrival <= deadline;
      if (up) run.network.arrived(client, server, false);
      if (inTime) uploads.push({ client, id: up.target.id, time: up.arrival });
      else run.missedDeadline++;
      pending.push([client, {
        op: "client",
        node: client,
        from: down.target.id,
        steps,
        to: inTime ? up.target : null,
      }]);
    }
    run.command(server, { op: "broadcast", node: server, to: broadcast });
    for (const [node, command] of pending) run.command(node, command);
    for (const target of broadcast) run.network.arrived(server, target.to, false);
    if (uploads.length) {
      const weights = aggregationWeights(problem, uploads.map((u) => u.client), weighting);
      run.command(server, {
        op: "aggregate",
        node: server,
        from: uploads.map((u) => u.id),
        weights,
      });
    }
    run.now = uploads.length === expected && expected > 0
      ? Math.max(start, ...uploads.map((u) => u.time))
      : deadline;
    if (r % evalEvery === 0 || r === rounds) await run.evaluate(r, [server]);
    else await run.maybeFlush();
  }
}
