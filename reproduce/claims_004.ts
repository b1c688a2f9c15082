/**
 * Seed 004's claims C004-1 … C004-5 (ALGORITHMS.md §7). Accuracy is the mean over the agents
 * of each agent's test accuracy (the paper's "average accuracy over all the agents"); the
 * degree of consensus is the best minus the worst agent's test accuracy; both, like the
 * fluctuation (standard deviation) and the generalisation gap (mean agent training minus test
 * accuracy), are taken over the last `tail` evaluations, as the paper averages "the last
 * epochs". Speed is the iteration at which the mean agent accuracy first reaches 95% of
 * CDMSGD's final accuracy on the same seed.
 *
 * @module
 */
import type { MetricsRow } from "../metrics/rows.ts";
import { stepsToReach, tailJitter, tailMean, tailStd } from "../metrics/trajectory.ts";
import { type ClaimResult, judge, meanOf, numStd, pctStd } from "./claim_tools.ts";
import { meanStd, methodOf, perSeed, type Results } from "./results.ts";
import type { Scale } from "./scale.ts";
import { omegaLabel, stepsPerEpoch } from "./seed004.ts";

type Stat = ReturnType<typeof meanStd>;

/** The per-seed statistics of one method. */
function measure(results: Results, id: string, label: string, scale: Scale) {
  const tail = scale.seed004.tail;
  const gaps = (rows: MetricsRow[]) =>
    rows.map((row) => ({
      step: row.step,
      gap: row.nodeTrainAccuracyMean === null || row.nodeAccuracyMean === null
        ? null
        : row.nodeTrainAccuracyMean - row.nodeAccuracyMean,
    }));
  const cd = perSeed(results, id, "cdmsgd", (rows) => tailMean(rows, "nodeAccuracyMean", tail));
  const runs = methodOf(results, id, label).runs;
  const reach = runs.map((run, k) => {
    const target = cd[k];
    if (run.diverged || target === null) return null;
    return stepsToReach(run.rows, "nodeAccuracyMean", 0.95 * target) ?? Infinity;
  });
  return {
    acc: meanStd(perSeed(results, id, label, (rows) => tailMean(rows, "nodeAccuracyMean", tail))),
    fluctuation: meanStd(
      perSeed(results, id, label, (rows) => tailStd(rows, "nodeAccuracyMean", tail)),
    ),
    jitter: meanStd(
      perSeed(results, id, label, (rows) => tailJitter(rows, "nodeAccuracyMean", tail)),
    ),
    gap: meanStd(perSeed(results, id, label, (rows) => tailMean(gaps(rows), "gap", tail))),
    spread: meanStd(perSeed(results, id, label, (rows) => tailMean(rows, "accuracySpread", tail))),
    spreads: perSeed(results, id, label, (rows) => tailMean(rows, "accuracySpread", tail)),
    reach: reach.some((r) => r === null || r === Infinity) ? null : meanStd(reach),
    reachText: reach.map((r) => r === Infinity ? "never" : String(r)).join(", "),
  };
}

/** "as fast as": within 25% of the reference's iterations, or one evaluation interval. */
function asFast(reach: Stat, reference: Stat, evalEvery: number): boolean {
  return meanOf(reach) <= Math.max(1.25 * meanOf(reference), meanOf(reference) + evalEvery);
}

function line(label: string, m: ReturnType<typeof measure>): string {
  return [
    `${label}: acc ${pctStd(m.acc)}`,
    `fluctuation ${pctStd(m.fluctuation)} (trend-free jitter ${pctStd(m.jitter)})`,
    `gap ${pctStd(m.gap)}`,
    `consensus ${pctStd(m.spread)}`,
    `iterations to 95% of CDMSGD's accuracy ${numStd(m.reach)} (${m.reachText})`,
  ].join(", ");
}

function tried(results: Results, ids: string[], scale: Scale): string {
  const s = scale.seed004;
  return `${ids.map((id) => results[id].title).join(" and ")} (settings in their sections): ` +
    `MNIST MLP for the paper's CIFAR-10 CNN, ${s.steps / stepsPerEpoch(s)} epochs (the paper: ` +
    `3000), α = 0.01 and μ = 0.95 fixed as in the paper (which does not tune them), τ = 2; the ` +
    `last ${s.tail} evaluations (${
      s.tail * s.evalEvery / stepsPerEpoch(s)
    } epochs) averaged; ${scale.seeds} seeds.`;
}

