/**
 * The `sign-flip` attack: a Byzantine node sends −s · x, x what it would honestly send.
 *
 * @module
 */
import { z } from "zod";
import type { AttackDefinition } from "../attack.ts";

const fields = z.strictObject({
  scale: z.number().positive().default(1).describe("s > 0: the node sends −s times its value"),
});

/** The `sign-flip` definition (field `scale`, default 1). */
export const signFlipAttack: AttackDefinition<z.infer<typeof fields>> = {
  name: "sign-flip",
  description: "sends −s · x instead of its value x (s = 1 by default)",
  parameters: fields,
  create: ({ scale }) => ({
    name: "sign-flip",
    poisonsData: false,
    forge(out, sent) {
      for (let k = 0; k < out.length; k++) out[k] = -scale * sent[k];
    },
  }),
};
