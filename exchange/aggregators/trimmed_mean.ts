/**
 * The `trimmed-mean` aggregator: coordinate-wise, of the n values of a node's neighbourhood
 * with itself, drop the b largest and the b smallest and average the n − 2b left with equal
 * weights (the route's weights ignored); needs n > 2b. Applied to every channel as is, the
 * engine's probe included (its weight entry too).
 *
 * @module
 */
import type { Vector } from "../../vector.ts";
import { z } from "zod";
import type { Aggregator, AggregatorDefinition } from "../aggregate.ts";
import { reduceSorted, Scratch } from "./order.ts";
import { neighbourhoodRefusal } from "./refusal.ts";

/** The trimmed mean's fields. */
export interface TrimmedMeanFields {
  /** How many values are dropped on each side (an integer ≥ 0). */
  readonly b: number;
}

/** The mean of the sorted entries b … n − b − 1, summed in ascending order. */
export function trimmedOf(sorted: ArrayLike<number>, n: number, b: number): number {
  let sum = 0;
  for (let k = b; k < n - b; k++) sum += sorted[k];
  return sum / (n - 2 * b);
}

/**
 * A node's trimmed-mean aggregator (one scratch array, reused). An aggregate of n ≤ 2b values
 * (messages missing under `renormalize` or `drop`, or an async mix) cannot trim b per side:
 * the node keeps its own value.
 */
export function trimmedMean(fields: TrimmedMeanFields): Aggregator {
  const { b } = fields, scratch = new Scratch();
  const reduce = (sorted: Vector, n: number) => trimmedOf(sorted, n, b);
  return {
    name: "trimmed-mean",
    aggregate(into, values, _weights, { self }) {
      if (values.length > 2 * b) return reduceSorted(into, values, scratch, reduce);
      for (const name of Object.keys(into)) {
        const own = values[self][name];
        if (own !== undefined) into[name].set(own);
      }
    },
  };
}

/** The `trimmed-mean` aggregator's definition: field `b` (default 1). */
export const trimmedMeanDefinition: AggregatorDefinition<TrimmedMeanFields> = {
  name: "trimmed-mean",
  description: "coordinate-wise mean of the neighbourhood's values with the node's own after " +
    "dropping the b largest and b smallest (weights ignored; needs n > 2b)",
  parameters: z.strictObject({
    b: z.number().int().min(0).default(1).describe("values dropped on each side"),
  }),
  create: trimmedMean,
  check: ({ b }, sizes) => neighbourhoodRefusal(`trimmed-mean with b = ${b}`, 2 * b, sizes),
};
