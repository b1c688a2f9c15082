/**
 * Async and bounded modes: every node steps at its own pace and mixes the latest values it
 * holds; the staleness (own step − sender's step) of every value used is recorded. In
 * `bounded` mode a node waits (at most `timeout`) until no live neighbour is more than
 * `staleness` steps behind. An evaluation is taken when the nodes have completed `evalEvery`
 * steps each on average.
 *
 * @module
 */
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { inboundNeighbours } from "../exchange/route.ts";
import { emitMix } from "./emit_mix.ts";
import { SELF } from "./protocol.ts";
import { EventQueue } from "./event_queue.ts";
import type { Arrival, RunState } from "./run_state.ts";
import type { MissingPolicy } from "./scenario.ts";

/** What the async driver needs besides the run state. */
export interface AsyncPlan {
  /** The algorithm (its exchange count). */
  algorithm: DecentralizedAlgorithm;
  /** Steps per node. */
  steps: number;
  /** Evaluate every this many steps per node on average. */
  evalEvery: number;
  /** `async`, or `bounded` (waits for laggards). */
  mode: "async" | "bounded";
  /** Bounded mode: the longest wait (virtual seconds). */
  timeout: number;
  /** Bounded mode: how many steps a neighbour may lag. */
  staleness: number;
  /** Never-heard-from neighbours: weight to self, or renormalise. */
  missing: MissingPolicy;
}

/** What happens next in an async run. */
type AsyncEvent =
  | { kind: "step"; node: number; generation: number }
  | { kind: "arrival"; arrival: Arrival }
  | { kind: "crash"; node: number }
  | { kind: "rejoin"; node: number }
  | { kind: "wait-timeout"; node: number; generation: number };

/** Runs every node at its own pace until each has taken `steps` steps (or is down). */
export async function driveAsync(run: RunState, plan: AsyncPlan): Promise<void> {
  const driver = new AsyncDriver(run, plan);
  while (driver.agenda.size) await driver.next();
  await driver.finish();
}

/** The agenda of an async run and what each node is doing. */
class AsyncDriver {
  readonly agenda = new EventQueue<AsyncEvent>();
  readonly #run: RunState;
  readonly #plan: AsyncPlan;
  readonly #everyone: number[];
  /** A node's pending step or wait is void once its generation moved on (crash, wake-up). */
  readonly #generation: number[];
  readonly #waiting = new Set<number>();
  /** A changing route's values not yet mixed, per receiver (each is mixed once). */
  readonly #pushed: Arrival[][];
  #completed = 0;
  #nextEval = 1;

