// The swarm: random scenarios drawn from seeds, each checked against invariants. CI runs 30
// seeds; `deno task swarm --seeds 1000 [--from S]` runs more. A failure names its seed and the
// scenario, which reproduces it.
import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { runSimulation, type SimulationResult } from "../simulation/mod.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { swarmScenario } from "./_swarm.ts";

const flags = parseArgs({
  args: Deno.args,
  options: { seeds: { type: "string", default: "30" }, from: { type: "string", default: "0" } },
}).values;
const SEEDS = Number(flags.seeds), FROM = Number(flags.from);

/** What a run ended with: its rows and counters, or the failure it reported. */
async function outcome(scenario: Record<string, unknown>, workers: number) {
  try {
    return { result: await runSimulation({ ...scenario, workers }) };
  } catch (error) {
    if (error instanceof NodeFailureError && /diverged/.test(error.message)) {
      return { diverged: error.message };
    }
    throw error;
  }
}

function checkInvariants(result: SimulationResult): void {
  for (const run of result.runs) {
    for (const row of run.rows) {
      for (const [key, value] of Object.entries(row)) {
        if (typeof value === "number") assert.ok(Number.isFinite(value), `${key} = ${value}`);
      }
    }
    const n = run.actors!.network;
    const dropped = n.droppedLoss + n.droppedPartition + n.droppedCapacity + n.droppedCrashed;
    assert.equal(n.sent, n.delivered + dropped + n.inFlight, "every message accounted for");
    assert.ok(n.inFlight >= 0);
    // A FedBuff client uploads at most once per buffered upload: M per server version.
    const params = result.config.algorithms[0].params as { buffer?: number };
    const steps = run.actors!.nodeSteps, most = result.config.steps * (params.buffer ?? 1);
    assert.ok(steps.every((s) => s >= 0 && s <= most), `${steps}`);
  }
}

Deno.test(`swarm: ${SEEDS} random scenarios from seed ${FROM} keep every invariant`, async () => {
  const failures: string[] = [];
  let diverged = 0;
  for (let seed = FROM; seed < FROM + SEEDS; seed++) {
    const scenario = swarmScenario(seed);
    try {
      const started = performance.now();
      const one = await outcome(scenario, 1);
      const three = await outcome(scenario, 3);
      const seconds = (performance.now() - started) / 1000;
      assert.ok(seconds < 60, `took ${seconds.toFixed(1)} s`);
      if ("diverged" in one) {
        diverged++;
        assert.equal(three.diverged, one.diverged, "the same divergence with 3 Workers");
        continue;
      }
      checkInvariants(one.result);
      assert.ok("result" in three, `3 Workers: ${three.diverged}`);
      assert.equal(
        JSON.stringify(three.result!.runs.map((r) => r.rows)),
        JSON.stringify(one.result.runs.map((r) => r.rows)),
        "identical rows with 1 and 3 Workers",
      );
    } catch (error) {
      failures.push(
        `seed ${seed}: ${(error as Error).message.split("\n")[0]}\n  ${JSON.stringify(scenario)}`,
      );
    }
  }
  console.log(
    `swarm: ${SEEDS} seeds from ${FROM}, ${diverged} diverged (reported), ${failures.length} failed`,
  );
  assert.deepEqual(failures, []);
});
