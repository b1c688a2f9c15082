/**
 * The one interface every algorithm implements. An algorithm is per-node code: what a node
 * computes from its gradient, what it sends, and how it folds in the weighted mix of what it
 * received. Engines (sequential, actors) own the communication; algorithms never see the
 * network, so the same code runs in one thread or in a Worker per node.
 *
 * @module
 */
import { type Precision, type Vector, vectorOf } from "../vector.ts";
import { kernelPart, kernelsFor, staged } from "./vector_memory.ts";
import type { LayerSpec } from "../problems/problem.ts";

/** A named set of vectors: what a node sends on one exchange (its typed channel's message). */
export type Payload = Record<string, Vector>;

/** What a node knows about itself when its state is created. */
export interface NodeContext {
  /** This node's index, 0-based. */
  readonly id: number;
  /** Number of nodes in the run. */
  readonly nodes: number;
  /** Number of model parameters d. */
  readonly dim: number;
  /** The model's layers as slices of the flat parameter vector. */
  readonly layers: readonly LayerSpec[];
  /**
   * A zeroed vector of length d from the engine's vector memory, where the SIMD kernels run
   * (see `vector_memory.ts`); absent, or once the memory is full, a plain array in the run's
   * precision.
   * Allocate the state's d-vectors with {@linkcode stateVector}, which calls this.
   */
  readonly vector?: () => Vector;
  /** The run's precision (`vector.ts`); absent: float64. */
  readonly precision?: Precision;
}

/**
 * A d-vector of a node's state, from the engine's vector memory when it offers one: zeros,
 * `fill` in every entry, or a copy of `from`.
 *
 * @param context the node's context
 * @param from a number for every entry, or a vector to copy (length d); default zeros
 */
export function stateVector(context: NodeContext, from?: number | Vector): Vector {
  const vector = context.vector?.() ?? vectorOf(context.precision, context.dim);
  if (typeof from === "number") {
    if (from !== 0) vector.fill(from);
  } else if (from) vector.set(from);
  return vector;
}

/**
 * Decentralized per-node code. One iteration t (1-based) of node i is, in the engine:
 * 1. g ← gradient of f_i at {@linkcode DecentralizedAlgorithm.gradientPoint};
 * 2. {@linkcode DecentralizedAlgorithm.localStep}(state, g, t);
 * 3. for r in 0 … exchanges − 1: send {@linkcode DecentralizedAlgorithm.outgoing}(state, r) to
 *    every neighbour, then {@linkcode DecentralizedAlgorithm.mix}(state, r, mixed) with
 *    mixed[name] = Σ_j W_ij payload_j[name] (j = i included, ascending j).
 *
 * @typeParam S the node's state: plain data (numbers and Float64Arrays) so it can cross a
 * Worker boundary by structured clone.
 */
