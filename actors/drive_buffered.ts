/**
 * FedBuff on the actor engine (Nguyen et al. 2022, Algorithm 1): an event loop in virtual
 * time over the clients' uploads. C clients train at any time; each downloads the server's x
 * (version v₀), trains K local steps and uploads Δ. An upload arriving when the server is at
 * version v enters the buffer with weight η_g·s(τ)/M, τ = v − v₀, s(τ) = 1/√(1 + τ); the M-th
 * upload applies the buffer (one AGGREGATE command: x += Σ_k w_k Δ_k), version += 1.
 *
 * Choices:
 * - every event of one virtual instant is handled before any replacement downloads, so a
 *   server step at that instant is seen by the replacements; events of one instant are taken
 *   in scheduling order (`EventQueue`), so runs never depend on the Workers;
 * - a finished client (its upload arrived, or its attempt was lost) is replaced by a client
 *   drawn uniformly from the idle ones that are up (itself included) from the seed's stream
 *   `fedbuff/replacement`; with none up, the slot waits for the next rejoin;
 * - an attempt that brings nothing back (download lost, client crashed before it uploads,
 *   upload lost) frees its slot at the later of download + `timeout` (when the server
 *   gives up) and the client's finish; a lost upload is counted (`droppedUploads`);
 * - `steps` counts server versions; rows have step = version.
 *
 * @module
 */
import { clientSteps, type FederatedRounds } from "../algorithms/federated_round.ts";
import { type BufferedAggregation, stalenessWeight } from "../algorithms/fedbuff.ts";
import type { Problem } from "../problems/problem.ts";
import { Rng } from "../random.ts";
import { EventQueue } from "./event_queue.ts";
import type { Target } from "./protocol.ts";
import type { RunState } from "./run_state.ts";

/** What the buffered driver needs besides the run state. */
export interface BufferedPlan {
  /** The problem (clients, local epochs). */
  problem: Problem;
  /** Server versions (updates) to run. */
  versions: number;
  /** Evaluate every this many versions (and after the last). */
  evalEvery: number;
  /** How long the server waits for an attempt that brings nothing back (virtual seconds). */
  timeout: number;
  /** The run's seed (the replacement draws). */
  seed: number;
  /** Local steps, or local epochs when set. */
  federated: FederatedRounds;
  /** C, M, η_g. */
  buffered: BufferedAggregation;
}

/** One client's attempt: download, local steps, upload. */
interface Attempt {
  client: number;
  /** The server version it downloaded. */
  version: number;
  /** The download's message id, or null when the download was lost. */
  download: number | null;
  /** Virtual time its training ends. */
  done: number;
  /** Its local steps. */
  steps: number;
  /** Where its upload goes, or null when the attempt brings nothing back. */
  upload: Target | null;
}

/** Consecutive attempts bringing nothing back after which the run stops (it cannot progress). */
export const MAX_LOST_IN_A_ROW = 10_000;

/** The clients training at once: C, default min(10, N); more than N is refused. */
export function concurrencyOf(buffered: BufferedAggregation, clients: number): number {
  const c = buffered.concurrency ?? Math.min(10, clients);
  if (!Number.isInteger(c) || c < 1 || c > clients) {
    throw new RangeError(
      `Cannot run fedbuff with concurrency ${c}: between 1 and the ${clients} clients train ` +
        "at once",
    );
  }
  return c;
}

/** Runs FedBuff until the server reaches `versions` (or every client is down for good). */
export async function driveBuffered(run: RunState, plan: BufferedPlan): Promise<void> {
  const loop = new BufferedLoop(run, plan);
  await loop.drive();
}

class BufferedLoop {
  readonly #run: RunState;
  readonly #plan: BufferedPlan;
  readonly #server: number;
  /** Attempts by when they end; null: a slot waiting for a client to rejoin. */
  readonly #agenda = new EventQueue<Attempt | null>();
  readonly #busy: boolean[];
  readonly #rng: Rng;
  readonly #buffer: { attempt: Attempt; staleness: number }[] = [];
  #version = 0;
  #lostInARow = 0;

  constructor(run: RunState, plan: BufferedPlan) {
    this.#run = run;
    this.#plan = plan;
    this.#server = plan.problem.nodes;
    this.#busy = new Array(plan.problem.nodes).fill(false);
    this.#rng = new Rng(plan.seed, "fedbuff/replacement");
  }

