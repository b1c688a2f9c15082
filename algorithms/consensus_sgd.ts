/**
 * The consensus-SGD family of seed 004 and DGD/D-PSGD of seed 000: CDSGD, iCDSGD(τ),
 * gCDSGD(ω) and their momentum variants CDMSGD, iCDMSGD, gCDMSGD, all one update rule with
 * options (ALGORITHMS.md §2.1 and §3):
 *
 * ```
 * z ← x (or the look-ahead point y), then τ real exchanges z ← Σ_l π_jl z_l
 * step = −α g                      (no momentum)
 *      = μ v⁺ − α g, v⁺ = μ v − α g (Nesterov, the authors' Keras default)
 *      = v⁺                          (plain heavy ball)
 * x⁺  = z + step                                 (CDSGD, iCDSGD, CDMSGD, iCDMSGD)
 * x⁺  = ω (x + step) + (1 − ω) z                 (gCDSGD, gCDMSGD)
 * ```
 * The gradient is taken at x before consensus. **Choice** `momentumForm: "lookahead"` is the
 * form y = x + μ(x − x_prev), x⁺ = (consensus of y) − α g(y).
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

/** How the velocity enters the update. */
export type MomentumForm = "nesterov" | "heavy-ball" | "lookahead";

/** Options of the consensus-SGD family. */
export interface ConsensusSgdOptions {
  /** Step size α. */
  readonly alpha: number;
  /** Consensus exchanges per gradient step τ (1 = CDSGD). */
  readonly tau: number;
  /** Weight ω ∈ (0, 1] of the local update in gCDSGD; `null` for the plain consensus form. */
  readonly omega: number | null;
  /** Momentum μ ∈ [0, 1); 0 disables momentum. */
  readonly momentum: number;
  /** How the momentum is applied (ignored when momentum is 0). */
  readonly momentumForm: MomentumForm;
}

/** Per-node state of the consensus-SGD family. */
export interface ConsensusSgdState {
  /** The local model x_j. */
  x: Vector;
  /** The iterate being mixed during the τ exchanges. */
  z: Vector;
  /** The velocity v_j (local, never mixed). */
  velocity: Vector;
  /** The previous model (look-ahead form only). */
  previous: Vector;
  /** The current gradient g_j. */
  gradient: Vector;
}

/**
 * Builds a member of the consensus-SGD family.
 *
 * @param name the registry name the algorithm reports
 * @param options step size, τ, ω, momentum
 * @returns per-node algorithm code
 */
export function consensusSgd(
  name: string,
  options: ConsensusSgdOptions,
): DecentralizedAlgorithm<ConsensusSgdState> {
  const { alpha, tau, omega, momentum, momentumForm } = options;
  const lookahead = momentum > 0 && momentumForm === "lookahead";
  return {
    kind: "decentralized",
    name,
    channels: ["x"],
    exchanges: tau,
    init(context: NodeContext, x0: Vector): ConsensusSgdState {
      return {
        x: stateVector(context, x0),
        z: stateVector(context),
        velocity: stateVector(context),
        previous: stateVector(context, x0),
        gradient: stateVector(context),
      };
    },
    gradientPoint(state) {
      if (!lookahead) return state.x;
      const { x, previous, z } = state;
      for (let k = 0; k < x.length; k++) z[k] = x[k] + momentum * (x[k] - previous[k]);
      return z;
    },
    localStepKeepsParams: true,
    localStep(state, gradient) {
      state.gradient.set(gradient);
      if (!lookahead) state.z.set(state.x);
      if (momentum > 0 && !lookahead) {
        const v = state.velocity;
        for (let k = 0; k < v.length; k++) v[k] = momentum * v[k] - alpha * gradient[k];
      }
    },
    outgoing(state): Payload {
      return { x: state.z };
    },
    mix(state, round, mixed) {
      state.z.set(mixed.x);
      if (round === tau - 1) finish(state);
    },
    params: (state) => state.x,
  };

  function finish(state: ConsensusSgdState): void {
    const { x, z, velocity: v, gradient: g, previous } = state;
    for (let k = 0; k < x.length; k++) {
      const base = lookahead ? x[k] + momentum * (x[k] - previous[k]) : x[k];
      let step: number;
      if (momentum === 0 || lookahead) step = -alpha * g[k];
      else if (momentumForm === "nesterov") step = momentum * v[k] - alpha * g[k];
      else step = v[k];
      previous[k] = x[k];
      x[k] = omega === null ? z[k] + step : omega * (base + step) + (1 - omega) * z[k];
    }
  }
}
