/**
 * The sequential engine: every node in one thread, lock-step iterations, a perfect network.
 * It is the oracle the actor engine is tested against and the fastest way to run a
 * fault-free experiment. Decentralized runs mix through the exchange seam exactly (federated
 * rounds are `sequential_federated.ts`). The per-node arithmetic is the
 * iteration template of `algorithms/` that the node actors call too; this file holds only the
 * lock-step loops.
 *
 * @module
 */
import { type Vector, vectorOf } from "../vector.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { BLOCK_NODES, DecentralizedNode, nodeVectorMemory } from "../algorithms/iteration.ts";
import type { VectorMemory } from "../algorithms/vector_memory.ts";
import { checkFiniteMetrics, checkFiniteModels } from "../algorithms/node_failure.ts";
import { gradientsOf, type Problem } from "../problems/problem.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import { type Route, staticRoute } from "../exchange/route.ts";
import {
  DEFAULT_EXCHANGE,
  type ExchangeSources,
  messageBytes,
  type NodeStages,
  nodeStages,
  runByzantine,
} from "../exchange/registry.ts";
import { aggregateInto, encodeSent } from "../exchange/node_exchange.ts";
import { ProbeWatch } from "../exchange/probe_replay.ts";
import { evaluateMeasured, honestPart } from "../metrics/evaluate.ts";
import { memoryDrift } from "../metrics/memory_drift.ts";
import type { MetricsRow, RunHooks, RunResult } from "../metrics/rows.ts";

/** Options of a decentralized run on the sequential engine. */
export interface DecentralizedRunOptions extends RunHooks {
  /** The objective. */
  problem: Problem;
  /** The per-node code. */
  algorithm: DecentralizedAlgorithm;
  /** The mixing matrix W (its row order is the summation order). */
  mixing: MixingMatrix;
  /** Who hears from whom at each step; default the static route of `mixing`. */
  route?: Route;
  /** The encoder and aggregator (`resolveExchange`); default full precision, weighted sum. */
  exchange?: ExchangeSources;
  /** λ of a static W (the nominal mixing rate); absent: the probe replayed through the route. */
  nominalRate?: number | null;
  /** Iterations to run. */
  steps: number;
  /** The run's seed (minibatches and gradient noise). */
  seed: number;
  /** Evaluate every this many iterations (and always after the last); default 1. */
  evalEvery?: number;
  /**
   * Called after every iteration with every node's state (tests check invariants here): the
   * engine's own vectors, valid during the call only (copy what you keep).
   */
  onStep?: (t: number, states: readonly unknown[]) => void;
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
  const { problem, algorithm, mixing } = options;
  const n = problem.nodes;
  if (mixing.nodes !== n) {
    throw new RangeError(
      `Cannot run: mixing matrix has ${mixing.nodes} nodes, problem has ${n}`,
    );
  }
  const x0 = problem.initialParams();
  const blocks = Math.min(n, BLOCK_NODES);
  // Every node's state and mix sums, and the block's gradients, in one vector memory: the last
  // finished run's, if the collector has not taken it (fresh pages cost a short MLP run ~7%). A
  // run interleaved with this one finds none and makes its own.
  const memory = nodeVectorMemory(problem, algorithm, x0, n, {
    sharedMix: false,
    extra: blocks,
    recycle: spareMemory?.deref(),
  });
  spareMemory = undefined;
  try {
    return yield* lockStep(options, x0, memory, blocks);
  } finally {
    // Nothing of a finished run outlives it (the result holds copies; onStep's states are
    // valid during the call only), so its memory may serve the next run.
    if (memory) spareMemory = new WeakRef(memory);
  }
}

/** The last finished run's vector memory, weakly held. */
let spareMemory: WeakRef<VectorMemory> | undefined;

