// Every run can be replayed: the event log, `deno task replay`, and the one command printed
// when a run fails.
import assert from "node:assert/strict";
import { replay } from "../cli/replay.ts";
import { runCli } from "./_cli.ts";

const FAULTY = [
  "--engine",
  "actors",
  "--mode",
  "async",
  "--nodes",
  "7",
  "--topology",
  "erdos-renyi",
  "--p",
  "0.5",
  "--drop",
  "0.2",
  "--latency",
  "lognormal:-5,1",
  "--stragglers",
  "2",
  "--slowdown",
  "4",
  "--algorithm",
  "dgd,fedavg",
  "--steps",
  "25",
  "--quiet",
];

async function quietly<T>(work: () => Promise<T>): Promise<{ value: T; printed: string }> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...parts: unknown[]) => lines.push(parts.join(" "));
  try {
    return { value: await work(), printed: lines.join("\n") };
  } finally {
    console.log = log;
  }
}

Deno.test("a run with an event log replays byte-identical; a changed line is named", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const out = `${parent}/run`, events = `${parent}/events.jsonl`;
    const { code, err } = await runCli(...FAULTY, "--out", out, "--events", events);
    assert.equal(code, 0, err);
    const lines = (await Deno.readTextFile(events)).trimEnd().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(lines[0], { gossim: "events", version: lines[0].version });
    const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
    summary.runs.forEach((run: { network: Record<string, number> }, index: number) => {
      const mine = lines.filter((e) => e.run === index);
      const n = run.network;
      // Every message is accounted for, in the counters and in the log alike.
      assert.equal(
        n.sent,
        n.delivered + n.droppedLoss + n.droppedPartition + n.droppedCapacity + n.droppedCrashed +
          n.inFlight,
      );
      assert.equal(mine.filter((e) => e.kind === "send").length, n.sent);
      const arrived = mine.filter((e) => e.kind === "arrive" && e.fate === "delivered");
      assert.equal(arrived.length, n.delivered);
      mine.forEach((event, k) => assert.equal(event.seq, k));
    });
    const same = await quietly(() => replay(out));
    assert.equal(same.value, 0, same.printed);
    assert.match(same.printed, /metrics\.jsonl: identical/);
    assert.match(same.printed, /event log: identical/);
    const metrics = (await Deno.readTextFile(`${out}/metrics.jsonl`)).split("\n");
    metrics[2] = metrics[2].replace(/"loss":[0-9.e-]+/, '"loss":0.5');
    await Deno.writeTextFile(`${out}/metrics.jsonl`, metrics.join("\n"));
    const changed = await quietly(() => replay(out));
    assert.equal(changed.value, 1);
    assert.match(changed.printed, /metrics\.jsonl differs at line 3:\n {2}recorded: .*"loss":0\.5/);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("a failed run prints the one command that reproduces it", async () => {
  const failed = await runCli(
    "--problem",
    "quadratic",
    "--param",
    "alpha=50",
    "--algorithm",
    "dgd",
    "--steps",
    "400",
  );
  assert.equal(failed.code, 1);
  const command = /reproduce with: deno task sim --config (\S+)/.exec(failed.err);
  assert.ok(command, failed.err);
  const again = await runCli("--config", command[1], "--quiet");
  assert.equal(again.code, 1);
  const reason = (err: string) => /run failed: (.*)/.exec(err)![1];
  assert.equal(reason(again.err), reason(failed.err));
  await Deno.remove(command[1]);
});

Deno.test("an event log never overwrites a file gossim did not write", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const events = `${parent}/notes.txt`;
    await Deno.writeTextFile(events, "my notes");
    const { code, err } = await runCli(...FAULTY, "--events", events);
    assert.equal(code, 2);
    assert.match(err, /events = ".*notes\.txt": exists and is not a gossim event log/);
    assert.equal(await Deno.readTextFile(events), "my notes");
    const sequential = await runCli("--events", `${parent}/e.jsonl`, "--steps", "3");
    assert.equal(sequential.code, 2);
    assert.match(sequential.err, /events: the sequential engine/);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});
