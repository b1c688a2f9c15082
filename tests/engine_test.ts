import assert from "node:assert/strict";
import { createAlgorithm, listAlgorithms } from "../algorithms/registry.ts";
import { isBuffered } from "../algorithms/fedbuff.ts";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { runSimulation } from "./_fit.ts";
import type { SimulationResult } from "../simulation/mod.ts";
import type { ActorMetricsRow } from "../metrics/rows.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { runCli } from "./_cli.ts";
import "./fixtures/throwing_algorithm.ts";
import "./fixtures/custom_problem.ts";

/**
 * The built-in algorithms both engines run (FedBuff's buffered server needs the actor
 * engine's time: tests/fedbuff_test.ts checks it against FedAvg instead).
 */
function bothEngines(): string[] {
  return listAlgorithms().filter((d) =>
    !d.module && !d.name.startsWith("test-") &&
    !(d.kind === "federated" && isBuffered(createAlgorithm(d.name, {}) as FederatedAlgorithm))
  ).map((d) => d.name);
}

const ringLogistic = {
  nodes: 5,
  topology: { type: "ring" },
  problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
  steps: 50,
  evalEvery: 5,
  seed: 4,
  federated: { localSteps: 3, participation: 0.6 },
};

function maxDifference(a: SimulationResult, b: SimulationResult): number {
  let worst = 0;
  a.runs.forEach((run, r) =>
    run.rows.forEach((row, k) => {
      const other = b.runs[r].rows[k];
      for (const key of ["loss", "gradNormSq", "consensusDistance", "messages", "bytes"] as const) {
        worst = Math.max(worst, Math.abs(row[key] - other[key]));
      }
    })
  );
  return worst;
}

Deno.test("sync, no faults: the actor engine equals the sequential engine for every algorithm", async () => {
  const algorithms = bothEngines();
  assert.ok(algorithms.length >= 15);
  const sequential = await runSimulation({ ...ringLogistic, algorithms });
  const actors = await runSimulation({ ...ringLogistic, algorithms, engine: "actors", workers: 2 });
  for (let r = 0; r < algorithms.length; r++) {
    assert.equal(actors.runs[r].rows.length, sequential.runs[r].rows.length);
  }
  const difference = maxDifference(actors, sequential);
  assert.ok(difference <= 1e-6, `max abs difference ${difference}`);
});

// Logistic regression has d = features + 1. d = 11 runs every vector loop in JavaScript; d = 129
// puts the engines' vectors in their vector memories (SIMD kernels, the odd tail in JavaScript),
// where the sequential engine sums neighbourhoods in the kernels while the actor engine sums the
// copies it receives in JavaScript: bit-identity then also holds kernels against loops.
for (const dim of [10, 128]) {
  Deno.test(`sync, no faults, d = ${dim + 1}: every registered algorithm's trajectory is bit-identical on both engines`, async () => {
    const algorithms = bothEngines();
    const config = { ...ringLogistic, problem: { ...ringLogistic.problem, dim } };
    const sequential = await runSimulation({ ...config, algorithms, evalEvery: 1 });
    const actors = await runSimulation({
      ...config,
      algorithms,
      evalEvery: 1,
      engine: "actors",
      workers: 3,
    });
    for (let r = 0; r < algorithms.length; r++) {
      const seq = sequential.runs[r], act = actors.runs[r];
      assert.equal(act.rows.length, seq.rows.length, seq.label);
      seq.rows.forEach((row, k) => {
        for (const [key, value] of Object.entries(row)) {
          assert.equal(
            (act.rows[k] as unknown as Record<string, unknown>)[key],
            value,
            `${seq.label} ${k} ${key}`,
          );
        }
      });
      assert.deepEqual(act.nodeAccuracy, seq.nodeAccuracy, seq.label);
    }
  });
}

const faulty = {
  ...ringLogistic,
  nodes: 6,
  topology: { type: "erdos-renyi", p: 0.6 },
  engine: "actors",
  network: {
    dropProbability: 0.3,
    latency: { type: "lognormal", mu: -4, sigma: 1 },
    stragglers: { nodes: [1, 4], slowdown: 5 },
  },
  timeout: 0.1,
};

async function jsonl(config: Record<string, unknown>): Promise<string> {
  const out = await Deno.makeTempDir();
  await runSimulation({ ...config, out });
  const text = await Deno.readTextFile(`${out}/metrics.jsonl`);
  await Deno.remove(out, { recursive: true });
  return text;
}

