/**
 * Seed 003's experiments (§5 of the paper, ALGORITHMS.md §7): 50 clients, half of them per
 * round, one class per client, Fed-SGD, Fed-AMS and FED-LAMB (β1 = 0.9, β2 = 0.999, φ the
 * identity, λ ∈ {0, 0.01, 0.1}) on MNIST with the MLP (1 and 3 local epochs) and the CNN; α
 * tuned per method on validation accuracy. The `vBiasCorrection` ablation (ALGORITHMS.md §4)
 * reruns Fed-AMS and FED-LAMB on the 1-epoch MLP with each bias correction, α tuned again.
 *
 * Tuning budget: the 1-epoch MLP tunes every method on the whole grid (FED-LAMB on grid × λ);
 * the other settings try the 1-epoch choice and its `neighbours` grid points on each side,
 * FED-LAMB with its 1-epoch λ; the ablation's new variants tune α on the whole grid with
 * FED-LAMB's 1-epoch λ.
 *
 * @module
 */
import type { ExperimentResult } from "./results.ts";
import type { DataScale, Scale } from "./scale.ts";
import type { Scenario } from "./trial.ts";
import { type Log, type MethodResult, type Params, tuneAndRepeat } from "./tuning.ts";

type Model = "mlp" | "cnn";

/** The scenario of one model and number of local epochs. */
function scenario(data: DataScale, model: Model, epochs: number): Scenario {
  return {
    nodes: 50,
    problem: { type: "neural", model, partition: "classes", classesPerNode: 1, ...data },
    federated: { localEpochs: epochs, participation: 0.5, weighting: "uniform" },
  };
}

/** The grid points within `k` places of `value` (the value itself included). */
export function neighbourValues(grid: readonly number[], value: number, k: number): number[] {
  const index = grid.indexOf(value);
  if (index < 0) return [value];
  return grid.slice(Math.max(0, index - k), index + k + 1);
}

/** The three methods with their fixed parameters and the candidates to try. */
function methods(
  s: Scale["seed003"],
  around: Record<string, Params> | null,
): { label: string; algorithm: string; fixed: Params; candidates: Params[] }[] {
  const alphas = (label: string) =>
    around ? neighbourValues(s.grid, around[label].alpha as number, s.neighbours) : s.grid;
  const lambdas = around ? [around["fed-lamb"].lambda as number] : s.lambdas;
  return [
    {
      label: "fedavg",
      algorithm: "fedavg",
      fixed: {},
      candidates: alphas("fedavg").map((alpha) => ({ alpha })),
    },
    {
      label: "fed-ams",
      algorithm: "fed-ams",
      fixed: { vBiasCorrection: "paper" },
      candidates: alphas("fed-ams").map((alpha) => ({ alpha })),
    },
    {
      label: "fed-lamb",
      algorithm: "fed-lamb",
      fixed: { vBiasCorrection: "paper" },
      candidates: alphas("fed-lamb").flatMap((alpha) =>
        lambdas.map((lambda) => ({ alpha, lambda }))
      ),
    },
  ];
}

function describe(
  s: Scale["seed003"],
  data: DataScale,
  model: Model,
  epochs: number,
  grid: string,
) {
  const perClient = Math.floor(data.trainSamples / 50);
  return `50 clients, participation 0.5, one class per client; ${model.toUpperCase()} on MNIST; ` +
    `${data.trainSamples} training images (~${perClient} per client; ${data.validationSamples} ` +
    `more held out for validation), batch ${data.batchSize}, ${epochs} local epoch${
      epochs > 1 ? "s" : ""
    } (${epochs * Math.ceil(perClient / data.batchSize)} local steps), ${s.rounds} rounds, ` +
    `evaluated every ${s.evalEvery} on ${data.testSamples} test images; ${grid}`;
}

