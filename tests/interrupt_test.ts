// Ctrl-C stops a run in any phase within a second (three under a loaded test suite) and
// leaves readable outputs. The CLI runs as a child process (a real SIGINT), the way a user's
// terminal sends it.
import assert from "node:assert/strict";

const CLI = new URL("../cli.ts", import.meta.url).pathname;

async function interrupt(args: string[], afterMs: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      "--unstable-worker-options",
      CLI,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const sent = performance.now();
  child.kill("SIGINT");
  const status = await child.output();
  return {
    code: status.code,
    stoppedMs: performance.now() - sent,
    err: new TextDecoder().decode(status.stderr),
  };
}

const PHASES: [string, string[], number][] = [
  // Lanczos on a 100,000-node ring takes ~20 s: Ctrl-C lands in the spectrum phase.
  ["spectrum of W", ["--nodes", "100000", "--problem", "quadratic", "--dim", "1"], 2_500],
  ["sequential run", ["--nodes", "50", "--steps", "10000000", "--eval-every", "1000"], 2_500],
  ["actor run", [
    "--nodes",
    "20",
    "--engine",
    "actors",
    "--steps",
    "10000000",
    "--eval-every",
    "100000",
  ], 3_500],
];

for (const [phase, args, afterMs] of PHASES) {
  Deno.test(`Ctrl-C in the ${phase} stops within a second, exit 130, outputs readable`, async () => {
    const parent = await Deno.makeTempDir();
    try {
      const out = `${parent}/run`;
      const { code, stoppedMs, err } = await interrupt(
        [...args, "--algorithm", "dgd", "--out", out],
        afterMs,
      );
      assert.equal(code, 130, err);
      assert.match(err, /interrupted \(Ctrl-C\)/);
      // Within a second on a quiet machine (71, 647 and 110 ms measured, most of it writing the
      // outputs); the suite runs its files in parallel beside host processes on two cores, where
      // 1.9 s was measured, so the bound here is three.
      assert.ok(stoppedMs < 3_000, `${phase}: stopped ${stoppedMs.toFixed(0)} ms after Ctrl-C`);
      const summary = JSON.parse(await Deno.readTextFile(`${out}/summary.json`));
      assert.equal(summary.status, "interrupted");
      JSON.parse(await Deno.readTextFile(`${out}/config.json`));
    } finally {
      await Deno.remove(parent, { recursive: true });
    }
  });
}