/**
 * C004-1: iCDMSGD converges as fast as CDMSGD with less fluctuation; gCDMSGD is slower but
 * reaches similar test accuracy, with less fluctuation and a smaller generalisation gap.
 */
export function claimC004_1(results: Results, scale: Scale): ClaimResult {
  const id = "004-unbalanced";
  const [cd, i, g] = ["cdmsgd", "icdmsgd", "gcdmsgd"].map((m) => measure(results, id, m, scale));
  const every = scale.seed004.evalEvery;
  const { verdict, detail } = judge([
    ["iCDMSGD as fast as CDMSGD", asFast(i.reach, cd.reach, every)],
    ["iCDMSGD fluctuates less than CDMSGD", meanOf(i.fluctuation) < meanOf(cd.fluctuation)],
    ["gCDMSGD slower than CDMSGD", meanOf(g.reach) > meanOf(cd.reach) || g.reach === null],
    [
      "gCDMSGD's accuracy within 2 points of CDMSGD's",
      Math.abs(meanOf(g.acc) - meanOf(cd.acc)) <= 0.02,
    ],
    ["gCDMSGD fluctuates less than CDMSGD", meanOf(g.fluctuation) < meanOf(cd.fluctuation)],
    ["gCDMSGD's generalisation gap smaller than CDMSGD's", meanOf(g.gap) < meanOf(cd.gap)],
  ]);
  return {
    id: "C004-1",
    claim: "iCDMSGD converges as fast as CDMSGD with less epoch-to-epoch fluctuation; gCDMSGD is " +
      "slower but reaches similar test accuracy, with less fluctuation and a smaller " +
      "generalisation gap (train − test accuracy).",
    numbers: `unbalanced: ${
      [line("cdmsgd", cd), line("icdmsgd", i), line("gcdmsgd", g)].join("; ")
    }`,
    criterion: detail,
    verdict,
    tried: tried(results, [id], scale) + " Fluctuation is the standard deviation over the " +
      "window, as specified; it also counts a still-rising trend, so the trend-free jitter (RMS " +
      "of successive differences / √2) is shown beside it, outside the verdict.",
  };
}

/** C004-2: every consensus method clearly beats Federated Averaging in mean accuracy. */
export function claimC004_2(results: Results, scale: Scale): ClaimResult {
  const id = "004-unbalanced";
  const s = scale.seed004;
  const rounds = Math.max(1, Math.round(s.tail * s.evalEvery / stepsPerEpoch(s)));
  const fed = (alpha: number) =>
    meanStd(
      perSeed(results, id, `fedavg α=${alpha}`, (rows) => tailMean(rows, "accuracy", rounds)),
    );
  const fedavg = fed(0.01);
  const consensus = ["cdmsgd", "icdmsgd", "gcdmsgd"].map((m) =>
    [m, measure(results, id, m, scale).acc] as const
  );
  const { verdict, detail } = judge(
    consensus.map((
      [m, acc],
    ) => [`${m} at least 2 points above FedAvg (α = 0.01)`, meanOf(acc) >= meanOf(fedavg) + 0.02]),
  );
  return {
    id: "C004-2",
    claim: "Every consensus method clearly beats Federated Averaging in mean accuracy (same " +
      "communication budget as the paper's comparison).",
    numbers: `unbalanced, over the last ${rounds} epoch(s): ` +
      consensus.map(([m, acc]) => `${m} ${pctStd(acc)}`).join(", ") +
      `, FedAvg α = 0.01 ${pctStd(fedavg)} (FedAvg α = 0.2, the momentum-equivalent step: ${
        pctStd(fed(0.2))
      })`,
    criterion: detail,
    verdict,
    tried: tried(results, [id], scale) + " FedAvg averages once per epoch (the paper's budget).",
  };
}

