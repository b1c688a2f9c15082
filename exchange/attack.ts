/**
 * Byzantine nodes (ALGORITHMS.md §11): which nodes lie and how. A Byzantine node runs the
 * honest method on its own state and follows the schedule like any node; what an honest
 * receiver gets from it is forged where the receiver aggregates, because the papers' attackers
 * are omniscient: `alie` and `ipm` are functions of the honest values that receiver holds in
 * that same aggregate (its own included), which no sender sees. Messages between Byzantine
 * nodes stay honest. A data attack (`label-flip`) forges nothing: the node trains on poisoned
 * labels and sends honestly.
 *
 * Forging touches a message's full-length vector channels (the model's dimension d); shorter
 * channels (push-sum's weight) and the engine's probe pass unchanged.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import type { Payload } from "../algorithms/algorithm.ts";
import type { Definition, DefinitionSource } from "../definitions.ts";
import { PROBE_CHANNEL } from "../metrics/mixing_probe.ts";
import { Rng } from "../random.ts";

/** What a forged message depends on besides the values. */
export interface ForgeContext {
  /** The honest receiver. */
  readonly receiver: number;
  /** The Byzantine sender. */
  readonly sender: number;
  /** The sender's step (a federated round for uploads). */
  readonly t: number;
  /** The exchange round within the iteration (0 for uploads). */
  readonly round: number;
  /** The channel forged. */
  readonly channel: string;
  /** n: the values in the receiver's aggregate (its neighbourhood with itself). */
  readonly n: number;
  /** f: how many of them come from Byzantine senders. */
  readonly f: number;
}

/** The coordinate-wise mean μ and population standard deviation σ of the honest values. */
export interface HonestMoments {
  /** μ. */
  readonly mean: Vector;
  /** σ (ddof 0). */
  readonly std: Vector;
}

/** Forges what a Byzantine sender's message says to one honest receiver. */
export interface Attack {
  /** The registry name. */
  readonly name: string;
  /** True for data attacks: the node's labels are poisoned and its messages left honest. */
  readonly poisonsData: boolean;
  /**
   * Writes into `out` the forged vector of one channel: `sent` is what the sender would
   * honestly send, `moments` (computed on first use) the honest values' μ and σ.
   */
  forge(
    out: Vector,
    sent: Vector,
    moments: () => HonestMoments,
    context: ForgeContext,
  ): void;
}

/**
 * A registered attack: its fields and its factory.
 *
 * @typeParam P its validated fields
 */
export interface AttackDefinition<P = Record<string, unknown>> extends Definition<P> {
  /** The attack of a run seeded with `seed` (attacks that draw use streams of that seed). */
  create(fields: P, seed: number): Attack;
  /**
   * What the attack refuses before the run, given a receiver's neighbourhood size with itself
   * `n` and its Byzantine neighbours `f`: a reason, or null when it can run.
   */
  check?(fields: P, n: number, f: number): string | null;
}

/** A run's Byzantine nodes, as plain data: the ids, or a seeded fraction, and the attack. */
export interface ByzantineSpec {
  /** The Byzantine node ids, when named. */
  readonly nodes?: readonly number[];
  /** Else the fraction of the N nodes drawn from the stream `byzantine` (⌊fraction · N⌉). */
  readonly fraction?: number;
  /** The attack's name, resolved fields and module. */
  readonly attack: DefinitionSource;
}

/**
 * The Byzantine node ids of a run of `nodes` nodes seeded with `seed`, ascending: the named
 * ones, or round(fraction · N) drawn without replacement from the stream `byzantine`.
 */
export function byzantineNodes(spec: ByzantineSpec, nodes: number, seed: number): number[] {
  if (spec.nodes) return [...spec.nodes].sort((a, b) => a - b);
  const count = Math.round((spec.fraction ?? 0) * nodes);
  const order = new Rng(seed, "byzantine").shuffle(Array.from({ length: nodes }, (_, i) => i));
  return order.slice(0, count).sort((a, b) => a - b);
}

/** μ and σ (ddof 0) of `vectors` of `d` entries, coordinate-wise (none: both zero). */
export function honestMoments(vectors: readonly Vector[], d: number): HonestMoments {
  const n = vectors.length;
  const mean = new Float64Array(d), std = new Float64Array(d);
  for (const v of vectors) for (let k = 0; k < d; k++) mean[k] += v[k];
  if (!n) return { mean, std };
  for (let k = 0; k < d; k++) mean[k] /= n;
  for (const v of vectors) {
    for (let k = 0; k < d; k++) std[k] += (v[k] - mean[k]) ** 2;
  }
  for (let k = 0; k < d; k++) std[k] = Math.sqrt(std[k] / n);
  return { mean, std };
}

/** Where one aggregate happens, for forging: the receiver, the step and the round. */
export interface ForgeSite {
  /** The honest receiver. */
  readonly receiver: number;
  /** The step (or federated round). */
  readonly t: number;
  /** The exchange round (0 for uploads). */
  readonly round: number;
}

/**
 * The values an honest receiver aggregates, with the messages of Byzantine senders forged:
 * `values[k]` came from `senders[k]`; `byzantine` says who lies. Returns `values` itself when
 * no sender lies (or the attack only poisons data); forged messages are fresh payloads.
 */
export function forgeValues(
  attack: Attack,
  values: readonly Payload[],
  senders: ArrayLike<number>,
  byzantine: (node: number) => boolean,
  site: ForgeSite,
): readonly Payload[] {
  if (attack.poisonsData || byzantine(site.receiver)) return values;
  const lying: number[] = [];
  for (let k = 0; k < values.length; k++) if (byzantine(senders[k])) lying.push(k);
  if (!lying.length) return values;
  const honest = values.filter((_, k) => !byzantine(senders[k]));
  const forged = values.slice();
  for (const k of lying) forged[k] = { ...values[k] };
  const channels = Object.keys(values[0]).filter((name) => name !== PROBE_CHANNEL);
  const dim = Math.max(0, ...channels.map((name) => values[0][name].length));
  for (const channel of channels) {
    if (values[0][channel].length !== dim) continue;
    let moments: HonestMoments | null = null;
    const lazy = () => moments ??= honestMoments(honest.map((value) => value[channel]), dim);
    for (const k of lying) {
      const out = new Float64Array(dim);
      const context = {
        ...site,
        sender: senders[k],
        channel,
        n: values.length,
        f: lying.length,
      };
      attack.forge(out, values[k][channel], lazy, context);
      forged[k][channel] = out;
    }
  }
  return forged;
}
