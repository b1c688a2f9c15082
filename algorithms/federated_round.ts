/**
 * The template of a federated round, which both engines call: the clients sampled from the
 * run's seed, each client's local steps (T, or E epochs of minibatches), a client's training
 * from the server's broadcast, and the aggregation weights of the uploads.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { FederatedAlgorithm, Payload } from "./algorithm.ts";
import { nodeContext } from "./iteration.ts";
import { VectorMemory } from "./vector_memory.ts";
import { checkFinite, NodeFailureError } from "./node_failure.ts";
import type { Problem } from "../problems/problem.ts";
import { Rng } from "../random.ts";

/** How the server may weight the uploads of a round. */
export const AGGREGATION_WEIGHTINGS = ["uniform", "samples"] as const;

/** How the server weights the uploads of a round: 1/|D| or by local sample count. */
export type AggregationWeighting = typeof AGGREGATION_WEIGHTINGS[number];

/** How federated rounds run, in every engine and config. */
export interface FederatedRounds {
  /** Local steps T per round. */
  localSteps: number;
  /**
   * Local epochs E per round instead of a fixed T: client i takes E·⌈n_i / batch⌉ steps
   * (E steps when its gradient uses all its data). Null or absent: `localSteps`.
   */
  localEpochs?: number | null;
  /** Fraction of clients sampled each round, in (0, 1]. */
  participation: number;
  /** Uniform 1/|D| (the papers) or by local sample count (FedAvg). */
  weighting: AggregationWeighting;
}

/**
 * One federated client's round, as both engines run it: start from the broadcast, take
 * `steps` local steps on its own gradient stream, return its upload (not copied: with a
 * `memory`, its vectors are that memory's until the next round, so copy them first). The
 * client's state and gradient live in `memory` when given (see
 * {@linkcode clientVectorMemory}), else the state in plain arrays and the gradient in
 * `gradient`.
 */
export function trainClient<C>(
  problem: Problem,
  algorithm: FederatedAlgorithm<C>,
  client: number,
  global: Payload,
  steps: number,
  rng: Rng,
  gradient: Vector,
  memory?: VectorMemory | null,
): Payload {
  const context = nodeContext(problem, client);
  // The client's state lives for this round only: the engine's client memory, emptied.
  memory?.reset();
  if (memory) gradient = memory.zeros(problem.dim);
  const state = algorithm.initClient(
    memory ? { ...context, vector: () => memory.zeros(problem.dim) } : context,
    global,
  );
  for (let t = 1; t <= steps; t++) {
    problem.gradient(client, algorithm.gradientPoint(state), gradient, rng);
    algorithm.localStep(state, gradient, t);
  }
  return algorithm.upload(state);
}

/**
 * The vector memory of an engine's federated clients, one client's round at a time
 * ({@linkcode trainClient} empties it): room for a client's state (counted by a dry run of
 * `initClient` on the broadcast of a server started at `x0`) and its gradient; `recycle`'s memory when large enough. Null when d is too
 * short for the kernels to pay.
 */
export function clientVectorMemory(
  problem: Problem,
  algorithm: FederatedAlgorithm,
  x0: Vector,
  recycle?: VectorMemory | null,
): VectorMemory | null {
  const d = problem.dim;
  const global = algorithm.broadcast(algorithm.initServer(nodeContext(problem, -1), x0));
  let count = 1;
  const context = { ...nodeContext(problem, 0), vector: () => (count++, new Float64Array(d)) };
  algorithm.initClient(context, global);
  const { precision } = problem;
  return recycle?.recycle(count, d, precision) ?? VectorMemory.create(count, d, precision);
}

/** How many local steps client `client` takes per round (both engines use this). */
export function clientSteps(
  problem: Problem,
  client: number,
  localSteps: number,
  localEpochs: number | null | undefined,
): number {
  if (!localEpochs) return localSteps;
  const batch = problem.batchSize ?? 0;
  const perEpoch = batch > 0 ? Math.ceil(problem.samples(client) / batch) : 1;
  return localEpochs * perEpoch;
}

/** The clients taking part in each round, drawn from the run's seed. */
export function participationSampler(
  seed: number,
  clients: number,
  participation: number,
): () => number[] {
  const rng = new Rng(seed, "participation");
  const count = Math.max(1, Math.round(participation * clients));
  return () => count === clients ? [...Array(clients).keys()] : rng.sample(clients, count);
}

/** The aggregation weights of the round's participants (they sum to 1). */
export function aggregationWeights(
  problem: Problem,
  participants: readonly number[],
  weighting: AggregationWeighting,
): number[] {
  const total = participants.reduce((sum, i) => sum + problem.samples(i), 0);
  const weights = weighting === "uniform"
    ? participants.map(() => 1 / participants.length)
    : participants.map((i) => problem.samples(i) / total);
  // An invariant, checked where the weights are made: they sum to 1 (each ≥ 0).
  const sum = weights.reduce((a, b) => a + b, 0);
  if (participants.length && (Math.abs(sum - 1) > 1e-12 || weights.some((w) => !(w >= 0)))) {
    throw new RangeError(`Cannot aggregate: the weights sum to ${sum}, received ${weights}`);
  }
  return weights;
}

/**
 * Stops a diverged federated run at the round it happens: a client's upload, or (`client`
 * null) the server's model after aggregation, holding NaN or ±Infinity.
 *
 * @param vectors the upload's vectors or the server's model
 * @param who the client's id and the server's id (N)
 * @param round the round
 */
export function checkFederatedFinite(
  vectors: readonly Vector[],
  who: { client: number | null; server: number },
  round: number,
): void {
  try {
    for (const vector of vectors) {
      checkFinite(vector, who.client === null ? "after aggregation" : "in its upload");
    }
  } catch (error) {
    if (who.client !== null) throw new NodeFailureError(who.client, round, error);
    throw new NodeFailureError(who.server, round, error, "the server");
  }
}