for (const mode of ["sync", "async", "bounded"]) {
  Deno.test(`determinism (${mode}): drops 0.3, log-normal delays, two 5× stragglers → same bytes for 1, 2, 5 Workers and repeats`, async () => {
    const config = { ...faulty, mode, algorithms: ["decentralized-amsgrad", "fed-ams"] };
    const reference = await jsonl({ ...config, workers: 1 });
    assert.ok(reference.includes('"dropped"'));
    for (const workers of [2, 5, 2, 2]) {
      assert.equal(await jsonl({ ...config, workers }), reference, `workers ${workers}`);
    }
    assert.notEqual(await jsonl({ ...config, workers: 2, seed: 5 }), reference);
  });
}

Deno.test("drops: the dropped count over ≥ 10,000 messages lies within 4σ of p·n", async () => {
  const p = 0.25;
  const result = await runSimulation({
    ...ringLogistic,
    nodes: 10,
    problem: { type: "quadratic", dim: 2 },
    algorithms: ["dgd"],
    steps: 520,
    evalEvery: 520,
    engine: "actors",
    network: { dropProbability: p },
  });
  const counters = result.runs[0].actors!.network;
  const n = counters.sent;
  assert.ok(n >= 10_000, `${n} messages`);
  const sigma = Math.sqrt(n * p * (1 - p));
  assert.ok(Math.abs(counters.droppedLoss - p * n) <= 4 * sigma, `${counters.droppedLoss} of ${n}`);
  assert.equal(counters.delivered + counters.droppedLoss, n);
});

Deno.test("drops: a link with p = 1 carries nothing and the run still finishes", async () => {
  const result = await runSimulation({
    ...ringLogistic,
    algorithms: ["decentralized-amsgrad"],
    engine: "actors",
    network: { links: [{ from: 0, to: 1, symmetric: false, dropProbability: 1 }] },
    timeout: 0.05,
  });
  const run = result.runs[0];
  const link = run.actors!.links.find((l) => l.from === 0 && l.to === 1)!;
  assert.equal(link.sent, 50);
  assert.equal(link.delivered, 0);
  const reverse = run.actors!.links.find((l) => l.from === 1 && l.to === 0)!;
  assert.equal(reverse.delivered, 50);
  assert.equal(run.rows.at(-1)!.step, 50);
  assert.ok(Number.isFinite(run.rows.at(-1)!.loss));
});

function lastRow(result: SimulationResult): ActorMetricsRow {
  return result.runs[0].rows.at(-1) as ActorMetricsRow;
}

Deno.test("stragglers (sync): virtual time per round grows with the slowdown", async () => {
  const times: number[] = [];
  for (const slowdown of [1, 2, 5, 10]) {
    const result = await runSimulation({
      ...ringLogistic,
      algorithms: ["dgd"],
      engine: "actors",
      network: { compute: { type: "constant", value: 0.01 }, stragglers: { nodes: [2], slowdown } },
    });
    times.push(lastRow(result).virtualTime);
  }
  for (let k = 1; k < times.length; k++) assert.ok(times[k] > times[k - 1], `${times}`);
  assert.ok(Math.abs(times[3] / 50 - (0.1 + 0.001)) < 1e-9, `round time ${times[3] / 50}`);
});

Deno.test("stragglers (async): a 10× straggler slows the others' step rate by < 10%", async () => {
  const rates: number[] = [];
  for (const slowdown of [1, 10]) {
    const result = await runSimulation({
      ...ringLogistic,
      algorithms: ["dgd"],
      engine: "actors",
      mode: "async",
      network: {
        compute: { type: "exponential", mean: 0.01 },
        stragglers: { nodes: [2], slowdown },
      },
    });
    const { nodeSteps, nodeTimes } = result.runs[0].actors!;
    const others = [0, 1, 3, 4];
    rates.push(others.reduce((sum, i) => sum + nodeSteps[i] / nodeTimes[i], 0) / others.length);
    if (slowdown === 10) assert.ok(nodeTimes[2] > 5 * Math.max(...others.map((i) => nodeTimes[i])));
  }
  assert.ok(rates[1] > 0.9 * rates[0], `steps/s ${rates}`);
});

