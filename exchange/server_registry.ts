/**
 * The registry of the federated server's aggregators (`mean`, the algorithm's own weighted
 * rule, first; then the robust `median`, `trimmed-mean`, `krum`, `multi-krum` and
 * `centered-clipping`), and how a run builds and checks its choice.
 *
 * @module
 */
import { z } from "zod";
import { type DefinitionSource, Registry } from "../definitions.ts";
import type { ServerAggregator, ServerAggregatorDefinition } from "./server_aggregate.ts";
import { serverMedianDefinition } from "./server_aggregators/median.ts";
import { serverTrimmedMeanDefinition } from "./server_aggregators/trimmed_mean.ts";
import { krumDefinition } from "./server_aggregators/krum.ts";
import { multiKrumDefinition } from "./server_aggregators/multi_krum.ts";
import { centeredClippingDefinition } from "./server_aggregators/centered_clipping.ts";

/** The default server aggregator's name: the algorithm's own aggregate, unchanged. */
export const MEAN_SERVER = "mean";

/**
 * The federated server's aggregators, by name: `mean` (the algorithm's own weighted rule)
 * first, then `median`, `trimmed-mean`, `krum`, `multi-krum` and `centered-clipping`.
 */
export const serverAggregators: Registry<ServerAggregatorDefinition> = new Registry<
  ServerAggregatorDefinition
>("server aggregator", [
  {
    name: MEAN_SERVER,
    description: "the algorithm's own rule: the weighted mean of the uploads (FedAvg, Fed-AMS)",
    parameters: z.strictObject({}),
    create: () => null,
  },
  serverMedianDefinition,
  serverTrimmedMeanDefinition,
  krumDefinition,
  multiKrumDefinition,
  centeredClippingDefinition,
] as ServerAggregatorDefinition[]);

/**
 * Adds a server aggregator (a user's own with a `module` that registers it, so Workers have
 * it too).
 *
 * @throws {RangeError} when the name is taken
 */
export function registerServerAggregator<P>(definition: ServerAggregatorDefinition<P>): void {
  serverAggregators.register(definition as unknown as ServerAggregatorDefinition);
}

/** Whether a run's server aggregator is a robust one (absent or `mean`: the algorithm's). */
export function isRobustServer(source: DefinitionSource | undefined): boolean {
  return source !== undefined && source.name !== MEAN_SERVER;
}

/** The run's server aggregator (one per run), or null for `mean` (or none given). */
export function serverAggregatorOf(source: DefinitionSource | undefined): ServerAggregator | null {
  if (!isRobustServer(source)) return null;
  return serverAggregators.get(source!.name).create(source!.params);
}

/** What the server aggregator refuses for `uploads` uploads per round, or null. */
export function serverAggregatorRefusal(
  source: DefinitionSource | undefined,
  uploads: number,
): string | null {
  if (!isRobustServer(source)) return null;
  const definition = serverAggregators.get(source!.name);
  return definition.check?.(source!.params, uploads) ?? null;
}