export interface DecentralizedAlgorithm<S = unknown> {
  /** Discriminant. */
  readonly kind: "decentralized";
  /** Registry name, e.g. `"decentralized-amsgrad"`. */
  readonly name: string;
  /** The vector names of every message, e.g. `["x", "u"]`: the channel's message type. */
  readonly channels: readonly string[];
  /** Number of neighbour exchanges per iteration (τ for iCDSGD, 1 otherwise). */
  readonly exchanges: number;
  /**
   * The length of channel `name`'s vector for a model of `dim` parameters; absent: every
   * channel carries `dim` entries (push-sum's weight channel carries 1).
   */
  channelLength?(name: string, dim: number): number;
  /** A node's initial state, starting from `x0` (copied). */
  init(context: NodeContext, x0: Vector): S;
  /** Where the node's gradient is evaluated at this iteration (usually its x). */
  gradientPoint(state: S): Vector;
  /** The gradient-driven part of iteration `t` (1-based), before any exchange. */
  localStep(state: S, gradient: Vector, t: number): void;
  /**
   * True when `localStep` never writes the model {@linkcode DecentralizedAlgorithm.params}
   * returns (it moves only in `mix`): the engines then skip the model's finiteness check after
   * the local step, a pass over d per iteration; the check after every mix stays. Default
   * false.
   */
  readonly localStepKeepsParams?: boolean;
  /** The message for exchange `round`; the engine copies the vectors before sending. */
  outgoing(state: S, round: number): Payload;
  /**
   * Folds in the weighted mix of the neighbourhood's messages for exchange `round`. The vectors
   * of `mixed` are the engine's buffers, overwritten by the node's next mix: read them, copy
   * what you keep, never keep a reference. `sent` is the node's own message of the round as its
   * receivers got it (after the run's encoder: a compressor's output), for methods that keep
   * a public copy of themselves (CHOCO-SGD).
   */
  mix(state: S, round: number, mixed: Payload, sent?: Payload): void;
  /**
   * True when the node mixes its own message as its receivers got it (encoded), not as it
   * sent it: compressed gossip with a public copy (CHOCO-SGD). Default false.
   */
  readonly mixesEncodedSelf?: boolean;
  /** The node's current model x_i. */
  params(state: S): Vector;
  /** The node's adaptive rate u_i (adaptive methods only), for the disagreement metric. */
  adaptiveRate?(state: S): Vector;
  /**
   * Tracking methods only: writes into `out` (length d) and returns the node's tracker minus
   * what it tracks (gradient tracking: y_i − g_i), for the `trackingError` metric
   * ‖(1/N) Σ_i residual_i‖, which is 0 up to rounding while no message is lost.
   */
  trackingResidual?(state: S, out: Vector): Vector;
  /**
   * Methods that keep a running sum of their neighbours' public copies (CHOCO-SGD: s_i and
   * x̂_i) expose both, for the `drift` metric Σ_i ‖s_i − Σ_j W_ij x̂_j‖ (metrics/memory_drift.ts).
   */
  mixedMemory?(state: S): { readonly copy: Vector; readonly sum: Vector };
}

/**
 * Federated client and server code. One round, in the engine: the server's
 * {@linkcode FederatedAlgorithm.broadcast} goes to the round's sampled clients; each runs
 * {@linkcode FederatedAlgorithm.initClient} then T times (gradient at
 * {@linkcode FederatedAlgorithm.gradientPoint}, {@linkcode FederatedAlgorithm.localStep}),
 * then {@linkcode FederatedAlgorithm.upload}; the server calls
 * {@linkcode FederatedAlgorithm.aggregate} with the uploads and their weights (summing to 1).
 *
 * @typeParam C a client's state (plain data)
 * @typeParam S the server's state (plain data)
 */
export interface FederatedAlgorithm<C = unknown, S = unknown> {
  /** Discriminant. */
  readonly kind: "federated";
  /** Registry name, e.g. `"fed-lamb"`. */
  readonly name: string;
  /** Vector names of the server's broadcast, e.g. `["theta", "vhat"]`. */
  readonly broadcastChannels: readonly string[];
  /** Vector names of a client's upload, e.g. `["theta", "v"]`. */
  readonly uploadChannels: readonly string[];
  /** The server's initial state from the common starting point `x0` (copied). */
  initServer(context: NodeContext, x0: Vector): S;
  /** What the server sends to every participating client at the start of a round. */
  broadcast(server: S): Payload;
  /** A client's state at the start of a round, from the server's broadcast (copied). */
  initClient(context: NodeContext, global: Payload): C;
  /** Where the client's gradient is evaluated. */
  gradientPoint(client: C): Vector;
  /** Local step `t` (1-based within the round). */
  localStep(client: C, gradient: Vector, t: number): void;
  /** What the client sends back at the end of the round. */
  upload(client: C): Payload;
  /** Folds the round's uploads into the server state; `weights` sum to 1. */
  aggregate(server: S, uploads: readonly Payload[], weights: readonly number[]): void;
  /** The global model θ̄. */
  params(server: S): Vector;
}

/** Either kind of algorithm. */
export type Algorithm = DecentralizedAlgorithm | FederatedAlgorithm;

/** Copies a vector (a fresh buffer of its precision, never a view). */
export function copyVector(x: Vector): Vector {
  return x.slice();
}

