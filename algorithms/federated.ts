/**
 * Seed 003's federated methods (ALGORITHMS.md §4): FedAvg / Fed-SGD (local SGD, the server
 * averages models), Fed-AMS / Local AMSGrad and FED-LAMB. Fed-AMS and FED-LAMB share every
 * line but the model update: `θ ← θ − α p` against the layer-wise trust-ratio step.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import {
  type FederatedAlgorithm,
  type Payload,
  stateVector,
  weightedSumInto,
} from "./algorithm.ts";
import { kernelPart, kernelsFor } from "./vector_memory.ts";
import type { LayerSpec } from "../problems/problem.ts";

/** Options of FedAvg. */
export interface FedAvgOptions {
  /** Local step size α. */
  readonly alpha: number;
}

/** FedAvg client state. */
export interface FedAvgClient {
  /** The local model θ_i. */
  theta: Vector;
}

/** FedAvg server state. */
export interface FedAvgServer {
  /** The global model θ̄. */
  theta: Vector;
}

/** The identity: float64's rounding, in a loop written once for both precisions. */
const same = (x: number) => x;

/** Writes Σ_i w_i · uploads[i][name] into `out`. */
function weightedSum(
  out: Vector,
  uploads: readonly Payload[],
  weights: readonly number[],
  name: string,
): void {
  weightedSumInto(out, uploads.map((upload) => upload[name]), weights);
}

/** One local SGD step θ ← θ − α g in place (the kernels' pass where θ lives in their memory). */
export function sgdStep(theta: Vector, g: Vector, alpha: number): void {
  const kernels = kernelsFor(theta, g);
  const from = kernelPart(kernels, theta.length);
  kernels?.subtractScaled(theta.byteOffset, g.byteOffset, from, alpha);
  if (theta instanceof Float32Array) {
    const f = Math.fround, a = f(alpha); // as the float32 kernel
    for (let k = from; k < theta.length; k++) theta[k] -= f(a * g[k]);
  } else for (let k = from; k < theta.length; k++) theta[k] -= alpha * g[k];
}

/**
 * FedAvg / Fed-SGD (McMahan et al. 2017): T local SGD steps, the server averages the models.
 *
 * @param name the registry name the algorithm reports
 * @param options the local step size
 * @returns client and server code
 */
export function fedAvg(
  name: string,
  options: FedAvgOptions,
): FederatedAlgorithm<FedAvgClient, FedAvgServer> {
  const { alpha } = options;
  return {
    kind: "federated",
    name,
    broadcastChannels: ["theta"],
    uploadChannels: ["theta"],
    initServer: (context, x0) => ({ theta: stateVector(context, x0) }),
    broadcast: (server) => ({ theta: server.theta }),
    initClient: (context, global) => ({ theta: stateVector(context, global.theta) }),
    gradientPoint: (client) => client.theta,
    localStep: (client, g) => sgdStep(client.theta, g, alpha),
    upload: (client) => ({ theta: client.theta }),
    aggregate(server, uploads, weights) {
      weightedSum(server.theta, uploads, weights, "theta");
    },
    params: (server) => server.theta,
  };
}

/** Which v̂ a client divides by inside a round. */
export type LocalVhat = "max" | "frozen";

/**
 * How a client bias-corrects its second moment v inside a round (ALGORITHMS.md §4), v having
 * started at the round's global v̂_{r−1} rather than at 0:
 * - `"paper"`: line 10 of seed 003's Algorithm 1 as written, v̂_loc = v / (1 − β2^t); at t = 1
 *   this is ≈ v̂_{r−1}·β2/(1 − β2) + g² (≈ 999·v̂_{r−1}), which shrinks Fed-AMS's step ~30×;
 * - `"none"`: v̂_loc = v;
 * - `"from-zero"`: only the part accumulated since the round began is corrected,
 *   v̂_loc = max(v̂_{r−1}, (v − β2^t v̂_{r−1}) / (1 − β2^t)).
 *
 * v̂_loc only matters with `localVhat: "max"`; a `"frozen"` client divides by v̂_{r−1}.
 */
export type VBiasCorrection = "paper" | "none" | "from-zero";

/** The names {@linkcode VBiasCorrection} takes. */
export const V_BIAS_CORRECTIONS: readonly VBiasCorrection[] = Object.freeze([
  "paper",
  "none",
  "from-zero",
]);

