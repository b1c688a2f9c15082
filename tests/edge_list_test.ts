import assert from "node:assert/strict";
import {
  edges,
  graphFromEdgeList,
  metropolisHastings,
  parseEdgeList,
  readEdgeListFile,
  spectralAnalysis,
  validateMixing,
} from "../topologies/mod.ts";

/** The edge-list test data, inside the repository (data/topologies/, see its README.md). */
const DATA = new URL("../data/topologies/", import.meta.url);

/** The README's table: file, N, undirected edges, λ under Metropolis–Hastings weights. */
const TABLE: readonly [string, number, number, number][] = [
  ["eval_36_nodes.edges", 36, 109, 0.840476],
  ["eval_80_nodes.edges", 80, 253, 0.823833],
  ["eval_96_regular.edges", 96, 190, 0.868345],
  ["eval_96_nodes_random1.edges", 96, 273, 0.856087],
  ["eval_96_nodes_smallworld.edges", 96, 265, 0.829364],
  ["eval_192_regular.edges", 192, 945, 0.62192],
  ["tutorial_regular_16.txt", 16, 24, 0.833482],
];

Deno.test("the topology test data resolves inside the repository", async () => {
  const readme = await Deno.readTextFile(new URL("README.md", DATA));
  for (const [file] of TABLE) assert.ok(readme.includes(`| ${file} |`), `${file} not in README`);
  assert.ok(DATA.pathname.endsWith("/data/topologies/"), DATA.pathname);
  assert.ok(DATA.href.startsWith(new URL("../", import.meta.url).href), DATA.href);
});

for (const [file, nodes, edgeCount, lambda] of TABLE) {
  Deno.test(`readEdgeListFile() matches the README on ${file}`, async () => {
    const graph = await readEdgeListFile(new URL(file, DATA));
    assert.equal(graph.name, file);
    assert.equal(graph.nodes, nodes);
    assert.equal(edges(graph).length, edgeCount);
    const w = metropolisHastings(graph);
    validateMixing(w, graph);
    const spectrum = spectralAnalysis(w);
    // The README rounds λ to 6 decimals.
    assert.ok(Math.abs(spectrum.lambda - lambda) <= 1e-6, `λ = ${spectrum.lambda}, ${lambda}`);
    assert.equal(spectrum.lambda, Math.max(Math.abs(spectrum.lambda2), Math.abs(spectrum.lambdaN)));
  });
}

Deno.test("parseEdgeList() merges both directions and repeats, and skips blank lines", () => {
  const { nodes, edges } = parseEdgeList("\n 4 \r\n0 1\r\n1 0\n\n2  1\n3 2\n2 3\n0 1\n");
  assert.equal(nodes, 4);
  assert.deepEqual(edges, [[0, 1], [1, 2], [2, 3]]);
  assert.deepEqual(graphFromEdgeList("2\n1 0").neighbors, [[1], [0]]);
  assert.equal(graphFromEdgeList("2\n1 0").name, "custom");
  assert.equal(graphFromEdgeList("2\n1 0", "/a/b/pair.edges").name, "pair.edges");
});

Deno.test("parseEdgeList() names the source, the line, the text and what was expected", () => {
  const bad = (text: string, pattern: RegExp) =>
    assert.throws(() => parseEdgeList(text, "x.edges"), (error: Error) => {
      assert.ok(error instanceof RangeError, error.message);
      assert.match(error.message, /^Cannot read edge list "x\.edges": /);
      assert.match(error.message, pattern);
      return true;
    });
  bad("", /expected the number of nodes N as the first token, received no text/);
  bad(" \n\n  \n", /received no text/);
  bad("0 1\n1 2\n", /line 1: expected the number of nodes N alone, received "0 1"/);
  bad("abc\n0 1\n", /line 1: the number of nodes N must be an integer in 1 … \d+, received "abc"/);
  bad("3.5\n0 1\n", /line 1: .*received "3\.5"/);
  bad("0\n", /line 1: .*received "0"/);
  bad("3\n0 1\n1 2 0\n", /line 3: expected an edge "a b" \(two node ids\), received "1 2 0"/);
  bad("3\n0 1\n1\n", /line 3: expected an edge "a b" \(two node ids\), received "1"/);
  bad("3\n0 1\n1 2.0\n", /line 3: node ids must be integers in 0 … 2, received "1 2\.0"/);
  bad("3\n0 1\n-1 2\n", /line 3: node ids must be integers in 0 … 2, received "-1 2"/);
  bad("3\n0 1\n1 x\n", /line 3: node ids must be integers in 0 … 2, received "1 x"/);
  bad("36\n0 1\n\n\n\n\n3 40\n", /line 7: node 40 is out of range 0 … 35, received "3 40"/);
  bad("3\n0 1\n2 2\n", /line 3: an edge must link two different nodes, received a self-loop "2 2"/);
  bad(
    "4\n0 1\n2 3\n",
    /the graph must be connected, but node 2 cannot be reached from node 0, received 4 nodes and 2 edges/,
  );
  bad("3\n0 1\n", /node 2 cannot be reached from node 0/);
  assert.throws(() => parseEdgeList("3\n0 3\n"), /^RangeError: Cannot read edge list: line 2: /);
});

Deno.test("readEdgeListFile() names the path of a missing or bad file", async () => {
  const missing = new URL("no_such_file.edges", DATA);
  await assert.rejects(
    () => readEdgeListFile(missing),
    (error: Error) => {
      assert.match(error.message, /^Cannot read edge list ".*\/no_such_file\.edges": /);
      assert.ok(error.cause instanceof Deno.errors.NotFound);
      return true;
    },
  );
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/loop.edges`;
    await Deno.writeTextFile(path, "3\n0 1\n1 2\n1 1\n");
    await assert.rejects(
      () => readEdgeListFile(path),
      new RegExp(`^RangeError: Cannot read edge list "${path}": line 4: .*self-loop "1 1"`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a scenario file names an edge-list topology relative to its own folder", async () => {
  const folder = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    await Deno.copyFile(new URL("eval_36_nodes.edges", DATA), `${folder}/graph.edges`);
    await Deno.writeTextFile(
      `${folder}/scenario.json`,
      JSON.stringify({
        nodes: 36,
        topology: { type: "custom", file: "graph.edges" },
        algorithms: ["dgd"],
        steps: 3,
        out: `${folder}/run`,
      }),
    );
    Deno.chdir("/");
    const { runCli } = await import("./_cli.ts");
    const { code, err } = await runCli("--config", `${folder}/scenario.json`, "--quiet");
    assert.equal(code, 0, err);
    const summary = JSON.parse(await Deno.readTextFile(`${folder}/run/summary.json`));
    assert.ok(Math.abs(summary.spectral.lambda - 0.840476) < 1e-6, `${summary.spectral.lambda}`);
    const wrong = await runCli("--config", `${folder}/scenario.json`, "--nodes", "35");
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /nodes = 35: topology "custom" has 36 nodes/);
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(folder, { recursive: true });
  }
});
