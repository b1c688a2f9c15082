import assert from "node:assert/strict";
import { modelsBench } from "../bench/models_bench.ts";

Deno.test("the models bench runs with tiny sizes (so it cannot rot)", async () => {
  const [rate] = await modelsBench(["softmax"], [4], ["wasm"], 2);
  assert.equal(rate.nodes, 4);
  for (const value of [rate.sequential!, rate.actors]) {
    assert.ok(value > 0 && Number.isFinite(value));
  }
});
