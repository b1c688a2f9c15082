/**
 * CHOCO-SGD (Koloskova, Stich, Jaggi, ICML 2019, Algorithm 2), in its memory-efficient form:
 * node i keeps its model x_i, its public copy x̂_i and s_i = Σ_j W_ij x̂_j (no copies of the
 * neighbours), all starting at x̂ = 0, s = 0:
 *
 * ```
 * x_{t+½} = x_t − η g_t                           (g at x_t)
 * q_t     = Q(x_{t+½} − x̂_t)                     (the run's encoder compresses it on the wire)
 * x̂_{t+1} = x̂_t + q_t
 * s_{t+1} = s_t + Σ_j W_ij q_j                   (own q included: the node mixes its encoded self)
 * x_{t+1} = x_{t+½} + γ (s_{t+1} − x̂_{t+1})
 * ```
 *
 * Q is the run's encoder (`exchange.encoder`: `top-k`, `random-k`, `qsgd`, `sign`, or `full`),
 * so what the node adds to its own x̂ is exactly what its neighbours received, and the bytes
 * counted are the compressor's. With `full` and γ = 1 this is the adapt-then-combine D-PSGD
 * x_{t+1} = W (x_t − η g_t). The memory-efficient form needs the same W at every step.
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
import type { AlgorithmDefinition } from "./definition.ts";
import { z } from "zod";

/** Options of CHOCO-SGD. */
export interface ChocoOptions {
  /** Step size η. */
  readonly alpha: number;
  /** Consensus step size γ ∈ (0, 1]. */
  readonly gamma: number;
}

/** Per-node state of CHOCO-SGD. */
export interface ChocoState {
  /** The model x_i (x_{t+½} between the local step and the mix). */
  x: Vector;
  /** The public copy x̂_i. */
  xhat: Vector;
  /** s_i = Σ_j W_ij x̂_j. */
  s: Vector;
  /** The message x_{t+½} − x̂_t, before compression. */
  delta: Vector;
}

/**
 * Builds CHOCO-SGD.
 *
 * @param name the registry name the algorithm reports
 * @param options η and γ
 * @returns per-node algorithm code
 */
export function chocoSgd(name: string, options: ChocoOptions): DecentralizedAlgorithm<ChocoState> {
  const { alpha, gamma } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["q"],
    exchanges: 1,
    mixesEncodedSelf: true,
    init: (context: NodeContext, x0: Vector): ChocoState => ({
      x: stateVector(context, x0),
      xhat: stateVector(context),
      s: stateVector(context),
      delta: stateVector(context),
    }),
    gradientPoint: (state) => state.x,
    localStep(state, gradient) {
      const { x, xhat, delta } = state;
      for (let k = 0; k < x.length; k++) {
        x[k] -= alpha * gradient[k];
        delta[k] = x[k] - xhat[k];
      }
    },
    outgoing: (state): Payload => ({ q: state.delta }),
    mix(state, _round, mixed, sent) {
      const { x, xhat, s } = state, q = sent!.q, sum = mixed.q;
      for (let k = 0; k < x.length; k++) {
        xhat[k] += q[k];
        s[k] += sum[k];
        x[k] += gamma * (s[k] - xhat[k]);
      }
    },
    params: (state) => state.x,
    mixedMemory: (state) => ({ copy: state.xhat, sum: state.s }),
  };
}

/** The registry entry of CHOCO-SGD. */
export const chocoDefinition: AlgorithmDefinition<ChocoOptions> = {
  name: "choco-sgd",
  kind: "decentralized",
  paper: "Koloskova, Stich, Jaggi 2019 (CHOCO-SGD, Algorithm 2)",
  description: "CHOCO-SGD: gossip of compressed differences q = Q(x − x̂) with public copies x̂",
  parameters: z.strictObject({
    alpha: z.number().positive().finite().default(0.01).describe("step size η"),
    gamma: z.number().gt(0).max(1).default(1).describe("consensus step size γ ∈ (0, 1]"),
  }),
  requires: { static: true },
  create: (p) => chocoSgd("choco-sgd", p),
};
