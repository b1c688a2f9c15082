/**
 * The actor engine: every node an actor in a Deno Worker, a discrete-event scheduler in
 * virtual time deciding what each node does and which messages it sees.
 *
 * The schedule depends only on the config and seed — compute times and network fates are
 * drawn, never measured — so the scheduler runs ahead of the Workers, emitting each node's
 * commands in virtual-time order; Workers run them in parallel, waiting only for payloads
 * from other Workers. Results never depend on the number of Workers or on machine load.
 * One driver per mode: `drive_sync.ts` (barrier phases with a deadline),
 * `drive_async.ts` (`async` and `bounded`), `drive_federated.ts` (rounds with a server
 * actor) and `drive_buffered.ts` (FedBuff's asynchronous clients and buffered server).
 * Crashes are crash-stop with optional rejoin from the node's last state; a step under way at
 * the crash is lost.
 *
 * @module
 */
import type { Algorithm } from "../algorithms/algorithm.ts";
import {
  type AlgorithmSource,
  getAlgorithm,
  type Hyperparameters,
  resolveHyperparameters,
} from "../algorithms/registry.ts";
import type { FederatedRounds } from "../algorithms/federated_round.ts";
import type { ActorMetricsRow, RunHooks } from "../metrics/rows.ts";
import { getProblem, type SourcedProblem } from "../problems/registry.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import { type Route, staticRoute } from "../exchange/route.ts";
import { DEFAULT_EXCHANGE, type ExchangeSources, stageSources } from "../exchange/registry.ts";
import type { LinkTraffic, NetworkCounters } from "./network.ts";
import { RunState } from "./run_state.ts";
import type { ExecutionMode, MissingPolicy, Scenario } from "./scenario.ts";
import {
  acquireFromPool,
  type ActorPool,
  defaultWorkers,
  placeNodes,
  Supervisor,
} from "./supervisor.ts";
import { driveSync } from "./drive_sync.ts";
import { driveAsync } from "./drive_async.ts";
import { driveFederated } from "./drive_federated.ts";
import { driveBuffered } from "./drive_buffered.ts";
import { isBuffered } from "../algorithms/fedbuff.ts";
import { moduleFolder, nodeReadPaths } from "./worker_permissions.ts";
import type { TransportChoice } from "./transport.ts";

/** Options of an actor run. */
export interface ActorRunOptions extends RunHooks {
  /**
   * The objective, built through the problem registry (`loadProblem`, `createProblem`): the
   * main thread evaluates on it, and every Worker rebuilds it from its source.
   */
  problem: SourcedProblem;
  /**
   * The algorithm's registry name and hyper-parameters, resolved here (defaults filled in,
   * validated) once for the main thread and every Worker.
   */
  algorithm: string | { name: string; params?: Hyperparameters };
  /** W; its rows give the neighbours and the summation order. */
  mixing: MixingMatrix;
  /** Who hears from whom at each step; default the static route of `mixing`. */
  route?: Route;
  /** The encoder and aggregator (`resolveExchange`); default full precision, weighted sum. */
  exchange?: ExchangeSources;
  /** λ of a static W (the nominal mixing rate); absent: the probe replayed through the route. */
  nominalRate?: number | null;
  /** Iterations (decentralized) or rounds (federated). */
  steps: number;
  /** The run's seed. */
  seed: number;
  /** Evaluate every this many steps (average steps per node in async modes). */
  evalEvery: number;
  /** Network and fault model. */
  scenario: Scenario;
  /** Execution mode of decentralized algorithms. */
  mode: ExecutionMode;
  /** Barrier / round deadline and the bound on bounded-mode waits (virtual seconds). */
  timeout: number;
  /** Sync mode: what a missing neighbour value becomes. */
  missing: MissingPolicy;
  /** Bounded mode: how many steps a neighbour may lag. */
  staleness: number;
  /** Federated rounds (local steps, or local epochs when set). */
  federated: FederatedRounds;
  /** Number of Workers (default: one per core, at most one per node). */
  workers?: number;
  /**
   * Hosts in other processes or machines (the NATS transport); the run uses all their
   * Workers (at most one per node), whatever `workers` says. Default: Workers in this process.
   */
  transport?: TransportChoice;
  /** Wall-clock bound on a Worker waiting for one message (ms, default 60,000). */
  waitTimeoutMs?: number;
  /**
   * Reuse these Workers across runs (left open after a run that completes; a run that fails
   * or is stopped terminates them, and the pool starts fresh ones); without it, Workers live
   * for one run.
   */
  pool?: ActorPool;
}

