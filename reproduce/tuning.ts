/**
 * Choosing hyper-parameters per method on a validation split, never on the test set, then
 * repeating the choice over seeds. The protocol (two rungs of successive halving, see
 * {@linkcode TuningScale}): every candidate runs `shortSteps` on the first seed and is scored
 * by its validation accuracy over its last evaluations; the best `keep` run the full length,
 * and the best of those wins. Its full run is the first seed's run; the other seeds run the
 * winner. A candidate that diverges scores below every other.
 *
 * @module
 */
import type { RunShape, Scenario, TrialRun } from "./trial.ts";
import { runTrial } from "./trial.ts";
import type { TuningScale } from "./scale.ts";
import { tailMean } from "../metrics/trajectory.ts";

/** Hyper-parameters as plain data. */
export type Params = Record<string, unknown>;

/** One candidate's validation score in one rung. */
export interface CandidateScore {
  /** Its hyper-parameters (the fixed ones and the tuned ones). */
  params: Params;
  /** 1 (short run) or 2 (full length). */
  rung: 1 | 2;
  /** Mean validation accuracy over its last evaluations; null when it diverged. */
  score: number | null;
}

/** A method of an experiment: its hyper-parameters, how they were chosen, its runs. */
export interface MethodResult {
  /** The name the report shows, e.g. `"fed-lamb"` or `"gcdmsgd ω=0.1"`. */
  label: string;
  /** The registry name. */
  algorithm: string;
  /** The hyper-parameters every seed ran. */
  params: Params;
  /** Every candidate's score, rung by rung; empty when the parameters were fixed. */
  tuning: CandidateScore[];
  /** One run per seed, seed 0 first. */
  runs: TrialRun[];
}

/** A method to tune: name, fixed and candidate hyper-parameters. */
export interface MethodSpec {
  /** The name the report shows. */
  readonly label: string;
  /** The registry name. */
  readonly algorithm: string;
  /** Hyper-parameters every candidate shares. */
  readonly fixed: Params;
  /** The candidates' tuned hyper-parameters (e.g. `{ alpha }` per grid point). */
  readonly candidates: readonly Params[];
}

/** The runs' length and the seeds. */
export interface Schedule {
  /** Full-length steps (or rounds). */
  readonly steps: number;
  /** Full-length evaluation interval. */
  readonly evalEvery: number;
  /** Seeds 0 … seeds − 1. */
  readonly seeds: number;
}

/** Called after every run with a one-line description. */
export type Log = (line: string) => void;

/** A compact rendering of hyper-parameters, e.g. `alpha=0.01 lambda=0`. */
export function formatParams(params: Params): string {
  return Object.entries(params).map(([key, value]) => `${key}=${value}`).join(" ");
}

function scoreOf(run: TrialRun, window: number): number | null {
  if (run.diverged !== null) return null;
  return tailMean(run.rows, "validationAccuracy", window);
}

/** Sorts candidates best first (diverged last; ties keep grid order). */
function ranked<T extends { score: number | null }>(entries: T[]): T[] {
  return [...entries].sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
}

async function run(
  scenario: Scenario,
  method: MethodSpec,
  params: Params,
  shape: RunShape,
  log: Log,
  what: string,
): Promise<TrialRun> {
  const result = await runTrial(scenario, { name: method.algorithm, params }, shape);
  const last = result.rows.at(-1);
  const percent = (v: number | null | undefined) =>
    typeof v === "number" ? `${(100 * v).toFixed(1)}%` : "—";
  log(
    `${method.label} ${formatParams(params)} seed ${shape.seed} ${what}: ` +
      (result.diverged
        ? "diverged"
        : `val ${percent(last?.validationAccuracy)} test ${
          percent(last?.accuracy ?? last?.nodeAccuracyMean)
        }`) +
      ` (${(result.wallMs / 1000).toFixed(1)} s)`,
  );
  return result;
}

/**
 * Tunes a method's candidates on the validation split, then runs the winner on every seed.
 *
 * @param scenario the experiment's shared scenario (its problem holds a validation split)
 * @param method the method and its candidates
 * @param schedule full length and seeds
 * @param tuning the protocol's sizes
 * @param log progress lines
 * @returns the chosen hyper-parameters, every candidate's score and the seeds' runs
 */
export async function tuneAndRepeat(
  scenario: Scenario,
  method: MethodSpec,
  schedule: Schedule,
  tuning: TuningScale,
  log: Log,
): Promise<MethodResult> {
  const scores: CandidateScore[] = [];
  const all = method.candidates.map((tuned) => ({ ...method.fixed, ...tuned }));
  let finalists = all;
  if (all.length > tuning.keep) {
    const shape = { steps: tuning.shortSteps, evalEvery: tuning.shortEvalEvery, seed: 0 };
    const rung1: CandidateScore[] = [];
    for (const params of all) {
      const result = await run(scenario, method, params, shape, log, "(rung 1)");
      rung1.push({ params, rung: 1, score: scoreOf(result, tuning.scoreWindow) });
    }
    scores.push(...rung1);
    finalists = ranked(rung1).slice(0, tuning.keep).map((entry) => entry.params);
  }
  const full = { steps: schedule.steps, evalEvery: schedule.evalEvery, seed: 0 };
  const rung2: (CandidateScore & { run: TrialRun })[] = [];
  for (const params of finalists) {
    const result = await run(scenario, method, params, full, log, "(rung 2)");
    rung2.push({ params, rung: 2, score: scoreOf(result, tuning.scoreWindow), run: result });
  }
  scores.push(...rung2.map(({ params, rung, score }) => ({ params, rung, score })));
  const winner = ranked(rung2)[0];
  const runs = [winner.run];
  for (let seed = 1; seed < schedule.seeds; seed++) {
    const shape = { ...full, seed };
    runs.push(await run(scenario, method, winner.params, shape, log, ""));
  }
  return {
    label: method.label,
    algorithm: method.algorithm,
    params: winner.params,
    tuning: scores,
    runs,
  };
}

/**
 * Runs a method with fixed hyper-parameters (the paper's own, untuned) on every seed.
 *
 * @param scenario the experiment's shared scenario
 * @param method the method (its `fixed` parameters; candidates are ignored)
 * @param schedule length and seeds
 * @param log progress lines
 * @returns the seeds' runs
 */
export async function repeatFixed(
  scenario: Scenario,
  method: Omit<MethodSpec, "candidates">,
  schedule: Schedule,
  log: Log,
): Promise<MethodResult> {
  const runs: TrialRun[] = [];
  const spec = { ...method, candidates: [] };
  for (let seed = 0; seed < schedule.seeds; seed++) {
    const shape = { steps: schedule.steps, evalEvery: schedule.evalEvery, seed };
    runs.push(await run(scenario, spec, method.fixed, shape, log, ""));
  }
  return {
    label: method.label,
    algorithm: method.algorithm,
    params: method.fixed,
    tuning: [],
    runs,
  };
}
