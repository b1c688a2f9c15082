import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

const BAD_FLAGS: [string[], RegExp][] = [
  [["--frobnicate"], /frobnicate/],
  [["--steps", "ten"], /--steps: expected a number, received "ten"/],
  [["--steps=-3"], /steps = -3/],
  [["--steps", "-3"], /steps = -3: Too small: expected number to be >=1/],
  [["--nodes", "1"], /nodes = 1/],
  [["--algorithm", "nope"], /Unknown algorithm "nope"/],
  [["--topology", "moebius"], /topology\.type = "moebius"/],
  [["--param", "alpha=-1"], /alpha = -1/],
  [["--param", "nonsense"], /--param: expected KEY=VALUE/],
  [["--participation", "0"], /federated\.participation = 0/],
  [["--config", "/nonexistent/x.json"], /--config: cannot read/],
  [["--topology", "torus", "--nodes", "5"], /topology/],
  [["--mixing", "uniform", "--topology", "star"], /mixing: .*degree/],
  [
    ["--aggregator", "x"],
    /exchange\.aggregator: Unknown aggregator "x": expected one of weighted-sum, trimmed-mean, median, clipped-gossip$/m,
  ],
  [
    ["--encoder", "zip"],
    /exchange\.encoder: Unknown encoder "zip": expected one of full, top-k, random-k, qsgd, sign$/m,
  ],
];

for (const [args, pattern] of BAD_FLAGS) {
  Deno.test(`bad input ${args.join(" ")} exits 2 naming the field`, async () => {
    const steps = args.some((arg) => arg.startsWith("--steps")) ? [] : ["--steps", "5"];
    const { code, err } = await runCli(...args, ...steps);
    assert.equal(code, 2, err);
    assert.match(err, pattern);
  });
}

Deno.test("--help lists every flag and algorithm, exit 0", async () => {
  const { code, out } = await runCli("--help");
  assert.equal(code, 0);
  for (const word of ["--algorithm", "--topology", "--nodes", "--steps", "--seed", "--out"]) {
    assert.ok(out.includes(word), word);
  }
  assert.ok(out.includes("fed-lamb") && out.includes("gcdmsgd"));
});

Deno.test("a malformed JSON config is rejected with the file named", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, "{ nodes: 5 ");
  const { code, err } = await runCli("--config", path);
  assert.equal(code, 2);
  assert.ok(err.includes(path), err);
  await Deno.remove(path);
});

Deno.test("several config errors are reported at once", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify({ nodes: 0, steps: "x", seed: -1 }));
  const { code, err } = await runCli("--config", path);
  assert.equal(code, 2);
  for (const field of ["nodes = 0", 'steps = "x"', "seed = -1"]) {
    assert.ok(err.includes(field), err);
  }
  await Deno.remove(path);
});

Deno.test("a bad run leaves no output directory behind", async () => {
  const parent = await Deno.makeTempDir();
  const { code } = await runCli("--nodes", "1", "--out", `${parent}/run`);
  assert.equal(code, 2);
  assert.deepEqual([...Deno.readDirSync(parent)], []);
  await Deno.remove(parent, { recursive: true });
});

Deno.test("flags override the config file; --print-config shows defaults", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    path,
    JSON.stringify({ nodes: 7, steps: 10, topology: { type: "path" } }),
  );
  const { code, out } = await runCli("--config", path, "--nodes", "6", "--print-config");
  assert.equal(code, 0);
  const config = JSON.parse(out);
  assert.equal(config.nodes, 6);
  assert.equal(config.steps, 10);
  assert.equal(config.topology.type, "path");
  assert.equal(config.mixing.rule, "metropolis-hastings");
  assert.equal(config.algorithms[0].params.beta1, 0.9);
  await Deno.remove(path);
});

Deno.test("a run prints one table row per algorithm", async () => {
  const { code, out } = await runCli("--algorithm", "dgd,fedavg", "--steps", "20");
  assert.equal(code, 0);
  assert.match(out, /\ndgd +20 /);
  assert.match(out, /\nfedavg +20 /);
});
