/**
 * The `label-flip` attack (data poisoning): a Byzantine node trains honestly on its shard with
 * every label y replaced by C − 1 − y (C classes) and sends its model unchanged. The run sets
 * the problem spec's `poisoned` to its Byzantine nodes (`simulation/setup.ts`), so every
 * Worker rebuilds the same poisoned data; metrics keep the true labels. Only problems whose
 * spec takes `poisoned` (`logistic`, `neural`) have it; others refuse it before the run.
 *
 * @module
 */
import { z } from "zod";
import type { AttackDefinition } from "../attack.ts";

/** The `label-flip` definition (no fields). */
export const labelFlipAttack: AttackDefinition<Record<string, never>> = {
  name: "label-flip",
  description: "trains on labels y → C − 1 − y and sends its model honestly (data poisoning)",
  parameters: z.strictObject({}),
  create: () => ({ name: "label-flip", poisonsData: true, forge() {} }),
};
