/**
 * The registries of the exchange seam's encoders and aggregators, and how a run resolves its
 * choice of each once (fields validated, defaults filled in) into plain data that every
 * engine — and every Worker — builds the same stages from.
 *
 * @module
 */
import { z } from "zod";
import { entryBytes, type Precision } from "../vector.ts";
import type { Algorithm } from "../algorithms/algorithm.ts";
import { type Definition, type DefinitionSource, type Fields, Registry } from "../definitions.ts";
import {
  type AggregateContext,
  type Aggregator,
  type AggregatorDefinition,
  weightedSum,
} from "./aggregate.ts";
import { type Encoder, type EncoderDefinition, fullPrecision } from "./encode.ts";
import { clippedGossipDefinition } from "./aggregators/clipped_gossip.ts";
import { medianDefinition } from "./aggregators/median.ts";
import { trimmedMeanDefinition } from "./aggregators/trimmed_mean.ts";
import { qsgdEncoder } from "./encoders/qsgd.ts";
import { randomKEncoder } from "./encoders/random_k.ts";
import { signEncoder } from "./encoders/sign.ts";
import { topKEncoder } from "./encoders/top_k.ts";
import {
  type Attack,
  type AttackDefinition,
  byzantineNodes,
  type ByzantineSpec,
} from "./attack.ts";
import { alieAttack } from "./attacks/alie.ts";
import { gaussianAttack } from "./attacks/gaussian.ts";
import { ipmAttack } from "./attacks/ipm.ts";
import { labelFlipAttack } from "./attacks/label_flip.ts";
import { signFlipAttack } from "./attacks/sign_flip.ts";
import type { ServerAggregator } from "./server_aggregate.ts";
import { serverAggregatorOf, serverAggregators } from "./server_registry.ts";

/**
 * The encoders, by name: `full` (float64, unchanged; alias `none`) first, then the
 * compressors `top-k`, `random-k`, `qsgd` and `sign`.
 */
export const encoders: Registry<EncoderDefinition> = new Registry<EncoderDefinition>("encoder", [
  {
    name: "full",
    description:
      "full precision: every entry at the run's precision (8 bytes, 4 in float32), unchanged",
    parameters: z.strictObject({}),
    create: fullPrecision,
  },
  topKEncoder as unknown as EncoderDefinition,
  randomKEncoder as unknown as EncoderDefinition,
  qsgdEncoder as unknown as EncoderDefinition,
  signEncoder as unknown as EncoderDefinition,
], { aliases: { none: "full" } });

/**
 * The aggregators, by name: `weighted-sum` (Σ_k W_ik v_k) first, then the robust `trimmed-mean`,
 * `median` and `clipped-gossip`.
 */
export const aggregators: Registry<AggregatorDefinition> = new Registry<AggregatorDefinition>(
  "aggregator",
  [
    {
      name: "weighted-sum",
      description: "the weighted sum Σ_k W_ik v_k of the values received, in the route's order",
      parameters: z.strictObject({}),
      create: weightedSum,
    },
    trimmedMeanDefinition,
    medianDefinition,
    clippedGossipDefinition,
  ] as AggregatorDefinition[],
);

/**
 * The attacks of Byzantine nodes, by name: `sign-flip`, `gaussian`, `alie`, `ipm` forge what
 * a Byzantine node sends an honest receiver; `label-flip` poisons its training data.
 */
export const attacks: Registry<AttackDefinition> = new Registry<AttackDefinition>("attack", [
  signFlipAttack,
  gaussianAttack,
  alieAttack,
  ipmAttack,
  labelFlipAttack,
] as AttackDefinition[]);

/**
 * Adds an encoder (a user's own with a `module` that registers it, so Workers have it too).
 *
 * @throws {RangeError} when the name is taken
 */
export function registerEncoder<P>(definition: EncoderDefinition<P>): void {
  encoders.register(definition as unknown as EncoderDefinition);
}

/**
 * Adds an aggregator (a user's own with a `module` that registers it, so Workers have it too).
 *
 * @throws {RangeError} when the name is taken
 */
export function registerAggregator<P>(definition: AggregatorDefinition<P>): void {
  aggregators.register(definition as unknown as AggregatorDefinition);
}

/** A stage by registry name, with fields or without. */
export type StageChoice = string | { readonly name: string; readonly params?: Fields };

/**
 * A run's choice of encoder, aggregator and server aggregator; absent ones are `full`,
 * `weighted-sum` and `mean`.
 */
export interface ExchangeOptions {
  /** What goes on the wire, and its bytes. */
  readonly encoder?: StageChoice;
  /** What a node makes of the values it received. */
  readonly aggregator?: StageChoice;
  /** What a federated server makes of a round's uploads (`mean`: the algorithm's own rule). */
  readonly server?: StageChoice;
  /** Byzantine nodes: named ids or a seeded fraction, and their attack. None by default. */
  readonly byzantine?: {
    readonly nodes?: readonly number[];
    readonly fraction?: number;
    readonly attack: StageChoice;
  } | null;
}

/** A run's encoder and aggregator as plain data, resolved once. */
export interface ExchangeSources {
  /** The encoder's name, resolved fields and module. */
  readonly encoder: DefinitionSource;
  /** The aggregator's name, resolved fields and module. */
  readonly aggregator: DefinitionSource;
  /** The federated server's aggregator; absent or `mean`: the algorithm's own weighted rule. */
  readonly server?: DefinitionSource;
  /** The run's Byzantine nodes and their attack; null or absent: every node is honest. */
  readonly byzantine?: ByzantineSpec | null;
}

