/**
 * gossim: decentralized and federated optimization, simulated. Every algorithm is written once
 * as per-node code and runs on the sequential engine (all nodes in one thread, the exact
 * oracle) or, node by node, as actors under a seeded network model.
 *
 * - {@linkcode runSimulation} runs a config (validated by {@linkcode configSchema}).
 * - Topologies ({@linkcode ringTopology}, {@linkcode erdosRenyiTopology}, …) and mixing rules
 *   ({@linkcode metropolisHastings}, …) with {@linkcode validateMixing} and
 *   {@linkcode spectralAnalysis}.
 * - The algorithm registry ({@linkcode listAlgorithms}, {@linkcode createAlgorithm},
 *   {@linkcode registerAlgorithm}) and {@linkcode decentralize}, which turns any second-moment
 *   rule into a decentralized adaptive method (seed 000, Algorithm 2).
 * - Problems ({@linkcode createProblem}, {@linkcode loadProblem}): quadratics, least squares,
 *   logistic regression, and a registry ({@linkcode registerProblem}) for a user's own.
 * - The exchange seam every message passes through: a {@linkcode Route} (who hears from whom
 *   at step t; {@linkcode staticRoute} of W), an {@linkcode Encoder} (what goes on the wire and
 *   its exact bytes; {@linkcode registerEncoder}) and an {@linkcode Aggregator} (what a node
 *   makes of the values it received; {@linkcode registerAggregator}).
 * - The engines: {@linkcode runDecentralized} and {@linkcode runFederated} (sequential, exact)
 *   and {@linkcode runActors} (Workers under the network model).
 *
 * This is the stable public surface. The engines' internals (the node iteration template,
 * the vector memory, the supervisor, the transports, the command protocol) are exported from
 * `@gossim/gossim/unstable` for advanced use, and may change between minor versions.
 *
 * @example Decentralized AMSGrad against DADAM on a 5-node ring
 * ```ts
 * import assert from "node:assert/strict";
 * import { runSimulation } from "./mod.ts";
 *
 * const result = await runSimulation({
 *   algorithms: ["decentralized-amsgrad", "dadam"],
 *   nodes: 5,
 *   topology: { type: "ring" },
 *   problem: { type: "logistic", dim: 10 },
 *   steps: 50,
 *   seed: 1,
 * });
 * assert.equal(result.runs.length, 2);
 * assert.ok(result.runs[0].rows.at(-1)!.loss < Math.log(2));
 * ```
 *
 * @module
 */
export * from "./simulation/mod.ts";
export * from "./definitions.ts";
export * from "./algorithms/algorithm.ts";
export * from "./algorithms/registry.ts";
export * from "./algorithms/consensus_sgd.ts";
export * from "./algorithms/decentralized_adaptive.ts";
export * from "./algorithms/federated.ts";
export * from "./algorithms/fedbuff.ts";
export * from "./algorithms/gradient_tracking.ts";
export * from "./algorithms/exact_diffusion.ts";
export * from "./algorithms/push_sum.ts";
export * from "./algorithms/choco_sgd.ts";
export * from "./algorithms/mixing_requirements.ts";
export {
  AGGREGATION_WEIGHTINGS,
  type AggregationWeighting,
  type FederatedRounds,
} from "./algorithms/federated_round.ts";
export {
  DivergenceError,
  type NodeFailureData,
  NodeFailureError,
} from "./algorithms/node_failure.ts";
export * from "./exchange/mod.ts";
export * from "./metrics/rows.ts";
export * from "./metrics/events.ts";
export * from "./metrics/evaluate.ts";
export * from "./metrics/report.ts";
export * from "./metrics/plot.ts";
export * from "./metrics/run_plots.ts";
export * from "./metrics/trajectory.ts";
export * from "./metrics/progress.ts";
export * from "./metrics/mixing_probe.ts";
export * from "./topologies/mod.ts";
export * from "./problems/mod.ts";
export { Rng } from "./random.ts";
export * from "./vector.ts";
export type { SchemaIssue } from "./_describe_issue.ts";
export { type ActorRunOptions, type ActorRunResult, runActors } from "./actors/engine.ts";
export { ActorPool } from "./actors/supervisor.ts";
export {
  type Distribution,
  EXECUTION_MODES,
  type ExecutionMode,
  type LinkOverride,
  MISSING_POLICIES,
  type MissingPolicy,
  type PartitionWindow,
  type RandomPartitions,
  sampleDuration,
  type Scenario,
} from "./actors/scenario.ts";
export type { LinkTraffic, NetworkCounters } from "./actors/network.ts";
