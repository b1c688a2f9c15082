/**
 * The network and fault model of an actor run, as validated plain data. Every field is
 * documented with its unit (virtual seconds, bytes) and distribution; every random decision
 * is one small named function fed by a seeded stream.
 *
 * @module
 */
import { z } from "zod";
import type { Rng } from "../random.ts";
import type { Agrees } from "../_schema_agrees.ts";

/** The longest duration a scenario may name (about 31.7 years): virtual time stays finite. */
export const MAX_SECONDS = 1e9;

const seconds = z.number().min(0).max(MAX_SECONDS);
const probability = z.number().min(0).max(1);

/** A distribution of a duration in virtual seconds. */
export const distributionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("constant"), value: seconds }),
  z.strictObject({ type: z.literal("uniform"), min: seconds, max: seconds }).refine(
    (d) => d.min <= d.max,
    { message: "min must be ≤ max", path: ["max"] },
  ),
  z.strictObject({ type: z.literal("exponential"), mean: seconds }),
  z.strictObject({
    type: z.literal("lognormal"),
    /** Mean of the underlying normal (of ln seconds). */
    mu: z.number().min(-50).max(20),
    /** Standard deviation of the underlying normal. */
    sigma: z.number().min(0).max(10),
  }),
  z.strictObject({
    type: z.literal("pareto"),
    /** The minimum value x_m (seconds). */
    scale: z.number().positive().max(MAX_SECONDS),
    /** The tail index α ≥ 0.1 (heavier tails overflow a double). */
    shape: z.number().min(0.1).max(1e6),
  }),
]);

/**
 * A duration distribution: `constant` (value), `uniform` (min, max), `exponential` (mean),
 * `lognormal` (mu, sigma of ln seconds) or `pareto` (scale x_m, shape α); all in seconds.
 */
export type Distribution =
  | { type: "constant"; value: number }
  | { type: "uniform"; min: number; max: number }
  | { type: "exponential"; mean: number }
  | { type: "lognormal"; mu: number; sigma: number }
  | { type: "pareto"; scale: number; shape: number };

/** Draws one duration (seconds) from a distribution. */
export function sampleDuration(distribution: Distribution, rng: Rng): number {
  switch (distribution.type) {
    case "constant":
      return distribution.value;
    case "uniform":
      return rng.uniform(distribution.min, distribution.max);
    case "exponential":
      return rng.exponential(distribution.mean);
    case "lognormal":
      return Math.exp(distribution.mu + distribution.sigma * rng.normal());
    case "pareto":
      return distribution.scale / Math.pow(1 - rng.next(), 1 / distribution.shape);
  }
}

const linkOverride = z.strictObject({
  from: z.number().int().min(0),
  to: z.number().int().min(0),
  /** Apply to both directions (default true). */
  symmetric: z.boolean().default(true),
  latency: distributionSchema.optional(),
  bandwidth: z.number().min(1).max(1e15).nullable().optional(),
  dropProbability: probability.optional(),
});

const partitionWindow = z.strictObject({
  /** Start of the window (virtual seconds). */
  start: seconds,
  /** End of the window (virtual seconds). */
  end: seconds,
  /** The nodes on one side; every other node is on the other side. */
  nodes: z.array(z.number().int().min(0)).min(1),
  /** Only messages from `nodes` to the rest are cut (default: both directions). */
  oneWay: z.boolean().default(false),
}).refine((w) => w.start <= w.end, { message: "start must be ≤ end", path: ["end"] });

