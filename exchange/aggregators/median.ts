/**
 * The `median` aggregator: the coordinate-wise median of the n values of a node's
 * neighbourhood with itself (even n: the mean of the two middle values), the weights ignored.
 * Applied to every channel as is, the engine's probe included (its weight entry too).
 *
 * @module
 */
import { z } from "zod";
import type { Aggregator, AggregatorDefinition } from "../aggregate.ts";
import { reduceSorted, Scratch } from "./order.ts";

/** The median of the first `n` entries of a sorted array (even n: the two middle ones' mean). */
export function middleOf(sorted: ArrayLike<number>, n: number): number {
  const middle = n >> 1;
  return n % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A node's coordinate-wise median aggregator (one scratch array, reused). */
export function coordinateMedian(): Aggregator {
  const scratch = new Scratch();
  return {
    name: "median",
    aggregate: (into, values) => reduceSorted(into, values, scratch, middleOf),
  };
}

/** The `median` aggregator's definition (no fields). */
export const medianDefinition: AggregatorDefinition<Record<string, never>> = {
  name: "median",
  description: "coordinate-wise median of the neighbourhood's values with the node's own " +
    "(even count: mean of the middle two; weights ignored)",
  parameters: z.strictObject({}),
  create: coordinateMedian,
};
