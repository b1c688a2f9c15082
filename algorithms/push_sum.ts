/**
 * Stochastic gradient push, SGP (Assran, Loizou, Ballas, Rabbat, ICML 2019, Algorithm 1):
 * push-sum on a directed or changing graph with column-stochastic weights P_t. Node i keeps a
 * numerator x_i and a scalar weight w_i (1 at the start); it is judged by z_i = x_i / w_i:
 *
 * ```
 * g          = ∇F_i(z_i; ξ)
 * x_i        ← x_i − α g
 * x_i        ← Σ_j P_t[i][j] x_j,   w_i ← Σ_j P_t[i][j] w_j,   z_i = x_i / w_i
 * ```
 *
 * A message carries x and w (d + 1 values). The engines' weighted sum at the receiver with
 * P's row is the push of P_t[j][i]·(x_j, w_j) by each sender (the same products summed in
 * the same order). A lost push loses its mass — numerator and weight together, so z stays a
 * weighted average — which the `drop` missing policy models; Σ_i w_i = N without losses.
 * With α = 0 this is push-sum average consensus.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import {
  type DecentralizedAlgorithm,
  type NodeContext,
  type Payload,
  stateVector,
} from "./algorithm.ts";

/** Options of SGP. */
export interface PushSumOptions {
  /** Step size α. */
  readonly alpha: number;
}

/** Per-node state of SGP. */
export interface PushSumState {
  /** The numerator x_i. */
  x: Vector;
  /** The push-sum weight w_i, as a vector of one entry (it travels as a channel). */
  w: Vector;
  /** The de-biased model z_i = x_i / w_i. */
  z: Vector;
}

/**
 * Builds SGP.
 *
 * @param name the registry name the algorithm reports
 * @param options the step size
 * @returns per-node algorithm code
 */
export function pushSum(
  name: string,
  options: PushSumOptions,
): DecentralizedAlgorithm<PushSumState> {
  const { alpha } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["x", "w"],
    exchanges: 1,
    channelLength: (channel, dim) => (channel === "w" ? 1 : dim),
    init(context: NodeContext, x0: Vector): PushSumState {
      return { x: stateVector(context, x0), w: Float64Array.of(1), z: stateVector(context, x0) };
    },
    gradientPoint: (state) => state.z,
    localStepKeepsParams: true,
    localStep(state, gradient) {
      const { x } = state;
      for (let k = 0; k < x.length; k++) x[k] -= alpha * gradient[k];
    },
    outgoing: (state): Payload => ({ x: state.x, w: state.w }),
    mix(state, _round, mixed) {
      const { x, z } = state;
      x.set(mixed.x);
      const w = state.w[0] = mixed.w[0];
      for (let k = 0; k < x.length; k++) z[k] = x[k] / w;
    },
    params: (state) => state.z,
  };
}