function choose(
  registry: Registry<Definition<unknown>>,
  choice: StageChoice | undefined,
  fallback: string,
) {
  const { name, params } = typeof choice === "string"
    ? { name: choice, params: {} }
    : choice ?? { name: fallback, params: {} };
  return registry.source(name, params ?? {});
}

/**
 * Resolves a run's encoder and aggregator (defaults filled in, fields validated).
 *
 * @throws {RangeError} naming an unknown stage or a bad field
 */
export function resolveExchange(options: ExchangeOptions = {}): ExchangeSources {
  const byzantine = options.byzantine;
  return {
    encoder: choose(encoders, options.encoder, "full"),
    aggregator: choose(aggregators, options.aggregator, "weighted-sum"),
    server: choose(serverAggregators, options.server, "mean"),
    ...(byzantine
      ? {
        byzantine: {
          ...(byzantine.nodes ? { nodes: [...byzantine.nodes] } : {}),
          ...(byzantine.fraction !== undefined ? { fraction: byzantine.fraction } : {}),
          attack: choose(attacks, byzantine.attack, "sign-flip"),
        },
      }
      : { byzantine: null }),
  };
}

/**
 * Every stage of a run that a user's module may register: the encoder, the aggregator, the
 * attack of its Byzantine nodes and the federated server's aggregator, where the run has them.
 */
export function stageSources(sources: ExchangeSources): DefinitionSource[] {
  const attack = sources.byzantine?.attack, server = sources.server;
  return [sources.encoder, sources.aggregator, ...(attack ? [attack] : [])].concat(
    server ? [server] : [],
  );
}

/** Imports the modules that register a user's stages (a Worker does, before building them). */
export async function importExchangeModules(sources: ExchangeSources): Promise<void> {
  for (const source of stageSources(sources)) {
    if (source.module) await import(source.module);
  }
}

/** One node's encoder and aggregator, built from the run's sources. */
export interface NodeStages {
  /** The node's encoder. */
  readonly encoder: Encoder;
  /** The node's aggregator. */
  readonly aggregator: Aggregator;
  /** The run's Byzantine nodes and their attack, when it has any. */
  readonly byzantine: Byzantine | null;
  /**
   * The federated server's robust aggregator (built on first use; the server's stages hold
   * one per run), or null for `mean`: the algorithm's own weighted rule.
   */
  readonly server?: ServerAggregator | null;
}

/** A run's Byzantine nodes as the engines use them. */
export interface Byzantine {
  /** The attack (one instance per stage set; attacks keep no state). */
  readonly attack: Attack;
  /** The Byzantine ids, ascending. */
  readonly nodes: readonly number[];
  /** Whether node `id` is Byzantine. */
  readonly is: (id: number) => boolean;
}

/** The Byzantine nodes of a run of `nodes` nodes seeded `seed`, or null for an honest run. */
export function runByzantine(
  sources: ExchangeSources,
  nodes: number,
  seed: number,
): Byzantine | null {
  const spec = sources.byzantine;
  if (!spec) return null;
  const ids = byzantineNodes(spec, nodes, seed), set = new Set(ids);
  const attack = attacks.get(spec.attack.name).create(spec.attack.params, seed);
  return { attack, nodes: ids, is: (id) => set.has(id) };
}

/**
 * Builds node `node`'s stages from the run's sources (`seed`: the run's, for encoders and
 * attacks; `byzantine`: the run's Byzantine nodes, from {@linkcode runByzantine}).
 */
export function nodeStages(
  sources: ExchangeSources,
  node: number,
  seed: number,
  byzantine: Byzantine | null = null,
): NodeStages {
  const { encoder, aggregator } = sources;
  let server: ServerAggregator | null | undefined;
  return {
    encoder: encoders.get(encoder.name).create(encoder.params, node, seed),
    aggregator: aggregators.get(aggregator.name).create(aggregator.params, node),
    byzantine,
    get server() {
      return server === undefined ? server = serverAggregatorOf(sources.server) : server;
    },
  };
}

/**
 * The bytes on the wire of one message of each node of a run, by its encoder: a neighbour
 * message (decentralized), or an upload, and the server's (node N) broadcast (federated).
 */
export function messageBytes(
  sources: ExchangeSources,
  algorithm: Algorithm,
  problem: { readonly nodes: number; readonly dim: number; readonly precision?: Precision },
): number[] {
  const dim = problem.dim, bytes = entryBytes(problem.precision);
  const length = algorithm.kind === "decentralized" && algorithm.channelLength
    ? (name: string) => algorithm.channelLength!(name, dim)
    : () => dim;
  const shape = (channels: readonly string[]) => ({
    vectors: channels.length,
    dim,
    entries: channels.reduce((sum, name) => sum + length(name), 0),
    entryBytes: bytes,
  });
  return Array.from({ length: problem.nodes + 1 }, (_, i) => {
    const channels = algorithm.kind === "decentralized"
      ? algorithm.channels
      : i === problem.nodes
      ? algorithm.broadcastChannels
      : algorithm.uploadChannels;
    // An encoder's bytes do not depend on the run's seed (only its draws do).
    return encoders.get(sources.encoder.name).create(sources.encoder.params, i, 0)
      .bytes(shape(channels));
  });
}

/** The default stages' sources (`full`, `weighted-sum`, server `mean`). */
export const DEFAULT_EXCHANGE: ExchangeSources = resolveExchange();

export type { AggregateContext, ByzantineSpec };
