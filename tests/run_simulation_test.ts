import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";

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
  assert.equal(summary.spectral.lambda, result.spectral!.lambda);
  assert.ok(summary.spectral.gap > 0 && summary.spectral.gap <= 1);
  assert.equal(summary.runs.length, 3);
  const perNode: number[] = summary.runs[0].nodeAccuracy;
  assert.equal(perNode.length, 6);
  const final = result.runs[0].rows.at(-1)!;
  assert.ok(Math.abs(perNode.reduce((a, b) => a + b, 0) / 6 - final.nodeAccuracyMean!) < 1e-12);
  assert.ok(Math.abs(Math.max(...perNode) - Math.min(...perNode) - final.accuracySpread!) < 1e-12);
  assert.equal(summary.runs[2].nodeAccuracy, null, "a federated run has one global model");
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

Deno.test("an interrupted run leaves what it completed, readable, and says so", async () => {
  const out = await Deno.makeTempDir();
  const controller = new AbortController();
  let rows = 0;
  await assert.rejects(
    runSimulation({ ...scenario, algorithms: ["dgd", "cdsgd"], out }, {
      signal: controller.signal,
      onRow(_row, run) {
        if (run.index === 1 && ++rows === 3) controller.abort(new Error("stop"));
      },
    }),
    /stop/,
  );
  const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
  assert.equal(summary.status, "interrupted");
  assert.equal(summary.runs.length, 1);
  const lines = (await Deno.readTextFile(`${out}/metrics.jsonl`)).trimEnd().split("\n");
  assert.equal(lines.length, 60 / 5 + 3);
  assert.equal(JSON.parse(lines.at(-1)!).algorithm, "cdsgd");
  const names = [...Deno.readDirSync(out)].map((entry) => entry.name);
  assert.ok(!names.some((name) => name.endsWith(".tmp")), `${names}`);
  await Deno.remove(out, { recursive: true });
});

Deno.test("--repeat: K seeds, mean ± std of the final metrics", async () => {
  const result = await runSimulation({ ...scenario, algorithms: ["dgd"], repeat: 3 });
  assert.deepEqual(result.runs.map((run) => run.seed), [0, 1, 2]);
  const losses = result.runs.map((run) => run.rows.at(-1)!.loss);
  const stats = result.repeats.dgd.loss!;
  const mean = losses.reduce((a, b) => a + b, 0) / 3;
  assert.ok(Math.abs(stats.mean - mean) < 1e-12);
  const std = Math.sqrt(losses.reduce((s, v) => s + (v - mean) ** 2, 0) / 2);
  assert.ok(Math.abs(stats.std - std) < 1e-12 && std > 0);
});

Deno.test("a learning-rate sweep picks the best α per algorithm by the named metric", async () => {
  const values = [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6];
  const result = await runSimulation({
    ...scenario,
    algorithms: ["dgd", "fedavg"],
    sweep: { param: "alpha", values, metric: "loss" },
  });
  assert.equal(result.runs.length, 12);
  for (const name of ["dgd", "fedavg"]) {
    const finals = values.map((value) =>
      result.runs.find((run) => run.label === `${name} alpha=${value}`)!.rows.at(-1)!.loss
    );
    const best = values[finals.indexOf(Math.min(...finals))];
    assert.equal(result.best[name].value, best);
  }
  await assert.rejects(
    runSimulation({ ...scenario, algorithms: ["dgd"], sweep: { param: "beta1", values: [0.5] } }),
    /sweep .*beta1/,
  );
});

Deno.test("a long sequential run serves timers and signals: an abort 50 ms in stops it", async () => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Error("timer fired")), 50);
  const start = performance.now();
  await assert.rejects(
    runSimulation({
      ...scenario,
      algorithms: ["dgd"],
      problem: { type: "quadratic", dim: 1000 },
      steps: 10_000_000,
      evalEvery: 1_000_000,
    }, { signal: controller.signal }),
    /timer fired/,
  );
  // The whole run would take minutes; a loaded CI machine may be slow to get to the timer.
  assert.ok(performance.now() - start < 5_000);
});
