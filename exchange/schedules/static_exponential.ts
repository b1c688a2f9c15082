/**
 * `static-exponential` (the static exponential graph of Ying et al. 2021 and of SGP's
 * experiments): with τ = ⌈log₂ N⌉, node i sends to (i + 2^k) mod N for k = 0 … τ − 1 and hears
 * from (i − 2^k) mod N, every weight 1/(τ + 1). One-way edges, doubly stochastic (τ in- and τ
 * out-neighbours each), not symmetric in general.
 *
 * @module
 */
import { z } from "zod";
import { exponentialOffsets, type ScheduleDefinition, sortedRow } from "../schedule.ts";
import type { MixingRow } from "../../topologies/mixing.ts";
import { matrixProperties } from "../route.ts";

/** The directed exponential graph, weights 1/(τ + 1). */
export const staticExponential: ScheduleDefinition<Record<never, never>> = {
  name: "static-exponential",
  description: "node i sends to i + 2^k (k < ⌈log₂N⌉), every weight 1/(⌈log₂N⌉ + 1)",
  parameters: z.strictObject({}),
  usesTopology: false,
  create(_fields, { nodes }) {
    if (nodes < 2) throw new RangeError(`static-exponential: nodes must be ≥ 2, received ${nodes}`);
    const tau = exponentialOffsets(nodes), weight = 1 / (tau + 1);
    const offsets = Array.from({ length: tau }, (_, k) => 2 ** k);
    const inbound: MixingRow[] = [], outbound: number[][] = [];
    for (let i = 0; i < nodes; i++) {
      inbound.push(sortedRow([i, ...offsets.map((o) => (i - o + nodes) % nodes)], () => weight));
      outbound.push(offsets.map((o) => (i + o) % nodes).sort((a, b) => a - b));
    }
    return {
      nodes,
      static: true,
      stochastic: "doubly",
      symmetric: matrixProperties({ nodes, rows: inbound }).symmetric,
      inbound: (i) => inbound[i],
      outbound: (i) => outbound[i],
    };
  },
};