Deno.test("a crash at t and rejoin at t′ shows in the per-node step counts", async () => {
  const config = {
    ...ringLogistic,
    algorithms: ["dgd"],
    engine: "actors",
    steps: 100,
    timeout: 0.05,
    network: {
      compute: { type: "constant", value: 0.01 },
      crashes: [{ node: 2, at: 0.2, rejoin: 0.5 }],
    },
  };
  const sync = (await runSimulation(config)).runs[0].actors!;
  assert.deepEqual(sync.nodeSteps.filter((_, i) => i !== 2), [100, 100, 100, 100]);
  assert.ok(sync.nodeSteps[2] < 100 && sync.nodeSteps[2] > 50, `${sync.nodeSteps}`);
  const forever = (await runSimulation({
    ...config,
    network: { ...config.network, crashes: [{ node: 2, at: 0.2, rejoin: null }] },
  })).runs[0].actors!;
  assert.ok(forever.nodeSteps[2] < sync.nodeSteps[2], `${forever.nodeSteps}`);
  const asyncRun = (await runSimulation({ ...config, mode: "async" })).runs[0].actors!;
  assert.ok(asyncRun.nodeTimes[2] > Math.max(...[0, 1, 3, 4].map((i) => asyncRun.nodeTimes[i])));
});

Deno.test("a partition raises consensus distance during its window; it falls after", async () => {
  const result = await runSimulation({
    nodes: 6,
    topology: { type: "ring" },
    problem: { type: "quadratic", dim: 3, heterogeneity: 2 },
    algorithms: [{ name: "dgd", params: { alpha: 0.05 } }],
    steps: 300,
    evalEvery: 5,
    engine: "actors",
    timeout: 0.05,
    missing: "self",
    network: {
      compute: { type: "constant", value: 0.01 },
      partitions: [{ start: 1, end: 2, nodes: [0, 1, 2] }],
    },
  });
  const rows = result.runs[0].rows as ActorMetricsRow[];
  const before = rows.filter((r) => r.virtualTime > 0.7 && r.virtualTime < 1);
  const during = rows.filter((r) => r.virtualTime > 1.5 && r.virtualTime < 2);
  const after = rows.filter((r) => r.virtualTime > 3);
  const mean = (xs: ActorMetricsRow[]) =>
    xs.reduce((sum, r) => sum + r.consensusDistance, 0) / xs.length;
  assert.ok(before.length && during.length && after.length);
  assert.ok(mean(during) > 2 * mean(before), `before ${mean(before)}, during ${mean(during)}`);
  assert.ok(mean(after) < 0.5 * mean(during), `during ${mean(during)}, after ${mean(after)}`);
  assert.ok(result.runs[0].actors!.network.droppedPartition > 0);
});

Deno.test("a throwing algorithm stops the run within seconds, naming the node", async () => {
  const start = performance.now();
  await assert.rejects(
    runSimulation({ ...ringLogistic, algorithms: ["throwing-dgd"], engine: "actors" }),
    (error: Error) => {
      assert.ok(error instanceof NodeFailureError, String(error));
      assert.equal(error.node, 3);
      assert.equal(error.step, 7);
      assert.match(error.message, /node 3 failed at step 7: .*deliberate failure/);
      return true;
    },
  );
  // A hang would never end; the bound leaves room for Workers starting on a loaded CI machine.
  assert.ok(performance.now() - start < 15_000);
  const { code, err } = await runCli(
    "--algorithm",
    "throwing-dgd",
    "--engine",
    "actors",
    "--quiet",
  );
  assert.equal(code, 1);
  assert.match(err, /node 3 failed at step 7/);
});

Deno.test("node actors run with least privilege: no read, write, env, run or net", async () => {
  await import("./fixtures/probe_algorithm.ts");
  for (const probe of ["read", "write", "env", "run", "net"]) {
    await assert.rejects(
      runSimulation({
        ...ringLogistic,
        steps: 2,
        algorithms: [{ name: "probe-permissions", params: { probe } }],
        engine: "actors",
      }),
      (error: Error) => {
        assert.match(error.message, /NotCapable|Requires .* access|permission/i, probe);
        return true;
      },
      probe,
    );
  }
});

