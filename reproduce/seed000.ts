/**
 * Seed 000's experiments (§6 of the paper, ALGORITHMS.md §7): a 5-node ring with W = 1/3 on
 * each neighbour and itself, a CNN of three convolutions and a dense layer on MNIST, DGD,
 * DADAM and decentralized AMSGrad (ε = 1e-6), α chosen per method from {1e-1 … 1e-6} on
 * validation accuracy; homogeneous (iid) and heterogeneous (2 labels per node) data.
 *
 * @module
 */
import type { ExperimentResult } from "./results.ts";
import type { Scale } from "./scale.ts";
import type { Scenario } from "./trial.ts";
import { type Log, tuneAndRepeat } from "./tuning.ts";

/** The methods of seed 000 and their fixed hyper-parameters. */
const METHODS = [
  { label: "dgd", algorithm: "dgd", fixed: {} },
  { label: "dadam", algorithm: "dadam", fixed: { epsilon: 1e-6 } },
  { label: "decentralized-amsgrad", algorithm: "decentralized-amsgrad", fixed: { epsilon: 1e-6 } },
] as const;

/** The two data settings. */
export const SEED000_SETTINGS = [
  { id: "000-iid", partition: "iid", words: "homogeneous (iid) data" },
  { id: "000-noniid", partition: "classes", words: "heterogeneous data, 2 labels per node" },
] as const;

/** The scenario of one data setting. */
function scenario(scale: Scale["seed000"], partition: "iid" | "classes"): Scenario {
  return {
    nodes: 5,
    topology: { type: "ring" },
    mixing: { rule: "uniform" },
    problem: {
      type: "neural",
      model: "small-cnn",
      partition,
      ...(partition === "classes" ? { classesPerNode: 2 } : {}),
      ...scale.data,
    },
  };
}

/**
 * Runs seed 000's two experiments: every method tuned on the validation split, then every seed.
 *
 * @param scale the sizes
 * @param log progress lines
 * @returns the iid and the heterogeneous experiment
 */
export async function runSeed000(scale: Scale, log: Log): Promise<ExperimentResult[]> {
  const s = scale.seed000;
  const experiments: ExperimentResult[] = [];
  for (const setting of SEED000_SETTINGS) {
    const start = performance.now();
    const methods = [];
    for (const method of METHODS) {
      methods.push(
        await tuneAndRepeat(
          scenario(s, setting.partition),
          { ...method, candidates: s.grid.map((alpha) => ({ alpha })) },
          { steps: s.steps, evalEvery: s.evalEvery, seeds: scale.seeds },
          s.tuning,
          (line) => log(`[${setting.id}] ${line}`),
        ),
      );
    }
    experiments.push({
      id: setting.id,
      title: `Seed 000, ${setting.words}`,
      setup: `5-node ring, W = 1/3; small CNN (3 conv + dense) on MNIST; ${s.data.trainSamples} ` +
        `training images (${s.data.validationSamples} more held out for validation), batch ` +
        `${s.data.batchSize}, ${s.steps} iterations, evaluated every ${s.evalEvery} on ` +
        `${s.data.testSamples} test images; α from {${s.grid.join(", ")}} per method`,
      accuracyKey: "accuracy",
      methods,
      wallMs: performance.now() - start,
    });
  }
  return experiments;
}
