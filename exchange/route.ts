/**
 * The exchange seam's *route* stage: for node i at step t, whom it hears from (with the
 * weights of its mix, in summation order) and whom it sends to. Both engines ask the route
 * and nothing else: the sequential engine for every node in lock step, the actor engine's
 * scheduler for every send and mix it emits. A static mixing matrix W is the first route; a
 * schedule of graphs that change with t, or a directed graph with column-stochastic weights,
 * is another implementation of the same interface.
 *
 * @module
 */
import type { MixingMatrix, MixingRow } from "../topologies/mixing.ts";
import { asymmetry, sumDefect } from "../topologies/matrix_properties.ts";

/** Who node i hears from and sends to at step t. */
export interface Route {
  /** N, the number of nodes. */
  readonly nodes: number;
  /**
   * Whether the route is the same at every step (a static W): engines may then precompute
   * what depends on it.
   */
  readonly static: boolean;
  /**
   * What every W_t is: `doubly-stochastic` (rows and columns sum to 1: plain averaging
   * preserves the average) or only `column-stochastic` (columns sum to 1: a node splits its
   * mass over itself and its out-neighbours, for push-sum methods).
   */
  readonly stochastic: "doubly" | "column";
  /** Whether every W_t is symmetric (W_ij = W_ji). */
  readonly symmetric: boolean;
  /**
   * Node i's mix at step t: the nodes it hears from (itself included) in summation order, and
   * their weights.
   */
  inbound(i: number, t: number): MixingRow;
  /** The nodes node i sends to at step t (itself excluded), ascending. */
  outbound(i: number, t: number): readonly number[];
}

/**
 * The route of a fixed mixing matrix W: node i hears from the columns of row i (W's row order
 * is the summation order) and sends to the rows j ≠ i whose W_ji ≠ 0 — the same nodes for a
 * symmetric W, the out-neighbours for a directed one.
 *
 * @param mixing the mixing matrix W
 * @returns a route that is the same at every step
 *
 * @example A ring of 4
 * ```ts
 * import assert from "node:assert/strict";
 * import { metropolisHastings, ringTopology, staticRoute } from "../mod.ts";
 * const route = staticRoute(metropolisHastings(ringTopology(4)));
 * assert.deepEqual(route.inbound(0, 1).indices, [0, 1, 3]);
 * assert.deepEqual(route.outbound(0, 1), [1, 3]);
 * ```
 */
export function staticRoute(mixing: MixingMatrix): Route {
  const outbound: number[][] = Array.from({ length: mixing.nodes }, () => []);
  mixing.rows.forEach((row, j) => {
    for (const i of row.indices) if (i !== j) outbound[i].push(j);
  });
  for (const list of outbound) list.sort((a, b) => a - b);
  const { rowSums, symmetric } = matrixProperties(mixing);
  return {
    nodes: mixing.nodes,
    static: true,
    stochastic: rowSums ? "doubly" : "column",
    symmetric,
    inbound: (i) => mixing.rows[i],
    outbound: (i) => outbound[i],
  };
}

/** Entries within this of each other are equal, for the matrix properties. */
export const PROPERTY_TOLERANCE = 1e-12;

/** Whether every row of W sums to 1, and whether W is symmetric (within 1e-12). */
export function matrixProperties(mixing: MixingMatrix): { rowSums: boolean; symmetric: boolean } {
  return {
    rowSums: sumDefect(mixing, PROPERTY_TOLERANCE, false) === null,
    symmetric: asymmetry(mixing, PROPERTY_TOLERANCE) === null,
  };
}

/** The nodes node i hears from at step t, itself excluded, in summation order. */
export function inboundNeighbours(route: Route, i: number, t: number): number[] {
  return route.inbound(i, t).indices.filter((j) => j !== i);
}