Deno.test("federated: a straggler past the round deadline misses every round, counted", async () => {
  const config = {
    ...ringLogistic,
    algorithms: ["fedavg"],
    engine: "actors",
    steps: 10,
    federated: { localSteps: 2, participation: 1 },
    network: {
      compute: { type: "constant", value: 0.01 },
      stragglers: { nodes: [2], slowdown: 100 },
    },
  };
  const result = await runSimulation(config);
  const actors = result.runs[0].actors!;
  assert.equal(actors.missedDeadline, 10);
  const row = lastRow(result);
  assert.ok(Math.abs(row.virtualTime - 10 * 1) < 1e-9, `${row.virtualTime}`);
  const onTime = await runSimulation({ ...config, timeout: 5 });
  assert.equal(onTime.runs[0].actors!.missedDeadline, 0);
  assert.ok(lastRow(onTime).virtualTime > 10 * 2);
});

Deno.test("bounded mode keeps neighbours within s steps; async lets a straggler fall far behind", async () => {
  const config = {
    ...ringLogistic,
    algorithms: ["dgd"],
    engine: "actors",
    steps: 60,
    staleness: 2,
    network: {
      compute: { type: "constant", value: 0.01 },
      stragglers: { nodes: [2], slowdown: 10 },
    },
  };
  const bounded = await runSimulation({ ...config, mode: "bounded" });
  const free = await runSimulation({ ...config, mode: "async" });
  assert.ok(lastRow(bounded).stalenessMax <= 2 + 1, `bounded: ${lastRow(bounded).stalenessMax}`);
  assert.ok(lastRow(free).stalenessMax > 20, `async: ${lastRow(free).stalenessMax}`);
  assert.equal(bounded.runs[0].actors!.waitTimeouts, 0);
  const times = (result: SimulationResult) => result.runs[0].actors!.nodeTimes;
  assert.ok(times(bounded)[0] > 5 * times(free)[0], "in bounded mode the others wait");
});

Deno.test("sync missing-value policies: equal without faults, three different runs with drops", async () => {
  const losses = async (dropProbability: number) => {
    const out: number[] = [];
    for (const missing of ["stale", "self", "renormalize"]) {
      const result = await runSimulation({
        ...ringLogistic,
        algorithms: ["dgd"],
        engine: "actors",
        missing,
        timeout: 0.05,
        network: { dropProbability },
      });
      out.push(lastRow(result).loss);
    }
    return out;
  };
  const clean = await losses(0);
  assert.equal(clean[1], clean[0]);
  assert.equal(clean[2], clean[0]);
  const lossy = await losses(0.5);
  assert.equal(new Set(lossy).size, 3, `${lossy}`);
  for (const loss of lossy) assert.ok(Number.isFinite(loss) && loss < Math.log(2));
});

Deno.test("a diverging run stops with the node and step named, on both engines", async () => {
  const steps: number[] = [];
  for (const engine of ["sequential", "actors"]) {
    await assert.rejects(
      runSimulation({
        ...ringLogistic,
        problem: { type: "quadratic", dim: 3, curvature: [1, 2] },
        algorithms: [{ name: "dgd", params: { alpha: 50 } }],
        steps: 400,
        evalEvery: 100,
        engine,
      }),
      (error: Error) => {
        assert.ok(error instanceof NodeFailureError, `${engine}: ${error}`);
        // Caught at the step it happens, not at the next evaluation (every 100 steps).
        assert.ok(error.step > 0 && error.step % 100 !== 0, `${engine}: step ${error.step}`);
        assert.match(error.message, /^node \d+ failed at step \d+: RangeError: the model diverged/);
        assert.ok(!error.message.includes("    at "), `no stack trace: ${error.message}`);
        steps.push(error.step);
        return true;
      },
    );
  }
  const { code, err } = await runCli(
    "--problem",
    "quadratic",
    "--param",
    "alpha=50",
    "--algorithm",
    "dgd",
    "--steps",
    "400",
    "--quiet",
  );
  assert.equal(code, 1);
  assert.match(err, /diverged/);
  assert.equal(steps[0], steps[1], "both engines stop at the same step");
  assert.ok(err.split("\n").length <= 3, `a short message, no stack trace: ${err}`);
});

