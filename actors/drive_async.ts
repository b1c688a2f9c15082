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
  const { steps, evalEvery, timeout, mode, staleness } = plan;
  const n = run.nodeSteps.length;
  const everyone = [...Array(n).keys()];
  const agenda = new EventQueue<AsyncEvent>();
  /** A node's pending step or wait is void once its generation moved on (crash, wake-up). */
  const generation = new Array(n).fill(0);
  const waiting = new Set<number>();
  let completed = 0, nextEval = 1;
  for (const crash of run.crashes) {
    agenda.push(crash.at, { kind: "crash", node: crash.node });
    if (crash.rejoin !== null) agenda.push(crash.rejoin, { kind: "rejoin", node: crash.node });
  }
  const schedule = (i: number, time: number) =>
    agenda.push(time + run.computeTime(i), { kind: "step", node: i, generation: generation[i] });
  const tooFarAhead = (i: number) =>
    mode === "bounded" &&
    inboundNeighbours(run.route, i, run.nodeSteps[i] + 1).some((k) =>
      run.alive(k, run.now) && run.nodeSteps[k] < steps &&
      run.nodeSteps[i] - run.nodeSteps[k] > staleness
    );
  const proceed = (i: number, time: number) => {
    if (run.nodeSteps[i] >= steps || !run.alive(i, time)) return;
    if (tooFarAhead(i)) {
      waiting.add(i);
      agenda.push(time + timeout, { kind: "wait-timeout", node: i, generation: generation[i] });
    } else schedule(i, time);
  };
  for (const i of everyone) schedule(i, 0);
  while (agenda.size) {
    const { time, event } = agenda.pop()!;
    run.now = time;
    switch (event.kind) {
      case "arrival": {
        const { arrival } = event;
        if (!run.alive(arrival.to, time)) {
          run.arrived(arrival.from, arrival.to, arrival.id, time, true);
        } else run.absorb(arrival);
        break;
      }
      case "crash":
        generation[event.node]++;
        waiting.delete(event.node);
        break;
      case "rejoin":
        proceed(event.node, time);
        break;
      case "wait-timeout":
        if (event.generation === generation[event.node] && waiting.delete(event.node)) {
          run.counters.waitTimeouts++;
          run.emit({ kind: "wait-timeout", time, node: event.node });
          schedule(event.node, time);
        }
        break;
      case "step": {
        const i = event.node;
        if (event.generation !== generation[i] || !run.alive(i, time)) break;
        const t = run.nodeSteps[i] + 1;
        run.step(i, t, time);
        for (let round = 0; round < plan.algorithm.exchanges; round++) {
          for (const arrival of run.sendToNeighbours(i, round, t, time)) {
            agenda.push(arrival.time, { kind: "arrival", arrival });
          }
          mixLatest(run, plan, i, round, t);
        }
        completed++;
        proceed(i, time);
        for (const k of run.route.outbound(i, t)) {
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
        break;
      }
    }
  }
  if (run.nodeSteps.some((taken) => taken < steps) && run.allDownForGood(run.now)) {
    run.stopAllDown(run.now, steps);
  }
  const average = Math.floor(completed / n);
  if (run.evaluations.last !== average || run.evaluations.last === null) {
    await run.evaluate(average, everyone);
  }
}

/** Async mix: the latest value held from each neighbour; never-heard-from ones by policy. */
function mixLatest(run: RunState, plan: AsyncPlan, i: number, round: number, t: number): void {
  emitMix(run, run.route.inbound(i, t), i, round, plan.missing, run.now, (k) => {
    const held = run.held(i, k, round);
    return held ? { id: held.id, staleness: Math.max(0, t - held.stamp) } : null;
  });
}
