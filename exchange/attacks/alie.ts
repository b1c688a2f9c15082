/**
 * The `alie` attack ("a little is enough", Baruch, Baruch & Goldberg 2019): a Byzantine node
 * sends μ − z σ, μ and σ (ddof 0) the coordinate-wise mean and standard deviation of the
 * honest values its receiver aggregates. z is given, or the paper's
 * z_max = Φ⁻¹((n − s) / n) with s = ⌊n/2 + 1⌋ − f, n the receiver's neighbourhood with itself
 * and f its Byzantine neighbours; z_max is infinite for f ≥ ⌊n/2 + 1⌋, refused before the run.
 * An asynchronous mix short of values (n smaller than its neighbourhood) keeps s ≥ 1.
 *
 * @module
 */
import { z } from "zod";
import quantile from "@stdlib/stats-base-dists-normal-quantile";
import type { AttackDefinition } from "../attack.ts";

/** The paper's z_max for a receiver of n values, f of them Byzantine (s clamped to ≥ 1). */
export function alieZ(n: number, f: number): number {
  const s = Math.max(1, Math.floor(n / 2 + 1) - f);
  return quantile((n - s) / n, 0, 1);
}

const fields = z.strictObject({
  z: z.number().nullable().default(null)
    .describe("the attack's z; null (default): the paper's z_max for each receiver's n and f"),
});

/** The `alie` definition (field `z`, default null = z_max). */
export const alieAttack: AttackDefinition<z.infer<typeof fields>> = {
  name: "alie",
  description: "sends μ − z σ of the receiver's honest values (z: given, or the paper's z_max)",
  parameters: fields,
  create: ({ z }) => ({
    name: "alie",
    poisonsData: false,
    forge(out, _sent, moments, { n, f }) {
      const { mean, std } = moments();
      const scale = z ?? alieZ(n, f);
      for (let k = 0; k < out.length; k++) out[k] = mean[k] - scale * std[k];
    },
  }),
  check({ z }, n, f) {
    if (z !== null || f < Math.floor(n / 2 + 1)) return null;
    return `alie's z_max = Φ⁻¹((n − s)/n) is infinite for n = ${n} values with f = ${f} ` +
      `Byzantine (s = ⌊n/2 + 1⌋ − f = ${Math.floor(n / 2 + 1) - f} ≤ 0): expected ` +
      `f < ${Math.floor(n / 2 + 1)}, or give z`;
  },
};
