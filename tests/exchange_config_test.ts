// The exchange seam at the config and CLI level: `exchange.encoder` / `exchange.aggregator`
// (and --encoder / --aggregator) are resolved once against their registries, the resolved
// config shows the defaults, bad input names the field, and a user's own stages run on both
// engines through runSimulation, bit for bit.
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { ConfigError } from "../simulation/config.ts";
import { resolveConfig } from "../simulation/resolve_config.ts";
import { runSimulation } from "../simulation/run_simulation.ts";
import { createProblem } from "../problems/registry.ts";
import { toyBytes } from "./fixtures/toy_exchange.ts";

const TOY = new URL("./fixtures/toy_exchange.ts", import.meta.url).href;
const DEFAULTS = {
  encoder: { name: "full", params: {} },
  aggregator: { name: "weighted-sum", params: {} },
  server: { name: "mean", params: {} },
  byzantine: null,
};

Deno.test("--print-config shows the exchange's default stages", async () => {
  const { code, out } = await runCli("--print-config");
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out).exchange, DEFAULTS);
  assert.deepEqual(resolveConfig({}).exchange, DEFAULTS);
});

Deno.test("--encoder and --aggregator set the stages: fields resolved, a user's module recorded", async () => {
  const { code, out } = await runCli(
    "--encoder",
    "test-odd-bytes",
    "--aggregator",
    "test-median",
    "--print-config",
  );
  assert.equal(code, 0);
  assert.deepEqual(JSON.parse(out).exchange, {
    encoder: { name: "test-odd-bytes", params: { header: 17 }, module: TOY },
    aggregator: { name: "test-median", params: {}, module: TOY },
    server: DEFAULTS.server,
    byzantine: null,
  });
});

Deno.test("--help lists every registered encoder, aggregator and server aggregator, the default first", async () => {
  const { code, out } = await runCli("--help");
  assert.equal(code, 0);
  assert.match(
    out,
    /--encoder NAME .*: full \(default\), top-k, random-k, qsgd, sign, test-odd-bytes/,
  );
  assert.match(
    out,
    /--aggregator NAME .*: weighted-sum \(default\), trimmed-mean, median, clipped-gossip, test-median/,
  );
  assert.match(
    out,
    /--server-aggregator NAME .*: mean \(default\), median, trimmed-mean, krum, multi-krum, centered-clipping/,
  );
});

for (
  const [args, pattern] of [
    [
      ["--aggregator", "x"],
      /exchange\.aggregator: Unknown aggregator "x": expected one of weighted-sum, trimmed-mean, median, clipped-gossip, test-median/,
    ],
    [["--encoder", "zip"], /exchange\.encoder: Unknown encoder "zip": expected one of full/],
  ] as [string[], RegExp][]
) {
  Deno.test(`bad stage ${args.join(" ")} exits 2 naming the field`, async () => {
    const { code, err } = await runCli(...args, "--steps", "5");
    assert.equal(code, 2, err);
    assert.match(err, pattern);
  });
}

const BAD_CONFIGS: [unknown, RegExp][] = [
  [
    { exchange: { encoder: { name: "test-odd-bytes", params: { header: "x" } } } },
    /exchange\.encoder: Invalid encoder fields: test-odd-bytes\.header = "x"/,
  ],
  [{ exchange: { compressor: "x" } }, /exchange: unknown field\(s\) "compressor"/],
  [{ exchange: { aggregator: 3 } }, /exchange\.aggregator = 3/],
  [
    { exchange: { aggregator: { name: "test-median", module: "file:///elsewhere.ts" } } },
    /exchange\.aggregator\.module = "file:\/\/\/elsewhere\.ts": aggregator "test-median" is registered by/,
  ],
  [
    { algorithms: ["fedavg"], exchange: { aggregator: "test-median" } },
    /exchange\.aggregator: federated servers combine the uploads/,
  ],
];

for (const [input, pattern] of BAD_CONFIGS) {
  Deno.test(`bad exchange ${JSON.stringify(input)} is a ConfigError naming the field`, () => {
    assert.throws(() => resolveConfig(input), (error: Error) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, pattern);
      return true;
    });
  });
}

Deno.test("an exchange problem is reported with the config's other problems", () => {
  assert.throws(
    () => resolveConfig({ nodes: 0, exchange: { aggregator: "x" } }),
    (error: Error) => {
      const problems = (error as ConfigError).problems;
      assert.ok(problems.some((p) => p.startsWith("nodes = 0")), problems.join("\n"));
      assert.ok(
        problems.some((p) => p.startsWith("exchange.aggregator: Unknown")),
        problems.join("\n"),
      );
      return true;
    },
  );
});

Deno.test("a run directory's config (resolved, with version) loads back as it is", () => {
  const config = resolveConfig({
    exchange: { encoder: "test-odd-bytes", aggregator: "test-median" },
  });
  const recorded = { version: "0.0.0", ...JSON.parse(JSON.stringify(config)) };
  assert.deepEqual(resolveConfig(recorded), config);
  // A federated-only run keeps the default aggregator, which is no error.
  assert.equal(resolveConfig({ algorithms: ["fedavg"] }).exchange.aggregator.name, "weighted-sum");
});

Deno.test("a user's aggregator and encoder run on both engines bit for bit; bytes are the encoder's", async () => {
  const problem = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
  const base = {
    nodes: 5,
    problem,
    algorithms: [{ name: "dgd", params: { alpha: 0.05 } }, "fedavg"],
    steps: 12,
    evalEvery: 3,
    seed: 3,
  };
  const exchange = { aggregator: "test-median", encoder: "test-odd-bytes" };
  const plain = await runSimulation(base);
  const sequential = await runSimulation({ ...base, exchange, engine: "sequential" });
  const actors = await runSimulation({ ...base, exchange, engine: "actors", workers: 2 });
  const d = createProblem(problem, 5, 3).dim;
  // The median is used: dgd's trajectory leaves the weighted sum's.
  assert.notEqual(sequential.runs[0].rows.at(-1)!.loss, plain.runs[0].rows.at(-1)!.loss);
  for (const [r, seq] of sequential.runs.entries()) {
    const act = actors.runs[r];
    assert.equal(act.rows.length, seq.rows.length, seq.label);
    seq.rows.forEach((row, k) => {
      for (const [key, value] of Object.entries(row)) {
        const other = (act.rows[k] as unknown as Record<string, unknown>)[key];
        assert.equal(other, value, `${seq.label} ${k} ${key}`);
      }
    });
  }
  // Every dgd message (one vector of d entries) costs the toy encoder's bytes.
  for (const run of [sequential.runs[0], actors.runs[0]]) {
    assert.ok(run.rows.at(-1)!.messages > 0);
    for (const row of run.rows) assert.equal(row.bytes, row.messages * toyBytes(1, d));
  }
  // The default stages count 8 bytes an entry.
  const last = plain.runs[0].rows.at(-1)!;
  assert.equal(last.bytes, last.messages * d * 8);
});
