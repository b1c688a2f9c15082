/**
 * The simulation config: one plain-data description of a run (topology, mixing rule,
 * algorithms and their hyper-parameters, problem, exchange stages, engine, steps, seed),
 * validated before anything runs (`resolveConfig`, in `resolve_config.ts`). Every error names
 * its JSON path, the bad value and what was expected. The documented types here and the zod
 * schema of `config_schema.ts` are one concept: the compiler holds them equal.
 *
 * @module
 */
import type { MixingSpec } from "../topologies/mixing_spec.ts";
import type { ProblemSource } from "../problems/registry.ts";
import type { ExecutionMode, MissingPolicy, Scenario } from "../actors/scenario.ts";
import type { FederatedRounds } from "../algorithms/federated_round.ts";
import type { ExchangeSources } from "../exchange/registry.ts";
import type { ScheduleSpec } from "../exchange/schedule_registry.ts";

/** One algorithm of a resolved config, with every hyper-parameter filled in. */
export interface ResolvedAlgorithm {
  /** Registry name. */
  name: string;
  /** Validated hyper-parameters with defaults. */
  params: Record<string, unknown>;
}

/**
 * The graph of a config: a registered topology type and its own fields, resolved by the
 * type's schema (`listTopologies()` documents each); `nodes` and `seed` come from the
 * config's top level.
 */
export interface TopologyConfig {
  /** ring (default), path, complete, star, torus, grid, hypercube, erdos-renyi, … */
  type: string;
  /** Custom: an edge-list file (N, then one `a b` pair per line), read before building. */
  file?: string;
  /** The type's other fields, e.g. a torus's `rows` and `cols`. */
  [field: string]: unknown;
}

/** Federated rounds as a resolved config holds them (local epochs null when unset). */
export type FederatedConfig = FederatedRounds & { localEpochs: number | null };

/** A validated config with every default filled in. */
export interface SimulationConfig {
  /** A label for the run. */
  name: string;
  /** The algorithms to run on the same scenario. */
  algorithms: ResolvedAlgorithm[];
  /** Number of nodes N (clients, for federated algorithms). */
  nodes: number;
  /** The communication graph. */
  topology: TopologyConfig;
  /** The mixing rule W. */
  mixing: MixingSpec & { lazy: boolean };
  /** The objective and its data: a registered problem's resolved spec. */
  problem: ProblemSource["spec"];
  /** Iterations, or rounds for federated algorithms. */
  steps: number;
  /** Evaluate every this many steps (and after the last). */
  evalEvery: number;
  /** The run's seed: every random choice flows from it. */
  seed: number;
  /** `sequential` (one thread, exact) or `actors` (a Worker per group of nodes, scheduler). */
  engine: "sequential" | "actors";
  /** Tensor backend of neural-network problems (each Worker initialises it once). */
  backend: "wasm" | "cpu" | "tensorflow" | "tensorflow-gpu" | "webgpu";
  /** Actor engine: number of Workers (null = one per core, at most one per node). */
  workers: number | null;
  /** Actor engine: sync, async or bounded. */
  mode: ExecutionMode;
  /** Actor engine: barrier/round deadline and bound of bounded waits (virtual seconds). */
  timeout: number;
  /** Actor engine, sync mode: what a missing neighbour value becomes. */
  missing: MissingPolicy;
  /** Actor engine, bounded mode: how many steps a neighbour may lag. */
  staleness: number;
  /** Actor engine: the network and fault model. */
  network: Scenario;
  /**
   * Who talks to whom at each step: `static` (the topology under its mixing rule, the
   * default) or a schedule of its own (`one-peer-exponential`, `random-matching`, directed
   * graphs, …), its type and resolved fields.
   */
  schedule: ScheduleSpec;
  /**
   * The exchange seam's stages, each its registry name, resolved fields and (for a user's
   * own) the module that registers it: the encoder (what goes on the wire, and its bytes;
   * default `full`) and the aggregator (what a node makes of the values it received; default
   * `weighted-sum`).
   */
  exchange: ExchangeSources;
  /** Federated rounds. */
  federated: FederatedConfig;
  /** Output directory, or null for none. */
  out: string | null;
  /** Replace an earlier gossim run in `out` (never a directory holding other files). */
  overwrite: boolean;
  /** Actor engine: write every scheduler event to this file as JSONL, or null. */
  events: string | null;
  /** Run every algorithm for seeds seed, seed + 1, …, seed + repeat − 1; report mean ± std. */
  repeat: number;
  /** A hyper-parameter grid (e.g. α over {1e-1 … 1e-6}); the best value per algorithm wins. */
  sweep: SweepConfig | null;
}

/** A hyper-parameter grid and how to pick its best value. */
export interface SweepConfig {
  /** The hyper-parameter to vary (default `alpha`). */
  param: string;
  /** Its values. */
  values: number[];
  /** The final metric that decides (default `loss`). */
  metric: "loss" | "accuracy" | "gradNormSq" | "consensusDistance";
  /** `min` or `max` (default: max for accuracy, min otherwise). */
  goal?: "min" | "max";
}

/** A config as a user writes it: any field may be left out and takes its default. */
export type SimulationInput = { [K in keyof SimulationConfig]?: unknown };

/** Bad input: the message lists every problem, each naming its JSON path. */
export class ConfigError extends Error {
  /** One line per problem: `path = value: what was expected`. */
  readonly problems: string[];
  /**
   * Collects the problems into one message.
   *
   * @param problems one line per problem
   */
  constructor(problems: string[]) {
    super(`Invalid config:\n  ${problems.join("\n  ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}
