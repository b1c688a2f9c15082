/**
 * tfjs-backend-wasm's own matMul kernels against gossim's fast forms
 * (`problems/_wasm_fast_matmul.ts`), on the layer shapes of gossim's models: every product form
 * that a dense layer's forward pass and tfjs's autodiff issue, a 16-deep batched product, and
 * whole gradient steps of each model.
 *
 *   deno run --allow-read bench/matmul_bench.ts      # GFLOPS table, gradient ms (~40 s)
 *   deno bench --allow-read bench/matmul_bench.ts    # the same for the MLP, as Deno.bench
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { neuralProblem } from "../problems/neural.ts";
import type { ModelName } from "../problems/models.ts";
import { initBackend } from "../problems/tfjs_backend.ts";
import { registerWasmFastMatMul, unregisterWasmFastMatMul } from "../problems/_wasm_fast_matmul.ts";
import { Rng } from "../random.ts";

await initBackend("wasm");

/** The dense layers (inputs → units) of gossim's models. */
const LAYERS: readonly { model: string; inputs: number; units: number }[] = [
  { model: "softmax", inputs: 784, units: 10 },
  { model: "mlp 1", inputs: 784, units: 200 },
  { model: "mlp 2", inputs: 200, units: 10 },
  { model: "cnn 1", inputs: 320, units: 50 },
  { model: "small-cnn", inputs: 288, units: 10 },
];

/** Stacked products in the batched form. */
const STACK = 16;

/** One product form on one layer: its FLOPs and a call that computes and frees it. */
interface Case {
  readonly form: string;
  readonly flops: number;
  readonly call: () => void;
}

/**
 * The products of a dense layer with `batch` rows: the forward pass (weights reused, and new
 * weights each call as in training), tfjs's gradients (`transposeA`: the kernel's; `transposeB`:
 * the input's) and `STACK` forward passes as one rank-3 product.
 */
function cases(batch: number, inputs: number, units: number): Case[] {
  const x = tf.randomNormal([batch, inputs]);
  const w = tf.randomNormal([inputs, units]);
  const dy = tf.randomNormal([batch, units]);
  const xs = tf.randomNormal([STACK, batch, inputs]);
  const ws = tf.randomNormal([STACK, inputs, units]);
  const flops = 2 * batch * inputs * units;
  return [
    { form: "plain", flops, call: () => tf.matMul(x, w).dispose() },
    {
      form: "plain, new b",
      flops,
      call: () => {
        const fresh = tf.clone(w);
        tf.matMul(x, fresh).dispose();
        fresh.dispose();
      },
    },
    { form: "transposeA", flops, call: () => tf.matMul(x, dy, true, false).dispose() },
    { form: "transposeB", flops, call: () => tf.matMul(dy, w, false, true).dispose() },
    { form: `batched ${STACK}`, flops: STACK * flops, call: () => tf.matMul(xs, ws).dispose() },
  ];
}

/**
 * Milliseconds per call, robust to other work on the machine: after ~`budget` ms of warm-up
 * (the JIT needs a few hundred gradient steps), the fastest of 5 rounds of ~`budget` / 5 ms
 * (3 calls at least) each.
 */
function msPerCall(call: () => void, budget = 50): number {
  const warm = performance.now();
  do call(); while (performance.now() - warm < budget);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let calls = 0;
    const start = performance.now();
    while (calls < 3 || performance.now() - start < budget / 5) {
      call();
      calls++;
    }
    best = Math.min(best, (performance.now() - start) / calls);
  }
  return best;
}

/** Runs `body` on tfjs-backend-wasm's own kernels (`false`) or the fast forms (`true`). */
function withKernels<T>(fast: boolean, body: () => T): T {
  if (fast) registerWasmFastMatMul();
  else unregisterWasmFastMatMul();
  try {
    return body();
  } finally {
    registerWasmFastMatMul();
  }
}

/** FLOPs of one MLP gradient step: forward, kernel gradients, the hidden layer's gradient. */
function mlpGradientFlops(batch: number): number {
  return 2 * batch * (2 * 784 * 200 + 3 * 200 * 10);
}

/** A model's gradient step (batch `batch`) as a call, and a function that frees the problem. */
async function gradientStep(model: ModelName, batch: number) {
  const problem = await neuralProblem({
    model,
    nodes: 1,
    seed: 0,
    batchSize: batch,
    trainSamples: 1000,
    testSamples: 10,
    evalSamples: 10,
  });
  const x = problem.initialParams();
  const out = new Float64Array(problem.dim);
  const rng = new Rng(0, "bench");
  return { call: () => void problem.gradient(0, x, out, rng), dispose: () => problem.dispose() };
}

if (import.meta.main) {
  const gflops = (flops: number, ms: number) => (flops / ms / 1e6).toFixed(1).padStart(6);
  console.log("GFLOPS, one core: tfjs-backend-wasm's kernels → gossim's fast forms");
  const plain = new Map<number, number>();
  for (const batch of [32, 128]) {
    for (const { model, inputs, units } of LAYERS) {
      for (const { form, flops, call } of cases(batch, inputs, units)) {
        const before = withKernels(false, () => msPerCall(call));
        const after = withKernels(true, () => msPerCall(call));
        if (form === "plain" && model === "mlp 1") plain.set(batch, flops / after / 1e6);
        console.log(
          `${`batch ${batch}, ${model} ${inputs}→${units}`.padEnd(30)} ${form.padEnd(14)}` +
            `${gflops(flops, before)} → ${gflops(flops, after)}`,
        );
      }
    }
  }
  console.log("\nms per gradient step (problem.gradient), original → fast");
  for (const model of ["softmax", "mlp", "cnn", "small-cnn"] as const) {
    for (const batch of [32, 128]) {
      const step = await gradientStep(model, batch);
      const before = withKernels(false, () => msPerCall(step.call, 500));
      const after = withKernels(true, () => msPerCall(step.call, 500));
      step.dispose();
      let line = `${model.padEnd(10)} batch ${String(batch).padEnd(4)} ${before.toFixed(2)} → ` +
        `${after.toFixed(2)} ms`;
      if (model === "mlp") {
        const rate = mlpGradientFlops(batch) / after / 1e6;
        line += `, ${rate.toFixed(1)} GFLOPS = ${
          (100 * rate / plain.get(batch)!).toFixed(0)
        }% of plain 2-D matMul (mlp 1, batch ${batch})`;
      }
      console.log(line);
    }
  }
} else {
  for (const { form, call } of cases(32, 784, 200)) {
    const group = `mlp 784→200, batch 32, ${form}`;
    Deno.bench(`original, ${form}`, { group, baseline: true }, () => withKernels(false, call));
    Deno.bench(`fast, ${form}`, { group }, () => withKernels(true, call));
  }
  const step = await gradientStep("mlp", 32);
  const group = "mlp gradient step, batch 32";
  Deno.bench(
    "original, mlp gradient",
    { group, baseline: true },
    () => withKernels(false, step.call),
  );
  Deno.bench("fast, mlp gradient", { group }, () => withKernels(true, step.call));
}
