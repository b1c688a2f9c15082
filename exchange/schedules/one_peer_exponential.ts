/**
 * `one-peer-exponential` (Ying, Yuan, Chen, Hu, Pan, Yin, NeurIPS 2021; BlueFog's dynamic
 * one-peer topology): with τ = ⌈log₂ N⌉ and s = t − 1, node i sends to (i + 2^{s mod τ}) mod N
 * and hears from (i − 2^{s mod τ}) mod N, W_t[i][i] = W_t[i][i − 2^{s mod τ}] = ½. Doubly
 * stochastic; symmetric only when 2^{s mod τ} = N/2. For N a power of two, any τ consecutive
 * W_t multiply to exactly (1/N)·11ᵀ.
 *
 * @module
 */
import { z } from "zod";
import { exponentialOffsets, type ScheduleDefinition } from "../schedule.ts";

/** Every row's weights: ½ for the node, ½ for its one peer (shared, never written). */
const HALVES: readonly number[] = Object.freeze([0.5, 0.5]);

/** One peer a step, the offsets 1, 2, 4, … in turn. */
export const onePeerExponential: ScheduleDefinition<Record<never, never>> = {
  name: "one-peer-exponential",
  description: "at step t node i sends to i + 2^((t−1) mod ⌈log₂N⌉): one peer, weights ½",
  parameters: z.strictObject({}),
  usesTopology: false,
  create(_fields, { nodes }) {
    if (nodes < 2) {
      throw new RangeError(`one-peer-exponential: nodes must be ≥ 2, received ${nodes}`);
    }
    const tau = exponentialOffsets(nodes);
    const offset = (t: number) => 2 ** ((t - 1) % tau);
    return {
      nodes,
      static: false,
      stochastic: "doubly",
      symmetric: nodes === 2,
      inbound: (i, t) => {
        const j = (i - offset(t) + nodes) % nodes;
        return { indices: i < j ? [i, j] : [j, i], weights: HALVES };
      },
      outbound: (i, t) => [(i + offset(t)) % nodes],
    };
  },
};
