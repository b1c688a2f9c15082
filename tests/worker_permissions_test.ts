// Node Workers may read the package (mod.ts included), the folders of the user modules they
// import and the problem's data folders, and nothing else: no other file, write, env, run,
// net or sys. The fixtures import ../../mod.ts and a helper beside them, as a user's would.
import assert from "node:assert/strict";
import { runSimulation } from "./_fit.ts";
import {
  moduleFolder,
  nodeReadPaths,
  packageFolder,
  promptsPossible,
  workerPermissions,
} from "../actors/worker_permissions.ts";
import "./fixtures/mod_importing_problem.ts";
import "./fixtures/escape_algorithm.ts";

const root = decodeURIComponent(new URL("../", import.meta.url).pathname);
const fixtures = decodeURIComponent(new URL("./fixtures/", import.meta.url).pathname);

const config = {
  nodes: 5,
  topology: { type: "ring" },
  problem: { type: "test-mod-importing-quadratic", dim: 3 },
  steps: 20,
  evalEvery: 5,
  seed: 7,
};

/** A run of the escape probes on the actor engine. */
function probeRun(probes: string[], path = "") {
  return runSimulation({
    ...config,
    steps: 2,
    algorithms: [{ name: "test-escape-probes", params: { probes, path } }],
    engine: "actors",
    workers: 2,
  });
}

Deno.test("a user problem importing mod.ts and a helper beside it runs on the actor engine as on the sequential one", async () => {
  const algorithms = ["dgd", "decentralized-amsgrad"];
  const sequential = await runSimulation({ ...config, algorithms });
  const actors = await runSimulation({ ...config, algorithms, engine: "actors", workers: 2 });
  assert.equal(actors.runs.length, 2);
  actors.runs.forEach((run, r) => {
    const expected = sequential.runs[r].rows;
    assert.equal(run.rows.length, expected.length);
    assert.ok(run.rows.length >= 4);
    run.rows.forEach((row, k) => {
      for (const key of ["loss", "gradNormSq", "consensusDistance", "messages", "bytes"] as const) {
        assert.equal(row[key], expected[k][key], `${run.label} row ${k} ${key}`);
      }
    });
  });
});

Deno.test("node Workers may read the package and the user module's folder", async () => {
  const result = await probeRun(["readPackage", "readSibling"]);
  assert.equal(result.runs[0].rows.at(-1)!.step, 2);
});

Deno.test("node Workers are refused a file elsewhere, write, env, run, net and sys", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gossim-permissions-" });
  try {
    assert.ok(!dir.startsWith(root), `${dir} must lie outside the package ${root}`);
    const secret = `${dir}/secret.txt`, target = `${dir}/written.txt`;
    await Deno.writeTextFile(secret, "not for nodes");
    const cases: [string, string, RegExp][] = [
      ["readOutside", secret, /Requires read access to ".*secret\.txt"/],
      ["write", target, /Requires write access to ".*written\.txt"/],
      ["env", "", /Requires env access/],
      ["run", "", /Requires run access/],
      ["net", "", /Requires net access/],
      ["sys", "", /Requires sys access/],
    ];
    for (const [probe, path, expected] of cases) {
      await assert.rejects(probeRun([probe], path), (error: Error) => {
        assert.match(`${error.name}: ${error.message}`, /NotCapable/, probe);
        assert.match(error.message, expected, probe);
        return true;
      });
    }
    await assert.rejects(Deno.stat(target), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the readable set: the package, user modules' folders, data folders; nothing for remote URLs", () => {
  assert.deepEqual(packageFolder(), [root]);
  assert.deepEqual(moduleFolder(undefined), []);
  assert.deepEqual(moduleFolder("https://jsr.io/@gossim/gossim/0.1.0/problem.ts"), []);
  assert.deepEqual(moduleFolder("jsr:@gossim/gossim"), []);
  assert.deepEqual(moduleFolder(new URL("./fixtures/escape_algorithm.ts", import.meta.url).href), [
    fixtures,
  ]);
  assert.ok(nodeReadPaths({ type: "test-mod-importing-quadratic" }).includes(fixtures));
  assert.deepEqual(nodeReadPaths({ type: "quadratic" }), []);
  if (promptsPossible()) {
    assert.throws(() => workerPermissions([fixtures]), /--no-prompt/);
    return;
  }
  assert.deepEqual(workerPermissions([fixtures, root]), {
    read: [root, fixtures],
    write: false,
    net: false,
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  });
});
