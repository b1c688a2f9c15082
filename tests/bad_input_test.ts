// At least 30 distinct bad inputs: each is rejected before anything runs, with a message
// naming the field, exit code 2, and no run directory left behind.
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";

const ring = { nodes: 5, steps: 5 };
const CASES: [string, unknown, RegExp][] = [
  ["unknown algorithm", { ...ring, algorithms: ["sgd-ish"] }, /Unknown algorithm "sgd-ish"/],
  [
    "negative α",
    { ...ring, algorithms: [{ name: "dgd", params: { alpha: -0.1 } }] },
    /dgd\.alpha = -0\.1/,
  ],
  [
    "β1 ≥ 1",
    { ...ring, algorithms: [{ name: "dadam", params: { beta1: 1 } }] },
    /dadam\.beta1 = 1/,
  ],
  [
    "β2 negative",
    { ...ring, algorithms: [{ name: "fed-ams", params: { beta2: -1 } }] },
    /fed-ams\.beta2 = -1/,
  ],
  [
    "unknown hyper-parameter",
    { ...ring, algorithms: [{ name: "dgd", params: { alhpa: 1 } }] },
    /alhpa/,
  ],
  [
    "non-doubly-stochastic custom matrix",
    {
      nodes: 3,
      topology: { type: "complete" },
      mixing: { rule: "custom", matrix: [[0.5, 0.5, 0], [0.5, 0.3, 0.2], [0, 0.3, 0.6]] },
    },
    /mixing: .*(row|column) \d sums to/,
  ],
  [
    "disconnected graph",
    { nodes: 4, topology: { type: "custom", edges: [[0, 1], [2, 3]] } },
    /mixing: .*not connected/,
  ],
  ["nodes < 2", { nodes: 1 }, /nodes = 1/],
  [
    "unknown schedule",
    { schedule: { type: "nope" } },
    /schedule\.type = "nope": expected one of static/,
  ],
  [
    "redraw every 0 steps",
    { schedule: { type: "erdos-renyi-redraw", every: 0 } },
    /schedule\.every = 0/,
  ],
  [
    "k-out with k ≥ N",
    { nodes: 6, schedule: { type: "k-out", k: 6 } },
    /schedule\.k = 6: expected at most nodes − 1 = 5/,
  ],
  [
    "a field the schedule does not have",
    { schedule: { type: "one-peer-exponential", k: 2 } },
    /schedule: unknown field\(s\) "k"/,
  ],
  [
    "a topology a schedule would ignore",
    {
      topology: { type: "torus", rows: 2, cols: 4 },
      nodes: 8,
      schedule: { type: "one-peer-exponential" },
    },
    /topology: not used by schedule "one-peer-exponential"/,
  ],
  [
    "D² on a changing schedule",
    { algorithms: ["d2"], nodes: 8, schedule: { type: "one-peer-exponential" } },
    /algorithms\.0: d2 needs a static W/,
  ],
  [
    "gradient tracking on a column-stochastic graph",
    { algorithms: ["gradient-tracking"], nodes: 8, schedule: { type: "k-out", k: 2 } },
    /algorithms\.0: gradient-tracking needs a doubly stochastic W/,
  ],
  ["participation 0", { ...ring, federated: { participation: 0 } }, /federated\.participation = 0/],
  [
    "drop probability 1.5",
    { ...ring, network: { dropProbability: 1.5 } },
    /network\.dropProbability = 1\.5/,
  ],
  ["unknown backend", { ...ring, backend: "tpu" }, /backend = "tpu"/],
  ["wrong type: steps", { nodes: 5, steps: "ten" }, /steps = "ten"/],
  ["wrong type: algorithms", { ...ring, algorithms: "dgd" }, /algorithms = "dgd"/],
  ["unknown top-level field", { ...ring, stpes: 5 }, /unknown field\(s\) "stpes"/],
  ["unknown topology", { ...ring, topology: { type: "moebius" } }, /topology\.type = "moebius"/],
  ["Erdős–Rényi p = 0", { ...ring, topology: { type: "erdos-renyi", p: 0 } }, /topology\.p = 0/],
  [
    "torus without rows",
    { nodes: 9, topology: { type: "torus", cols: 3 } },
    /topology: .*rows is required/,
  ],
  [
    "constant mixing without self",
    { ...ring, mixing: { rule: "constant", neighbor: 0.3 } },
    /mixing: .*self is required/,
  ],
  [
    "unknown latency distribution",
    { ...ring, network: { latency: { type: "gaussian", mean: 1 } } },
    /network\.latency\.type/,
  ],
  ["uniform latency min > max", {
    ...ring,
    network: { latency: { type: "uniform", min: 2, max: 1 } },
  }, /network\.latency\.max/],
  [
    "straggler out of range",
    { ...ring, network: { stragglers: { nodes: [7], slowdown: 2 } } },
    /network\.stragglers\.nodes\.0 = 7/,
  ],
  [
    "crash node out of range",
    { ...ring, network: { crashes: [{ node: 5, at: 1 }] } },
    /network\.crashes\.0\.node = 5/,
  ],
  [
    "slowdown < 1",
    { ...ring, network: { stragglers: { nodes: [1], slowdown: 0.5 } } },
    /network\.stragglers\.slowdown = 0\.5/,
  ],
  ["negative timeout", { ...ring, timeout: -1 }, /timeout = -1/],
  ["unknown mode", { ...ring, mode: "eventual" }, /mode = "eventual"/],
  ["unknown missing policy", { ...ring, missing: "ignore" }, /missing = "ignore"/],
  ["workers 0", { ...ring, workers: 0 }, /workers = 0/],
  ["evalEvery 0", { ...ring, evalEvery: 0 }, /evalEvery = 0/],
  ["negative seed", { ...ring, seed: -1 }, /seed = -1/],
  ["quadratic a of the wrong shape", {
    nodes: 2,
    topology: { type: "complete" },
    problem: { type: "quadratic", dim: 2, a: [[1, 1], [1]] },
  }, /problem: .*a\[1\]/],
  ["batch larger than the data", {
    ...ring,
    problem: { type: "logistic", samplesPerNode: 10, batchSize: 20 },
  }, /problem: .*batchSize/],
  ["empty sweep", { ...ring, sweep: { values: [] } }, /sweep\.values/],
  ["repeat 0", { ...ring, repeat: 0 }, /repeat = 0/],
  [
    "hypercube dimension 0",
    { nodes: 2, topology: { type: "hypercube", dimension: 0 } },
    /topology\.dimension = 0/,
  ],
  ["link capacity 0", { ...ring, network: { linkCapacity: 0 } }, /network\.linkCapacity = 0/],
  [
    "non-square adjacency",
    { nodes: 2, topology: { type: "custom", adjacency: [[0, 1], [1]] } },
    /topology: .*row 1/,
  ],
  ["ring too small", { nodes: 2, topology: { type: "ring" } }, /topology: .*ring.*received 2/],
  ["partition window reversed", {
    ...ring,
    network: { partitions: [{ start: 2, end: 1, nodes: [0] }] },
  }, /network\.partitions\.0\.end/],
];

