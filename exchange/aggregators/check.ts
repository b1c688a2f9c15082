/**
 * The aggregator's refusals before a run: each node's neighbourhood size with itself, read
 * from the route, checked by the chosen aggregator's `check`.
 *
 * @module
 */
import type { DefinitionSource } from "../../definitions.ts";
import { aggregators } from "../registry.ts";
import type { Route } from "../route.ts";

/** The steps of a changing route whose neighbourhoods are checked before the run. */
export const CHECKED_STEPS = 32;

/**
 * Node i's neighbourhood size with itself, `route.inbound(i, t).indices.length`: at t = 1 for a
 * static route, else the smallest over t = 1 … min(`steps`, {@linkcode CHECKED_STEPS}).
 */
export function neighbourhoodSizes(route: Route, steps: number): number[] {
  const last = route.static ? 1 : Math.max(1, Math.min(steps, CHECKED_STEPS));
  const sizes = Array.from({ length: route.nodes }, () => Infinity);
  for (let t = 1; t <= last; t++) {
    for (let i = 0; i < route.nodes; i++) {
      sizes[i] = Math.min(sizes[i], route.inbound(i, t).indices.length);
    }
  }
  return sizes;
}

/**
 * What the chosen aggregator refuses on this route, each message prefixed with its field
 * (`exchange.aggregator: trimmed-mean with b = 2 needs every neighbourhood larger than 4; node
 * 3 has 3 (itself and 2 neighbours)`); none for an aggregator without a `check`.
 */
export function aggregatorRefusals(
  source: DefinitionSource,
  route: Route,
  steps: number,
): string[] {
  const definition = aggregators.get(source.name);
  if (!definition.check) return [];
  return definition.check(source.params, neighbourhoodSizes(route, steps))
    .map((message) => `exchange.aggregator: ${message}`);
}
