import assert from "node:assert/strict";
import {
  copyBandwidth,
  models,
  msPerNodeStep,
  ringState,
  vectorStep,
} from "../bench/vector_bench.ts";

Deno.test("vector bench (tiny): both placements compute the same bits, and the rates are measured", () => {
  const d = 129;
  const plain = ringState(d, 4, false), kernels = ringState(d, 4, true);
  for (let t = 1; t <= 3; t++) {
    vectorStep(plain, t);
    vectorStep(kernels, t);
  }
  models(plain).forEach((x, i) => assert.deepEqual(models(kernels)[i], x, `node ${i}`));
  assert.ok(models(plain)[0].some((value, k) => value !== ringState(d, 4, false)[0].state.x[k]));
  for (const ring of [plain, kernels]) {
    const ms = msPerNodeStep(ring, 2, 1);
    assert.ok(ms > 0 && Number.isFinite(ms));
  }
  assert.ok(copyBandwidth(1e6, 2) > 0);
});