  async drive(): Promise<void> {
    const run = this.#run, { versions } = this.#plan;
    this.#start(0, concurrencyOf(this.#plan.buffered, this.#plan.problem.nodes));
    while (this.#version < versions) {
      const time = this.#agenda.peek()?.time ?? run.now;
      run.now = time;
      if (!this.#agenda.size || run.allDownForGood(time)) {
        return this.#stop(`all ${this.#server} clients crashed for good by ${time.toFixed(3)} s`);
      }
      let freed = 0;
      while (this.#agenda.peek()?.time === time && this.#version < versions) {
        const attempt = this.#agenda.pop()!.event;
        freed++;
        if (attempt === null) continue; // a slot that waited for a client to rejoin
        this.#busy[attempt.client] = false;
        if (attempt.upload) await this.#arrive(attempt, time);
        else if (++this.#lostInARow >= MAX_LOST_IN_A_ROW) {
          return this.#stop(`${MAX_LOST_IN_A_ROW} client attempts in a row brought no upload`);
        } else if (attempt.download !== null) {
          run.command(attempt.client, { op: "release", ids: [attempt.download] });
        }
      }
      if (this.#version < versions) this.#start(time, freed);
      else await run.maybeFlush();
    }
  }

  /** Ends the run early, evaluating the last version (version 0: the start) if it was not. */
  async #stop(why: string): Promise<void> {
    const run = this.#run, version = this.#version;
    run.stopped = `${why}; the run stopped at server version ${version} of ${this.#plan.versions}`;
    if (run.evaluations.last !== version) {
      await run.evaluate(version, [this.#server]);
    }
  }

  /**
   * Draws `count` clients uniformly from the idle ones that are up and starts their attempts
   * at `time` (one broadcast); a slot with no such client waits for the next rejoin.
   */
  #start(time: number, count: number): void {
    const run = this.#run, server = this.#server, targets: Target[] = [];
    for (let k = 0; k < count; k++) {
      const idle = this.#busy.flatMap((busy, i) => (busy || !run.alive(i, time) ? [] : [i]));
      if (!idle.length) {
        const rejoin = this.#nextRejoin(time);
        if (rejoin !== null) this.#agenda.push(rejoin, null);
        continue;
      }
      const client = idle[this.#rng.int(idle.length)];
      this.#busy[client] = true;
      const attempt = this.#attempt(client, time);
      if (attempt.download !== null) {
        targets.push({ id: attempt.download, to: client, worker: run.placement[client] });
      }
    }
    if (targets.length) run.command(server, { op: "broadcast", node: server, to: targets });
  }

  /** The first time after `time` an idle client that is down at `time` rejoins, or null. */
  #nextRejoin(time: number): number | null {
    let first: number | null = null;
    for (const { node, at, rejoin } of this.#run.crashes) {
      const down = node < this.#busy.length && !this.#busy[node] && at <= time;
      if (down && rejoin !== null && rejoin > time && (first === null || rejoin < first)) {
        first = rejoin;
      }
    }
    return first;
  }

  /** One client's download, training and upload, as the network and crash model decide. */
  #attempt(client: number, time: number): Attempt {
    const run = this.#run, server = this.#server, { problem, federated, timeout } = this.#plan;
    const steps = clientSteps(problem, client, federated.localSteps, federated.localEpochs);
    const attempt: Attempt = {
      client,
      version: this.#version,
      download: null,
      done: time,
      steps,
      upload: null,
    };
    const giveUp = time + timeout;
    const down = run.send(server, client, time, run.bytes[server]);
    if (!down) {
      this.#agenda.push(giveUp, attempt);
      return attempt;
    }
    attempt.download = down.target.id;
    run.arrived(server, client, down.target.id, down.arrival, false);
    let done = down.arrival;
    for (let t = 0; t < steps; t++) done += run.computeTime(client);
    attempt.done = done;
    if (!run.alive(client, done)) {
      this.#agenda.push(Math.max(giveUp, done), attempt);
      return attempt;
    }
    const up = run.send(client, server, done, run.bytes[client]);
    if (!up) {
      run.counters.droppedUploads++;
      this.#agenda.push(Math.max(giveUp, done), attempt);
      return attempt;
    }
    attempt.upload = up.target;
    this.#agenda.push(up.arrival, attempt);
    return attempt;
  }

  /** An upload reaches the server at `time`: its client trains (now, in command order) and
   * it enters the buffer; the M-th applies it. */
  async #arrive(attempt: Attempt, time: number): Promise<void> {
    const run = this.#run, { client } = attempt;
    this.#lostInARow = 0;
    run.arrived(client, this.#server, attempt.upload!.id, time, false);
    run.nodeSteps[client]++;
    run.nodeTimes[client] = attempt.done;
    const round = run.nodeSteps[client];
    if (run.listening) run.emit({ kind: "step", time: attempt.done, node: client, t: round });
    run.command(client, {
      op: "client",
      node: client,
      round,
      from: attempt.download!,
      steps: attempt.steps,
      to: attempt.upload,
    });
    this.#buffer.push({ attempt, staleness: this.#version - attempt.version });
    if (this.#buffer.length === this.#plan.buffered.buffer) await this.#apply();
  }

  /** The server applies its buffer: x += Σ_k η_g·s(τ_k)/M·Δ_k, version += 1. */
  async #apply(): Promise<void> {
    const run = this.#run, server = this.#server, { buffer, serverStep } = this.#plan.buffered;
    const entries = this.#buffer.splice(0);
    for (const { staleness } of entries) run.counters.recordStaleness(staleness);
    const version = ++this.#version;
    run.command(server, {
      op: "aggregate",
      node: server,
      round: version,
      from: entries.map((e) => e.attempt.upload!.id),
      weights: entries.map((e) => serverStep * stalenessWeight(e.staleness) / buffer),
      clients: entries.map((e) => e.attempt.client),
    });
    const { evalEvery, versions } = this.#plan;
    if (version % evalEvery === 0 || version === versions) await run.evaluate(version, [server]);
    else await run.maybeFlush();
  }
}
