/**
 * Seed 000's decentralized adaptive methods: the Algorithm-2 framework that turns any
 * second-moment rule r_t into a decentralized method with average tracking of v̂
 * (decentralized AMSGrad is the framework with the AMSGrad rule), and the known-divergent
 * DADAM baseline (ALGORITHMS.md §2.2–2.4).
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
import { kernelPart, kernelsFor } from "./vector_memory.ts";

/**
 * A second-moment rule v̂_t = r_t(g_1, …, g_t), the only thing that differs between adaptive
 * methods in the framework. `update` receives v̂_{t−1} in `vhat` and overwrites it with v̂_t;
 * `memory` is the rule's own accumulator (zeros at the start), e.g. the EMA v_t.
 */
export interface SecondMomentRule {
  /** A short name, e.g. `"amsgrad"`. */
  readonly name: string;
  /** Writes v̂_t into `vhat` (which holds v̂_{t−1}) from the gradient g_t of step t (1-based). */
  update(vhat: Vector, memory: Vector, gradient: Vector, t: number): void;
  /**
   * Optional: the framework's whole local step in one pass over the vectors, for speed — the
   * first moment m ← β1 m + (1−β1) g, v̂_{t−1} kept in `previous`, then `update`'s v̂_t. It must
   * give exactly what those three steps give one after the other.
   */
  fusedStep?(
    state: {
      m: Vector;
      memory: Vector;
      vhat: Vector;
      vhatPrevious: Vector;
    },
    gradient: Vector,
    beta1: number,
    t: number,
  ): void;
}

/** AMSGrad: v_t = β2 v_{t−1} + (1−β2) g², v̂_t = max(v̂_{t−1}, v_t). */
export function amsgradRule(beta2: number): SecondMomentRule {
  return {
    name: "amsgrad",
    update(vhat, v, g) {
      if (g instanceof Float32Array) return amsgradUpdate32(vhat, v, g, beta2);
      for (let k = 0; k < g.length; k++) {
        v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k];
        if (v[k] > vhat[k]) vhat[k] = v[k];
      }
    },
    fusedStep({ m, memory: v, vhat, vhatPrevious }, g, beta1) {
      const kernels = kernelsFor(g, m, v, vhat, vhatPrevious);
      const from = kernelPart(kernels, g.length);
      kernels?.amsgradStep(
        m.byteOffset,
        v.byteOffset,
        vhat.byteOffset,
        vhatPrevious.byteOffset,
        g.byteOffset,
        from,
        beta1,
        beta2,
      );
      if (from === g.length) return;
      if (g instanceof Float32Array) {
        firstMoment32(m, g, beta1, from);
        for (let k = from; k < g.length; k++) vhatPrevious[k] = vhat[k];
        amsgradUpdate32(vhat, v, g, beta2, from);
        return;
      }
      for (let k = from; k < g.length; k++) {
        const gk = g[k];
        m[k] = beta1 * m[k] + (1 - beta1) * gk;
        const previous = vhat[k];
        vhatPrevious[k] = previous;
        const vk = beta2 * v[k] + (1 - beta2) * gk * gk;
        v[k] = vk;
        if (vk > previous) vhat[k] = vk;
      }
    },
  };
}

/**
 * The first moment m ← β1·m + (1−β1)·g from entry `from` on, in float32 (each constant, product
 * and sum rounded), as the float32 kernels compute it.
 */
function firstMoment32(m: Vector, g: Float32Array, beta1: number, from = 0): void {
  const f = Math.fround, b1 = f(beta1), c1 = f(1 - beta1);
  for (let k = from; k < g.length; k++) m[k] = f(b1 * m[k]) + f(c1 * g[k]);
}

/** AMSGrad's v and v̂ from entry `from` on, in float32, as the float32 kernels compute them. */
function amsgradUpdate32(
  vhat: Vector,
  v: Vector,
  g: Float32Array,
  beta2: number,
  from = 0,
): void {
  const f = Math.fround, b2 = f(beta2), c2 = f(1 - beta2);
  for (let k = from; k < g.length; k++) {
    const gk = g[k], vk = f(f(b2 * v[k]) + f(f(c2 * gk) * gk));
    v[k] = vk;
    if (vk > vhat[k]) vhat[k] = vk;
  }
}