/** The network and fault model; every field has a default (a perfect, fast network). */
export const scenarioSchema = z.strictObject({
  /** One-way link latency (seconds). */
  latency: distributionSchema.default({ type: "constant", value: 0.001 }),
  /** Link bandwidth in bytes/s: a message takes size/bandwidth more; null = infinite. */
  bandwidth: z.number().min(1).max(1e15).nullable().default(null),
  /** Probability that a message is lost. */
  dropProbability: probability.default(0),
  /**
   * Probability that a delivered message is also replayed (sent twice: counted, its bytes
   * paid twice, arriving at the earlier of two draws; receivers de-duplicate, so an algorithm
   * sees each message once).
   */
  duplicateProbability: probability.default(0),
  /** Messages in flight on one directed link past which new ones are dropped; null = ∞. */
  linkCapacity: z.number().int().positive().nullable().default(null),
  /** Per-link overrides of latency, bandwidth and drop probability. */
  links: z.array(linkOverride).default([]),
  /** Temporary link outages: each send may clog its link for an exponential duration. */
  clog: z.strictObject({
    /** Probability that a send clogs its (unclogged) link. */
    probability,
    /** Mean clog duration (seconds, exponential); messages wait until it clears. */
    durationMean: seconds,
  }).nullable().default(null),
  /** Scheduled partitions between node sets over time windows. */
  partitions: z.array(partitionWindow).default([]),
  /** Random partitions that form and heal (checked every `stability` seconds). */
  randomPartitions: z.strictObject({
    /** `isolate-single` cuts one random node off; `uniform-split` a random subset. */
    mode: z.enum(["isolate-single", "uniform-split"]),
    /** Probability that a partition forms at a check while none is active. */
    probability,
    /** Probability that an active partition heals at a check. */
    healProbability: probability,
    /** Minimum time (seconds) between changes: the check interval. */
    stability: z.number().positive().max(MAX_SECONDS),
    /** Both directions cut (default) or only from the cut-off side outward. */
    symmetric: z.boolean().default(true),
  }).nullable().default(null),
  /** Local-step compute time (seconds). */
  compute: distributionSchema.default({ type: "constant", value: 0.01 }),
  /** Nodes whose compute time is multiplied by `slowdown`. */
  stragglers: z.strictObject({
    nodes: z.array(z.number().int().min(0)),
    slowdown: z.number().min(1).max(1e6),
  }).default({ nodes: [], slowdown: 1 }),
  /** Crash-stop at `at` (seconds); with `rejoin`, the node resumes from its state then. */
  crashes: z.array(z.strictObject({
    node: z.number().int().min(0),
    at: seconds,
    rejoin: seconds.nullable().default(null),
  })).default([]),
});

/** The network and fault model of an actor run (see the schema for units and defaults). */
export interface Scenario {
  /** One-way link latency (seconds). */
  latency: Distribution;
  /** Bytes/s, or null for infinite. */
  bandwidth: number | null;
  /** Probability that a message is lost. */
  dropProbability: number;
  /** Probability that a delivered message is replayed. */
  duplicateProbability: number;
  /** In-flight messages per directed link past which sends are dropped; null = ∞. */
  linkCapacity: number | null;
  /** Per-link overrides. */
  links: LinkOverride[];
  /** Temporary link outages. */
  clog: { probability: number; durationMean: number } | null;
  /** Scheduled partitions. */
  partitions: PartitionWindow[];
  /** Random partitions. */
  randomPartitions: RandomPartitions | null;
  /** Local-step compute time. */
  compute: Distribution;
  /** Straggler set and slowdown factor. */
  stragglers: { nodes: number[]; slowdown: number };
  /** Crash/rejoin schedule. */
  crashes: { node: number; at: number; rejoin: number | null }[];
}

/** A per-link override. */
export interface LinkOverride {
  /** Sender. */
  from: number;
  /** Receiver. */
  to: number;
  /** Apply to both directions. */
  symmetric: boolean;
  /** Latency on this link. */
  latency?: Distribution;
  /** Bandwidth on this link (bytes/s, null = ∞). */
  bandwidth?: number | null;
  /** Drop probability on this link. */
  dropProbability?: number;
}

/** A partition during [start, end] between `nodes` and the rest. */
export interface PartitionWindow {
  /** Window start (seconds). */
  start: number;
  /** Window end (seconds). */
  end: number;
  /** One side of the cut. */
  nodes: number[];
  /** Cut only messages from `nodes` outward. */
  oneWay: boolean;
}

/** Random partitions (TigerBeetle-style). */
export interface RandomPartitions {
  /** Isolate one node, or split uniformly at random. */
  mode: "isolate-single" | "uniform-split";
  /** Formation probability per check. */
  probability: number;
  /** Healing probability per check. */
  healProbability: number;
  /** Check interval = minimum stability (seconds). */
  stability: number;
  /** Both directions or one way. */
  symmetric: boolean;
}

// The schema and the documented types above are one concept: the compiler holds them equal.
const _scenarioAgrees: Agrees<Scenario, z.output<typeof scenarioSchema>> = true;

/** The ways the actor engine may run a decentralized algorithm (the first is the default). */
export const EXECUTION_MODES = ["sync", "async", "bounded"] as const;

/** How the actor engine runs a decentralized algorithm. */
export type ExecutionMode = typeof EXECUTION_MODES[number];

/** What a missing neighbour value may become (the first is the default). */
export const MISSING_POLICIES = ["stale", "self", "renormalize", "drop"] as const;

/** What a node does in `sync` mode when a neighbour's message is missing at the deadline. */
export type MissingPolicy = typeof MISSING_POLICIES[number];
