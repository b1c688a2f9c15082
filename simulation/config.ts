/**
 * The simulation config: one plain-data description of a run (topology, mixing rule,
 * algorithms and their hyper-parameters, problem, engine, steps, seed), validated with zod
 * before anything runs. Every error names its JSON path, the bad value and what was expected.
 * The config's types are the schema's output: one definition per concept.
 *
 * @module
 */
import { z } from "zod";
import { describeIssue } from "../_describe_issue.ts";
import { getAlgorithm, resolveHyperparameters } from "../algorithms/registry.ts";
import { checkTopology } from "../topologies/registry.ts";
import { MIXING_RULES, type MixingSpec } from "../topologies/mixing_spec.ts";
import type { Agrees } from "../_schema_agrees.ts";
import { deepFreeze } from "../_deep_freeze.ts";
import { contradictions, ignoredFields } from "./config_checks.ts";
import {
  getProblem,
  listProblems,
  type ProblemSource,
  resolvedProblemSpec,
} from "../problems/registry.ts";
import { BACKEND_NAMES } from "../problems/backend_names.ts";
import {
  EXECUTION_MODES,
  type ExecutionMode,
  MAX_SECONDS,
  MISSING_POLICIES,
  type MissingPolicy,
  type Scenario,
  scenarioSchema,
} from "../actors/scenario.ts";
import { AGGREGATION_WEIGHTINGS, type FederatedRounds } from "../algorithms/federated_round.ts";

const int = (min: number) => z.number().int().min(min);
const matrix = z.array(z.array(z.number().finite()));

const mixingSchema = z.strictObject({
  rule: z.enum(MIXING_RULES).default("metropolis-hastings"),
  lazy: z.boolean().default(false),
  self: z.number().min(0).max(1).optional(),
  neighbor: z.number().min(0).max(1).optional(),
  matrix: matrix.optional(),
});

const algorithmEntry = z.union([
  z.string(),
  z.strictObject({ name: z.string(), params: z.record(z.string(), z.unknown()).default({}) }),
]);

/** The zod schema of a simulation config (defaults filled in by parsing). */
const configSchema = z.strictObject({
  /** A label for the run. */
  name: z.string().default("run"),
  /** The algorithms to run on the same scenario: names, or `{ name, params }`. */
  algorithms: z.array(algorithmEntry).min(1).default(["decentralized-amsgrad", "dadam"]),
  /** Number of nodes N (clients, for federated algorithms). */
  nodes: int(2).max(100_000).default(5),
  /** The communication graph: a registered topology `type` and its fields. */
  topology: z.looseObject({ type: z.string().default("ring") }).prefault({}),
  /** The mixing rule W. */
  mixing: mixingSchema.prefault({}),
  /** The objective and its data: a registered problem `type` and its fields. */
  problem: z.looseObject({ type: z.string() }).prefault({ type: "logistic" }),
  /** Iterations, or rounds for federated algorithms. */
  steps: int(1).max(10_000_000).default(200),
  /** Evaluate every this many steps (and after the last). */
  evalEvery: int(1).default(10),
  /** The run's seed: every random choice flows from it. */
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  /** `sequential` (one thread, exact) or `actors` (a Worker per group of nodes, scheduler). */
  engine: z.enum(["sequential", "actors"]).default("sequential"),
  /** Tensor backend of neural-network problems (each Worker initialises it once). */
  backend: z.enum(BACKEND_NAMES).default("wasm"),
  /** Actor engine: number of Workers (null = one per core, at most one per node). */
  workers: int(1).max(1024).nullable().default(null),
  /** Actor engine: sync, async or bounded. */
  mode: z.enum(EXECUTION_MODES).default("sync"),
  /** Actor engine: barrier/round deadline and bound of bounded waits (virtual seconds). */
  timeout: z.number().positive().max(MAX_SECONDS).default(1),
  /** Actor engine, sync mode: what a missing neighbour value becomes. */
  missing: z.enum(MISSING_POLICIES).default("stale"),
  /** Actor engine, bounded mode: how many steps a neighbour may lag. */
  staleness: int(0).default(2),
  /** Actor engine: the network and fault model. */
  network: scenarioSchema.prefault({}),
  /** Federated rounds: local steps (or epochs), participation and aggregation weights. */
  federated: z.strictObject({
    localSteps: int(1).default(1),
    localEpochs: int(1).max(1000).nullable().default(null),
    participation: z.number().gt(0).max(1).default(1),
    weighting: z.enum(AGGREGATION_WEIGHTINGS).default("uniform"),
  }).prefault({}),
  /** Output directory, or null for none. */
  out: z.string().min(1).nullable().default(null),
  /** Replace an earlier gossim run in `out` (never a directory holding other files). */
  overwrite: z.boolean().default(false),
  /** Actor engine: write every scheduler event to this file as JSONL, or null. */
  events: z.string().min(1).nullable().default(null),
  /** Run every algorithm for seeds seed, seed + 1, …, seed + repeat − 1; report mean ± std. */
  repeat: int(1).max(1000).default(1),
  /** A hyper-parameter grid (e.g. α over {1e-1 … 1e-6}); the best value per algorithm wins. */
  sweep: z.strictObject({
    param: z.string().min(1).default("alpha"),
    values: z.array(z.number().finite()).min(1),
    metric: z.enum(["loss", "accuracy", "gradNormSq", "consensusDistance"]).default("loss"),
    goal: z.enum(["min", "max"]).optional(),
  }).nullable().default(null),
}).superRefine((config, context) => {
  const check = (path: (string | number)[], node: number) => {
    if (node >= config.nodes) {
      context.addIssue({
        code: "custom",
        path,
        message: `node ${node} does not exist: nodes are 0 … ${config.nodes - 1}`,
      });
    }
  };
  const network = config.network;
  network.stragglers.nodes.forEach((node, i) => check(["network", "stragglers", "nodes", i], node));
  network.crashes.forEach((crash, i) => check(["network", "crashes", i, "node"], crash.node));
  network.partitions.forEach((window, i) =>
    window.nodes.forEach((node, k) => check(["network", "partitions", i, "nodes", k], node))
  );
  network.links.forEach((link, i) => {
    check(["network", "links", i, "from"], link.from);
    check(["network", "links", i, "to"], link.to);
  });
});

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