Deno.test(`${CASES.length} distinct bad configs: exit 2, the field named, nothing written`, async () => {
  assert.ok(CASES.length >= 30);
  const parent = await Deno.makeTempDir();
  const failures: string[] = [];
  try {
    for (const [what, config, pattern] of CASES) {
      const path = `${parent}/config.json`;
      await Deno.writeTextFile(path, JSON.stringify(config));
      const out = `${parent}/run`;
      const { code, err } = await runCli("--config", path, "--out", out);
      if (code !== 2 || !pattern.test(err)) failures.push(`${what}: exit ${code}: ${err}`);
      assert.throws(() => Deno.statSync(out), Deno.errors.NotFound, `${what}: ${out} exists`);
    }
    assert.deepEqual(failures, []);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("malformed JSON names the file; exit 2", async () => {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, '{"nodes": 5,');
  const { code, err } = await runCli("--config", path);
  assert.equal(code, 2);
  assert.ok(err.includes(path) && /not valid JSON/.test(err), err);
  await Deno.remove(path);
});

// Inputs that used to be accepted and then ignored, silently reinterpreted or misreported.
const SILENT: [string, string[], RegExp][] = [
  ["fault flag on the sequential engine", ["--drop", "0.5"], /network: the sequential engine/],
  ["mode on the sequential engine", ["--mode", "async"], /mode: the sequential engine/],
  [
    "staleness outside bounded mode",
    ["--engine", "actors", "--staleness", "3"],
    /staleness: only bounded mode/,
  ],
  [
    "federated fields with DGD",
    ["--algorithm", "dgd", "--local-steps", "3"],
    /federated: no algorithm/,
  ],
  [
    "async mode with FedAvg only",
    ["--algorithm", "fedavg", "--engine", "actors", "--mode", "async"],
    /mode: federated algorithms run in rounds/,
  ],
  [
    "an empty straggler list",
    ["--engine", "actors", "--stragglers", ""],
    /--stragglers: .*received ""/,
  ],
  [
    "rows on a ring",
    ["--topology", "ring", "--rows", "2"],
    /topology\.rows: used by topology torus/,
  ],
  ["a backend for logistic regression", ["--backend", "cpu"], /backend: only neural problems/],
  ["the same algorithm twice", ["--algorithm", "dgd,dgd"], /algorithms\.1: "dgd" is listed twice/],
  ["hexadecimal node count", ["--nodes", "0x10"], /--nodes: expected a number, received "0x10"/],
  ["Infinity", ["--drop", "Infinity"], /--drop: expected a number, received "Infinity"/],
  ["1e400", ["--seed", "1e400"], /--seed: expected a number, received "1e400"/],
  ["a negative count", ["--nodes", "-4"], /nodes = -4: Too small/],
  [
    "a timeout whose sum over rounds overflows",
    ["--engine", "actors", "--drop", "1", "--timeout", "1e308"],
    /timeout = 1e\+308: Too big/,
  ],
  [
    "participation that rounds to no client",
    ["--algorithm", "fedavg", "--participation", "0.01"],
    /federated\.participation = 0\.01: 0\.01 × 5 clients rounds to no client/,
  ],
];

Deno.test(`${SILENT.length} inputs that used to be ignored or misread: exit 2, the field named`, async () => {
  const failures: string[] = [];
  for (const [what, args, pattern] of SILENT) {
    const { code, err } = await runCli(...args, "--steps", "3");
    if (code !== 2 || !pattern.test(err)) failures.push(`${what}: exit ${code}: ${err}`);
  }
  assert.deepEqual(failures, []);
});

const FAULTS: [string, unknown, RegExp][] = [
  ["a self-link override", {
    ...ring,
    engine: "actors",
    network: { links: [{ from: 2, to: 2, dropProbability: 1 }] },
  }, /network\.links\.0: from = to = 2/],
  ["a link override on a non-edge", {
    ...ring,
    engine: "actors",
    network: { links: [{ from: 0, to: 2, dropProbability: 1 }] },
  }, /network\.links\.0: 0 → 2 is not an edge of the graph/],
  ["a rejoin before its crash", {
    ...ring,
    engine: "actors",
    network: { crashes: [{ node: 1, at: 5, rejoin: 2 }] },
  }, /network\.crashes\.0\.rejoin = 2: a node rejoins after it crashes/],
  ["overlapping crash windows of one node", {
    ...ring,
    engine: "actors",
    network: { crashes: [{ node: 1, at: 1, rejoin: 5 }, { node: 1, at: 3, rejoin: 8 }] },
  }, /network\.crashes\.1: node 1 is already down/],
  ["a Pareto tail that overflows", {
    ...ring,
    engine: "actors",
    network: { compute: { type: "pareto", scale: 0.01, shape: 0.001 } },
  }, /network\.compute\.shape = 0\.001/],
  [
    "a 20 MB bad value",
    { ...ring, name: 5, steps: "x".repeat(20_000_000) },
    /steps = "x{20,80}… \(20000002 characters\)/,
  ],
  ["1e400 in a file", { ...ring, seed: 1e400 }, /seed = Infinity/],
];

Deno.test(`${FAULTS.length} scenario files with impossible faults or unreadable values: exit 2`, async () => {
  const parent = await Deno.makeTempDir();
  const failures: string[] = [];
  try {
    for (const [what, config, pattern] of FAULTS) {
      const path = `${parent}/config.json`;
      const text = JSON.stringify(config).replace('"seed":null', '"seed":1e400');
      await Deno.writeTextFile(path, text);
      const { code, err } = await runCli("--config", path);
      if (code !== 2 || !pattern.test(err) || err.length > 2_000) {
        failures.push(`${what}: exit ${code}: ${err.slice(0, 300)}`);
      }
    }
    assert.deepEqual(failures, []);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
