import assert from "node:assert/strict";
import { XMLValidator } from "fast-xml-parser";
import { plotMetrics } from "../metrics/plot.ts";
import { writePlots } from "../metrics/run_plots.ts";
import { runSimulation } from "./_fit.ts";

const ALGORITHMS = ["decentralized-amsgrad", "cdmsgd", "fedavg"];

/** Rows of three algorithms with a decreasing loss; fedavg's consensus distance is 0. */
function syntheticRows(): object[] {
  const rows: object[] = [];
  ALGORITHMS.forEach((algorithm, a) => {
    for (let step = 10; step <= 100; step += 10) {
      rows.push({
        algorithm,
        step,
        loss: 0.7 / Math.sqrt(step) + 0.01 * a,
        consensusDistance: algorithm === "fedavg" ? 0 : 1e-3 / step,
        accuracy: null,
      });
    }
  });
  return rows;
}

/** The text of every `<text>` element. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
}

function assertWellFormed(svg: string): void {
  const result = XMLValidator.validate(svg);
  assert.equal(result, true, JSON.stringify(result));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
}

Deno.test("plotMetrics() draws one legend entry per algorithm in well-formed SVG", async () => {
  const svg = await plotMetrics(syntheticRows(), { x: "step", y: "loss", title: "Loss" });
  assert.ok(svg !== null);
  assertWellFormed(svg);
  const labels = texts(svg);
  for (const algorithm of ALGORITHMS) assert.ok(labels.includes(algorithm), algorithm);
  assert.ok(labels.includes("Loss"));
  // One line path per algorithm.
  assert.equal(svg.match(/<g class="mark-line role-mark/g)?.length, 3);
});

Deno.test("plotMetrics() on a log axis leaves out zeros and says so", async () => {
  const svg = await plotMetrics(syntheticRows(), {
    x: "step",
    y: "consensusDistance",
    title: "Consensus",
    logY: true,
  });
  assert.ok(svg !== null);
  assertWellFormed(svg);
  assert.ok(!svg.includes("NaN") && !svg.includes("Infinity"));
  const labels = texts(svg);
  assert.ok(labels.includes("fedavg: 10 values ≤ 0 left out (log axis)"));
  assert.ok(labels.includes("cdmsgd"));
  assert.ok(!labels.includes("fedavg"));
});

Deno.test("plotMetrics() renders a single zero among positive values on a log axis", async () => {
  const rows = [
    { algorithm: "dgd", step: 1, loss: 1 },
    { algorithm: "dgd", step: 2, loss: 0 },
    { algorithm: "dgd", step: 3, loss: -1 },
    { algorithm: "dgd", step: 4, loss: 0.1 },
  ];
  const svg = await plotMetrics(rows, { x: "step", y: "loss", title: "Loss", logY: true });
  assert.ok(svg !== null);
  assertWellFormed(svg);
  assert.ok(!svg.includes("NaN"));
});

Deno.test("plotMetrics() skips missing values and returns null when none is left", async () => {
  const rows = syntheticRows();
  assert.equal(await plotMetrics(rows, { x: "step", y: "accuracy", title: "Accuracy" }), null);
  assert.equal(await plotMetrics(rows, { x: "step", y: "dropped", title: "Dropped" }), null);
  assert.equal(await plotMetrics(rows, { x: "virtualTime", y: "loss", title: "Time" }), null);
  const partial = [...rows, { algorithm: "dgd", step: 5, loss: null }, { algorithm: "dgd" }];
  const svg = await plotMetrics(partial, { x: "step", y: "loss", title: "Loss" });
  assert.ok(svg !== null && !texts(svg).includes("dgd"));
});

Deno.test("plotMetrics() gives identical bytes for identical rows", async () => {
  const options = { x: "step", y: "loss", title: "Loss", logY: true } as const;
  const first = await plotMetrics(syntheticRows(), options);
  const second = await plotMetrics(syntheticRows(), options);
  assert.ok(first !== null);
  assert.equal(first, second);
});

Deno.test("writePlots() writes only the plots the rows have data for", async () => {
  const directory = await Deno.makeTempDir();
  try {
    const rows = syntheticRows().map((row, i) => ({ ...row, virtualTime: i * 0.5, dropped: i }));
    const written = await writePlots(directory, rows);
    assert.deepEqual(written, ["loss.svg", "consensus.svg", "loss_vs_time.svg", "dropped.svg"]);
    for (const file of written) assertWellFormed(await Deno.readTextFile(`${directory}/${file}`));
    const left = [...Deno.readDirSync(directory)].map((entry) => entry.name).sort();
    assert.deepEqual(left, [...written].sort());
  } finally {
    await Deno.remove(directory, { recursive: true });
  }
});

Deno.test("runSimulation({ out }) writes one plot per metric, one line per algorithm", async () => {
  const out = await Deno.makeTempDir();
  try {
    await runSimulation({
      algorithms: ALGORITHMS,
      nodes: 5,
      topology: { type: "ring" },
      problem: { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 8 },
      steps: 30,
      evalEvery: 5,
      seed: 4,
      out,
    });
    const files = new Set([...Deno.readDirSync(out)].map((entry) => entry.name));
    for (const file of ["config.json", "metrics.jsonl", "metrics.csv", "summary.json"]) {
      assert.ok(files.has(file), file);
    }
    for (const file of ["loss.svg", "accuracy.svg", "consensus.svg", "grad_norm.svg"]) {
      assert.ok(files.has(file), file);
      const svg = await Deno.readTextFile(`${out}/${file}`);
      assertWellFormed(svg);
      const labels = texts(svg);
      const shown = file === "consensus.svg" ? ALGORITHMS.slice(0, 2) : ALGORITHMS;
      for (const algorithm of shown) assert.ok(labels.includes(algorithm), `${file}: ${algorithm}`);
    }
    assert.ok(![...files].some((file) => file.endsWith(".tmp")));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
