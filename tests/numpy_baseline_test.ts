/**
 * bench/numpy_baseline.py is the same algorithm as gossim's decentralized AMSGrad: in float64,
 * from the same x0 and on the same minibatches (drawn by gossim's sequential engine and
 * replayed by the script), both end at the same weights to 1e-10; and the script's models are
 * gossim's (their mean gradient at gossim's x0 equals the tfjs problem's to float32 rounding).
 * Skipped, with the reason printed, where python3 or NumPy is missing.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { runDecentralized } from "../simulation/sequential.ts";
import { ringTopology } from "../topologies/generators.ts";
import { uniformWeights } from "../topologies/mixing.ts";
import { loadMnistPixels } from "../problems/idx.ts";
import { subset } from "../problems/_mnist_subsets.ts";
import { neuralProblem } from "../problems/neural.ts";
import { Rng } from "../random.ts";
import { compareWithNumpy, formatComparison, numpyMissing } from "../bench/numpy_compare.ts";
import { recordingProblem, WIDTHS, writeReplay } from "./_numpy_replay.ts";

const SCRIPT = fileURLToPath(new URL("../bench/numpy_baseline.py", import.meta.url));
const SEED = 3;
const NODES = 3;
const PER_NODE = 20;

const skip = await numpyMissing();
if (skip) console.log(`numpy_baseline_test skipped: ${skip}`);

/** Runs the script's replay of `dir`, returning what it wrote to `dir/out.f64`. */
async function replay(dir: string, extra: string[] = []): Promise<Float64Array> {
  const out = `${dir}/out.f64`;
  const { success, stderr } = await new Deno.Command("python3", {
    args: [SCRIPT, "--replay", dir, "--out", out, ...extra],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(success, `numpy_baseline.py --replay failed: ${new TextDecoder().decode(stderr)}`);
  return new Float64Array(Deno.readFileSync(out).buffer);
}

/** max |a − b| / max |b|. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0, scale = 0;
  for (let k = 0; k < b.length; k++) {
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
    scale = Math.max(scale, Math.abs(b[k]));
  }
  return diff / scale;
}

/** gossim's tfjs problem (its data subset, x0 and mean gradient over all its training images). */
async function gossimModel(model: "softmax" | "mlp") {
  const train = await loadMnistPixels({ set: "train" });
  const data = subset(train, NODES * PER_NODE, new Rng(SEED, "problem/neural/train"));
  const problem = await neuralProblem({
    model,
    nodes: NODES,
    seed: SEED,
    trainSamples: NODES * PER_NODE,
    testSamples: 10,
    evalSamples: NODES * PER_NODE, // every training image, each weighted 1/(N·P): the mean
    batchSize: 4,
  });
  try {
    for (let i = 0; i < NODES; i++) assert.equal(problem.samples(i), PER_NODE);
    const x0 = problem.initialParams();
    const gradient = new Float64Array(problem.dim);
    problem.fullGradient(x0, gradient);
    return { data, x0, gradient };
  } finally {
    problem.dispose();
  }
}

for (const model of ["softmax", "mlp"] as const) {
  Deno.test({
    name: `numpy_baseline.py ${model}: gossim's model, and its AMSGrad run equals gossim's`,
    ignore: skip !== null,
    async fn() {
      const { data, x0, gradient } = await gossimModel(model);
      const dir = Deno.makeTempDirSync({ prefix: "numpy_baseline_test_" });
      try {
        // The models: the script's mean gradient at gossim's x0 on the same images.
        const spec = { model, nodes: NODES, steps: 0, batch: 1 };
        writeReplay(dir, { ...spec, fullGradient: true }, data, x0);
        const numpyGradient = await replay(dir);
        assert.equal(numpyGradient.length, x0.length);
        const modelError = relative(numpyGradient, gradient);
        assert.ok(modelError < 1e-4, `${model} gradient: relative difference ${modelError}`);

        // The algorithm: gossim's sequential engine in float64, then the script on its batches.
        const steps = 4, batch = 5;
        const problem = recordingProblem(WIDTHS[model], data, NODES, batch, x0);
        const result = runDecentralized({
          problem,
          algorithm: createAlgorithm("decentralized-amsgrad") as DecentralizedAlgorithm,
          mixing: uniformWeights(ringTopology(NODES)),
          steps,
          seed: SEED,
          evalEvery: steps,
        });
        writeReplay(dir, { ...spec, steps, batch }, data, x0, problem.batches);
        const numpy = await replay(dir);
        const moved = (x: ArrayLike<number>, i: number) =>
          Array.from(x0, (v, k) => x[i * x0.length + k] - v);
        let worst = 0;
        for (let i = 0; i < NODES; i++) {
          const gossim = Array.from(result.models[i], (v, k) => v - x0[k]);
          const error = relative(moved(numpy, i), gossim);
          assert.ok(error < 1e-10, `${model} node ${i}: x_T − x0 differs by ${error} (relative)`);
          worst = Math.max(worst, error);
        }
        if (model === "softmax") {
          // The check has teeth: β1 = 0.89 instead of gossim's 0.9 is seen at once.
          const other = await replay(dir, ["--beta1", "0.89"]);
          const error = relative(
            moved(other, 0),
            Array.from(result.models[0], (v, k) => v - x0[k]),
          );
          assert.ok(error > 1e-4, `β1 = 0.89 went unnoticed (${error})`);
          console.log(`softmax with β1 = 0.89: x_T − x0 differs by ${error.toExponential(1)}`);
        }
        console.log(
          `${model}: gradient vs tfjs ${modelError.toExponential(1)}, x_T − x0 vs gossim ${
            worst.toExponential(1)
          }`,
        );
      } finally {
        Deno.removeSync(dir, { recursive: true });
      }
    },
  });
}

Deno.test({
  name: "the NumPy comparison bench runs with tiny sizes (so it cannot rot)",
  ignore: skip !== null,
  async fn() {
    const rows = await compareWithNumpy(["softmax"], [3], () => 2, 1);
    const { numpy, gossim } = rows[0];
    const [{ sequential, actors }] = gossim;
    for (const rate of [...numpy, ...sequential, ...actors]) {
      assert.ok(rate > 0 && Number.isFinite(rate), `rate ${rate}`);
    }
    assert.match(formatComparison(rows), /softmax\s+3\s+2/);
  },
});
