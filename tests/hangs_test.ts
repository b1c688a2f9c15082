// Every loop over virtual time is bounded: scenarios that used to spin forever finish.
import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";

const base = {
  nodes: 6,
  topology: { type: "ring" },
  problem: { type: "quadratic", dim: 2 },
  algorithms: ["dgd"],
  engine: "actors",
  steps: 40,
  evalEvery: 10,
};

const HANGS: [string, Record<string, unknown>][] = [
  ["random partitions checked every 1e-9 s", {
    mode: "async",
    network: {
      randomPartitions: {
        mode: "isolate-single",
        probability: 0.3,
        healProbability: 0.3,
        stability: 1e-9,
      },
    },
  }],
  ["heavy-tailed Pareto compute times with random partitions (async)", {
    mode: "async",
    network: {
      compute: { type: "pareto", scale: 0.01, shape: 0.1 },
      randomPartitions: {
        mode: "uniform-split",
        probability: 0.5,
        healProbability: 0.5,
        stability: 0.001,
      },
    },
  }],
  ["a 31-year timeout with every message dropped (sync)", {
    timeout: 1e9,
    network: {
      dropProbability: 1,
      randomPartitions: {
        mode: "isolate-single",
        probability: 0.5,
        healProbability: 0.5,
        stability: 0.01,
      },
    },
  }],
];

for (const [what, scenario] of HANGS) {
  Deno.test(`finishes: ${what}`, async () => {
    const started = performance.now();
    const result = await runSimulation({ ...base, ...scenario });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 10, `${seconds.toFixed(1)} s`);
    const last = result.runs[0].rows.at(-1)!;
    assert.ok(Number.isFinite(last.loss), `loss ${last.loss}`);
    const time = (last as unknown as { virtualTime: number }).virtualTime;
    assert.ok(Number.isFinite(time), `virtual time ${time}`);
    assert.ok(result.runs[0].actors!.network.partitions > 0, "partitions formed");
  });
}

Deno.test("every task of deno.json runs with --no-prompt: a Worker's request is denied, never prompted", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  for (const [name, command] of Object.entries(config.tasks as Record<string, string>)) {
    for (const part of command.split("&&").map((p) => p.trim())) {
      if (/^(DENO_NO_PROMPT=1 )?deno (run|test|bench)\b/.test(part)) {
        assert.ok(part.includes("--no-prompt"), `task ${name}: ${part}`);
        assert.ok(!/\s-A\b|--allow-all/.test(part), `task ${name} grants everything`);
      }
      // Node Workers start on a terminal only where prompts are seen to be off.
      if (part.includes("--unstable-worker-options")) {
        assert.match(part, /^DENO_NO_PROMPT=1 /, `task ${name}: ${part}`);
        assert.match(part, /--allow-env=(\S+,)?DENO_NO_PROMPT\b/, `task ${name}: ${part}`);
      }
    }
  }
});
