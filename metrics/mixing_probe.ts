/**
 * The realised-mixing probe. λ(W) describes the nominal matrix; under drops, partitions,
 * stale values or a changing schedule, what matters is how fast the mixing a run *really*
 * delivers contracts disagreement. Every node carries {@linkcode PROBE_SCALARS} probe scalars
 * (seeded normals, stream `probe/<node>`) and a push-sum weight, sent in the same messages as
 * the model and aggregated by the same rule with the same weights, fates, staleness and
 * missing-value policy, but never touched by a gradient. With φ the probe ratios (scalars over
 * weight) minus their mass-weighted network average, each evaluation window of K steps reports
 *
 *   ρ̂ = (‖φ_{t+K}‖ / ‖φ_t‖)^{1/K},
 *
 * null once ‖φ‖ < 1e-9 ‖φ₀‖ (consensus reached: no rate left to measure). Fault-free on a
 * symmetric static W, ρ̂ → λ.
 *
 * @module
 */
import { Rng } from "../random.ts";

/** Probe scalars per node (the probe vector also carries a weight after them). */
export const PROBE_SCALARS = 4;

/**
 * The probe's channel in every decentralized message, beside the algorithm's own (it is not
 * the algorithm's: its bytes are not counted, and the algorithm's `mix` never reads it).
 */
export const PROBE_CHANNEL = "gossim.probe";

/** Below this fraction of the initial disagreement the probe has converged: no rate. */
const CONVERGED = 1e-9;

/** Node `id`'s probe at the start: four seeded normals and weight 1. */
export function initialProbe(seed: number, id: number): Float64Array {
  const rng = new Rng(seed, `probe/${id}`);
  const probe = new Float64Array(PROBE_SCALARS + 1);
  for (let k = 0; k < PROBE_SCALARS; k++) probe[k] = rng.normal();
  probe[PROBE_SCALARS] = 1;
  return probe;
}

/**
 * The fraction of the probes' push-sum mass lost, 1 − Σ_i w_i / N: 0 while every value mixed
 * arrives (or a missing one's weight is given back), positive when lost pushes lose their
 * mass (`missing: "drop"`). The probe's weight is mixed exactly as a push-sum method's is.
 */
export function lostMass(probes: readonly Float64Array[]): number {
  let mass = 0;
  for (const probe of probes) mass += probe[PROBE_SCALARS];
  return 1 - mass / probes.length;
}

/** ‖φ‖: the probe ratios' distance to their mass-weighted average, over all nodes. */
export function probeDisagreement(probes: readonly Float64Array[]): number {
  const total = new Float64Array(PROBE_SCALARS);
  let mass = 0;
  for (const probe of probes) {
    for (let k = 0; k < PROBE_SCALARS; k++) total[k] += probe[k];
    mass += probe[PROBE_SCALARS];
  }
  let sum = 0;
  for (const probe of probes) {
    const w = probe[PROBE_SCALARS];
    for (let k = 0; k < PROBE_SCALARS; k++) {
      const phi = probe[k] / w - total[k] / mass;
      sum += phi * phi;
    }
  }
  return Math.sqrt(sum);
}

/** What a decentralized run's metrics row reports of its mixing, per evaluation window. */
export interface MixingRates {
  /** ρ̂: the per-step contraction the run really delivered (null once consensus is reached). */
  mixingRate: number | null;
  /** The nominal per-step rate: λ of a static W, or the probe replayed on a perfect network. */
  nominalRate: number | null;
  /** The fraction of push-sum mass lost so far ({@linkcode lostMass}). */
  lostMass: number;
}

/** The per-step rate of each window between evaluations, from the probes' disagreement. */
export class MixingRate {
  readonly #initial: number;
  #last: number;
  #lastStep = 0;

  /** Starts from the disagreement of the initial probes. */
  constructor(initial: readonly Float64Array[]) {
    this.#initial = this.#last = probeDisagreement(initial);
  }

  /**
   * ρ̂ of the window ending at `step`: (‖φ_step‖ / ‖φ_previous‖)^{1/K}, or null when the
   * window is empty or either end has converged.
   */
  window(step: number, probes: readonly Float64Array[]): number | null {
    const now = probeDisagreement(probes), floor = CONVERGED * this.#initial;
    const steps = step - this.#lastStep;
    const rate = steps > 0 && this.#last >= floor && now >= floor
      ? (now / this.#last) ** (1 / steps)
      : null;
    this.#last = now;
    this.#lastStep = step;
    return rate;
  }
}