/** Options shared by Fed-AMS and FED-LAMB. */
export interface LocalAmsOptions {
  /** Local step size α. */
  readonly alpha: number;
  /** First-moment decay β1. */
  readonly beta1: number;
  /** Second-moment decay β2. */
  readonly beta2: number;
  /** ε added to √v̂ in the denominator. */
  readonly epsilon: number;
  /** The server's initial v̂_0 (every coordinate). */
  readonly v0: number;
  /**
   * **Choice**: `"max"` (default) divides by max(v̂_global, v̂_loc), keeping AMSGrad's max
   * locally; `"frozen"` divides by the round's global v̂.
   */
  readonly localVhat: LocalVhat;
  /**
   * **Choice**: how v is bias-corrected into v̂_loc (see {@linkcode VBiasCorrection});
   * `"paper"` when absent.
   */
  readonly vBiasCorrection?: VBiasCorrection;
}

/** Options of FED-LAMB. */
export interface FedLambOptions extends LocalAmsOptions {
  /** Weight decay λ ≥ 0 inside the trust ratio. */
  readonly lambda: number;
  /** Lower clip φ_min of φ(z) = clip(z, φ_min, φ_max). 0 with φ_max null is the identity. */
  readonly phiMin: number;
  /** Upper clip φ_max; `null` for no upper bound. */
  readonly phiMax: number | null;
}

/** Fed-AMS / FED-LAMB client state. */
export interface LocalAmsClient {
  /** The local model θ_i. */
  theta: Vector;
  /** First moment m. */
  m: Vector;
  /** Second-moment EMA v (starts at the global v̂). */
  v: Vector;
  /** The v̂ the client divides by (global v̂, maxed with the local bias-corrected v). */
  vhat: Vector;
  /** The round's global v̂_{r−1}, which v started at (`vBiasCorrection: "from-zero"`). */
  vStart: Vector;
  /** The round's direction p = m̂ / (√v̂ + ε). */
  p: Vector;
  /** The model's layers (FED-LAMB's trust ratios are per layer). */
  layers: readonly LayerSpec[];
}

/** Fed-AMS / FED-LAMB server state. */
export interface LocalAmsServer {
  /** The global model θ̄. */
  theta: Vector;
  /** The global second moment v̂. */
  vhat: Vector;
  /** Scratch for mean_i v_i. */
  meanV: Vector;
}

type ModelUpdate = (client: LocalAmsClient) => void;

/**
 * The local-AMSGrad client and server; `update` moves θ from the direction p, or (Fed-AMS) a
 * step size moves θ ← θ − α p inside the moment loop, one pass less, the same arithmetic.
 */
