// The topology registry: every built-in type is one file and one registry line, the config's
// checks and the CLI's help come from it, and the README's worked example (a circulant graph
// with its own `offsets` field) runs as written.
import assert from "node:assert/strict";
import {
  ConfigError,
  getTopology,
  listTopologies,
  metropolisHastings,
  registerTopology,
  resolveConfig,
  ringTopology,
  runSimulation,
  spectralAnalysis,
  TOPOLOGY_TYPES,
  type TopologyDefinition,
  topologyFromSpec,
} from "../mod.ts";
import { helpText } from "../cli/flags.ts";
import { circulant } from "../examples/circulant_topology.ts";

const BUILT_INS = [
  "ring",
  "path",
  "complete",
  "star",
  "torus",
  "grid",
  "hypercube",
  "erdos-renyi",
  "exponential",
  "custom",
];

// The README's one registry line.
registerTopology(circulant);

Deno.test("every built-in topology is registered, from its own file under topologies/definitions", async () => {
  assert.deepEqual([...TOPOLOGY_TYPES], BUILT_INS);
  assert.deepEqual(listTopologies().map((d) => d.name), [...BUILT_INS, "circulant"]);
  const folder = new URL("../topologies/definitions/", import.meta.url);
  const files = [...Deno.readDirSync(folder)].map((entry) => entry.name).sort();
  assert.equal(files.length, BUILT_INS.length, `${files}`);
  const exported: TopologyDefinition[] = [];
  for (const file of files) {
    const module = await import(new URL(file, folder).href);
    exported.push(
      ...Object.values(module).filter((value) =>
        typeof (value as TopologyDefinition)?.create === "function"
      ) as TopologyDefinition[],
    );
  }
  assert.deepEqual(exported.map((d) => d.name).sort(), [...BUILT_INS].sort());
  for (const definition of exported) {
    assert.equal(getTopology(definition.name), definition, definition.name);
    assert.ok(definition.description.length > 0, definition.name);
  }
});

Deno.test("the CLI's help lists every registered topology type with its fields", () => {
  const help = helpText();
  for (const definition of listTopologies()) {
    assert.ok(help.includes(`${definition.name}`), definition.name);
    assert.ok(help.includes(definition.description.split(" ").slice(0, 3).join(" ")));
  }
  assert.match(help, /torus \(--rows, --cols\): /);
  assert.match(help, /erdos-renyi \(--p\): /);
  assert.match(help, /circulant \(offsets\): node i linked to i ± s/);
  assert.match(help, /--rows N +torus\/grid: /);
  assert.match(help, /--dimension N +hypercube: /);
});

Deno.test("a topology field that the run's type does not use is refused, naming the types that use it", () => {
  const refused = (topology: unknown, pattern: RegExp) => {
    assert.throws(() => resolveConfig({ nodes: 8, topology }), (error: Error) => {
      assert.ok(error instanceof ConfigError, String(error));
      assert.match(error.message, pattern);
      return true;
    });
  };
  refused(
    { type: "ring", rows: 3 },
    /topology\.rows: used by topology torus and grid only, not "ring"/,
  );
  refused(
    { type: "torus", rows: 2, cols: 4, offsets: [1] },
    /topology\.offsets: used by topology circulant only/,
  );
  refused(
    { type: "circulant", p: 0.5 },
    /topology\.p: used by topology erdos-renyi only, not "circulant"/,
  );
  refused({ type: "moebius" }, /topology\.type = "moebius": expected one of ring, .*, circulant/);
  refused({ type: "erdos-renyi", p: 2 }, /topology\.p = 2: Too big/);
});

Deno.test("the README's worked example: a circulant topology with its own offsets field runs", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const source = await Deno.readTextFile(
    new URL("../examples/circulant_topology.ts", import.meta.url),
  );
  assert.ok(readme.includes(source.trimEnd()), "the README shows examples/circulant_topology.ts");

  const result = await runSimulation({
    algorithms: ["dgd"],
    nodes: 8,
    topology: { type: "circulant", offsets: [1, 3] },
    problem: { type: "least-squares", dim: 3 },
    steps: 20,
    engine: "sequential",
  });
  assert.deepEqual(result.config.topology, { type: "circulant", offsets: [1, 3] });
  assert.equal(result.runs.length, 1);
  assert.equal(result.runs[0].rows.at(-1)?.step, 20);

  const graph = topologyFromSpec({ type: "circulant", nodes: 8, offsets: [1, 3] });
  assert.equal(graph.name, "circulant(8; 1,3)");
  assert.deepEqual(graph.neighbors[0], [1, 3, 5, 7]);
  assert.deepEqual(graph.neighbors[2], [1, 3, 5, 7]);
  assert.equal(result.spectral?.lambda, spectralAnalysis(metropolisHastings(graph)).lambda);
  // offsets defaults to [1]: the ring.
  assert.deepEqual(resolveConfig({ nodes: 8, topology: { type: "circulant" } }).topology, {
    type: "circulant",
    offsets: [1],
  });
  assert.deepEqual(
    topologyFromSpec({ type: "circulant", nodes: 8 }).neighbors,
    ringTopology(8).neighbors,
  );
});

Deno.test("the circulant example refuses an unknown field and a bad offset, naming them", async () => {
  assert.throws(
    () => resolveConfig({ nodes: 8, topology: { type: "circulant", ofsets: [2] } }),
    /topology: unknown field\(s\) "ofsets"/,
  );
  assert.throws(
    () => topologyFromSpec({ type: "circulant", nodes: 8, ofsets: [2] }),
    /circulant: unknown field\(s\) "ofsets"/,
  );
  assert.throws(
    () => resolveConfig({ nodes: 8, topology: { type: "circulant", offsets: [0] } }),
    /topology\.offsets\.0 = 0: Too small/,
  );
  await assert.rejects(
    () => runSimulation({ nodes: 8, steps: 2, topology: { type: "circulant", offsets: [5] } }),
    /topology: offsets: 5 is more than 8 \/ 2/,
  );
});

Deno.test("topologyFromSpec() needs nodes where the type does, and names what is missing", () => {
  assert.throws(
    () => topologyFromSpec({ type: "circulant" }),
    /"circulant" from spec: nodes is required/,
  );
  assert.throws(
    () => topologyFromSpec({ type: "torus", rows: 3 }),
    /"torus" from spec: cols is required/,
  );
  assert.throws(
    () => topologyFromSpec({ type: "erdos-renyi", nodes: 5, p: 0.5 }),
    /seed is required/,
  );
  assert.throws(
    () => topologyFromSpec({ type: "custom", nodes: 3, adjacency: [[0, 1], [1, 0]] }),
    /nodes is 3 but adjacency has 2 rows/,
  );
  assert.throws(() => registerTopology(circulant), /name "circulant" is already registered/);
});
