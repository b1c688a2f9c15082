/**
 * `random-matching` (Boyd, Ghosh, Prabhakar, Shah 2006, synchronous variant): at every step a
 * maximal matching of the config's topology G, drawn from the seeded stream
 * `topology/matching/<s>` (G's edges in a random order, taken greedily); a matched pair (i, j)
 * averages, W_t[i][i] = W_t[i][j] = ½, an unmatched node keeps its value, W_t[i][i] = 1.
 * Symmetric and doubly stochastic at every step.
 *
 * @module
 */
import { z } from "zod";
import { Rng } from "../../random.ts";
import type { MixingRow } from "../../topologies/mixing.ts";
import { blockRoute, type ScheduleDefinition } from "../schedule.ts";

/** A fresh maximal matching of the base graph at every step. */
export const randomMatching: ScheduleDefinition<Record<never, never>> = {
  name: "random-matching",
  description: "a seeded maximal matching of the topology at every step; pairs average (½, ½)",
  parameters: z.strictObject({}),
  usesTopology: true,
  create(_fields, { nodes, seed, graph }) {
    const base = graph();
    const edges: [number, number][] = [];
    base.neighbors.forEach((list, i) => {
      for (const j of list) if (i < j) edges.push([i, j]);
    });
    return blockRoute(nodes, 1, { stochastic: "doubly", symmetric: true }, (s) => {
      const order = new Rng(seed, `topology/matching/${s}`).shuffle([...edges.keys()]);
      const partner = new Int32Array(nodes).fill(-1);
      for (const e of order) {
        const [i, j] = edges[e];
        if (partner[i] < 0 && partner[j] < 0) [partner[i], partner[j]] = [j, i];
      }
      const inbound: MixingRow[] = [], outbound: number[][] = [];
      for (let i = 0; i < nodes; i++) {
        const j = partner[i];
        inbound.push(
          j < 0
            ? { indices: [i], weights: [1] }
            : { indices: i < j ? [i, j] : [j, i], weights: [0.5, 0.5] },
        );
        outbound.push(j < 0 ? [] : [j]);
      }
      return { inbound, outbound };
    });
  },
};
