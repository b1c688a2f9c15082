/**
 * The papers' claims of ALGORITHMS.md §7, one function each (C000-1 … C004-5), each returning
 * the claim, the measured numbers (mean ± std over seeds), the criterion and the verdict. A
 * claim that does not reproduce fails with its numbers; the criteria are fixed in code before
 * any run and never loosened to make a claim pass.
 *
 * @module
 */
import type { ClaimResult } from "./claim_tools.ts";
import { claimC000_1, claimC000_2 } from "./claims_000.ts";
import { claimC003_1, claimC003_2 } from "./claims_003.ts";
import { claimC004_1, claimC004_2, claimC004_3, claimC004_4, claimC004_5 } from "./claims_004.ts";
import type { Results } from "./results.ts";
import type { Scale } from "./scale.ts";

export type { ClaimResult, Verdict } from "./claim_tools.ts";

/** Every claim id, in report order. */
export const CLAIM_IDS = [
  "C000-1",
  "C000-2",
  "C003-1",
  "C003-2",
  "C004-1",
  "C004-2",
  "C004-3",
  "C004-4",
  "C004-5",
] as const;

const CHECKS: Record<typeof CLAIM_IDS[number], (results: Results, scale: Scale) => ClaimResult> = {
  "C000-1": claimC000_1,
  "C000-2": claimC000_2,
  "C003-1": claimC003_1,
  "C003-2": claimC003_2,
  "C004-1": claimC004_1,
  "C004-2": claimC004_2,
  "C004-3": claimC004_3,
  "C004-4": claimC004_4,
  "C004-5": claimC004_5,
};

/**
 * Checks every claim against the results.
 *
 * @param results every experiment's results
 * @param scale the scale they ran at (tail lengths, ω values)
 * @returns one result per claim, in {@linkcode CLAIM_IDS} order
 */
export function checkClaims(results: Results, scale: Scale): ClaimResult[] {
  return CLAIM_IDS.map((id) => CHECKS[id](results, scale));
}
