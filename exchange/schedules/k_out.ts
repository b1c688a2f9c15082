/**
 * `k-out`: every node draws k distinct out-neighbours (itself excluded) from the stream
 * `topology/k-out`; the draw is redone until the graph is strongly connected. Push-sum weights
 * P[j][i] = 1/(k + 1): column-stochastic (in-degrees vary, so rows do not sum to 1).
 *
 * @module
 */
import { z } from "zod";
import { Rng } from "../../random.ts";
import type { ScheduleDefinition } from "../schedule.ts";
import { directedRoute } from "./directed.ts";

/** Attempts at a strongly connected draw before giving up. */
const ATTEMPTS = 1000;

/** Fields of `k-out`. */
export interface KOutFields {
  /** Out-neighbours per node, 1 ≤ k ≤ N − 1. */
  readonly k: number;
}

/** Random k-out digraphs, strongly connected. */
export const kOut: ScheduleDefinition<KOutFields> = {
  name: "k-out",
  description: "every node pushes to k random distinct nodes (strongly connected, seeded)",
  parameters: z.strictObject({
    k: z.number().int().min(1).default(2).describe("out-neighbours k per node, at most N − 1"),
  }),
  usesTopology: false,
  create({ k }, { nodes, seed }) {
    if (k > nodes - 1) {
      throw new RangeError(`schedule.k = ${k}: expected at most nodes − 1 = ${nodes - 1}`);
    }
    const rng = new Rng(seed, "topology/k-out");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const out = Array.from(
        { length: nodes },
        (_, i) => rng.sample(nodes - 1, k).map((j) => (j >= i ? j + 1 : j)),
      );
      if (stronglyConnected(out)) return directedRoute(out);
    }
    throw new RangeError(
      `schedule.k = ${k}: no strongly connected ${k}-out graph on ${nodes} nodes in ${ATTEMPTS} ` +
        `draws${
          k === 1 ? " (with k = 1 only a single cycle through every node is; use k ≥ 2)" : ""
        }`,
    );
  },
};

/** Whether every node reaches every other along `out` and back (two searches from node 0). */
function stronglyConnected(out: readonly (readonly number[])[]): boolean {
  const reverse: number[][] = out.map(() => []);
  out.forEach((list, i) => list.forEach((j) => reverse[j].push(i)));
  return reachesAll(out) && reachesAll(reverse);
}

function reachesAll(adjacency: readonly (readonly number[])[]): boolean {
  const seen = new Uint8Array(adjacency.length);
  const stack = [0];
  seen[0] = 1;
  let count = 1;
  while (stack.length) {
    for (const j of adjacency[stack.pop()!]) {
      if (!seen[j]) {
        seen[j] = 1;
        count++;
        stack.push(j);
      }
    }
  }
  return count === adjacency.length;
}
