import assert from "node:assert/strict";
import { measureGradients, mlpGflops } from "../bench/gradients_bench.ts";

Deno.test("the gradients benchmark runs with tiny sizes (so it cannot rot)", async () => {
  const rates = await measureGradients({
    models: ["softmax"],
    backends: ["wasm"],
    nodes: [2],
    budgetMs: 1,
    batchSize: 4,
  });
  assert.equal(rates.length, 1);
  assert.deepEqual([rates[0].model, rates[0].backend, rates[0].nodes], ["softmax", "wasm", 2]);
  assert.ok(rates[0].perNode > 0 && rates[0].batched > 0);
  const gflops = await mlpGflops(1, 2);
  assert.ok(gflops.matmulGflops > 0 && gflops.stepMs > 0 && gflops.blockStepMs > 0);
  assert.ok(gflops.stepFraction > 0 && gflops.blockFraction > 0);
});
