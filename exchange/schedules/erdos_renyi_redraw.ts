/**
 * `erdos-renyi-redraw`: a fresh connected Erdős–Rényi graph G(N, p) every `every` steps (block
 * b = ⌊(t − 1)/every⌋ draws from the stream `topology/erdos-renyi/<b>`), with
 * Metropolis–Hastings weights. Symmetric and doubly stochastic at every step.
 *
 * @module
 */
import { z } from "zod";
import { Rng } from "../../random.ts";
import { erdosRenyiTopology } from "../../topologies/generators.ts";
import { metropolisHastings } from "../../topologies/mixing.ts";
import { blockRoute, outListsOf, type ScheduleDefinition } from "../schedule.ts";

/** Fields of `erdos-renyi-redraw`. */
export interface ErdosRenyiRedrawFields {
  /** Edge probability in (0, 1]. */
  readonly p: number;
  /** Steps between redraws, E ≥ 1. */
  readonly every: number;
}

/** A new G(N, p) every E steps. */
export const erdosRenyiRedraw: ScheduleDefinition<ErdosRenyiRedrawFields> = {
  name: "erdos-renyi-redraw",
  description: "a fresh connected G(N, p) with Metropolis–Hastings weights every E steps",
  parameters: z.strictObject({
    p: z.number().gt(0).max(1).default(0.3).describe("edge probability p of each redraw"),
    every: z.number().int().min(1).default(10).describe("steps E between redraws"),
  }),
  usesTopology: false,
  create({ p, every }, { nodes, seed }) {
    return blockRoute(nodes, every, { stochastic: "doubly", symmetric: true }, (block) => {
      const drawSeed = new Rng(seed, `topology/erdos-renyi/${block}`).nextUint32();
      const { rows } = metropolisHastings(erdosRenyiTopology(nodes, p, drawSeed));
      return { inbound: rows, outbound: outListsOf(rows) };
    });
  },
};
