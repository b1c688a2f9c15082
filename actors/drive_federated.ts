/**
 * Federated rounds on the actor engine: a server actor broadcasts to the round's sampled
 * clients, each trains and uploads; a round's deadline is `timeout` after its broadcast and
 * uploads arriving later miss the round (counted).
 *
 * @module
 */
import {
  aggregationWeights,
  clientSteps,
  type FederatedRounds,
  participationSampler,
} from "../algorithms/federated_round.ts";
import type { Problem } from "../problems/problem.ts";
import type { Command, Target } from "./protocol.ts";
import type { RunState } from "./run_state.ts";

/** What the federated driver needs besides the run state. */
export interface FederatedPlan {
  /** The problem (client sample counts, local epochs). */
  problem: Problem;
  /** Rounds. */
  rounds: number;
  /** Evaluate every this many rounds (and after the last). */
  evalEvery: number;
  /** A round's deadline after its broadcast (virtual seconds). */
  timeout: number;
  /** The run's seed (participation). */
  seed: number;
  /** Local steps, or local epochs when set; participation; aggregation weights. */
  federated: FederatedRounds;
}

/** Runs every round: broadcast, client training and uploads, aggregation. */
export async function driveFederated(run: RunState, plan: FederatedPlan): Promise<void> {
  const { rounds, timeout, evalEvery, problem } = plan;
  const { localSteps, localEpochs, participation, weighting } = plan.federated;
  const n = problem.nodes, server = n;
  const sample = participationSampler(plan.seed, n, participation);
  for (let r = 1; r <= rounds; r++) {
    if (run.allDownForGood(run.now)) {
      run.stopAllDown(run.now, rounds);
      if (r > 1 && run.evaluations.last !== r - 1) await run.evaluate(r - 1, [server]);
      return;
    }
    const start = run.now, deadline = start + timeout;
    const participants = sample();
    const broadcast: Target[] = [];
    const uploads: { client: number; id: number; time: number }[] = [];
    const pending: [number, Command][] = [];
    let expected = 0;
    for (const client of participants) {
      if (!run.alive(client, start)) continue;
      const down = run.send(server, client, start, run.bytes[server]);
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
      run.emit({ kind: "step", time: done, node: client, t: r });
      expected++;
      const up = run.send(client, server, done, run.bytes[client]);
      const inTime = up !== null && up.arrival <= deadline;
      if (up) run.arrived(client, server, up.target.id, up.arrival, false);
      if (inTime) uploads.push({ client, id: up.target.id, time: up.arrival });
      else {
        run.counters.missedDeadline++;
        run.emit({ kind: "missed-deadline", time: deadline, node: client, round: r });
      }
      pending.push([client, {
        op: "client",
        node: client,
        round: r,
        from: down.target.id,
        steps,
        to: inTime ? up.target : null,
      }]);
    }
    run.command(server, { op: "broadcast", node: server, to: broadcast });
    for (const [node, command] of pending) run.command(node, command);
    for (const target of broadcast) run.arrived(server, target.to, target.id, start, false);
    if (uploads.length) {
      const weights = aggregationWeights(problem, uploads.map((u) => u.client), weighting);
      run.command(server, {
        op: "aggregate",
        node: server,
        round: r,
        from: uploads.map((u) => u.id),
        weights,
        clients: uploads.map((u) => u.client),
      });
    }
    run.now = uploads.length === expected && expected > 0
      ? Math.max(start, ...uploads.map((u) => u.time))
      : deadline;
    if (r % evalEvery === 0 || r === rounds) await run.evaluate(r, [server]);
    else await run.maybeFlush();
  }
}