/** What an actor run returns. */
export interface ActorRunResult {
  /** One row per evaluation. */
  rows: ActorMetricsRow[];
  /** Final models: every node's, or the federated global model. */
  models: Float64Array[];
  /** Steps (or rounds taken part in) completed by each node. */
  nodeSteps: number[];
  /** Virtual time (seconds) of each node's latest completed step. */
  nodeTimes: number[];
  /** Network counters. */
  network: NetworkCounters;
  /** Traffic per directed link. */
  links: LinkTraffic[];
  /** Federated: uploads that missed their round's deadline (stragglers, drops). */
  missedDeadline: number;
  /** Bounded mode: waits that ended at the timeout. */
  waitTimeouts: number;
  /** FedBuff: uploads the network lost on their way to the server (their clients replaced). */
  droppedUploads: number;
  /**
   * How many staleness values of each size were used: entry τ counts the neighbour values
   * mixed τ steps old (async modes, sync stale values) or, for FedBuff, the uploads applied τ
   * server versions after their download.
   */
  stalenessHistogram: number[];
  /** Virtual time at the end (seconds). */
  virtualTime: number;
  /** Why the run ended early (every node crashed for good), or null when it ran its course. */
  stopped: string | null;
}

/** The one place the actor engine resolves an algorithm: hyper-parameters, module, instance. */
function resolveAlgorithm(entry: ActorRunOptions["algorithm"]) {
  const { name, params } = typeof entry === "string" ? { name: entry, params: {} } : entry;
  const definition = getAlgorithm(name);
  const resolved = resolveHyperparameters(definition.name, params ?? {});
  const source: AlgorithmSource = {
    name: definition.name,
    params: resolved,
    ...(definition.module ? { module: definition.module } : {}),
  };
  return { source, instance: definition.create(resolved) as Algorithm };
}

/**
 * Runs an algorithm on the actor engine.
 *
 * @param options problem, algorithm, W, scenario, mode, Workers
 * @returns metrics rows, final models, per-node step counts and network counters
 * @throws {NodeFailureError} when a node's code throws (the message names node and step)
 * @throws {TypeError} when the problem was not built through the registry
 */
export async function runActors(options: ActorRunOptions): Promise<ActorRunResult> {
  const problem = options.problem;
  const source = problem.source;
  if (!source) {
    throw new TypeError(
      `Cannot run problem "${problem.name}" on the actor engine: Workers rebuild it from its ` +
        "spec, so build it with loadProblem or createProblem (register your own with " +
        "registerProblem)",
    );
  }
  const algorithm = resolveAlgorithm(options.algorithm);
  const n = problem.nodes;
  const wanted = options.transport?.workers ?? options.workers ?? defaultWorkers(n);
  const workers = Math.max(1, Math.min(wanted, n));
  const federated = algorithm.instance.kind === "federated";
  const placement = [...placeNodes(n, workers), 0];
  const problemModule = getProblem(source.spec.type).module;
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const start = {
    workers,
    ...(options.transport ? { transport: options.transport.factory } : {}),
    placement: placement.slice(0, n),
    server: federated ? { node: n, worker: 0 } : null,
    readable: [
      ...nodeReadPaths(source.spec),
      ...[algorithm.source, ...stageSources(exchange)].flatMap((from) => moduleFolder(from.module)),
    ],
    setup: {
      algorithm: algorithm.source,
      problem: { ...source, ...(problemModule ? { module: problemModule } : {}) },
      seed: options.seed,
      waitTimeoutMs: options.waitTimeoutMs ?? 60_000,
      exchange,
    },
  };
  const supervisor = options.pool
    ? await acquireFromPool(options.pool, start)
    : await Supervisor.start(start);
  try {
    const run = new RunState(supervisor, {
      problem,
      algorithm: algorithm.instance,
      route: options.route ?? staticRoute(options.mixing),
      exchange,
      nominalRate: options.nominalRate,
      scenario: options.scenario,
      seed: options.seed,
      placement,
      onRow: options.onRow,
      onEvent: options.onEvent,
      signal: options.signal,
    });
    const instance = algorithm.instance;
    if (instance.kind === "federated" && isBuffered(instance)) {
      const plan = { ...options, problem, versions: options.steps, buffered: instance.buffered };
      await driveBuffered(run, plan);
    } else if (instance.kind === "federated") {
      await driveFederated(run, { ...options, problem, rounds: options.steps });
    } else if (options.mode === "sync") {
      await driveSync(run, { ...options, algorithm: instance });
    } else {
      await driveAsync(run, { ...options, algorithm: instance, mode: options.mode });
    }
    const result = await run.result();
    if (!options.pool) supervisor.shutdown();
    return result;
  } catch (error) {
    // A failed or stopped run may leave batches running: its Workers are not reused.
    supervisor.shutdown();
    throw error;
  }
}
