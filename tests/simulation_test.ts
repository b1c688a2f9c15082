import assert from "node:assert/strict";
import { runSimulation } from "../simulation.ts";

const scenario = {
  algorithms: ["decentralized-amsgrad", "cdmsgd", "fed-ams"],
  nodes: 6,
  topology: { type: "erdos-renyi", p: 0.5 },
  problem: { type: "logistic", dim: 8, heterogeneity: 2, batchSize: 16 },
  steps: 60,
  evalEvery: 5,
  federated: { localSteps: 3, participation: 0.5 },
};

async function metricsBytes(seed: number): Promise<Uint8Array> {
  const out = await Deno.makeTempDir();
  await runSimulation({ ...scenario, seed, out });
  const bytes = await Deno.readFile(`${out}/metrics.jsonl`);
  await Deno.remove(out, { recursive: true });
  return bytes;
}

Deno.test("same seed → identical metrics.jsonl bytes; different seed → different", async () => {
  const first = await metricsBytes(11);
  const second = await metricsBytes(11);
  const other = await metricsBytes(12);
  assert.ok(first.length > 0);
  assert.deepEqual(first, second);
  assert.notDeepEqual(first, other);
});

Deno.test("the run directory holds config, metrics (JSONL, CSV) and summary", async () => {
  const out = await Deno.makeTempDir();
  const result = await runSimulation({ ...scenario, seed: 1, out });
  const lines = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trimEnd().split("\n");
  assert.equal(lines.length, 3 * (60 / 5));
  assert.equal(JSON.parse(lines[0]).algorithm, "decentralized-amsgrad");
  const csv = (await Deno.readTextFile(`${out}/metrics.csv`)).trimEnd().split("\n");
  assert.equal(csv.length, lines.length + 1);
  assert.match(csv[0], /^algorithm,step,loss,gradNormSq,consensusDistance/);
  const config = JSON.parse(await Deno.readTextFile(`${out}/config.json`));
  assert.equal(config.seed, 1);
  assert.equal(config.version, "0.1.0");
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  assert.equal(summary.spectral.lambda, result.spectral.lambda);
  assert.ok(summary.spectral.gap > 0 && summary.spectral.gap <= 1);
  assert.equal(summary.runs.length, 3);
  await Deno.remove(out, { recursive: true });
});

Deno.test("a federated run samples participation from the seed and counts messages", async () => {
  const result = await runSimulation({ ...scenario, algorithms: ["fedavg"], seed: 3 });
  const last = result.runs[0].rows.at(-1)!;
  // 6 clients × 0.5 = 3 per round, one broadcast and one upload each, 60 rounds.
  assert.equal(last.messages, 60 * 3 * 2);
  assert.equal(last.bytes, 60 * 3 * 2 * 9 * 8);
  assert.equal(last.consensusDistance, 0);
});