function localAms(
  name: string,
  options: LocalAmsOptions,
  update: ModelUpdate | { readonly alpha: number },
): FederatedAlgorithm<LocalAmsClient, LocalAmsServer> {
  const { beta1, beta2, epsilon, v0, localVhat } = options;
  const correction = options.vBiasCorrection ?? "paper";
  const paper = correction === "paper", none = correction === "none", keepMax = localVhat === "max";
  const fromZero = correction === "from-zero", mode = paper ? 0 : none ? 1 : 2; // the kernel's
  const fused = typeof update === "function" ? null : update.alpha;
  if (!V_BIAS_CORRECTIONS.includes(correction)) {
    throw new RangeError(
      `Cannot build ${name}: vBiasCorrection must be one of ${V_BIAS_CORRECTIONS.join(", ")}, ` +
        `received ${JSON.stringify(correction)}`,
    );
  }
  return {
    kind: "federated",
    name,
    broadcastChannels: ["theta", "vhat"],
    uploadChannels: ["theta", "v"],
    initServer(context, x0) {
      return {
        theta: stateVector(context, x0),
        vhat: stateVector(context, v0),
        meanV: stateVector(context),
      };
    },
    broadcast: (server) => ({ theta: server.theta, vhat: server.vhat }),
    initClient(context, global) {
      return {
        theta: stateVector(context, global.theta),
        m: stateVector(context),
        v: stateVector(context, global.vhat),
        vhat: stateVector(context, global.vhat),
        vStart: fromZero ? stateVector(context, global.vhat) : new Float64Array(0),
        p: stateVector(context),
        layers: context.layers,
      };
    },
    gradientPoint: (client) => client.theta,
    localStep(client, g, t) {
      const { m, v, vhat, vStart, p } = client;
      const decay2 = Math.pow(beta2, t);
      const correct1 = 1 / (1 - Math.pow(beta1, t)), correct2 = 1 / (1 - decay2);
      const theta = client.theta;
      const kernels = kernelsFor(g, m, v, vhat, p, theta, ...(fromZero ? [vStart] : []));
      const from = kernelPart(kernels, g.length);
      kernels?.localAmsStep(
        m.byteOffset,
        v.byteOffset,
        vhat.byteOffset,
        fromZero ? vStart.byteOffset : 0,
        p.byteOffset,
        theta.byteOffset,
        g.byteOffset,
        from,
        beta1,
        beta2,
        correct1,
        correct2,
        decay2,
        epsilon,
        fused ?? 0,
        mode,
        keepMax ? 1 : 0,
        fused === null ? 0 : 1,
      );
      // As the kernel: each new entry is used as computed; in float32 every constant and
      // operation is rounded to float32 (`r`), as the float32 kernel computes.
      const r = g instanceof Float32Array ? Math.fround : same;
      const b1 = r(beta1), c1 = r(1 - beta1), b2 = r(beta2), c2 = r(1 - beta2);
      const k1 = r(correct1), k2 = r(correct2), d2 = r(decay2), e = r(epsilon);
      const a = r(fused ?? 0);
      for (let k = from; k < g.length; k++) {
        const gk = g[k];
        const mk = r(r(b1 * m[k]) + r(c1 * gk));
        m[k] = mk;
        const vk = r(r(b2 * v[k]) + r(r(c2 * gk) * gk));
        v[k] = vk;
        const local = paper
          ? r(vk * k2)
          : none
          ? vk
          : Math.max(vStart[k], r(r(vk - r(d2 * vStart[k])) * k2));
        let vh = vhat[k];
        if (keepMax && local > vh) vh = local;
        vhat[k] = vh;
        const pk = r(r(mk * k1) / r(r(Math.sqrt(vh)) + e));
        p[k] = pk;
        if (fused !== null) theta[k] -= r(a * pk);
      }
      if (typeof update === "function") update(client);
    },
    upload: (client) => ({ theta: client.theta, v: client.v }),
    aggregate(server, uploads, weights) {
      weightedSum(server.theta, uploads, weights, "theta");
      weightedSum(server.meanV, uploads, weights, "v");
      const { vhat, meanV } = server;
      for (let k = 0; k < vhat.length; k++) if (meanV[k] > vhat[k]) vhat[k] = meanV[k];
    },
    params: (server) => server.theta,
  };
}

/**
 * Fed-AMS / Local AMSGrad (Chen et al. 2020): local AMSGrad steps θ ← θ − α p with the global
 * v̂; the server averages θ and sets v̂ ← max(v̂, mean_i v_i).
 *
 * @param name the registry name the algorithm reports
 * @param options α, β1, β2, ε, v̂_0, the local-v̂ choice
 * @returns client and server code
 */
export function fedAms(
  name: string,
  options: LocalAmsOptions,
): FederatedAlgorithm<LocalAmsClient, LocalAmsServer> {
  return localAms(name, options, { alpha: options.alpha });
}

/**
 * FED-LAMB (seed 003, Algorithm 1): Fed-AMS with the layer-wise step
 * θ^ℓ ← θ^ℓ − α φ(‖θ^ℓ‖) (p^ℓ + λθ^ℓ) / ‖p^ℓ + λθ^ℓ‖. Where ‖θ^ℓ‖ = 0 or
 * ‖p^ℓ + λθ^ℓ‖ = 0 the trust ratio is 1 (as LAMB does), so zero-initialised biases move.
 *
 * @param name the registry name the algorithm reports
 * @param options Fed-AMS's options plus λ and the clip of φ
 * @returns client and server code
 */
export function fedLamb(
  name: string,
  options: FedLambOptions,
): FederatedAlgorithm<LocalAmsClient, LocalAmsServer> {
  const { alpha, lambda, phiMin, phiMax } = options;
  const phi = (z: number) => Math.min(Math.max(z, phiMin), phiMax ?? Infinity);
  return localAms(name, options, (client) => {
    const { theta, p } = client;
    for (const { offset, size } of client.layers) {
      let thetaNorm2 = 0, directionNorm2 = 0;
      for (let k = offset; k < offset + size; k++) {
        const direction = p[k] + lambda * theta[k];
        thetaNorm2 += theta[k] * theta[k];
        directionNorm2 += direction * direction;
      }
      const thetaNorm = Math.sqrt(thetaNorm2), directionNorm = Math.sqrt(directionNorm2);
      const ratio = thetaNorm > 0 && directionNorm > 0 ? phi(thetaNorm) / directionNorm : 1;
      for (let k = offset; k < offset + size; k++) {
        theta[k] -= alpha * ratio * (p[k] + lambda * theta[k]);
      }
    }
  });
}
