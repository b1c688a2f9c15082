/**
 * Sync mode: barrier phases (one per exchange of every iteration) with a deadline `timeout`
 * after the barrier opened. A message missing when a node mixes is handled by the `missing`
 * policy (`stale`, `self`, `renormalize`); a node whose own work overruns the deadline mixes
 * late with what it has.
 *
 * @module
 */
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { emitMix } from "./emit_mix.ts";
import { EventQueue } from "./event_queue.ts";
import type { Arrival, RunState } from "./run_state.ts";
import type { MissingPolicy } from "./scenario.ts";
import type { UnstampedEvent } from "../metrics/events.ts";

/** What the sync driver needs besides the run state. */
export interface SyncPlan {
  /** The algorithm (its exchange count). */
  algorithm: DecentralizedAlgorithm;
  /** Iterations. */
  steps: number;
  /** Evaluate every this many iterations (and after the last). */
  evalEvery: number;
  /** Barrier deadline (virtual seconds after it opened). */
  timeout: number;
  /** What a missing neighbour value becomes. */
  missing: MissingPolicy;
}

/** Runs every iteration in barrier phases. */
export async function driveSync(run: RunState, plan: SyncPlan): Promise<void> {
  const { steps, timeout, evalEvery } = plan;
  const n = run.nodeSteps.length;
  const everyone = [...Array(n).keys()];
  const free = new Float64Array(n);
  const late = new EventQueue<Arrival>();
  let open = 0;
  const hearsAcross = acrossWorkers(run);
  for (let t = 1; t <= steps; t++) {
    if (run.allDownForGood(open)) {
      run.stopAllDown(open, steps);
      const reached = Math.max(...run.nodeSteps);
      if (run.evaluations.last !== reached) await run.evaluate(reached, everyone);
      return;
    }
    for (let round = 0; round < plan.algorithm.exchanges; round++) {
      while (late.size && late.peek()!.time <= open) run.absorb(late.pop()!.event);
      const deadline = open + timeout;
      const start = everyone.map((i) => Math.max(open, free[i]));
      const ready = everyone.map((i) => start[i] + (round === 0 ? run.computeTime(i) : 0));
      const active = everyone.filter((i) => run.alive(i, start[i]) && run.alive(i, ready[i]));
      const inbound: Arrival[][] = everyone.map(() => []);
      // A round's steps first, then its sends: each Worker gets its nodes' steps back to back
      // and computes their gradients as one block (node_worker.ts).
      if (round === 0) { for (const i of active) run.step(i, t, ready[i]); }
      for (const i of active) {
        for (const arrival of run.sendToNeighbours(i, round, t, ready[i])) {
          inbound[arrival.to].push(arrival);
        }
      }
      let closed = open;
      // A Worker mixes the nodes whose neighbours it hosts first: their payloads are local, and
      // the other Workers' payloads are in transfer meanwhile. Mixes are independent, so their
      // order changes no value; the event log lists them in node order, whatever the placement.
      const crosses = active.map((j) => hearsAcross(j, t));
      const interiorFirst = [
        ...active.filter((_, k) => !crosses[k]),
        ...active.filter((_, k) => crosses[k]),
      ];
      const logged: UnstampedEvent[][] = [];
      for (const j of interiorFirst) {
        const expected = run.route.inbound(j, t).indices.length - 1;
        const last = inbound[j].length === expected
          ? Math.max(...inbound[j].map((a) => a.time), -Infinity)
          : Infinity;
        const mixTime = Math.max(ready[j], Math.min(deadline, last));
        logged[j] = run.hold(() => mixSync(run, plan, j, round, t, inbound[j], mixTime, late));
        free[j] = mixTime;
        closed = Math.max(closed, Math.min(deadline, mixTime));
      }
      for (const j of active) for (const event of logged[j]) run.emit(event);
      open = active.length ? closed : deadline;
      run.now = Math.max(run.now, open);
    }
    if (t % evalEvery === 0 || t === steps) {
      run.now = Math.max(open, ...free);
      await run.evaluate(t, everyone);
    } else await run.maybeFlush();
  }
}

/**
 * Whether node `j` hears at step `t` from a node on another Worker (its mix then waits for a
 * transfer); remembered per node for a static route.
 */
function acrossWorkers(run: RunState): (j: number, t: number) => boolean {
  const known: (boolean | undefined)[] = [];
  return (j, t) => {
    if (known[j] !== undefined) return known[j];
    const home = run.placement[j];
    const crosses = run.route.inbound(j, t).indices.some((k) => run.placement[k] !== home);
    if (run.route.static) known[j] = crosses;
    return crosses;
  };
}

/** One node's mix in sync mode: fresh values where they arrived, the policy elsewhere. */
function mixSync(
  run: RunState,
  plan: SyncPlan,
  j: number,
  round: number,
  t: number,
  inbound: Arrival[],
  mixTime: number,
  late: EventQueue<Arrival>,
): void {
  const stalePolicy = plan.missing === "stale";
  emitMix(run, run.route.inbound(j, t), j, round, plan.missing, mixTime, (k) => {
    const fresh = inbound.find((a) => a.from === k && a.time <= mixTime);
    if (fresh) {
      run.absorb(fresh);
      return { id: fresh.id, staleness: 0 };
    }
    const stale = stalePolicy ? run.held(j, k, round) : undefined;
    return stale ? { id: stale.id, staleness: t - stale.stamp } : null;
  });
  for (const arrival of inbound) {
    if (arrival.time > mixTime) {
      run.counters.late++;
      late.push(arrival.time, arrival);
    }
  }
}