async function experiment(
  scale: Scale,
  id: string,
  model: Model,
  epochs: number,
  around: Record<string, Params> | null,
  log: Log,
): Promise<ExperimentResult> {
  const s = scale.seed003;
  const data = model === "mlp" ? s.mlp : s.cnn;
  const start = performance.now();
  const results: MethodResult[] = [];
  for (const method of methods(s, around)) {
    results.push(
      await tuneAndRepeat(
        scenario(data, model, epochs),
        method,
        { steps: s.rounds, evalEvery: s.evalEvery, seeds: scale.seeds },
        s.tuning,
        (line) => log(`[${id}] ${line}`),
      ),
    );
  }
  const grid = around
    ? `α from the 1-epoch MLP choice and its ${s.neighbours} neighbour(s) on the grid, FED-LAMB's λ = ${
      around["fed-lamb"].lambda
    }`
    : `α from {${s.grid.join(", ")}} per method, FED-LAMB's λ from {${s.lambdas.join(", ")}}`;
  return {
    id,
    title: `Seed 003, MNIST ${model.toUpperCase()}, ${epochs} local epoch${epochs > 1 ? "s" : ""}`,
    setup: describe(s, data, model, epochs, grid),
    accuracyKey: "accuracy",
    methods: results,
    wallMs: performance.now() - start,
  };
}

/** The `vBiasCorrection` ablation on the 1-epoch MLP: the paper's variant comes from `base`. */
async function ablation(scale: Scale, base: ExperimentResult, log: Log): Promise<ExperimentResult> {
  const s = scale.seed003;
  const start = performance.now();
  const chosen = (label: string) => base.methods.find((m) => m.label === label)!;
  const lambda = chosen("fed-lamb").params.lambda;
  const methods: MethodResult[] = [];
  for (const name of ["fed-ams", "fed-lamb"]) {
    methods.push({ ...chosen(name), label: `${name} (paper)` });
    for (const correction of ["none", "from-zero"]) {
      methods.push(
        await tuneAndRepeat(
          scenario(s.mlp, "mlp", 1),
          {
            label: `${name} (${correction})`,
            algorithm: name,
            fixed: { vBiasCorrection: correction, ...(name === "fed-lamb" ? { lambda } : {}) },
            candidates: s.grid.map((alpha) => ({ alpha })),
          },
          { steps: s.rounds, evalEvery: s.evalEvery, seeds: scale.seeds },
          s.tuning,
          (line) => log(`[003-ablation] ${line}`),
        ),
      );
    }
  }
  methods.push(chosen("fedavg"));
  return {
    id: "003-ablation",
    title: "Seed 003, vBiasCorrection ablation (MNIST MLP, 1 local epoch)",
    setup: describe(
      s,
      s.mlp,
      "mlp",
      1,
      `each variant's α from {${
        s.grid.join(", ")
      }}, FED-LAMB's λ = ${lambda} (its paper-variant choice); ` +
        `the paper variants and Fed-SGD are the 1-epoch MLP experiment's runs`,
    ),
    accuracyKey: "accuracy",
    methods,
    wallMs: performance.now() - start,
  };
}

/**
 * Runs seed 003's experiments: the MLP with 1 and 3 local epochs, the CNN, and the
 * `vBiasCorrection` ablation.
 *
 * @param scale the sizes
 * @param log progress lines
 * @returns the experiments, the 1-epoch MLP first
 */
export async function runSeed003(scale: Scale, log: Log): Promise<ExperimentResult[]> {
  const mlp1 = await experiment(scale, "003-mlp-1", "mlp", 1, null, log);
  const around = Object.fromEntries(mlp1.methods.map((m) => [m.label, m.params]));
  const mlp3 = await experiment(scale, "003-mlp-3", "mlp", 3, around, log);
  const cnn: ExperimentResult[] = [];
  for (const epochs of scale.seed003.cnnEpochs) {
    cnn.push(await experiment(scale, `003-cnn-${epochs}`, "cnn", epochs, around, log));
  }
  return [mlp1, mlp3, ...cnn, await ablation(scale, mlp1, log)];
}