  constructor(run: RunState, plan: AsyncPlan) {
    this.#run = run;
    this.#plan = plan;
    const n = run.nodeSteps.length;
    this.#everyone = [...Array(n).keys()];
    this.#generation = new Array(n).fill(0);
    this.#pushed = Array.from({ length: run.route.static ? 0 : n }, () => []);
    for (const crash of run.crashes) {
      this.agenda.push(crash.at, { kind: "crash", node: crash.node });
      if (crash.rejoin !== null) {
        this.agenda.push(crash.rejoin, { kind: "rejoin", node: crash.node });
      }
    }
    for (const i of this.#everyone) this.#schedule(i, 0);
  }

  #schedule(i: number, time: number): void {
    const step = { kind: "step", node: i, generation: this.#generation[i] } as const;
    this.agenda.push(time + this.#run.computeTime(i), step);
  }

  /** Whether node i must wait (bounded mode): a live neighbour lags more than `staleness`. */
  #tooFarAhead(i: number): boolean {
    const run = this.#run, { steps, staleness } = this.#plan;
    return this.#plan.mode === "bounded" &&
      inboundNeighbours(run.route, i, run.nodeSteps[i] + 1).some((k) =>
        run.alive(k, run.now) && run.nodeSteps[k] < steps &&
        run.nodeSteps[i] - run.nodeSteps[k] > staleness
      );
  }

  /** Node i goes on after a step or a rejoin: its next step, or a bounded wait. */
  #proceed(i: number, time: number): void {
    const run = this.#run;
    if (run.nodeSteps[i] >= this.#plan.steps || !run.alive(i, time)) return;
    if (this.#tooFarAhead(i)) {
      this.#waiting.add(i);
      const wait = { kind: "wait-timeout", node: i, generation: this.#generation[i] } as const;
      this.agenda.push(time + this.#plan.timeout, wait);
    } else this.#schedule(i, time);
  }

  /** Handles the next event of the agenda. */
  async next(): Promise<void> {
    const run = this.#run;
    const { time, event } = this.agenda.pop()!;
    run.now = time;
    switch (event.kind) {
      case "arrival": {
        const { arrival } = event;
        if (!run.alive(arrival.to, time)) {
          run.arrived(arrival.from, arrival.to, arrival.id, time, true);
        } else if (run.route.static) run.absorb(arrival);
        else {
          run.arrived(arrival.from, arrival.to, arrival.id, time, false);
          this.#pushed[arrival.to].push(arrival);
        }
        break;
      }
      case "crash":
        this.#generation[event.node]++;
        this.#waiting.delete(event.node);
        this.#dropPushed(event.node);
        break;
      case "rejoin":
        this.#proceed(event.node, time);
        break;
      case "wait-timeout":
        if (event.generation === this.#generation[event.node] && this.#waiting.delete(event.node)) {
          run.counters.waitTimeouts++;
          run.emit({ kind: "wait-timeout", time, node: event.node });
          this.#schedule(event.node, time);
        }
        break;
      case "step":
        if (event.generation === this.#generation[event.node] && run.alive(event.node, time)) {
          await this.#step(event.node, time);
        }
        break;
    }
  }

  /** Node i's step: its gradient step, its exchanges, then whoever waited for it. */
  async #step(i: number, time: number): Promise<void> {
    const run = this.#run, plan = this.#plan, n = this.#everyone.length;
    const t = run.nodeSteps[i] + 1;
    run.step(i, t, time);
    for (let round = 0; round < plan.algorithm.exchanges; round++) {
      for (const arrival of run.sendToNeighbours(i, round, t, time)) {
        this.agenda.push(arrival.time, { kind: "arrival", arrival });
      }
      if (run.route.static) mixLatest(run, plan, i, round, t);
      else this.#mixPushed(i, round, t);
    }
    this.#completed++;
    this.#proceed(i, time);
    for (const k of run.route.outbound(i, t)) {
      if (this.#waiting.has(k) && !this.#tooFarAhead(k)) {
        this.#waiting.delete(k);
        this.#generation[k]++;
        this.#schedule(k, time);
      }
    }
    const { evalEvery, steps } = plan;
    while (
      this.#completed >= this.#nextEval * evalEvery * n && this.#nextEval * evalEvery <= steps
    ) {
      await run.evaluate(this.#nextEval * evalEvery, this.#everyone);
      this.#nextEval++;
    }
    await run.maybeFlush();
  }

  /** A crashed node loses the values it had not mixed yet. */
  #dropPushed(i: number): void {
    const lost = this.#pushed[i];
    if (!lost?.length) return;
    this.#run.command(i, { op: "release", ids: lost.map((a) => a.id) });
    lost.length = 0;
  }

  /**
   * A changing route in an async mode is driven by the senders' own steps: node i mixes itself
   * (its weight at its step t) with every value pushed to it since its last mix, each once,
   * weighted as the route weighted it at the sender's step. The weights are rescaled to sum to
   * 1, except under `missing: "drop"`, where they stay as pushed (push-sum: the mass kept plus
   * the mass that arrived).
   */
  #mixPushed(i: number, round: number, t: number): void {
    const run = this.#run, route = run.route;
    const all = this.#pushed[i];
    const fresh = all.filter((a) => a.round === round);
    this.#pushed[i] = all.filter((a) => a.round !== round);
    const own = route.inbound(i, t);
    const entries = [{ k: i, stamp: t, id: SELF, w: own.weights[own.indices.indexOf(i)] }];
    for (const a of fresh) {
      const row = route.inbound(i, a.stamp);
      entries.push({
        k: a.from,
        stamp: a.stamp,
        id: a.id,
        w: row.weights[row.indices.indexOf(a.from)],
      });
      run.counters.recordStaleness(Math.max(0, t - a.stamp));
    }
    entries.sort((a, b) => a.k - b.k || a.stamp - b.stamp || a.id - b.id);
    const total = entries.reduce((sum, e) => sum + e.w, 0);
    const keep = this.#plan.missing === "drop";
    const weights = entries.map((e) => (keep ? e.w : e.w / total));
    const from = entries.map((e) => e.id);
    const senders = run.attacked ? { senders: entries.map((e) => e.k) } : {};
    run.command(i, { op: "mix", node: i, round, from, weights, ...senders });
    if (fresh.length) run.command(i, { op: "release", ids: fresh.map((a) => a.id) });
    if (run.listening) {
      run.emit({ kind: "mix", time: run.now, node: i, t, round, used: entries.length, missing: 0 });
    }
  }

  /** The end: stopped if every node is down for good, and the last evaluation. */
  async finish(): Promise<void> {
    const run = this.#run, { steps } = this.#plan, n = this.#everyone.length;
    if (run.nodeSteps.some((taken) => taken < steps) && run.allDownForGood(run.now)) {
      run.stopAllDown(run.now, steps);
    }
    const average = Math.floor(this.#completed / n);
    if (run.evaluations.last !== average || run.evaluations.last === null) {
      await run.evaluate(average, this.#everyone);
    }
  }
}

/** Async mix: the latest value held from each neighbour; never-heard-from ones by policy. */
function mixLatest(run: RunState, plan: AsyncPlan, i: number, round: number, t: number): void {
  emitMix(run, run.route.inbound(i, t), i, round, plan.missing, run.now, (k) => {
    const held = run.held(i, k, round);
    return held ? { id: held.id, staleness: Math.max(0, t - held.stamp) } : null;
  });
}
