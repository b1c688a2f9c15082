/**
 * The sequential engine: every node in one thread, lock-step iterations, a perfect network.
 * It is the oracle the actor engine is tested against and the fastest way to run a
 * fault-free experiment. Decentralized runs mix through W exactly; federated runs are rounds
 * of T local steps on a seeded sample of the clients.
 *
 * @module
 */
import {
  type DecentralizedAlgorithm,
  type FederatedAlgorithm,
  type NodeContext,
  type Payload,
  weightedSumInto,
} from "../algorithms/algorithm.ts";
import type { Problem } from "../problems/problem.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import { Rng } from "../random.ts";
import { evaluateModels, type ModelMetrics } from "../metrics/evaluate.ts";
import { checkFiniteModels } from "./protocol.ts";

/** One evaluation point of a run. */
export interface MetricsRow extends ModelMetrics {
  /** The algorithm's registry name. */
  algorithm: string;
  /** Iterations (decentralized) or rounds (federated) completed. */
  step: number;
  /** Messages sent so far (every neighbour exchange, broadcast and upload counts one). */
  messages: number;
  /** Payload bytes sent so far (8 bytes per parameter). */
  bytes: number;
}

/** What a run returns. */
export interface RunResult {
  /** One row per evaluation, in order. */
  rows: MetricsRow[];
  /** The final models: every node's x_i, or the federated global model alone. */
  models: Float64Array[];
}

/** What every engine accepts besides its own options. */
export interface RunHooks {
  /** Called with every metrics row as soon as it is recorded (progress, partial outputs). */
  onRow?: (row: MetricsRow) => void;
  /** Stops the run between steps; the engine throws the signal's reason. */
  signal?: AbortSignal;
}

/** Options of a decentralized run on the sequential engine. */
export interface DecentralizedRunOptions extends RunHooks {
  /** The objective. */
  problem: Problem;
  /** The per-node code. */
  algorithm: DecentralizedAlgorithm;
  /** The mixing matrix W (its row order is the summation order). */
  mixing: MixingMatrix;
  /** Iterations to run. */
  steps: number;
  /** The run's seed (minibatches and gradient noise). */
  seed: number;
  /** Evaluate every this many iterations (and always after the last); default 1. */
  evalEvery?: number;
  /** Called after every iteration with every node's state (tests check invariants here). */
  onStep?: (t: number, states: readonly unknown[]) => void;
}

/** The random stream of node `id`'s gradients; both engines use it. */
export function gradientRng(seed: number, id: number): Rng {
  return new Rng(seed, `node/${id}/gradient`);
}

/** Copies a payload into fresh buffers. */
export function copyPayload(payload: Payload): Payload {
  const copy: Payload = {};
  for (const name of Object.keys(payload)) copy[name] = new Float64Array(payload[name]);
  return copy;
}

/** Bytes on the wire of a payload (8 per entry). */
export function payloadBytes(payload: Payload): number {
  let bytes = 0;
  for (const name of Object.keys(payload)) bytes += payload[name].byteLength;
  return bytes;
}

/**
 * Runs a decentralized algorithm in lock step.
 *
 * @param options problem, algorithm, W, steps, seed
 * @returns the metrics rows and final models
 */
export function runDecentralized(options: DecentralizedRunOptions): RunResult {
  return drain(decentralizedSteps(options));
}

/**
 * The decentralized run as a generator that pauses after every iteration, so a caller can
 * interleave it with other work ({@linkcode runCooperatively}).
 */