/**
 * AdaGrad: v̂_t = (1/t) Σ_{s≤t} g_s² (normalised, the default), or the plain sum
 * (**Choice** `normalized: false`).
 */
export function adagradRule(normalized: boolean): SecondMomentRule {
  return {
    name: "adagrad",
    update(vhat, sum, g, t) {
      const scale = normalized ? 1 / t : 1;
      for (let k = 0; k < g.length; k++) {
        sum[k] += g[k] * g[k];
        vhat[k] = sum[k] * scale;
      }
    },
  };
}

/**
 * Adam-style: v̂_t = v_t with v_t = β2 v_{t−1} + (1−β2) g², optionally bias-corrected by
 * 1/(1−β2^t). Not covered by the paper's convergence theorem. RMSProp is the same rule
 * with its own decay and no bias correction.
 */
export function exponentialMovingRule(
  name: string,
  beta2: number,
  biasCorrection: boolean,
): SecondMomentRule {
  return {
    name,
    update(vhat, v, g, t) {
      const scale = biasCorrection ? 1 / (1 - Math.pow(beta2, t)) : 1;
      for (let k = 0; k < g.length; k++) {
        v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k];
        vhat[k] = v[k] * scale;
      }
    },
  };
}

/** Options of the Algorithm-2 framework. */
export interface AdaptiveOptions {
  /** Step size α. */
  readonly alpha: number;
  /** First-moment decay β1 ∈ [0, 1). */
  readonly beta1: number;
  /** ε > 0: v̂_0 = ε·1 and the floor of the adaptive rate, u = max(ũ, ε). */
  readonly epsilon: number;
}

/** Per-node state of the framework. */
export interface AdaptiveState {
  /** The local model x_i. */
  x: Vector;
  /** First moment m_i. */
  m: Vector;
  /** The rule's accumulator (e.g. v_i). */
  memory: Vector;
  /** v̂_{t,i}. */
  vhat: Vector;
  /** v̂_{t−1,i}. */
  vhatPrevious: Vector;
  /** The tracking variable ũ_i (holds ũ_{t−½} between iterations). */
  utilde: Vector;
  /** The adaptive rate u_i = max(ũ_i, ε) last used. */
  u: Vector;
}

/**
 * Converts an adaptive method, given by its second-moment rule, to its decentralized
 * counterpart (seed 000, Algorithm 2): neighbours exchange x and ũ; ũ tracks the network
 * average of v̂ by ũ_{t+½} = ũ_t − v̂_{t−1} + v̂_t.
 *
 * @example Decentralized AdaGrad in one call
 * ```ts
 * import { adagradRule, decentralize } from "./decentralized_adaptive.ts";
 * const algorithm = decentralize("my-adagrad", adagradRule(true), {
 *   alpha: 0.01, beta1: 0.9, epsilon: 1e-6,
 * });
 * if (algorithm.channels.join() !== "x,u") throw new Error("x and ũ travel together");
 * ```
 *
 * @param name the registry name the algorithm reports
 * @param rule the second-moment rule r_t
 * @param options α, β1, ε
 * @returns per-node algorithm code
 */
