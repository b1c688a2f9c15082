/**
 * Seed 003's claims C003-1 and C003-2 (ALGORITHMS.md §7), read from the MLP and CNN
 * experiments; accuracy is the global model's test accuracy, "final" the mean over the last
 * two evaluated rounds. The `vBiasCorrection` ablation's summary is here too.
 *
 * @module
 */
import { stepsToReach } from "../metrics/trajectory.ts";
import { type ClaimResult, finalOf, judge, meanOf, pctStd } from "./claim_tools.ts";
import { meanStd, methodOf, perSeed, type Results } from "./results.ts";
import { formatParams } from "./tuning.ts";
import type { Scale } from "./scale.ts";

const METHODS = ["fedavg", "fed-ams", "fed-lamb"] as const;

function finals(results: Results, id: string) {
  return Object.fromEntries(
    METHODS.map((m) => [m, meanStd(perSeed(results, id, m, finalOf("accuracy")))]),
  ) as Record<typeof METHODS[number], ReturnType<typeof meanStd>>;
}

function describe(results: Results, id: string): string {
  const acc = finals(results, id);
  return `${results[id].title}: ` +
    METHODS.map((m) => `${m} ${pctStd(acc[m])} (${formatParams(methodOf(results, id, m).params)})`)
      .join(", ");
}

function tried(results: Results, ids: string[], scale: Scale): string {
  const s = scale.seed003;
  return `${ids.map((id) => results[id].title).join(" and ")} (settings in their sections): ` +
    `${s.rounds} rounds; α (and FED-LAMB's λ from {${s.lambdas.join(", ")}}) chosen per method ` +
    `by validation accuracy on held-out MNIST training images, the 1-epoch MLP on the grid ` +
    `{${s.grid.join(", ")}}, the other settings around its choice; ${scale.seeds} seeds.`;
}

/** The ablation's numbers in one sentence: each variant's final accuracies. */
function ablationSentence(results: Results): string {
  const rows = ablationSummary(results);
  if (rows.length === 0) return "";
  return " vBiasCorrection variants, α tuned again for each (1-epoch MLP): " +
    rows.map((row) =>
      `${row.variant}: Fed-AMS ${row.cells[1]} (${row.cells[0]}), FED-LAMB ${row.cells[3]} (${
        row.cells[2]
      })`
    ).join("; ") + ".";
}

/** C003-1: MNIST MLP, 1 and 3 local epochs: FED-LAMB beats Fed-AMS and Fed-SGD. */
export function claimC003_1(results: Results, scale: Scale): ClaimResult {
  const ids = ["003-mlp-1", "003-mlp-3"];
  const parts: [string, boolean][] = ids.flatMap((id) => {
    const acc = finals(results, id);
    const epochs = id.endsWith("1") ? "1 epoch" : "3 epochs";
    return [
      [`${epochs}: FED-LAMB above Fed-AMS`, meanOf(acc["fed-lamb"]) > meanOf(acc["fed-ams"])],
      [`${epochs}: FED-LAMB above Fed-SGD`, meanOf(acc["fed-lamb"]) > meanOf(acc.fedavg)],
    ] as [string, boolean][];
  });
  const { verdict, detail } = judge(parts);
  return {
    id: "C003-1",
    claim: "MNIST MLP, 1 and 3 local epochs: FED-LAMB beats Fed-AMS and Fed-SGD in test accuracy.",
    numbers: ids.map((id) => describe(results, id)).join("; "),
    criterion: `final test accuracy (mean over seeds): ${detail}`,
    verdict,
    tried: tried(results, ids, scale) + ablationSentence(results),
  };
}

/** The round whose Fed-AMS accuracy FED-LAMB must reach early (16 in the paper). */
export function referenceRound(results: Results, id: string): number {
  const rounds = methodOf(results, id, "fed-ams").runs[0].rows.at(-1)?.step ?? 16;
  return Math.min(16, rounds);
}

/**
 * C003-2: MNIST CNN: FED-LAMB beats Fed-AMS; with 1 epoch Fed-SGD generalises poorly; FED-LAMB
 * is much faster in the first rounds (about half the rounds to reach Fed-AMS's accuracy at
 * round 16, 1 epoch).
 */
export function claimC003_2(results: Results, scale: Scale): ClaimResult {
  const ids = Object.keys(results).filter((id) => id.startsWith("003-cnn-")).sort();
  const parts: [string, boolean][] = ids.map((id) => {
    const acc = finals(results, id);
    return [
      `${results[id].title}: FED-LAMB above Fed-AMS`,
      meanOf(acc["fed-lamb"]) > meanOf(acc["fed-ams"]),
    ];
  });
  let speed = "";
  if (results["003-cnn-1"]) {
    const id = "003-cnn-1";
    const acc = finals(results, id);
    parts.push([
      "1 epoch: Fed-SGD at least 3 points below both adaptive methods",
      meanOf(acc.fedavg) <= Math.min(meanOf(acc["fed-ams"]), meanOf(acc["fed-lamb"])) - 0.03,
    ]);
    const reference = referenceRound(results, id);
    const ams = methodOf(results, id, "fed-ams").runs;
    const lamb = methodOf(results, id, "fed-lamb").runs;
    const rounds = lamb.map((run, k) => {
      const target = ams[k].rows.find((row) => row.step === reference)?.accuracy;
      if (typeof target !== "number") return null;
      return stepsToReach(run.rows, "accuracy", target) ?? Infinity;
    });
    const reached = meanStd(rounds.map((r) => r === Infinity ? null : r));
    const all = rounds.every((r) => r !== null && Number.isFinite(r));
    const limit = Math.floor(0.56 * reference);
    parts.push([
      `1 epoch: FED-LAMB reaches Fed-AMS's round-${reference} accuracy within ${limit} rounds ` +
      `on average (about half)`,
      all && meanOf(reached) <= limit,
    ]);
    speed = `; rounds FED-LAMB needs to reach Fed-AMS's round-${reference} accuracy: ${
      rounds.map((r) => r === Infinity ? "never" : String(r)).join(", ")
    } (seeds)`;
  }
  const { verdict, detail } = judge(parts);
  return {
    id: "C003-2",
    claim: "MNIST CNN: FED-LAMB beats Fed-AMS; with 1 epoch Fed-SGD generalises poorly; FED-LAMB " +
      "is much faster in the first rounds (about half the rounds to reach Fed-AMS's accuracy at " +
      "round 16 with 1 epoch).",
    numbers: ids.map((id) => describe(results, id)).join("; ") + speed,
    criterion: `final test accuracy (mean over seeds): ${detail}`,
    verdict,
    tried: tried(results, ids, scale) +
      ` CNN with ${scale.seed003.cnnEpochs.join(" and ")} local epoch(s) only (time budget).`,
  };
}

/** One line per variant of the ablation: α chosen and final accuracy, Fed-AMS and FED-LAMB. */
export function ablationSummary(
  results: Results,
): { variant: string; cells: string[]; ams: number; lamb: number }[] {
  const id = "003-ablation";
  if (!results[id]) return [];
  return ["paper", "none", "from-zero"].map((variant) => {
    const [ams, lamb] = ["fed-ams", "fed-lamb"].map((name) => {
      const method = methodOf(results, id, `${name} (${variant})`);
      return { method, acc: meanStd(perSeed(results, id, method.label, finalOf("accuracy"))) };
    });
    return {
      variant,
      cells: [ams, lamb].flatMap(({ method, acc }) => [`α = ${method.params.alpha}`, pctStd(acc)]),
      ams: meanOf(ams.acc),
      lamb: meanOf(lamb.acc),
    };
  });
}
