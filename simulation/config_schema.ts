/**
 * The zod schema of a simulation config: every field, its range and its default. Registry
 * entries (algorithms, the problem, the topology, the exchange's stages) are only shaped
 * here; `resolve_config.ts` checks them against their registries. The documented types of
 * `config.ts` and this schema are one concept: the compiler holds them equal.
 *
 * @module
 */
import { z } from "zod";
import { MIXING_RULES } from "../topologies/mixing_spec.ts";
import type { Agrees } from "../_schema_agrees.ts";
import { BACKEND_NAMES } from "../problems/backend_names.ts";
import {
  EXECUTION_MODES,
  MAX_SECONDS,
  MISSING_POLICIES,
  scenarioSchema,
} from "../actors/scenario.ts";
import { AGGREGATION_WEIGHTINGS } from "../algorithms/federated_round.ts";
import type { SimulationConfig } from "./config.ts";

const int = (min: number) => z.number().int().min(min);
const matrix = z.array(z.array(z.number().finite()));
const fields = z.record(z.string(), z.unknown());

const mixingSchema = z.strictObject({
  rule: z.enum(MIXING_RULES).default("metropolis-hastings"),
  lazy: z.boolean().default(false),
  self: z.number().min(0).max(1).optional(),
  neighbor: z.number().min(0).max(1).optional(),
  matrix: matrix.optional(),
});

/** An algorithm as a config names it: a registry name, or `{ name, params }`. */
export const algorithmEntry = z.union([
  z.string(),
  z.strictObject({ name: z.string(), params: fields.default({}) }),
]);

/**
 * An exchange stage as a config names it: a registry name, or `{ name, params }` (a resolved
 * config also records the module that registered a user's own stage).
 */
const stageEntry = z.union([
  z.string(),
  z.strictObject({ name: z.string(), params: fields.default({}), module: z.string().optional() }),
]);

/** Byzantine nodes: named ids or a seeded fraction of the nodes, and their attack. */
const byzantineSchema = z.strictObject({
  nodes: z.array(int(0)).min(1).optional(),
  fraction: z.number().gt(0).lt(1).optional(),
  attack: stageEntry.default("sign-flip"),
}).refine((b) => (b.nodes === undefined) !== (b.fraction === undefined), {
  message: "give exactly one of nodes (ids) and fraction (of the nodes, seeded)",
});

/**
 * The exchange seam's stages: the encoder (`full` by default), aggregator (`weighted-sum`) and
 * federated server aggregator (`mean`: the algorithm's own rule), and the run's Byzantine
 * nodes (none by default).
 */
export const exchangeSchema = z.strictObject({
  encoder: stageEntry.default("full"),
  aggregator: stageEntry.default("weighted-sum"),
  server: stageEntry.default("mean"),
  byzantine: byzantineSchema.nullable().default(null),
});

/** The zod schema of a simulation config (defaults filled in by parsing). */
export const configSchema = z.strictObject({
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
  /** Who talks to whom at each step: a registered schedule `type` and its fields. */
  schedule: z.looseObject({ type: z.string().default("static") }).prefault({}),
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
  /** The exchange seam: what goes on the wire, and what a node makes of what it received. */
  exchange: exchangeSchema.prefault({}),
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

// The schema and the documented types are one concept: the compiler holds them equal (the
// registry entries aside, which resolve_config.ts resolves against their registries).
type Resolved = "algorithms" | "problem" | "topology" | "exchange" | "schedule";
const _configAgrees: Agrees<
  Omit<SimulationConfig, Resolved>,
  Omit<z.output<typeof configSchema>, Resolved>
> = true;
