/**
 * The `ipm` attack (inner-product manipulation, Xie, Koyejo & Gupta 2020): a Byzantine node
 * sends −ε μ, μ the coordinate-wise mean of the honest values its receiver aggregates.
 *
 * @module
 */
import { z } from "zod";
import type { AttackDefinition } from "../attack.ts";

const fields = z.strictObject({
  epsilon: z.number().positive().default(0.1).describe("ε > 0: the node sends −ε μ"),
});

/** The `ipm` definition (field `epsilon`, default 0.1). */
export const ipmAttack: AttackDefinition<z.infer<typeof fields>> = {
  name: "ipm",
  description: "sends −ε μ, μ the mean of the receiver's honest values (ε = 0.1 by default)",
  parameters: fields,
  create: ({ epsilon }) => ({
    name: "ipm",
    poisonsData: false,
    forge(out, _sent, moments) {
      const { mean } = moments();
      for (let k = 0; k < out.length; k++) out[k] = -epsilon * mean[k];
    },
  }),
};
