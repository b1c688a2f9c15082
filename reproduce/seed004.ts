/**
 * Seed 004's experiments (§5 of the paper, ALGORITHMS.md §3 and §7): 5 agents on the sparse
 * ring (0.34 on self, 0.33 on each neighbour), CDMSGD, iCDMSGD (τ = 2) and gCDMSGD (ω = 0.5),
 * momentum 0.95, α = 0.01 as in the paper (which does not tune it), balanced and unbalanced
 * data; on unbalanced data also Federated Averaging and a sweep of gCDMSGD's ω.
 *
 * Federated Averaging gets the paper's budget: one average per epoch, so one round is one local
 * epoch of the equal share (the same gradient steps per agent as the consensus methods, which
 * exchange after every step), all 5 agents every round, weights by sample count. gossim's
 * FedAvg is local SGD without momentum, so it also runs with α/(1 − μ) = 0.2, the step the
 * others' momentum amounts to; the verdict reads the paper's α = 0.01.
 *
 * MNIST and an MLP stand in for the paper's CIFAR-10 CNN.
 *
 * @module
 */
import type { ExperimentResult } from "./results.ts";
import type { Scale } from "./scale.ts";
import type { Scenario } from "./trial.ts";
import { type Log, type MethodResult, repeatFixed } from "./tuning.ts";

/** The main comparison's methods. */
export const CONSENSUS_METHODS = [
  { label: "cdmsgd", algorithm: "cdmsgd", fixed: { alpha: 0.01, momentum: 0.95 } },
  { label: "icdmsgd", algorithm: "icdmsgd", fixed: { alpha: 0.01, momentum: 0.95, tau: 2 } },
  { label: "gcdmsgd", algorithm: "gcdmsgd", fixed: { alpha: 0.01, momentum: 0.95, omega: 0.5 } },
] as const;

/** The label of gCDMSGD with a given ω (the main comparison's is plain `gcdmsgd`). */
export function omegaLabel(omega: number): string {
  return omega === 0.5 ? "gcdmsgd" : `gcdmsgd ω=${omega}`;
}

/** Gradient steps in one epoch of an agent's equal share. */
export function stepsPerEpoch(s: Scale["seed004"]): number {
  return Math.ceil(s.data.trainSamples / 5 / s.data.batchSize);
}

function scenario(s: Scale["seed004"], partition: "iid" | "unbalanced"): Scenario {
  return {
    nodes: 5,
    topology: { type: "ring" },
    mixing: { rule: "constant", self: 0.34, neighbor: 0.33 },
    problem: { type: "neural", model: "mlp", partition, ...s.data },
    federated: { localSteps: stepsPerEpoch(s), participation: 1, weighting: "samples" },
  };
}

/**
 * Runs seed 004's balanced and unbalanced experiments.
 *
 * @param scale the sizes
 * @param log progress lines
 * @returns the balanced and the unbalanced experiment
 */
export async function runSeed004(scale: Scale, log: Log): Promise<ExperimentResult[]> {
  const s = scale.seed004;
  const perEpoch = stepsPerEpoch(s);
  const epochs = s.steps / perEpoch;
  const schedule = { steps: s.steps, evalEvery: s.evalEvery, seeds: scale.seeds };
  const experiments: ExperimentResult[] = [];
  for (const partition of ["iid", "unbalanced"] as const) {
    const id = partition === "iid" ? "004-balanced" : "004-unbalanced";
    const start = performance.now();
    const line = (text: string) => log(`[${id}] ${text}`);
    const methods: (MethodResult & { epochsPerStep?: number })[] = [];
    for (const method of CONSENSUS_METHODS) {
      methods.push({
        ...await repeatFixed(scenario(s, partition), method, schedule, line),
        epochsPerStep: 1 / perEpoch,
      });
    }
    if (partition === "unbalanced") {
      for (const omega of s.omegas.filter((omega) => omega !== 0.5)) {
        const method = {
          label: omegaLabel(omega),
          algorithm: "gcdmsgd",
          fixed: { alpha: 0.01, momentum: 0.95, omega },
        };
        methods.push({
          ...await repeatFixed(scenario(s, partition), method, schedule, line),
          epochsPerStep: 1 / perEpoch,
        });
      }
      for (const alpha of [0.01, 0.2]) {
        const method = { label: `fedavg α=${alpha}`, algorithm: "fedavg", fixed: { alpha } };
        const rounds = { steps: epochs, evalEvery: 1, seeds: scale.seeds };
        methods.push({
          ...await repeatFixed(scenario(s, partition), method, rounds, line),
          epochsPerStep: 1,
        });
      }
    }
    experiments.push({
      id,
      title: `Seed 004, ${partition === "iid" ? "balanced" : "unbalanced"} data`,
      setup: `5 agents, sparse ring (0.34 self, 0.33 neighbours); MLP on MNIST; ` +
        `${s.data.trainSamples} training images (${
          partition === "iid" ? "equal shares" : "unequal shares, each ≥ half the equal share"
        }), batch ${s.data.batchSize}, ${s.steps} iterations = ${epochs} epochs of the equal ` +
        `share, evaluated every ${s.evalEvery} on ${s.data.testSamples} test images; α = 0.01, ` +
        `μ = 0.95 (Nesterov, the authors' code form), τ = 2, ω = 0.5` +
        (partition === "unbalanced"
          ? `; ω sweep {${s.omegas.join(", ")}}; Federated Averaging: ${epochs} rounds of one ` +
            `local epoch (${perEpoch} steps), all agents, weights by samples`
          : ""),
      accuracyKey: "nodeAccuracyMean",
      methods,
      wallMs: performance.now() - start,
    });
  }
  return experiments;
}
