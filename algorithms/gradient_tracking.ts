/**
 * DIGing / gradient tracking (A. Nedić, A. Olshevsky, W. Shi, _Achieving Geometric Convergence
 * for Distributed Optimization over Time-Varying Graphs_, SIAM J. Optim. 2017; with stochastic
 * gradients: S. Pu, A. Nedić, _Distributed stochastic gradient tracking methods_, Math.
 * Program. 2021). Every node keeps its model x_i, a tracker y_i of the network's average
 * gradient and its previous gradient; one message carries x and y (2d values):
 *
 * ```
 * y_{0,i}   = g_{0,i}                                  (g at x_{0,i})
 * x_{t+1,i} = Σ_j W_ij x_{t,j} − α y_{t,i}
 * y_{t+1,i} = Σ_j W_ij y_{t,j} + g_{t+1,i} − g_{t,i}   (g_{t+1,i} at x_{t+1,i})
 * ```
 *
 * On the engine's iteration t (1-based): the gradient is taken at x; the local step adds
 * g − g_prev to y (which holds Σ_j W_ij y_j from the last mix; y = g_prev = 0 at the start, so
 * the first step sets y = g exactly) and keeps g; the mix sets x ← Σ_j W_ij x_j − α y (the
 * node's own y) and y ← Σ_j W_ij y_j. With a doubly stochastic W and every message delivered,
 * Σ_i y_i = Σ_i g_i after every iteration, up to rounding; {@linkcode gradientTracking}'s
 * `trackingResidual` (y − g) lets the engines report how far a lossy network breaks it.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import { z } from "zod";
import {
  type DecentralizedAlgorithm,
  type NodeContext,
  type Payload,
  stateVector,
} from "./algorithm.ts";
import type { AlgorithmDefinition } from "./definition.ts";

/** Options of gradient tracking. */
export interface GradientTrackingOptions {
  /** Step size α. */
  readonly alpha: number;
}

/** Per-node state of gradient tracking. */
export interface GradientTrackingState {
  /** The model x_i. */
  readonly x: Vector;
  /** The tracker y_i: after a mix Σ_j W_ij y_j, after a local step the tracked gradient. */
  readonly y: Vector;
  /** The node's latest gradient g_i (0 before the first). */
  readonly gprev: Vector;
  /** The message `{ x, y }`, built once: its vectors are the state's own. */
  readonly message: Payload;
}

/**
 * Builds DIGing / gradient tracking.
 *
 * @param name the registry name the algorithm reports
 * @param options the step size
 * @returns per-node algorithm code
 */
export function gradientTracking(
  name: string,
  options: GradientTrackingOptions,
): DecentralizedAlgorithm<GradientTrackingState> {
  const { alpha } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["x", "y"],
    exchanges: 1,
    init(context: NodeContext, x0: Vector): GradientTrackingState {
      const x = stateVector(context, x0), y = stateVector(context);
      return { x, y, gprev: stateVector(context), message: { x, y } };
    },
    gradientPoint: (state) => state.x,
    localStepKeepsParams: true,
    localStep(state, g) {
      const { y, gprev } = state;
      for (let k = 0; k < y.length; k++) {
        y[k] = y[k] + g[k] - gprev[k];
        gprev[k] = g[k];
      }
    },
    outgoing: (state) => state.message,
    mix(state, _round, mixed) {
      const { x, y } = state, mx = mixed.x, my = mixed.y;
      for (let k = 0; k < x.length; k++) {
        x[k] = mx[k] - alpha * y[k];
        y[k] = my[k];
      }
    },
    params: (state) => state.x,
    trackingResidual(state, out) {
      const { y, gprev } = state;
      for (let k = 0; k < y.length; k++) out[k] = y[k] - gprev[k];
      return out;
    },
  };
}

/** The registry entry `gradient-tracking` (alias `diging`): W must be doubly stochastic. */
export const gradientTrackingDefinition: AlgorithmDefinition<GradientTrackingOptions> = {
  name: "gradient-tracking",
  kind: "decentralized",
  paper: "Nedić, Olshevsky, Shi 2017 (DIGing); stochastic gradients: Pu & Nedić 2021",
  description: "gradient tracking / DIGing: x ← Σ_j W_ij x_j − α y, y tracks the mean gradient",
  parameters: z.strictObject({
    alpha: z.number().positive().finite().default(0.01).describe("step size α"),
  }),
  requires: { doublyStochastic: true },
  create: (p) => gradientTracking("gradient-tracking", p),
};
