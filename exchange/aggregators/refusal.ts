/**
 * The refusal message of an aggregator whose neighbourhoods are too small, naming the first
 * node whose neighbourhood (itself included) is not larger than the bound.
 *
 * @module
 */

/**
 * `["<what> needs every neighbourhood larger than <bound>; node i has n (itself and n − 1
 * neighbours)"]` for the first node i with n ≤ bound, or `[]`.
 */
export function neighbourhoodRefusal(
  what: string,
  bound: number,
  sizes: readonly number[],
): string[] {
  const node = sizes.findIndex((n) => n <= bound);
  if (node < 0) return [];
  const n = sizes[node], others = n - 1;
  return [
    `${what} needs every neighbourhood larger than ${bound}; node ${node} has ${n} ` +
    `(itself and ${others} neighbour${others === 1 ? "" : "s"})`,
  ];
}