/** C004-3: gCDMSGD with larger ω converges about as fast as CDMSGD. */
export function claimC004_3(results: Results, scale: Scale): ClaimResult {
  const id = "004-unbalanced";
  const omegas = [...scale.seed004.omegas].sort((a, b) => a - b);
  const cd = measure(results, id, "cdmsgd", scale);
  const sweep = omegas.map((omega) =>
    [omega, measure(results, id, omegaLabel(omega), scale)] as const
  );
  const [largest, m] = sweep.at(-1)!;
  const { verdict, detail } = judge([
    [
      `gCDMSGD with ω = ${largest} as fast as CDMSGD`,
      asFast(m.reach, cd.reach, scale.seed004.evalEvery),
    ],
  ]);
  return {
    id: "C004-3",
    claim: "gCDMSGD with larger ω converges about as fast as CDMSGD (ω sweep).",
    numbers:
      `unbalanced, iterations to 95% of CDMSGD's accuracy: cdmsgd ${
        numStd(cd.reach)
      } (${cd.reachText}); ` +
      sweep.map(([omega, r]) =>
        `ω = ${omega}: ${numStd(r.reach)} (${r.reachText}), acc ${pctStd(r.acc)}`
      ).join("; "),
    criterion: detail,
    verdict,
    tried: tried(results, [id], scale),
  };
}

/**
 * C004-4: the degree of consensus is similar for all on balanced data; on unbalanced data
 * iCDMSGD and gCDMSGD are clearly better (smaller) than CDMSGD.
 */
export function claimC004_4(results: Results, scale: Scale): ClaimResult {
  const methods = ["cdmsgd", "icdmsgd", "gcdmsgd"];
  const balanced = methods.map((m) => measure(results, "004-balanced", m, scale));
  const unbalanced = methods.map((m) => measure(results, "004-unbalanced", m, scale));
  const means = balanced.map((m) => meanOf(m.spread));
  const clearly = (k: number) =>
    meanOf(unbalanced[k].spread) <= 0.75 * meanOf(unbalanced[0].spread) &&
    unbalanced[k].spreads.every((v, seed) =>
      v !== null && v < (unbalanced[0].spreads[seed] ?? NaN)
    );
  const { verdict, detail } = judge([
    [
      "balanced: the three within 1 point of each other",
      Math.max(...means) - Math.min(...means) <= 0.01,
    ],
    ["unbalanced: iCDMSGD ≤ 0.75 × CDMSGD and smaller on every seed", clearly(1)],
    ["unbalanced: gCDMSGD ≤ 0.75 × CDMSGD and smaller on every seed", clearly(2)],
  ]);
  const list = (ms: ReturnType<typeof measure>[]) =>
    methods.map((m, k) => `${m} ${pctStd(ms[k].spread)}`).join(", ");
  return {
    id: "C004-4",
    claim:
      "Degree of consensus (best − worst agent accuracy): similar for all on balanced data; on " +
      "unbalanced data iCDMSGD and gCDMSGD are clearly better (smaller) than CDMSGD.",
    numbers: `balanced: ${list(balanced)}; unbalanced: ${list(unbalanced)}`,
    criterion: detail,
    verdict,
    tried: tried(results, ["004-balanced", "004-unbalanced"], scale),
  };
}

/** C004-5: gCDMSGD's degree of consensus improves (shrinks) as ω decreases. */
export function claimC004_5(results: Results, scale: Scale): ClaimResult {
  const id = "004-unbalanced";
  const omegas = [...scale.seed004.omegas].sort((a, b) => a - b);
  const spreads = omegas.map((omega) => measure(results, id, omegaLabel(omega), scale).spread);
  const parts: [string, boolean][] = omegas.slice(1).map((omega, k) => [
    `ω = ${omegas[k]} below ω = ${omega}`,
    meanOf(spreads[k]) < meanOf(spreads[k + 1]),
  ]);
  const { verdict, detail } = judge(parts);
  return {
    id: "C004-5",
    claim: "gCDMSGD's degree of consensus improves as ω decreases.",
    numbers: "unbalanced, degree of consensus: " +
      omegas.map((omega, k) => `ω = ${omega}: ${pctStd(spreads[k])}`).join(", "),
    criterion: detail,
    verdict,
    tried: tried(results, [id], scale),
  };
}
