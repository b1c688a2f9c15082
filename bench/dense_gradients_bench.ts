/**
 * One node's minibatch gradient (batch 32, MNIST), softmax regression and the seed-003 MLP: the
 * tfjs program (what float64 state takes) against gossim's dense kernels over the inputs'
 * nonzeros (what float32 state takes, `problems/_dense_gradients.ts`), side by side.
 *
 *   deno bench --allow-read --allow-env bench/dense_gradients_bench.ts
 *
 * @module
 */
import { neuralProblem } from "../problems/neural.ts";
import { Rng } from "../random.ts";

for (const model of ["softmax", "mlp"] as const) {
  const problem = await neuralProblem({
    model,
    nodes: 8,
    seed: 1,
    batchSize: 32,
    trainSamples: 4000,
    testSamples: 100,
    evalSamples: 100,
  });
  const x64 = problem.initialParams(), x32 = Float32Array.from(x64);
  const out64 = new Float64Array(problem.dim), out32 = new Float32Array(problem.dim);
  const rng = new Rng(2, "bench/dense");
  let node = 0;
  Deno.bench({
    name: `${model}: tfjs program (float64 state)`,
    group: model,
    baseline: true,
    fn: () => void problem.gradient(node++ % 8, x64, out64, rng),
  });
  Deno.bench({
    name: `${model}: dense kernels (float32 state)`,
    group: model,
    fn: () => void problem.gradient(node++ % 8, x32, out32, rng),
  });
}