export function* decentralizedSteps(
  options: DecentralizedRunOptions,
): Generator<void, RunResult, void> {
  const { problem, algorithm, mixing, steps, seed } = options;
  const evalEvery = options.evalEvery ?? 1;
  const n = problem.nodes;
  if (mixing.nodes !== n) {
    throw new RangeError(
      `Cannot run: mixing matrix has ${mixing.nodes} nodes, problem has ${n}`,
    );
  }
  const x0 = problem.initialParams();
  const states = Array.from({ length: n }, (_, id) => algorithm.init(context(problem, id), x0));
  const rngs = Array.from({ length: n }, (_, id) => gradientRng(seed, id));
  const gradient = new Float64Array(problem.dim);
  const rows: MetricsRow[] = [];
  let messages = 0, bytes = 0;
  for (let t = 1; t <= steps; t++) {
    options.signal?.throwIfAborted();
    for (let i = 0; i < n; i++) {
      problem.gradient(i, algorithm.gradientPoint(states[i]), gradient, rngs[i]);
      algorithm.localStep(states[i], gradient, t);
    }
    for (let round = 0; round < algorithm.exchanges; round++) {
      const sent = states.map((state) => copyPayload(algorithm.outgoing(state, round)));
      for (let i = 0; i < n; i++) {
        const { indices, weights } = mixing.rows[i];
        const neighbours = indices.length - 1;
        messages += neighbours;
        bytes += neighbours * payloadBytes(sent[i]);
        algorithm.mix(states[i], round, mixPayloads(indices.map((j) => sent[j]), weights));
      }
    }
    options.onStep?.(t, states);
    yield;
    if (t % evalEvery === 0 || t === steps) {
      const models = states.map((state) => algorithm.params(state));
      checkFiniteModels(models, [...models.keys()], t);
      const rates = algorithm.adaptiveRate
        ? states.map((state) => algorithm.adaptiveRate!(state))
        : null;
      const row = {
        algorithm: algorithm.name,
        step: t,
        ...evaluateModels(problem, models, rates),
        messages,
        bytes,
      };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, models: states.map((state) => new Float64Array(algorithm.params(state))) };
}

/**
 * Σ_k weights[k] · payloads[k] for every channel, summed in the order given (W's row order):
 * both engines mix through this, so equal inputs give bit-identical results.
 */
export function mixPayloads(payloads: readonly Payload[], weights: readonly number[]): Payload {
  const mixed: Payload = {};
  for (const name of Object.keys(payloads[0])) {
    const vectors = payloads.map((payload) => payload[name]);
    mixed[name] = weightedSumInto(new Float64Array(vectors[0].length), vectors, weights);
  }
  return mixed;
}

/**
 * One federated client's round, as both engines run it: start from the broadcast, take
 * `steps` local steps on its own gradient stream, return its upload (not copied).
 */
export function trainClient<C>(
  problem: Problem,
  algorithm: FederatedAlgorithm<C>,
  client: number,
  global: Payload,
  steps: number,
  rng: Rng,
  gradient: Float64Array,
): Payload {
  const state = algorithm.initClient(context(problem, client), global);
  for (let t = 1; t <= steps; t++) {
    problem.gradient(client, algorithm.gradientPoint(state), gradient, rng);
    algorithm.localStep(state, gradient, t);
  }
  return algorithm.upload(state);
}

function drain<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Drains a run generator, yielding to the event loop every `sliceMs` of wall time so that
 * signals (Ctrl-C), timers and progress output are served during a long run.
 *
 * @param steps a run generator ({@linkcode decentralizedSteps}, {@linkcode federatedSteps})
 * @param signal stops the run at the next pause; the signal's reason is thrown
 * @param sliceMs the longest stretch of work between two yields
 * @returns the run's result
 */
export async function runCooperatively<T>(
  steps: Generator<void, T, void>,
  signal?: AbortSignal,
  sliceMs = 25,
): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart > sliceMs) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

/** A node's context for `Algorithm.init`. */
export function context(problem: Problem, id: number): NodeContext {
  return { id, nodes: problem.nodes, dim: problem.dim, layers: problem.layers };
}

/** How the server weights the uploads of a round. */
export type AggregationWeighting = "uniform" | "samples";

/** Options of a federated run on the sequential engine. */
export interface FederatedRunOptions extends RunHooks {
  /** The objective; its nodes are the clients. */
  problem: Problem;
  /** The client and server code. */
  algorithm: FederatedAlgorithm;
  /** Communication rounds R. */
  rounds: number;
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
  /** The run's seed. */
  seed: number;
  /** Evaluate every this many rounds (and always after the last); default 1. */
  evalEvery?: number;
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
  if (weighting === "uniform") return participants.map(() => 1 / participants.length);
  const total = participants.reduce((sum, i) => sum + problem.samples(i), 0);
  return participants.map((i) => problem.samples(i) / total);
}

/**
 * Runs a federated algorithm round by round.
 *
 * @param options problem, algorithm, rounds, local steps, participation, seed
 * @returns the metrics rows and the final global model
 */
export function runFederated(options: FederatedRunOptions): RunResult {
  return drain(federatedSteps(options));
}

/** The federated run as a generator that pauses after every round. */
export function* federatedSteps(options: FederatedRunOptions): Generator<void, RunResult, void> {
  const { problem, algorithm, rounds, localSteps, seed } = options;
  const evalEvery = options.evalEvery ?? 1;
  const server = algorithm.initServer(context(problem, -1), problem.initialParams());
  const rngs = Array.from({ length: problem.nodes }, (_, id) => gradientRng(seed, id));
  const sample = participationSampler(seed, problem.nodes, options.participation);
  const gradient = new Float64Array(problem.dim);
  const rows: MetricsRow[] = [];
  let messages = 0, bytes = 0;
  for (let r = 1; r <= rounds; r++) {
    options.signal?.throwIfAborted();
    const participants = sample();
    const global = copyPayload(algorithm.broadcast(server));
    const uploads = participants.map((i) => {
      const steps = clientSteps(problem, i, localSteps, options.localEpochs);
      return copyPayload(trainClient(problem, algorithm, i, global, steps, rngs[i], gradient));
    });
    messages += 2 * participants.length;
    bytes += participants.length * payloadBytes(global) +
      uploads.reduce((sum, upload) => sum + payloadBytes(upload), 0);
    algorithm.aggregate(
      server,
      uploads,
      aggregationWeights(problem, participants, options.weighting),
    );
    yield;
    if (r % evalEvery === 0 || r === rounds) {
      checkFiniteModels([algorithm.params(server)], [problem.nodes], r);
      const row = {
        algorithm: algorithm.name,
        step: r,
        ...evaluateModels(problem, [algorithm.params(server)], null),
        messages,
        bytes,
      };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, models: [new Float64Array(algorithm.params(server))] };
}
