/**
 * The check of what a method needs of W (its definition's `requires`, see
 * `algorithms/mixing_requirements.ts`) against the W a run will mix with: doubly stochastic
 * and symmetric within 1e-12, the same at every step, and λ_min above a bound. Runs call it
 * before anything runs, so a D² run on a ring of even length (λ_min = −1/3) is refused with
 * the method, the property, W's value and the fix named, instead of diverging.
 *
 * @module
 */
import { type AlgorithmDefinition, getAlgorithm } from "../algorithms/registry.ts";
import type { MixingRequirements } from "../algorithms/mixing_requirements.ts";
import type { MixingMatrix } from "../topologies/mixing.ts";
import { asymmetry, sumDefect } from "../topologies/matrix_properties.ts";
import type { Route } from "../exchange/route.ts";
import { type SpectralAnalysis, spectralAnalysis } from "../topologies/spectral.ts";
import { ConfigError, type SimulationConfig } from "./config.ts";

/** Entries, row sums and column sums within this of each other (or of 1) are equal. */
export const REQUIREMENT_TOLERANCE = 1e-12;

/** What {@linkcode checkRequirements} knows of the run besides W. */
export interface RequirementOptions {
  /** Whether the run mixes with the same W at every step (false for a time-varying schedule). */
  readonly static: boolean;
  /** A schedule's route: what it says of every W_t, besides `mixing` (its first W) itself. */
  readonly route?: Pick<Route, "stochastic" | "symmetric">;
  /** W's spectrum; default {@linkcode spectralAnalysis} (computed only for a λ_min bound). */
  readonly spectrum?: (mixing: MixingMatrix) => SpectralAnalysis | Promise<SpectralAnalysis>;
}

/**
 * The ways W falls short of what `definition` requires, one sentence each naming the method,
 * the property, W's offending value and the fix; empty when W will do (or nothing is required).
 *
 * @param definition the method's registry definition
 * @param mixing the W of the run (the first W of a schedule)
 * @param options whether W is static, and how to get its spectrum
 * @returns the problems found, empty for none
 *
 * @example D² refuses the ring of 4 (λ_min = −1/3) and takes its lazy W
 * ```ts
 * import assert from "node:assert/strict";
 * import { getAlgorithm } from "../algorithms/registry.ts";
 * import { lazy, metropolisHastings, ringTopology } from "../topologies/mod.ts";
 * import { checkRequirements } from "./requirements.ts";
 * const w = metropolisHastings(ringTopology(4));
 * const d2 = getAlgorithm("d2");
 * assert.match((await checkRequirements(d2, w, { static: true }))[0], /λ_min = −0\.3333/);
 * assert.deepEqual(await checkRequirements(d2, lazy(w), { static: true }), []);
 * ```
 */
export async function checkRequirements(
  definition: AlgorithmDefinition,
  mixing: MixingMatrix,
  options: RequirementOptions,
): Promise<string[]> {
  const needs: MixingRequirements = definition.requires ?? {};
  const name = definition.name;
  const problems: string[] = [];
  if (needs.static && !options.static) {
    problems.push(`${name} needs a static W, but this run's W changes from step to step`);
  }
  if (needs.doublyStochastic) {
    const defect = options.route?.stochastic === "column"
      ? "but this run's W_t are only column stochastic"
      : stochasticDefect(mixing);
    if (defect) {
      problems.push(
        `${name} needs a doubly stochastic W (every row and column summing to 1 ± ${REQUIREMENT_TOLERANCE}), ${defect}`,
      );
    }
  }
  const asymmetry = !needs.symmetric
    ? null
    : options.route?.symmetric === false
    ? "but this run's W_t are not symmetric"
    : findAsymmetry(mixing);
  if (asymmetry) problems.push(`${name} needs a symmetric W, ${asymmetry}`);
  if (needs.lambdaMinAbove !== undefined && !asymmetry) {
    const problem = await spectralProblem(name, needs.lambdaMinAbove, mixing, options);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * Checks every algorithm of a config against the W it will mix with.
 *
 * @param config the resolved config (its algorithms, by index)
 * @param mixing its W
 * @param options whether W is static, and how to get its spectrum
 * @throws {ConfigError} with one line per problem, `algorithms.<index>: <problem>`
 */
export async function checkConfigRequirements(
  config: SimulationConfig,
  mixing: MixingMatrix,
  options: RequirementOptions,
): Promise<void> {
  const problems: string[] = [];
  for (const [index, algorithm] of config.algorithms.entries()) {
    const definition = getAlgorithm(algorithm.name);
    if (!definition.requires || definition.kind !== "decentralized") continue;
    for (const problem of await checkRequirements(definition, mixing, options)) {
      problems.push(`algorithms.${index}: ${problem}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
}

/** How W's first row or column sum misses 1, or null when none does. */
function stochasticDefect(mixing: MixingMatrix): string | null {
  const defect = sumDefect(mixing, REQUIREMENT_TOLERANCE);
  return defect && `${defect.line} ${defect.index} of W sums to ${defect.sum}`;
}

/** The first pair with W_ij ≠ W_ji (beyond the tolerance), or null. */
function findAsymmetry(mixing: MixingMatrix): string | null {
  const pair = asymmetry(mixing, REQUIREMENT_TOLERANCE);
  return pair && `W[${pair.i}][${pair.j}] = ${pair.wij} but W[${pair.j}][${pair.i}] = ${pair.wji}`;
}

/**
 * The λ_min problem, or null: λ_min must exceed `bound` + 1e-12 even at the far end of the
 * spectrum's accuracy bound (Lanczos, above 400 nodes), so a borderline W is refused.
 */
async function spectralProblem(
  name: string,
  bound: number,
  mixing: MixingMatrix,
  options: RequirementOptions,
): Promise<string | null> {
  let spectrum: SpectralAnalysis;
  try {
    spectrum = await (options.spectrum ?? spectralAnalysis)(mixing);
  } catch (error) {
    return `${name} needs λ_min of W > ${formatBound(bound)}, which could not be computed: ` +
      (error as Error).message;
  }
  const lambdaMin = spectrum.lambdaN;
  if (lambdaMin - spectrum.tolerance > bound + REQUIREMENT_TOLERANCE) return null;
  const within = spectrum.tolerance ? ` (± ${spectrum.tolerance})` : "";
  return `${name} needs a symmetric W with λ_min > ${formatBound(bound)}, W has λ_min = ` +
    `${minus(lambdaMin.toFixed(4))}${within} (use mixing.lazy: true, whose λ_min ≥ 0)`;
}

/** A number's text with a typographic minus, as the docs write it. */
function minus(text: string): string {
  return text.replace("-", "−");
}

/** A bound as a simple fraction where it is one: −1/3 rather than −0.3333333333333333. */
function formatBound(bound: number): string {
  for (const q of [1, 2, 3, 4, 5, 6, 8, 10]) {
    const p = Math.round(bound * q);
    if (Math.abs(bound - p / q) < 1e-15) return minus(q === 1 ? `${p}` : `${p}/${q}`);
  }
  return minus(String(bound));
}
