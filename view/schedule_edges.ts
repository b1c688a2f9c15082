/**
 * The edges of a schedule the graph panel draws: for a schedule whose graph changes with the
 * step, the edges active at the run's current step (i → j for every j in
 * `route.outbound(i, t)`), recomputed only when that step moves and sent with the run's
 * snapshot; a step with more than {@linkcode ACTIVE_EDGE_LIMIT} edges is counted, not drawn.
 *
 * @module
 */
import type { Route } from "../exchange/route.ts";
import type { RunSnapshot } from "./live_state.ts";

/** Most edges one step sends the page; past it the panel says so and draws none. */
export const ACTIVE_EDGE_LIMIT = 4000;

/** The edges a schedule makes active at one step, as the page receives them. */
export interface ActiveEdges {
  /** The step t (≥ 1) whose W_t they are. */
  step: number;
  /** Whether the edges point one way (`[i, j]`: i sends to j) or both (`i < j`). */
  directed: boolean;
  /** The edges, or null when there are more than the limit. */
  edges: [number, number][] | null;
  /** How many edges (when over the limit: the limit + 1, "more than the limit"). */
  count: number;
}

/**
 * The edges of `route` at step `t`: i → j for every j that i sends to, or, for a symmetric
 * route, each pair once as `[i, j]` with i < j. Stops counting past `limit`.
 *
 * @param route the run's route
 * @param t the step (clamped to ≥ 1: the engines' first step is 1)
 * @param limit the most edges listed
 * @returns the step's edges, ascending by (i, j)
 *
 * @example One-peer exponential on 8 nodes: i → i + 1 at t = 1
 * ```ts
 * import assert from "node:assert/strict";
 * import { routeFromSchedule } from "../exchange/schedule_registry.ts";
 * import { activeEdges } from "./schedule_edges.ts";
 * const route = routeFromSchedule({ type: "one-peer-exponential" }, {
 *   nodes: 8,
 *   seed: 0,
 *   graph: () => { throw new Error("unused"); },
 *   mixing: () => { throw new Error("unused"); },
 * });
 * assert.deepEqual(activeEdges(route, 1).edges?.slice(0, 2), [[0, 1], [1, 2]]);
 * ```
 */
export function activeEdges(route: Route, t: number, limit = ACTIVE_EDGE_LIMIT): ActiveEdges {
  const step = Math.max(1, Math.floor(t));
  const directed = !route.symmetric;
  const edges: [number, number][] = [];
  for (let i = 0; i < route.nodes && edges.length <= limit; i++) {
    for (const j of route.outbound(i, step)) {
      if (directed || i < j) edges.push([i, j]);
      if (edges.length > limit) break;
    }
  }
  const over = edges.length > limit;
  return { step, directed, edges: over ? null : edges, count: edges.length };
}

/**
 * The step the graph panel shows a changing schedule at: the latest step of the run, the
 * greater of its latest metrics row's step and the furthest node's latest local step (its
 * scheduler's `step` events). The sequential engine has no events, so there it is the latest
 * evaluation's step; the synchronous actor mode steps every node through the same t, so it is
 * the step under way. In the asynchronous modes nodes are at different steps: the panel shows
 * W_t of the leading node's step, the graph the fastest nodes send along now (slower nodes
 * still send along earlier W_t; each node's own step is in its tooltip). One step for the
 * whole graph keeps it one `outbound` pass per change.
 *
 * @param snapshot the run's snapshot
 * @returns the step, at least 1 (before the first step: W_1, the graph it starts with)
 */
export function shownStep(snapshot: Pick<RunSnapshot, "step" | "nodeSteps">): number {
  let step = Math.max(1, snapshot.step);
  for (const t of snapshot.nodeSteps) if (t > step) step = t;
  return step;
}