// The schema and the documented types above are one concept: the compiler holds them equal.
const _configAgrees: Agrees<
  Omit<SimulationConfig, "algorithms" | "problem" | "topology">,
  Omit<z.output<typeof configSchema>, "algorithms" | "problem" | "topology">
> = true;

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

/** The problem's spec checked against its registered type's schema, defaults filled in. */
function resolveProblem(
  input: { type: string } & Record<string, unknown>,
  problems: string[],
): ProblemSource["spec"] | null {
  let definition;
  try {
    definition = getProblem(input.type);
  } catch {
    const known = listProblems().map((d) => d.name).join(", ");
    problems.push(`problem.type = ${JSON.stringify(input.type)}: expected one of ${known}`);
    return null;
  }
  const { type: _type, ...fields } = input;
  if ("backend" in fields) {
    problems.push(`problem.backend: unknown field; set the config's top-level "backend"`);
    return null;
  }
  const parsed = definition.parameters.safeParse(fields);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => describeIssue(fields, issue, "problem")));
    return null;
  }
  return resolvedProblemSpec({
    type: definition.name,
    ...(parsed.data as Record<string, unknown>),
  });
}

/** The topology checked against its registered type's schema, defaults filled in. */
function resolveTopology(raw: unknown, problems: string[]): TopologyConfig | null {
  const input = raw as { type?: unknown } | undefined;
  // A topology that is not an object, or whose type is not a string, the schema reported.
  if (typeof input?.type !== "string") return input === undefined ? { type: "ring" } : null;
  const check = checkTopology(input as { type: string });
  problems.push(...check.problems);
  return check.spec;
}

/**
 * Validates a user's config and fills in every default. A run directory's `config.json`
 * (resolved, with gossim's `version`) is accepted as it is, so any run can be rerun.
 *
 * @param input the parsed JSON (or an object built in code)
 * @returns the resolved config
 * @throws {ConfigError} listing every problem at once
 */
export function resolveConfig(given: SimulationInput | unknown): SimulationConfig {
  // A config this process resolved (and froze) is not validated again.
  if (resolved.has(given as object)) return given as SimulationConfig;
  // A run directory's config.json records gossim's version beside the resolved fields: every
  // field is present there because it was resolved, not because a user set it.
  const recorded = typeof (given as { version?: unknown })?.version === "string";
  const input = recorded ? withoutVersion(given as Record<string, unknown>) : given;
  const parsed = configSchema.safeParse(input);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => describeIssue(input, issue));
  const entries = parsed.success
    ? parsed.data.algorithms
    : algorithmEntry.array().safeParse((input as { algorithms?: unknown })?.algorithms).data ?? [];
  const algorithms = entries.flatMap((entry, index) => {
    const name = typeof entry === "string" ? entry : entry.name;
    const params = typeof entry === "string" ? {} : entry.params;
    try {
      const canonical = getAlgorithm(name).name;
      return [{ name: canonical, params: resolveHyperparameters(canonical, params) }];
    } catch (error) {
      problems.push(`algorithms.${index}: ${(error as Error).message}`);
      return [];
    }
  });
  const raw = parsed.success ? parsed.data.problem : (input as { problem?: unknown })?.problem;
  const problem = typeof (raw as { type?: unknown })?.type === "string"
    ? resolveProblem(raw as { type: string }, problems)
    : null;
  const topology = resolveTopology(
    parsed.success ? parsed.data.topology : (input as { topology?: unknown })?.topology,
    problems,
  );
  if (problems.length || !parsed.success || !problem || !topology) {
    throw new ConfigError(problems);
  }
  const config: SimulationConfig = { ...parsed.data, algorithms, problem, topology };
  defaults ??= configSchema.parse({});
  problems.push(
    ...contradictions(config),
    ...(recorded ? [] : ignoredFields(input, config, defaults)),
  );
  if (problems.length) throw new ConfigError(problems);
  resolved.add(deepFreeze(config));
  return config;
}

/** The configs this process resolved: frozen, so they stay valid. */
const resolved = new WeakSet<object>();

/** The resolved config of `{}`: what "not set" means for a field. */
let defaults: unknown;

function withoutVersion(config: Record<string, unknown>): Record<string, unknown> {
  const { version: _version, ...rest } = config;
  return rest;
}