export function decentralize(
  name: string,
  rule: SecondMomentRule,
  options: AdaptiveOptions,
): DecentralizedAlgorithm<AdaptiveState> {
  const { alpha, beta1, epsilon } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["x", "u"],
    exchanges: 1,
    init: (context, x0) => initAdaptive(context, x0, epsilon),
    gradientPoint: (state) => state.x,
    localStepKeepsParams: true,
    localStep(state, g, t) {
      if (rule.fusedStep) return rule.fusedStep(state, g, beta1, t);
      const { m, vhat, vhatPrevious } = state;
      if (g instanceof Float32Array) firstMoment32(m, g, beta1);
      else for (let k = 0; k < g.length; k++) m[k] = beta1 * m[k] + (1 - beta1) * g[k];
      vhatPrevious.set(vhat);
      rule.update(vhat, state.memory, g, t);
    },
    outgoing: (state): Payload => ({ x: state.x, u: state.utilde }),
    mix(state, _round, mixed) {
      const { x, m, u, utilde, vhat, vhatPrevious } = state;
      const mixedX = mixed.x, mixedU = mixed.u;
      const kernels = kernelsFor(x, u, utilde, mixedX, mixedU, m, vhatPrevious, vhat);
      const from = kernelPart(kernels, x.length);
      kernels?.adaptiveMix(
        x.byteOffset,
        u.byteOffset,
        utilde.byteOffset,
        mixedX.byteOffset,
        mixedU.byteOffset,
        m.byteOffset,
        vhatPrevious.byteOffset,
        vhat.byteOffset,
        from,
        alpha,
        epsilon,
      );
      if (from === x.length) return;
      if (x instanceof Float32Array) {
        // As the float32 kernel: α and ε rounded, every operation rounded to float32.
        const f = Math.fround, a = f(alpha), e = f(epsilon);
        for (let k = from; k < x.length; k++) {
          const mu = mixedU[k], uk = Math.max(mu, e);
          u[k] = uk;
          x[k] = mixedX[k] - f(f(a * m[k]) / f(Math.sqrt(uk)));
          utilde[k] = f(mu - vhatPrevious[k]) + vhat[k];
        }
        return;
      }
      // As the kernel: u's new entry is used as computed.
      for (let k = from; k < x.length; k++) {
        const mu = mixedU[k], uk = Math.max(mu, epsilon);
        u[k] = uk;
        x[k] = mixedX[k] - alpha * m[k] / Math.sqrt(uk);
        utilde[k] = mu - vhatPrevious[k] + vhat[k];
      }
    },
    params: (state) => state.x,
    adaptiveRate: (state) => state.u,
  };
}

function initAdaptive(context: NodeContext, x0: Vector, epsilon: number): AdaptiveState {
  return {
    x: stateVector(context, x0),
    m: stateVector(context),
    memory: stateVector(context),
    vhat: stateVector(context, epsilon),
    vhatPrevious: stateVector(context, epsilon),
    utilde: stateVector(context, epsilon),
    u: stateVector(context, epsilon),
  };
}

/** Options of DADAM. */
export interface DadamOptions extends AdaptiveOptions {
  /** Second-moment decay β2 ∈ [0, 1). */
  readonly beta2: number;
  /** Decay β3 ∈ [0, 1) of the max-smoothed v̂. */
  readonly beta3: number;
}

/**
 * DADAM (seed 000, Algorithm 1): every node keeps its own v̂, with no consensus on adaptive
 * rates; it converges to a stationary point of a *weighted* loss (Theorem 1).
 * **Choice**: v_0 = 0, v̂_0 = ε·1.
 *
 * @param name the registry name the algorithm reports
 * @param options α, β1, β2, β3, ε
 * @returns per-node algorithm code
 */
export function dadam(name: string, options: DadamOptions): DecentralizedAlgorithm<AdaptiveState> {
  const { alpha, beta1, beta2, beta3, epsilon } = options;
  return {
    kind: "decentralized",
    name,
    channels: ["x"],
    exchanges: 1,
    init: (context, x0) => initAdaptive(context, x0, epsilon),
    gradientPoint: (state) => state.x,
    localStepKeepsParams: true,
    localStep(state, g) {
      const { m, memory: v, vhat, u } = state;
      for (let k = 0; k < g.length; k++) {
        m[k] = beta1 * m[k] + (1 - beta1) * g[k];
        v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k];
        vhat[k] = beta3 * vhat[k] + (1 - beta3) * Math.max(vhat[k], v[k]);
        u[k] = vhat[k];
      }
    },
    outgoing: (state): Payload => ({ x: state.x }),
    mix(state, _round, mixed) {
      const { x, m, vhat } = state;
      const mixedX = mixed.x;
      for (let k = 0; k < x.length; k++) x[k] = mixedX[k] - alpha * m[k] / Math.sqrt(vhat[k]);
    },
    params: (state) => state.x,
    adaptiveRate: (state) => state.u,
  };
}
