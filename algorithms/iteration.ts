/**
 * The one template of a decentralized node's iteration, which both engines call: the
 * sequential engine for every node in lock step, the node actor for the nodes its Worker
 * hosts, in the order the scheduler's commands give. Iteration t of node i is
 * 1. {@linkcode DecentralizedNode.iterate}: g ← ∇f_i at the algorithm's gradient point (on the
 *    node's own seeded gradient stream), then the algorithm's local step;
 * 2. for every exchange r: {@linkcode DecentralizedNode.send} (the payload, copied and checked
 *    against the channel's type) goes to the neighbours, and
 *    {@linkcode DecentralizedNode.mix} folds in Σ_j W_ij payload_j in W's row order. The
 *    lock-step engine splits both: every node's {@linkcode DecentralizedNode.outgoing} (not
 *    copied) and {@linkcode DecentralizedNode.gather} before any node's
 *    {@linkcode DecentralizedNode.fold}.
 * The engines differ only in which payloads reach a mix and when; the arithmetic is this
 * file's, so equal inputs give bit-identical trajectories.
 *
 * @module
 */
import { type Vector, vectorOf } from "../vector.ts";
import type { DecentralizedAlgorithm, NodeContext, Payload } from "./algorithm.ts";
import { checkPayload, mixPayloads, sendCopies } from "./payload.ts";
import { checkFinite, NodeFailureError } from "./node_failure.ts";
import { VectorMemory } from "./vector_memory.ts";
import { initialProbe, PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import type { Problem } from "../problems/problem.ts";
import { Rng } from "../random.ts";

/**
 * The most nodes whose gradients an engine computes together (a node block): the sequential
 * engine's blocks and a Worker's.
 */
export const BLOCK_NODES = 64;

/** The random stream of node `id`'s gradients; both engines use it. */
export function gradientRng(seed: number, id: number): Rng {
  return new Rng(seed, `node/${id}/gradient`);
}

/** A node's context for `Algorithm.init` (the federated server's id is −1). */
export function nodeContext(problem: Problem, id: number): NodeContext {
  const context = { id, nodes: problem.nodes, dim: problem.dim, layers: problem.layers };
  return problem.precision ? { ...context, precision: problem.precision } : context;
}

/**
 * Buffers that the nodes of one engine may share, since the engine runs one node's iteration
 * part at a time: absent ones are the node's own.
 */
export interface NodeScratch {
  /**
   * The mix sums, one payload per exchange (created by the first mix): shared only when every
   * gather is folded before the next node's gather (the actor's `mix` does both at once).
   */
  readonly mixed?: Payload[];
  /**
   * The engine's vector memory (see {@linkcode nodeVectorMemory}): the node's state and mix
   * sums are allocated there, where the SIMD kernels run. Absent: plain arrays.
   */
  readonly memory?: VectorMemory | null;
}

/**
 * The vector memory of an engine hosting `hosted` nodes of a run: room for their algorithm
 * state (counted by a dry run of `init`), their mix sums (one set per node, or one shared by
 * all when `sharedMix`) and `extra` engine buffers of length d (gradients); `recycle`'s memory
 * when it is large enough (see {@linkcode VectorMemory.recycle}). Null when d is too short for
 * the kernels to pay or the memory would be too large.
 */
export function nodeVectorMemory(
  problem: Problem,
  algorithm: DecentralizedAlgorithm,
  x0: Vector,
  hosted: number,
  options: { sharedMix: boolean; extra: number; recycle?: VectorMemory | null },
): VectorMemory | null {
  let state = 0;
  const d = problem.dim, precision = problem.precision;
  algorithm.init({ ...nodeContext(problem, 0), vector: () => (state++, new Float64Array(d)) }, x0);
  const sums = algorithm.exchanges * algorithm.channels.length;
  const count = hosted * state + (options.sharedMix ? 1 : hosted) * sums + options.extra;
  return options.recycle?.recycle(count, d, precision) ??
    VectorMemory.create(count, d, precision);
}

/**
 * One node of a decentralized run: its algorithm state, its gradient stream and the payloads
 * it sent in the current iteration.
 *
 * @typeParam S the algorithm's per-node state
 */
export class DecentralizedNode<S = unknown> {
  /** The node's id. */
  readonly id: number;
  /** The algorithm's state of this node. */
  readonly state: S;
  /** The iteration under way or last completed (0 before the first). */
  step = 0;
  readonly #problem: Problem;
  readonly #algorithm: DecentralizedAlgorithm<S>;
  readonly #rng: Rng;
  /** The gradient buffer of {@linkcode DecentralizedNode.iterate} (engines use node blocks). */
  #gradient?: Vector;
  readonly #own: Payload[] = [];
  readonly #wire: Payload[] = [];
  readonly #mixed: Payload[];
  readonly #memory: VectorMemory | null;
  /** The realised-mixing probe (`metrics/mixing_probe.ts`): mixed with the model, no gradient. */
  readonly #probe: Float64Array;

  /**
   * A node starting from `x0`.
   *
   * @param problem the objective (its f_i gives the node's gradients)
   * @param algorithm the per-node code
   * @param id the node's id
   * @param seed the run's seed (the node's gradient stream)
   * @param x0 the common starting point (copied by the algorithm)
   * @param scratch buffers shared with the engine's other nodes
   */
  constructor(
    problem: Problem,
    algorithm: DecentralizedAlgorithm<S>,
    id: number,
    seed: number,
    x0: Vector,
    scratch: NodeScratch = {},
  ) {
    this.id = id;
    this.#problem = problem;
    this.#algorithm = algorithm;
    this.#rng = gradientRng(seed, id);
    this.#mixed = scratch.mixed ?? [];
    this.#probe = initialProbe(seed, id);
    const memory = this.#memory = scratch.memory ?? null;
    const context = nodeContext(problem, id);
    this.state = algorithm.init(
      memory ? { ...context, vector: () => memory.zeros(problem.dim) } : context,
      x0,
    );
  }

  /** The gradient-driven part of iteration `t`: g at the gradient point, then the local step. */
  iterate(t: number): void {
    this.step = t;
    const gradient = this.#gradient ??= vectorOf(this.#problem.precision, this.#problem.dim);
    this.#problem.gradient(this.id, this.gradientPoint(), gradient, this.#rng);
    this.applyGradient(t, gradient);
  }

  /**
   * Where iteration `t`'s gradient is taken, with the node's gradient stream: for an engine
   * that computes the gradients of several nodes together (a node block), then calls
   * {@linkcode DecentralizedNode.applyGradient}. Together they are exactly
   * {@linkcode DecentralizedNode.iterate}.
   */
  gradientInput(t: number): { point: Vector; rng: Rng } {
    this.step = t;
    return { point: this.gradientPoint(), rng: this.#rng };
  }

  /** The algorithm's local step of iteration `t` with the gradient `gradient` at the point. */
  applyGradient(t: number, gradient: Vector): void {
    this.#algorithm.localStep(this.state, gradient, t);
    if (!this.#algorithm.localStepKeepsParams) this.#checkFinite("after its local step");
  }

  /** Where the algorithm takes the node's gradient now (usually its x). */
  gradientPoint(): Vector {
    return this.#algorithm.gradientPoint(this.state);
  }

  /**
   * The payload of exchange `round`, checked against the algorithm's channels but not copied:
   * the algorithm's own vectors and the node's probe (on the `PROBE_CHANNEL`), valid until this
   * node's next {@linkcode DecentralizedNode.fold}.
   * The lock-step engine sums every node's neighbourhood from these before any node folds.
   *
   * @throws {TypeError} when the payload does not match the algorithm's channels
   */
  outgoing(round: number): Payload {
    const payload = this.#algorithm.outgoing(this.state, round);
    const algorithm = this.#algorithm;
    checkPayload(
      payload,
      algorithm.channels,
      this.#problem.dim,
      `node ${this.id}`,
      algorithm.channelLength?.bind(algorithm),
    );
    return { ...payload, [PROBE_CHANNEL]: this.#probe };
  }

  /**
   * The payload of exchange `round`, copied into fresh buffers (the copy is what neighbours
   * receive and what {@linkcode DecentralizedNode.own} returns until the next send of that
   * round).
   *
   * @throws {TypeError} when the payload does not match the algorithm's channels
   */
  send(round: number): Payload {
    const previous = this.#own[round];
    this.#own[round] = sendCopies.copy(this.outgoing(round));
    if (previous) sendCopies.drop(previous);
    return this.#own[round];
  }

  /** Whether the node mixes its own value as its receivers got it (see `self`). */
  get mixesEncodedSelf(): boolean {
    return this.#algorithm.mixesEncodedSelf === true;
  }

  /** The node's own payload of exchange `round`, as last sent. */
  own(round: number): Payload {
    return this.#own[round];
  }

  /** Records exchange `round`'s payload as the receivers got it (the `sent` of `mix`). */
  recordWire(round: number, wire: Payload): void {
    this.#wire[round] = wire;
  }

  /**
   * The node's own value in its mix of exchange `round`: as its receivers got it when the
   * algorithm mixes the encoded self (CHOCO-SGD), else as sent.
   */
  self(round: number): Payload {
    return this.#algorithm.mixesEncodedSelf ? this.#wire[round] : this.#own[round];
  }

  /**
   * Folds Σ_k weights[k] · payloads[k] (W's row order, own payload included) into the node:
   * {@linkcode DecentralizedNode.gather} then {@linkcode DecentralizedNode.fold}.
   */
  mix(round: number, payloads: readonly Payload[], weights: ArrayLike<number>): void {
    this.gather(round, payloads, weights);
    this.fold(round);
  }

  /**
   * Sums Σ_k weights[k] · payloads[k] (W's row order, own payload included) into the mix
   * buffers of exchange `round`, reused from mix to mix; the node's state is untouched.
   */
  gather(round: number, payloads: readonly Payload[], weights: ArrayLike<number>): void {
    mixPayloads(payloads, weights, this.sums(round, payloads[0]));
  }

  /**
   * The buffers of exchange `round`'s mix sums, shaped like `like` and reused from mix to mix
   * (from the vector memory if any): an aggregator writes the node's aggregate there, then
   * {@linkcode DecentralizedNode.fold} hands it to the algorithm.
   */
  sums(round: number, like: Payload): Payload {
    return this.#mixed[round] ??= this.#sums(like);
  }

  /** Buffers for the mix sums of payloads like `payload`, from the vector memory if any. */
  #sums(payload: Payload): Payload {
    const sums: Payload = {};
    for (const name of Object.keys(payload)) {
      const length = payload[name].length;
      sums[name] = name === PROBE_CHANNEL
        ? new Float64Array(length)
        : this.#memory?.zeros(length) ?? vectorOf(this.#problem.precision, length);
    }
    return sums;
  }

  /** Hands the gathered sums of exchange `round` to the algorithm's `mix` (which keeps none). */
  fold(round: number): void {
    const mixed = this.#mixed[round], probe = mixed[PROBE_CHANNEL];
    if (probe) this.#probe.set(probe);
    this.#algorithm.mix(this.state, round, mixed, this.#wire[round]);
    this.#checkFinite(`after mixing exchange ${round}`);
  }

  /** A diverged model stops the run at the step it happens, naming this node. */
  #checkFinite(where: string): void {
    try {
      checkFinite(this.params(), where);
    } catch (error) {
      throw new NodeFailureError(this.id, this.step, error);
    }
  }

  /** The node's current model x_i (the algorithm's own buffer: copy it to keep it). */
  params(): Vector {
    return this.#algorithm.params(this.state);
  }

  /** The node's adaptive rate u_i, for adaptive methods; else null. */
  rate(): Vector | null {
    return this.#algorithm.adaptiveRate?.(this.state) ?? null;
  }

  /** The node's probe (its scalars, then its weight): the engine's buffer, copy to keep. */
  probe(): Float64Array {
    return this.#probe;
  }

  /** Copies of the node's public copy and running sum, for methods with one; else null. */
  memory(): { copy: Float64Array; sum: Float64Array } | null {
    const memory = this.#algorithm.mixedMemory?.(this.state);
    return memory
      ? { copy: new Float64Array(memory.copy), sum: new Float64Array(memory.sum) }
      : null;
  }

  /** A fresh copy of the node's tracking residual, for tracking methods; else null. */
  tracking(): Float64Array | null {
    const algorithm = this.#algorithm;
    if (!algorithm.trackingResidual) return null;
    const out = new Float64Array(this.#problem.dim);
    algorithm.trackingResidual(this.state, out);
    return out;
  }
}
