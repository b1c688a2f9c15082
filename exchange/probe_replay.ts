/**
 * The nominal mixing rate of a schedule: the realised-mixing probe (`metrics/mixing_probe.ts`)
 * alone on a perfect network, replayed through the route's W_t.
 *
 * @module
 */
import {
  initialProbe,
  lostMass,
  MixingRate,
  type MixingRates,
  PROBE_SCALARS,
} from "../metrics/mixing_probe.ts";
import type { Route } from "./route.ts";

/**
 * The probe alone on a perfect network, replayed through a route's W_t (weighted sums in the
 * route's order): the nominal per-step rate of a schedule, window by window, to stand beside
 * the realised one.
 */
export class ProbeReplay {
  readonly #route: Route;
  #probes: Float64Array[];
  /** The other set of probes, written by each mix (the sets take turns). */
  #spare: Float64Array[] | null = null;
  #step = 0;
  readonly #rate: MixingRate;

  /** Every node's initial probe under `seed`. */
  constructor(route: Route, seed: number) {
    this.#route = route;
    this.#probes = Array.from({ length: route.nodes }, (_, i) => initialProbe(seed, i));
    this.#rate = new MixingRate(this.#probes);
  }

  /** Advances the probes to `step` (`exchanges` mixes a step) and returns the window's rate. */
  rateAt(step: number, exchanges: number): number | null {
    for (let t = this.#step + 1; t <= step; t++) {
      for (let round = 0; round < exchanges; round++) this.#mix(t);
    }
    this.#step = Math.max(this.#step, step);
    return this.#rate.window(step, this.#probes);
  }

  /** One mix of every probe through W_t, into the spare set (then swapped in). */
  #mix(t: number): void {
    const probes = this.#probes;
    const next = this.#spare ??= probes.map((probe) => new Float64Array(probe.length));
    for (let i = 0; i < probes.length; i++) {
      const { indices, weights } = this.#route.inbound(i, t);
      const out = next[i].fill(0);
      for (let position = 0; position < indices.length; position++) {
        const from = probes[indices[position]], w = weights[position];
        for (let k = 0; k <= PROBE_SCALARS; k++) out[k] += w * from[k];
      }
    }
    this.#spare = probes;
    this.#probes = next;
  }
}

/**
 * The nominal rate of each evaluation window of a run on `route`: `lambda` (λ of W) for a
 * static route when it is known, else the probe replayed on a perfect network.
 *
 * @param route the run's route
 * @param seed the run's seed (the probes)
 * @param exchanges mixes per step
 * @param lambda λ of a static W, when known
 */
export function nominalRates(
  route: Route,
  seed: number,
  exchanges: number,
  lambda?: number | null,
): (step: number) => number | null {
  if (route.static && typeof lambda === "number") return () => lambda;
  const replay = new ProbeReplay(route, seed);
  return (step) => replay.rateAt(step, exchanges);
}

/**
 * A decentralized run's mixing, window by window, as both engines report it in their rows: the
 * realised rate ρ̂ of the nodes' probes, the nominal rate of the route, and the mass lost.
 */
export class ProbeWatch {
  readonly #realised: MixingRate;
  readonly #nominal: (step: number) => number | null;

  /**
   * The watch of a run that has not stepped yet.
   *
   * @param route the run's route
   * @param seed the run's seed (every node's initial probe)
   * @param exchanges mixes per step
   * @param lambda λ of a static W, when known
   */
  constructor(route: Route, seed: number, exchanges: number, lambda?: number | null) {
    const initial = Array.from({ length: route.nodes }, (_, i) => initialProbe(seed, i));
    this.#realised = new MixingRate(initial);
    this.#nominal = nominalRates(route, seed, exchanges, lambda);
  }

  /** The rates of the window ending at `step`, from every node's probe there (in order). */
  rates(step: number, probes: readonly Float64Array[]): MixingRates {
    return {
      mixingRate: this.#realised.window(step, probes),
      nominalRate: this.#nominal(step),
      lostMass: lostMass(probes),
    };
  }
}
