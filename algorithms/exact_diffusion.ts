/**
 * D² / exact diffusion for stochastic gradients (H. Tang, X. Lian, M. Yan, C. Zhang, J. Liu,
 * _D²: Decentralized Training over Decentralized Data_, ICML 2018). Each node mixes a
 * corrected point h_i that cancels the bias DGD's constant step leaves behind; one message
 * carries h (d values):
 *
 * ```
 * x_{1,i}   = Σ_j W_ij (x_{0,j} − α g_{0,j})
 * x_{t+1,i} = Σ_j W_ij (2 x_{t,j} − x_{t−1,j} − α g_{t,j} + α g_{t−1,j})
 * ```
 *
 * It needs a symmetric, static W with λ_min(W) > −1/3 (the registry states it and runs refuse
 * other matrices; `mixing.lazy` gives λ_min ≥ 0).
 *
 * On the engine's iteration t (1-based): g at x; the local step writes
 * h = (2x − x_prev) − α (g − g_prev) over x_prev's buffer and keeps g; the mix writes
 * Σ_j W_ij h_j there and swaps the two buffers, so x is the new model and x_prev the old one.
 * At the start x_prev = x_0 and g_prev = 0, so the first h is x_0 − α g_0 exactly, the first
 * line above. Three d-vectors of state, two passes over d per iteration.
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

/** Options of D² / exact diffusion. */
export interface ExactDiffusionOptions {
  /** Step size α. */
  readonly alpha: number;
}

/** Per-node state of D². */
export interface ExactDiffusionState {
  /** The model x_t. */
  x: Vector;
  /** x_{t−1} until the local step, which overwrites it with the point h it sends. */
  other: Vector;
  /** The node's latest gradient g (0 before the first). */
  readonly gprev: Vector;
  /** The message `{ h }`, whose vector is always {@linkcode ExactDiffusionState.other}. */
  readonly message: Payload;
}

/**
 * Builds D² / exact diffusion.
 *
 * @param name the registry name the algorithm reports
 * @param options the step size
 * @returns per-node algorithm code
 */
export function exactDiffusion(
  name: string,
  options: ExactDiffusionOptions,
): DecentralizedAlgorithm<ExactDiffusionState> {
  const { alpha } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["h"],
    exchanges: 1,
    init(context: NodeContext, x0: Vector): ExactDiffusionState {
      const other = stateVector(context, x0);
      return {
        x: stateVector(context, x0),
        other,
        gprev: stateVector(context),
        message: { h: other },
      };
    },
    gradientPoint: (state) => state.x,
    localStepKeepsParams: true,
    localStep(state, g) {
      const { x, other: h, gprev } = state;
      for (let k = 0; k < x.length; k++) {
        h[k] = (2 * x[k] - h[k]) - alpha * (g[k] - gprev[k]);
        gprev[k] = g[k];
      }
    },
    outgoing: (state) => state.message,
    mix(state, _round, mixed) {
      const previous = state.x, next = state.other;
      next.set(mixed.h);
      state.x = next;
      state.other = previous;
      state.message.h = previous;
    },
    params: (state) => state.x,
  };
}

/**
 * The registry entry `d2` (alias `exact-diffusion`): W must be doubly stochastic, symmetric,
 * static and have λ_min > −1/3.
 */
export const exactDiffusionDefinition: AlgorithmDefinition<ExactDiffusionOptions> = {
  name: "d2",
  kind: "decentralized",
  paper: "Tang, Lian, Yan, Zhang, Liu 2018 (D²: Decentralized Training over Decentralized Data)",
  description: "D² / exact diffusion: x ← Σ_j W_ij (2x − x_prev − α g + α g_prev)",
  parameters: z.strictObject({
    alpha: z.number().positive().finite().default(0.01).describe("step size α"),
  }),
  requires: { doublyStochastic: true, symmetric: true, static: true, lambdaMinAbove: -1 / 3 },
  create: (p) => exactDiffusion("d2", p),
};
