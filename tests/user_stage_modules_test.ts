import assert from "node:assert/strict";
import { runSimulation } from "../mod.ts";

// A user's attack (or server aggregator) registered from a module outside the package: the
// actor engine's Workers import that module, so they must be allowed to read its folder, as
// they are for a user's encoder, aggregator, algorithm or problem.
Deno.test("a user's attack from a module outside the package runs on the actor engine as on the sequential one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gossim-user-attack-" });
  try {
    const registry = new URL("../exchange/registry.ts", import.meta.url).href;
    const module = `${dir}/halving_attack.ts`;
    await Deno.writeTextFile(
      module,
      `import { attacks } from "${registry}";
if (!attacks.has("test-halving")) {
  attacks.register({
    ...attacks.get("sign-flip"),
    name: "test-halving",
    description: "sends x / 2 instead of x",
    module: import.meta.url,
    create: () => ({
      name: "test-halving",
      poisonsData: false,
      forge(out, sent) {
        for (let k = 0; k < out.length; k++) out[k] = sent[k] / 2;
      },
    }),
  });
}
`,
    );
    await import(new URL(`file://${module}`).href);
    const config = (engine: string) => ({
      nodes: 6,
      steps: 10,
      evalEvery: 5,
      engine,
      algorithms: ["dgd"],
      exchange: { byzantine: { nodes: [2], attack: "test-halving" } },
    });
    const sequential = await runSimulation(config("sequential"));
    const actors = await runSimulation(config("actors"));
    assert.deepEqual(
      actors.runs[0].rows.map((row) => [row.step, row.loss, row.honestNodes]),
      sequential.runs[0].rows.map((row) => [row.step, row.loss, row.honestNodes]),
    );
    assert.equal(sequential.runs[0].rows[0].honestNodes, 5);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
