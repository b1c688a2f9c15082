import assert from "node:assert/strict";
import { growthExponent, scaleBench } from "../bench/scale.ts";

Deno.test("the scale bench runs with tiny sizes (so it cannot rot) and fits exponents", async () => {
  const points = await scaleBench(60, [30, 60], 3);
  const names = new Set(points.map((p) => p.series));
  assert.ok(names.has("quadratic, ring, actors") && names.has("softmax, ring, sequential"));
  for (const p of points) {
    assert.ok(p.msPerStep > 0 && Number.isFinite(p.msPerStep), `${p.series} ${p.nodes}`);
    assert.ok(p.peakRssBytes > 1e6, `${p.series}: ${p.peakRssBytes} bytes`);
  }
  assert.ok(Math.abs(growthExponent([10, 100, 1000], [2, 20, 200]) - 1) < 1e-12);
  assert.ok(Math.abs(growthExponent([10, 100], [3, 300]) - 2) < 1e-12);
});