function* lockStep(
  options: DecentralizedRunOptions,
  x0: Float64Array,
  memory: VectorMemory | null,
  blocks: number,
): Generator<void, RunResult, void> {
  const { problem, algorithm, steps, seed } = options;
  const evalEvery = options.evalEvery ?? 1;
  const n = problem.nodes;
  const route = options.route ?? staticRoute(options.mixing);
  const zeros = () => memory?.zeros(problem.dim) ?? vectorOf(problem.precision, problem.dim);
  const blockGradients = Array.from({ length: blocks }, zeros);
  const nodes = Array.from(
    { length: n },
    (_, id) => new DecentralizedNode(problem, algorithm, id, seed, x0, { memory }),
  );
  const exchange = options.exchange ?? DEFAULT_EXCHANGE;
  const byzantine = runByzantine(exchange, n, seed);
  const stages = nodes.map((node) => nodeStages(exchange, node.id, seed, byzantine));
  const sizes = messageBytes(options.exchange ?? DEFAULT_EXCHANGE, algorithm, problem);
  const rows: MetricsRow[] = [];
  const counts = { messages: 0, bytes: 0 };
  const mixing = new ProbeWatch(route, seed, algorithm.exchanges, options.nominalRate);
  for (let t = 1; t <= steps; t++) {
    options.signal?.throwIfAborted();
    stepInBlocks(problem, nodes, t, blockGradients);
    for (let round = 0; round < algorithm.exchanges; round++) {
      exchangeInLockStep(nodes, stages, route, round, t, sizes, counts);
    }
    options.onStep?.(t, nodes.map((node) => node.state));
    yield;
    if (t % evalEvery === 0 || t === steps) {
      const measured = honestPart({
        ids: nodes.map((node) => node.id),
        models: nodes.map((node) => node.params()),
        rates: algorithm.adaptiveRate ? nodes.map((node) => node.rate()!) : null,
        residuals: algorithm.trackingResidual ? nodes.map((node) => node.tracking()!) : null,
      }, byzantine?.is ?? null);
      checkFiniteModels(measured.models, measured.ids, t);
      const metrics = evaluateMeasured(problem, measured, byzantine !== null);
      checkFiniteMetrics({ ...metrics }, measured.models, measured.ids, t);
      const probe = mixing.rates(t, nodes.map((node) => node.probe()));
      const drift = algorithm.mixedMemory
        ? {
          drift: memoryDrift(
            (i) => route.inbound(i, 1),
            new Map(nodes.map((node) => [node.id, node.memory()!])),
          ),
        }
        : {};
      const row = { algorithm: algorithm.name, step: t, ...metrics, ...probe, ...drift, ...counts };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, models: nodes.map((node) => new Float64Array(node.params())) };
}

/**
 * One exchange of every node in lock step: every node's payload is encoded and aggregated
 * from the others' live vectors before any node folds its aggregate in, so nothing is copied
 * (the actor engine copies what it sends); a node mixes its own value unencoded.
 */
function exchangeInLockStep(
  nodes: readonly DecentralizedNode[],
  stages: readonly NodeStages[],
  route: Route,
  round: number,
  t: number,
  sizes: readonly number[],
  counts: { messages: number; bytes: number },
): void {
  const sent = nodes.map((node) => node.outgoing(round));
  const wire = sent.map((payload, j) => encodeSent(stages[j].encoder, payload, j, round, t));
  const encodedSelf = nodes[0]?.mixesEncodedSelf ?? false;
  for (const node of nodes) {
    node.recordWire(round, wire[node.id]);
    const { indices, weights } = route.inbound(node.id, t);
    const values = indices.map((j) => j === node.id && !encodedSelf ? sent[j] : wire[j]);
    for (const j of indices) {
      if (j === node.id) continue;
      counts.messages++;
      counts.bytes += sizes[j];
    }
    const self = indices.indexOf(node.id);
    aggregateInto(node, stages[node.id], round, values, weights, self, { senders: indices, t });
  }
  for (const node of nodes) node.fold(round);
}

/**
 * Iteration t's gradient part for every node, in blocks: the gradients of up to
 * {@linkcode BLOCK_NODES} nodes together (`gradientsOf`), then their local steps in node order;
 * the same arithmetic as one node at a time.
 */
function stepInBlocks(
  problem: Problem,
  nodes: readonly DecentralizedNode[],
  t: number,
  outs: readonly Vector[],
): void {
  for (let start = 0; start < nodes.length; start += outs.length) {
    const block = nodes.slice(start, start + outs.length);
    const inputs = block.map((node) => node.gradientInput(t));
    const done = gradientsOf(
      problem,
      block.map((node) => node.id),
      inputs.map((input) => input.point),
      outs.slice(0, block.length),
      inputs.map((input) => input.rng),
    );
    if (done instanceof Promise) {
      throw new TypeError(
        "Cannot run the sequential engine on a problem whose gradients are asynchronous " +
          '(backend webgpu): use the actor engine (engine: "actors")',
      );
    }
    block.forEach((node, k) => node.applyGradient(t, outs[k]));
  }
}

/** Runs a run generator to its end. */
export function drain<T>(steps: Generator<void, T, void>): T {
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
