import assert from "node:assert/strict";
import {
  BYZANTINE,
  byzantineGrid,
  formatTable,
  liarsPerNeighbourhood,
  renderFigure,
} from "../examples/byzantine_figure.ts";

// The figure's grid (examples/byzantine_figure.ts) on a tiny size: the same torus, ids and
// aggregators, a small logistic problem, 40 steps.
const tiny = {
  ...BYZANTINE,
  problem: { type: "logistic", dim: 5, heterogeneity: 1, batchSize: 5 },
  alpha: 0.1,
  steps: 40,
  evalEvery: 20,
};

Deno.test("the figure's Byzantine ids leave every honest node of the torus one liar of 5", () => {
  const bounds = liarsPerNeighbourhood(BYZANTINE.topology, BYZANTINE.nodes, BYZANTINE.byzantine);
  assert.deepEqual(bounds, { maxLiars: 1, minNeighbourhood: 5 });
  // Two Byzantine nodes one apart on a ring: node 2 hears both, of 3.
  assert.deepEqual(liarsPerNeighbourhood({ type: "ring" }, 8, [1, 3]), {
    maxLiars: 2,
    minNeighbourhood: 3,
  });
});

Deno.test("the Byzantine grid runs tiny: deterministic, 14 honest nodes, the median resists sign-flip where the mean does not", async () => {
  const results = await byzantineGrid(tiny);
  assert.deepEqual(await byzantineGrid(tiny), results, "rows are deterministic");
  assert.equal(results.length, BYZANTINE.aggregators.length * BYZANTINE.attacks.length);
  for (const r of results) {
    assert.equal(r.step, 40);
    assert.equal(r.honestNodes, r.attack === "no attack" ? 16 : 14, `${r.aggregator} ${r.attack}`);
    assert.ok(Number.isFinite(r.loss) && r.accuracy !== null && r.nodeAccuracy !== null);
  }
  const at = (aggregator: string, attack: string) =>
    results.find((r) => r.aggregator === aggregator && r.attack === attack)!;
  const honest = at("mean", "no attack").loss;
  const meanShift = Math.abs(at("mean", "sign-flip").loss - honest);
  const medianShift = Math.abs(at("median", "sign-flip").loss - at("median", "no attack").loss);
  assert.ok(meanShift > 3 * medianShift, `mean moved ${meanShift}, median ${medianShift}`);
  const medianFromHonest = Math.abs(at("median", "sign-flip").loss - honest);
  assert.ok(meanShift > medianFromHonest, `${meanShift} ≤ ${medianFromHonest}`);

  const svg = await renderFigure(results, "logistic, tiny");
  assert.ok(svg.startsWith("<svg"), svg.slice(0, 40));
  assert.ok(svg.includes("Final honest accuracy under attack"));
  assert.match(formatTable(results), /median\s+sign-flip\s+\d+\.\d%\s+\d+\.\d%\s+0\.\d{4}/);
});
