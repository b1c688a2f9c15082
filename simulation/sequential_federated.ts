/**
 * The sequential engine's federated rounds: every client in one thread, a perfect network;
 * each round, a seeded sample of the clients takes its local steps from the server's
 * broadcast and the server aggregates their uploads. The per-round arithmetic is the
 * federated template of `algorithms/` that the actor engine's Workers call too.
 *
 * @module
 */
import { vectorOf } from "../vector.ts";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { gradientRng, nodeContext } from "../algorithms/iteration.ts";
import {
  aggregationWeights,
  checkFederatedFinite,
  clientSteps,
  clientVectorMemory,
  type FederatedRounds,
  participationSampler,
  trainClient,
} from "../algorithms/federated_round.ts";
import { copyPayload } from "../algorithms/payload.ts";
import { checkFiniteMetrics } from "../algorithms/node_failure.ts";
import type { Problem } from "../problems/problem.ts";
import {
  DEFAULT_EXCHANGE,
  type ExchangeSources,
  messageBytes,
  nodeStages,
  runByzantine,
} from "../exchange/registry.ts";
import { aggregateUploads } from "../exchange/server_step.ts";
import { evaluateModels } from "../metrics/evaluate.ts";
import type { MetricsRow, RunHooks, RunResult } from "../metrics/rows.ts";
import { drain } from "./sequential.ts";
import { isBuffered } from "../algorithms/fedbuff.ts";

/** Options of a federated run on the sequential engine. */
export interface FederatedRunOptions extends RunHooks, FederatedRounds {
  /** The objective; its nodes are the clients. */
  problem: Problem;
  /** The client and server code. */
  algorithm: FederatedAlgorithm;
  /** Communication rounds R. */
  rounds: number;
  /** The run's seed. */
  seed: number;
  /** Evaluate every this many rounds (and always after the last); default 1. */
  evalEvery?: number;
  /**
   * The encoder of broadcasts and uploads, the server's aggregator and the Byzantine clients
   * (`resolveExchange`); default full precision, the algorithm's own mean, none.
   */
  exchange?: ExchangeSources;
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
  if (isBuffered(algorithm)) {
    throw new RangeError(
      `Cannot run "${algorithm.name}" on the sequential engine: its asynchronous clients and ` +
        "buffered server need the actor engine's virtual time; use runActors",
    );
  }
  const evalEvery = options.evalEvery ?? 1;
  const x0 = problem.initialParams();
  const server = algorithm.initServer(nodeContext(problem, -1), x0);
  const rngs = Array.from({ length: problem.nodes }, (_, id) => gradientRng(seed, id));
  const sample = participationSampler(seed, problem.nodes, options.participation);
  const gradient = vectorOf(problem.precision, problem.dim);
  const memory = clientVectorMemory(problem, algorithm, x0);
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const byzantine = runByzantine(exchange, problem.nodes, seed);
  const stages = Array.from(
    { length: problem.nodes + 1 },
    (_, id) => nodeStages(exchange, id, seed, byzantine),
  );
  const encoders = stages.map((stage) => stage.encoder);
  const aggregator = stages[problem.nodes].server ?? null;
  const sizes = messageBytes(exchange, algorithm, problem);
  const down = sizes[problem.nodes];
  const rows: MetricsRow[] = [];
  let messages = 0, bytes = 0;
  for (let r = 1; r <= rounds; r++) {
    options.signal?.throwIfAborted();
    const participants = sample();
    const serverId = { client: null, server: problem.nodes };
    const broadcast = copyPayload(algorithm.broadcast(server));
    const global = encoders[problem.nodes].encode(broadcast, {
      node: problem.nodes,
      round: 0,
      t: r,
    });
    const uploads = participants.map((i) => {
      const steps = clientSteps(problem, i, localSteps, options.localEpochs);
      const upload = trainClient(problem, algorithm, i, global, steps, rngs[i], gradient, memory);
      checkFederatedFinite(Object.values(upload), { ...serverId, client: i }, r);
      return encoders[i].encode(copyPayload(upload), { node: i, round: 0, t: r });
    });
    messages += 2 * participants.length;
    bytes += participants.length * down + participants.reduce((sum, i) => sum + sizes[i], 0);
    const weights = aggregationWeights(problem, participants, options.weighting);
    const site = { server: problem.nodes, round: r, clients: participants, aggregator, byzantine };
    aggregateUploads(algorithm, server, uploads, weights, site);
    checkFederatedFinite([algorithm.params(server)], serverId, r);
    yield;
    if (r % evalEvery === 0 || r === rounds) {
      const model = algorithm.params(server);
      const metrics = evaluateModels(problem, [model], null);
      checkFiniteMetrics({ ...metrics }, [model], [problem.nodes], r);
      const row = { algorithm: algorithm.name, step: r, ...metrics, messages, bytes };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, models: [new Float64Array(algorithm.params(server))] };
}
