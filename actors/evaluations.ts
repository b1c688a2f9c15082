/**
 * The actor engine's evaluations, pipelined: an evaluation's snapshots are requested at its
 * point of the command streams, and its metrics (forward passes over the test and evaluation
 * sets on the main thread, often as costly as the steps between two evaluations) are computed
 * while the Workers run the following steps. Rows are recorded in order, at most one
 * evaluation is outstanding, and an evaluation's failure is thrown at the next evaluation or
 * at {@linkcode Evaluations.settle}, before anything that happened later; the values are those
 * of evaluating at once (the snapshots are copies, the row's counters are read at the point).
 *
 * @module
 */
import {
  checkFiniteMetrics,
  checkFiniteModels,
  NodeFailureError,
} from "../algorithms/node_failure.ts";
import { evaluateMeasured, honestPart, type ModelMetrics } from "../metrics/evaluate.ts";
import type { ActorMetricsRow } from "../metrics/rows.ts";
import type { Problem } from "../problems/problem.ts";
import type { Snapshot } from "./protocol.ts";
import { ProbeWatch } from "../exchange/probe_replay.ts";
import type { Route } from "../exchange/route.ts";
import type { Algorithm } from "../algorithms/algorithm.ts";
import { memoryDrift } from "../metrics/memory_drift.ts";

/** A row's fields read when its snapshots are requested: the step and the run's counters. */
export type EvaluationPoint = Omit<ActorMetricsRow, keyof ModelMetrics | "algorithm">;

/** A decentralized run's probe watch (null for a federated run, which has no probes). */
export function probeWatch(
  algorithm: Algorithm,
  route: Route,
  seed: number,
  lambda?: number | null,
): ProbeWatch | null {
  return algorithm.kind === "decentralized"
    ? new ProbeWatch(route, seed, algorithm.exchanges, lambda)
    : null;
}

/** The rows of one run, recorded in order as their evaluations complete. */
export class Evaluations {
  /** One row per completed evaluation, in order. */
  readonly rows: ActorMetricsRow[] = [];
  /** The models of the latest completed evaluation. */
  models: Float64Array[] = [];
  /** The step of the latest evaluation requested (completed or not), or null before any. */
  last: number | null = null;
  readonly #problem: Problem;
  readonly #algorithm: string;
  readonly #server: number;
  readonly #onRow?: (row: ActorMetricsRow) => void;
  readonly #mixing: ProbeWatch | null;
  readonly #byzantine: ((id: number) => boolean) | null;
  readonly #route: Route | null;
  #pending: Promise<void> = Promise.resolve();

  /**
   * @param problem the main thread's copy of the problem (the metrics)
   * @param algorithm the algorithm's name (the rows' `algorithm`)
   * @param server the federated server's node id (N), named as "the server" in failures
   * @param onRow called with every row as it is recorded
   * @param mixing a decentralized run's probe: its realised and nominal rates per window
   * @param byzantine a decentralized run's Byzantine nodes (not measured), or null
   * @param route a decentralized run's route (the drift of methods with a mixed memory)
   */
  constructor(
    problem: Problem,
    algorithm: string,
    server: number,
    onRow?: (row: ActorMetricsRow) => void,
    mixing: ProbeWatch | null = null,
    byzantine: ((id: number) => boolean) | null = null,
    route: Route | null = null,
  ) {
    this.#route = route;
    this.#byzantine = byzantine;
    this.#problem = problem;
    this.#algorithm = algorithm;
    this.#server = server;
    this.#onRow = onRow;
    this.#mixing = mixing;
  }

  /**
   * Records the evaluation of `nodes` at `point` once `snapshots` arrive; resolves when the
   * evaluation before it is recorded (its failure, if any, is thrown here).
   */
  add(point: EvaluationPoint, nodes: number[], snapshots: Promise<Snapshot[]>): Promise<void> {
    this.last = point.step;
    snapshots.catch(() => {}); // rethrown below, in order
    const previous = this.#pending;
    this.#pending = previous.then(async () => this.#record(point, nodes, await snapshots));
    this.#pending.catch(() => {}); // rethrown by the next add or settle
    return previous;
  }

  /** Waits for every evaluation requested; throws the first failure. */
  settle(): Promise<void> {
    return this.#pending;
  }

  #record(point: EvaluationPoint, nodes: number[], snapshots: Snapshot[]): void {
    const byNode = new Map<number, Snapshot>(snapshots.map((s) => [s.node, s]));
    const taken = nodes.map((node) => byNode.get(node)!);
    const measured = honestPart({
      ids: nodes,
      models: taken.map((s) => s.params),
      rates: taken.every((s) => s.rate) ? taken.map((s) => s.rate!) : null,
      residuals: taken.every((s) => s.tracking) ? taken.map((s) => s.tracking!) : null,
    }, this.#byzantine);
    const { models } = measured;
    const metrics = evaluateMeasured(this.#problem, measured, this.#byzantine !== null);
    try {
      checkFiniteModels(models, measured.ids, point.step);
      checkFiniteMetrics({ ...metrics }, models, measured.ids, point.step);
    } catch (error) {
      if (!(error instanceof NodeFailureError) || error.node !== this.#server) throw error;
      throw new NodeFailureError(
        this.#server,
        point.step,
        error.message.replace(/^node \d+ failed at step \d+: /, ""),
        "the server",
      );
    }
    const { step, ...counters } = point;
    const mixing = this.#mixing?.rates(step, taken.map((s) => s.probe!));
    const memories = new Map(taken.flatMap((s) => s.memory ? [[s.node, s.memory]] : []));
    const drift = this.#route && memories.size
      ? { drift: memoryDrift((i) => this.#route!.inbound(i, 1), memories) }
      : {};
    const row: ActorMetricsRow = {
      algorithm: this.#algorithm,
      step,
      ...metrics,
      ...mixing,
      ...drift,
      ...counters,
    };
    this.rows.push(row);
    this.#onRow?.(row);
    this.models = taken.map((s) => s.params);
  }
}