/**
 * Writes Σ_i weights[i] · vectors[i] into `out`, summing in the order given. Both engines mix
 * through this one function, so equal inputs in equal order give bit-identical results.
 *
 * Each entry is accumulated as ((0 + w₀v₀) + w₁v₁) + …, exactly the sequence of a loop that adds
 * one vector at a time to a zeroed `out`; the first three terms are fused into one pass (a
 * ring's whole row), so the result is bit for bit that of the plain loop, in a third of the
 * passes over memory. Into a `Float32Array` it is computed in float32: each weight, product and
 * sum is rounded to float32, as the float32 kernels compute it.
 */
export function weightedSumInto(
  out: Vector,
  vectors: readonly Vector[],
  weights: ArrayLike<number>,
): Vector {
  const count = vectors.length, length = out.length;
  if (count === 0) return out.fill(0);
  // In one vector memory, the SIMD kernels take whole lanes (same operations, same order);
  // vectors from elsewhere are copied into the memory first when they can be (same values).
  let kernels = kernelsFor(out, ...vectors);
  if (!kernels) {
    const copies = staged(out, vectors);
    if (copies) {
      vectors = copies;
      kernels = kernelsFor(out, ...copies);
    }
  }
  const from = kernelPart(kernels, length);
  const a = vectors[0], wa = weights[0];
  if (count === 1) kernels?.sum1(out.byteOffset, a.byteOffset, from, wa);
  else if (count === 2) {
    kernels?.sum2(out.byteOffset, a.byteOffset, vectors[1].byteOffset, from, wa, weights[1]);
  } else {
    const [, b, c] = vectors;
    kernels?.sum3(
      out.byteOffset,
      a.byteOffset,
      b.byteOffset,
      c.byteOffset,
      from,
      wa,
      weights[1],
      weights[2],
    );
    for (let i = 3; i < count; i++) {
      kernels?.addScaled(out.byteOffset, vectors[i].byteOffset, from, weights[i]);
    }
  }
  if (from < length) {
    if (out instanceof Float32Array) weightedSumTail32(out, vectors, weights, from);
    else weightedSumTail(out, vectors, weights, from);
  }
  return out;
}

/** {@linkcode weightedSumInto}'s loop from entry `from` on, in float64. */
function weightedSumTail(
  out: Vector,
  vectors: readonly Vector[],
  weights: ArrayLike<number>,
  from: number,
): void {
  const count = vectors.length, length = out.length;
  const a = vectors[0], wa = weights[0];
  if (count === 1) {
    for (let k = from; k < length; k++) out[k] = 0 + wa * a[k];
    return;
  }
  const b = vectors[1], wb = weights[1];
  if (count === 2) {
    for (let k = from; k < length; k++) out[k] = (0 + wa * a[k]) + wb * b[k];
    return;
  }
  const c = vectors[2], wc = weights[2];
  for (let k = from; k < length; k++) out[k] = ((0 + wa * a[k]) + wb * b[k]) + wc * c[k];
  for (let i = 3; i < count; i++) {
    const vector = vectors[i], w = weights[i];
    for (let k = from; k < length; k++) out[k] += w * vector[k];
  }
}

/**
 * {@linkcode weightedSumInto}'s loop from entry `from` on, in float32 as the float32 kernels
 * compute it: the weights rounded to float32, every product and sum rounded.
 */
function weightedSumTail32(
  out: Float32Array,
  vectors: readonly Vector[],
  weights: ArrayLike<number>,
  from: number,
): void {
  const f = Math.fround, count = vectors.length, length = out.length;
  const a = vectors[0], wa = f(weights[0]);
  if (count === 1) {
    for (let k = from; k < length; k++) out[k] = 0 + f(wa * a[k]);
    return;
  }
  const b = vectors[1], wb = f(weights[1]);
  if (count === 2) {
    for (let k = from; k < length; k++) out[k] = (0 + f(wa * a[k])) + f(wb * b[k]);
    return;
  }
  const c = vectors[2], wc = f(weights[2]);
  for (let k = from; k < length; k++) {
    out[k] = f((0 + f(wa * a[k])) + f(wb * b[k])) + f(wc * c[k]);
  }
  for (let i = 3; i < count; i++) {
    const vector = vectors[i], w = f(weights[i]);
    for (let k = from; k < length; k++) out[k] += f(w * vector[k]);
  }
}
