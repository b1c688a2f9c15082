/**
 * The `gaussian` attack: a Byzantine node sends x + N(0, σ_a²) per entry. Each forged message
 * has its own noise, from the stream `attack/<sender>/<receiver>/<t>/<round>/<channel>` of the
 * run's seed (t the receiver's step), so both engines forge the same numbers.
 *
 * @module
 */
import { z } from "zod";
import { Rng } from "../../random.ts";
import type { AttackDefinition } from "../attack.ts";

const fields = z.strictObject({
  sigma: z.number().positive().default(1).describe("σ_a > 0: the noise's standard deviation"),
});

/** The `gaussian` definition (field `sigma`, default 1). */
export const gaussianAttack: AttackDefinition<z.infer<typeof fields>> = {
  name: "gaussian",
  description: "sends its value plus N(0, σ_a²) noise per entry (σ_a = 1 by default)",
  parameters: fields,
  create: ({ sigma }, seed) => ({
    name: "gaussian",
    poisonsData: false,
    forge(out, sent, _moments, { sender, receiver, t, round, channel }) {
      const rng = new Rng(seed, `attack/${sender}/${receiver}/${t}/${round}/${channel}`);
      for (let k = 0; k < out.length; k++) out[k] = sent[k] + sigma * rng.normal();
    },
  }),
};