Deno.test("a diverging federated server is named the server, at the round it diverges", async () => {
  for (const engine of ["sequential", "actors"]) {
    await assert.rejects(
      runSimulation({
        ...ringLogistic,
        problem: { type: "quadratic", dim: 3, curvature: [1, 2] },
        algorithms: [{ name: "fedavg", params: { alpha: 3 } }],
        federated: { localSteps: 1, participation: 1 },
        steps: 2000,
        evalEvery: 1000,
        engine,
      }),
      (error: Error) => {
        assert.ok(error instanceof NodeFailureError, `${engine}: ${error}`);
        assert.match(
          error.message,
          /^(the server|node \d) failed at step \d+: RangeError: the model diverged/,
        );
        assert.ok(error.step < 1000, `${engine}: round ${error.step}`);
        return true;
      },
    );
  }
});

Deno.test("Workers reused across a comparison give the results of separate runs", async () => {
  const config = { ...faulty, mode: "async", workers: 2 };
  // cdsgd is DGD's update under another name: the same code twice on the pooled Workers.
  const names = ["dgd", "decentralized-amsgrad", "cdsgd"];
  const together = await runSimulation({ ...config, algorithms: names });
  for (const [k, name] of names.entries()) {
    const alone = await runSimulation({ ...config, algorithms: [name] });
    assert.deepEqual(together.runs[k].rows, alone.runs[0].rows, `${name} (#${k})`);
  }
});

Deno.test("all nodes crashed for good: the run stops, says so, and labels no step nobody reached", async () => {
  for (const mode of ["sync", "async"]) {
    const result = await runSimulation({
      ...ringLogistic,
      algorithms: ["dgd"],
      engine: "actors",
      mode,
      steps: 50,
      evalEvery: 10,
      network: {
        compute: { type: "constant", value: 0.01 },
        crashes: [0, 1, 2, 3, 4].map((node) => ({ node, at: 0.2 + 0.01 * node })),
      },
    });
    const actors = result.runs[0].actors!;
    assert.match(actors.stopped ?? "", /all 5 nodes crashed for good by/, mode);
    const reached = Math.max(...actors.nodeSteps);
    assert.ok(reached < 50, `${mode}: ${actors.nodeSteps}`);
    for (const row of result.runs[0].rows) assert.ok(row.step <= reached, `${mode}: ${row.step}`);
  }
  const fed = await runSimulation({
    ...ringLogistic,
    algorithms: ["fedavg"],
    engine: "actors",
    steps: 50,
    network: { crashes: [0, 1, 2, 3, 4].map((node) => ({ node, at: 0.1 })) },
  });
  assert.match(fed.runs[0].actors!.stopped ?? "", /all 5 nodes crashed/);
  assert.ok(fed.runs[0].rows.at(-1)!.step < 50);
  const out = await Deno.makeTempDir();
  const { code, out: printed } = await runCli(
    "--engine",
    "actors",
    "--algorithm",
    "dgd",
    "--steps",
    "50",
    "--config",
    await writeJson({ network: { crashes: [0, 1, 2, 3, 4].map((node) => ({ node, at: 0.1 })) } }),
    "--out",
    `${out}/run`,
  );
  assert.equal(code, 0);
  assert.match(printed, /dgd: stopped early: all 5 nodes crashed/);
  const summary = JSON.parse(await Deno.readTextFile(`${out}/run/summary.json`));
  assert.equal(summary.status, "stopped early");
  await Deno.remove(out, { recursive: true });
});

async function writeJson(value: unknown): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(value));
  return path;
}

Deno.test("an evaluation's failure is reported at its step although the Workers went on (pipelined evaluations)", async () => {
  const failures: NodeFailureError[] = [];
  for (const engine of ["sequential", "actors"]) {
    const rows: number[] = [];
    await assert.rejects(
      runSimulation({
        ...ringLogistic,
        problem: { type: "test-nan-loss", nanBelow: 2.3 },
        algorithms: [{ name: "dgd", params: { alpha: 0.02 } }],
        steps: 300,
        evalEvery: 10,
        engine,
      }, { onRow: (row) => rows.push(row.step) }),
      (error: Error) => {
        assert.ok(error instanceof NodeFailureError, `${engine}: ${error}`);
        failures.push(error);
        return true;
      },
    );
    // Every evaluation before the failing one was recorded, in order, and none after it.
    const failedAt = failures.at(-1)!.step;
    assert.deepEqual(rows, Array.from({ length: failedAt / 10 - 1 }, (_, k) => 10 * (k + 1)));
  }
  const [sequential, actors] = failures;
  assert.equal(actors.message, sequential.message);
  assert.ok(sequential.step % 10 === 0 && sequential.step < 300, sequential.message);
});
