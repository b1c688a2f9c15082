// The output directory is claimed before any compute: a bad one fails at once, a foreign
// file is never overwritten, a second run is refused, an earlier run is replaced whole only
// on request.
import assert from "node:assert/strict";
import { runCli } from "./_cli.ts";
import { OutputDirectory } from "../simulation/output_directory.ts";

const QUICK = ["--algorithm", "dgd", "--steps", "3", "--quiet"];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

Deno.test("an unusable --out fails before the run, exit 2, naming the path", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const file = `${parent}/taken.txt`;
    await Deno.writeTextFile(file, "mine");
    const cases: [string, RegExp][] = [
      [file, /out = ".*taken\.txt": is a file, not a directory/],
      [`${file}/run`, /out = ".*taken\.txt\/run": cannot be (read|created)/],
      ["/proc/gossim-x", /out = "\/proc\/gossim-x": cannot be (read|created)/],
    ];
    for (const [out, pattern] of cases) {
      const started = performance.now();
      // 5,000,000 steps would take minutes: the refusal comes before any of them (the bound
      // leaves room for a process starting on a loaded CI machine).
      const { code, err } = await runCli("--algorithm", "dgd", "--steps", "5000000", "--out", out);
      assert.equal(code, 2, err);
      assert.match(err, pattern);
      assert.ok(performance.now() - started < 20_000, "refused before the run");
      assert.ok(!err.includes("    at "), `no stack trace: ${err}`);
    }
    assert.equal(await Deno.readTextFile(file), "mine");
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("a directory holding other files is refused and left untouched", async () => {
  const out = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${out}/config.json`, '{"mine": true}');
    const { code, err } = await runCli(...QUICK, "--out", out, "--overwrite");
    assert.equal(code, 2);
    assert.match(err, /holds files gossim did not write \(config\.json\)/);
    assert.equal(await Deno.readTextFile(`${out}/config.json`), '{"mine": true}');
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an earlier run is replaced whole only with --overwrite: no stale plot survives", async () => {
  const out = `${await Deno.makeTempDir()}/run`;
  try {
    assert.equal((await runCli(...QUICK, "--out", out)).code, 0);
    assert.ok(await exists(`${out}/accuracy.svg`), "logistic regression plots accuracy");
    const again = await runCli(...QUICK, "--out", out);
    assert.equal(again.code, 2);
    assert.match(again.err, /holds an earlier gossim run; pass --overwrite/);
    const replaced = await runCli(...QUICK, "--problem", "quadratic", "--out", out, "--overwrite");
    assert.equal(replaced.code, 0, replaced.err);
    assert.ok(!(await exists(`${out}/accuracy.svg`)), "the earlier run's accuracy plot is gone");
    assert.ok(await exists(`${out}/loss.svg`));
    assert.ok(!(await exists(`${out}/.gossim-lock`)), "the lock is released");
  } finally {
    await Deno.remove(out.replace(/\/run$/, ""), { recursive: true });
  }
});

Deno.test("a second run on a directory in use is refused; the first one's files are intact", async () => {
  const out = await Deno.makeTempDir();
  try {
    const first = await OutputDirectory.claim(out, false);
    const { code, err } = await runCli(...QUICK, "--out", out);
    assert.equal(code, 2);
    assert.match(err, new RegExp(`another gossim run \\(process ${Deno.pid}\\) is writing there`));
    await first.release();
    assert.equal((await runCli(...QUICK, "--out", out)).code, 0);
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("--repeat: a later seed's bad graph is refused before the first seed runs", async () => {
  const out = `${await Deno.makeTempDir()}/run`;
  try {
    // G(30, 0.05) is connected for seed 2 and has no connected draw for seed 3.
    const { code, err } = await runCli(
      ...QUICK,
      "--nodes",
      "30",
      "--topology",
      "erdos-renyi",
      "--p",
      "0.05",
      "--seed",
      "2",
      "--repeat",
      "2",
      "--out",
      out,
    );
    assert.equal(code, 2);
    assert.match(err, /topology: Cannot build erdos-renyi: no connected graph/);
    assert.ok(!(await exists(out)), "nothing written");
  } finally {
    await Deno.remove(out.replace(/\/run$/, ""), { recursive: true });
  }
});

Deno.test("a scenario file's relative out resolves beside the file; a data dir must hold MNIST", async () => {
  const folder = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${folder}/scenario.json`,
      JSON.stringify({ algorithms: ["dgd"], steps: 2, out: "results" }),
    );
    const { code, err } = await runCli("--config", `${folder}/scenario.json`, "--quiet");
    assert.equal(code, 0, err);
    assert.ok(await exists(`${folder}/results/metrics.jsonl`));
    for (const dataDir of ["/", "/etc/hostname"]) {
      const bad = await runCli(...QUICK, "--problem", "neural", "--data-dir", dataDir);
      assert.equal(bad.code, 2);
      assert.match(bad.err, new RegExp(`problem: Cannot load MNIST.*${dataDir}`));
    }
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
});
