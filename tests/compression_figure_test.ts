import assert from "node:assert/strict";
import {
  COMPRESSION,
  compressionGrid,
  type CompressionGridOptions,
  formatTable,
  reached,
  renderFigure,
} from "../examples/compression_figure.ts";
import { topKBytes } from "../exchange/encoders/top_k.ts";
import { qsgdBytes } from "../exchange/encoders/qsgd.ts";

// The figure's grid (examples/compression_figure.ts) on a tiny size: the same four methods,
// ring and 1 MB/s links, a small logistic problem on 6 nodes, 40 steps. top-k keeps 10% here:
// 1% of a small vector rounds to one entry.
const methods = COMPRESSION.methods.map((m) =>
  typeof m.encoder === "object" && m.encoder.name === "top-k"
    ? { ...m, encoder: { name: "top-k", params: { fraction: 0.1 } } }
    : m
);
const tiny: CompressionGridOptions = {
  ...COMPRESSION,
  nodes: 6,
  problem: { type: "logistic", dim: 50, heterogeneity: 1, batchSize: 5 },
  steps: 40,
  evalEvery: 20,
  methods,
};

Deno.test("the compression grid runs tiny: deterministic, exact bytes, compressed messages arrive sooner", async () => {
  const results = await compressionGrid(tiny);
  assert.deepEqual(await compressionGrid(tiny), results, "runs are deterministic");
  assert.deepEqual(results.map((r) => r.label), COMPRESSION.methods.map((m) => m.label));
  const [dpsgd, topk, qsgd, chocoFull] = results;
  const d = dpsgd.bytesPerMessage / 8;
  assert.ok(Number.isInteger(d) && d >= 50, `full messages of ${dpsgd.bytesPerMessage} B`);
  assert.equal(chocoFull.bytesPerMessage, 8 * d);
  assert.equal(topk.bytesPerMessage, topKBytes(0.1, d));
  assert.equal(qsgd.bytesPerMessage, qsgdBytes(15, d));
  for (const r of results) {
    assert.deepEqual(r.points.map((p) => p.step), [20, 40], r.label);
    for (const p of r.points) assert.equal(p.bytes, p.messages * r.bytesPerMessage, r.label);
    assert.ok(r.points.every((p) => p.accuracy !== null && Number.isFinite(p.loss)), r.label);
  }
  // Same message count, fewer bytes; on 1 MB/s links a smaller message also arrives sooner.
  const end = (r: typeof dpsgd) => r.points.at(-1)!;
  assert.equal(end(topk).messages, end(dpsgd).messages);
  assert.ok(end(topk).bytes < end(dpsgd).bytes && end(qsgd).bytes < end(dpsgd).bytes);
  assert.ok(end(topk).virtualTime < end(dpsgd).virtualTime);
  assert.ok(end(qsgd).virtualTime < end(dpsgd).virtualTime);
  assert.equal(end(chocoFull).virtualTime, end(dpsgd).virtualTime);

  const first = dpsgd.points[0];
  assert.deepEqual(reached(dpsgd, 0), {
    step: 20,
    bytes: first.bytes,
    virtualTime: first.virtualTime,
  });
  assert.equal(reached(dpsgd, 1.01), null);
  const svg = await renderFigure(results, 0.85, "logistic, tiny");
  assert.ok(svg.startsWith("<svg"), svg.slice(0, 40));
  assert.ok(svg.includes("Test accuracy against bytes sent"));
  const table = formatTable(results, [0.85]).split("\n");
  assert.equal(table.length, 5);
  assert.match(table[2], /^CHOCO-SGD, top-k 1%.*\s+\d+ B\s+\d+\.\d%/);
});
