import assert from "node:assert/strict";
import { compareBackends } from "../bench/compare_backends.ts";

Deno.test("the backend benchmark runs with tiny sizes (so it cannot rot)", async () => {
  const rates = await compareBackends(["wasm", "cpu"], 2);
  assert.deepEqual(rates.map((rate) => rate.backend), ["wasm", "cpu"]);
  for (const { stepsPerSecond } of rates) assert.ok(stepsPerSecond > 0);
});
