import assert from "node:assert/strict";
import { compareEngines } from "../bench/compare_engines.ts";

Deno.test("the engine benchmark runs with tiny sizes (so it cannot rot)", async () => {
  const [result] = await compareEngines([4], () => 5);
  assert.equal(result.nodes, 4);
  for (const rate of [result.sequential, result.actors, result.actorsAsync]) {
    assert.ok(rate > 0 && Number.isFinite(rate));
  }
});
