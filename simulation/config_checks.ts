/**
 * What a schema cannot see: a field the run would ignore although the user set it, a fault
 * that cannot happen as written, two runs that would share one label. Each is an error that
 * names the field and says why, so nothing is silently ignored.
 *
 * @module
 */
import { byzantineIdRefusals } from "../exchange/byzantine_check.ts";
import type { ByzantineSpec } from "../exchange/attack.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import { getProblem, listProblems, type ProblemDefinition } from "../problems/registry.ts";
import { getTopology, topologiesWithField, topologyFields } from "../topologies/registry.ts";
type Raw = Record<string, unknown>;

/** The parts of a resolved config these checks read. */
interface Checked {
  algorithms: readonly { name: string }[];
  nodes: number;
  engine: string;
  mode: string;
  problem: { type: string };
  topology: { type: string };
  mixing: { rule: string };
  schedule: { type: string };
  network: {
    crashes: readonly { node: number; at: number; rejoin: number | null }[];
    links: readonly { from: number; to: number }[];
  };
  federated: { participation: number };
  backend: string;
  exchange: { byzantine?: ByzantineSpec | null };
}

/** The value at `path` (dotted) inside `object`, or undefined. */
function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !(key in value)) return undefined;
    value = (value as Raw)[key];
  }
  return value;
}

/** Mixing fields and the rules that use them. */
const MIXING_FIELDS: Record<string, readonly string[]> = {
  self: ["constant"],
  neighbor: ["constant"],
  matrix: ["custom"],
};

/**
 * Fields the user set to something other than their default that this run would not use,
 * each as `field: why`. (A default written out — a resolved config passed back in, say —
 * changes nothing and is not an error.)
 *
 * @param input the config as the user wrote it (flags applied)
 * @param config the same config resolved
 * @param defaults the resolved config of `{}`
 * @returns one line per ignored field (none when everything set is used)
 */
export function ignoredFields(input: unknown, config: Checked, defaults: unknown): string[] {
  const problems: string[] = [];
  const kinds = new Set(config.algorithms.map((a) => getAlgorithm(a.name).kind));
  const decentralized = kinds.has("decentralized"), federated = kinds.has("federated");
  const ignore = (field: string, why: string) => {
    const set = valueAt(input, field) !== undefined &&
      JSON.stringify(valueAt(config, field)) !== JSON.stringify(valueAt(defaults, field));
    if (set) problems.push(`${field}: ${why}`);
  };
  if (config.engine === "sequential") {
    const why = "the sequential engine runs a perfect network in lock step and does not use it; " +
      'set engine "actors" (--engine actors)';
    for (
      const field of ["network", "mode", "timeout", "missing", "staleness", "workers", "events"]
    ) {
      ignore(field, why);
    }
  } else if (!decentralized) {
    const why =
      "federated algorithms run in rounds with a server; it applies to decentralized ones";
    for (const field of ["mode", "missing", "staleness"]) ignore(field, why);
  } else if (config.mode !== "sync") {
    if (config.mode === "async") {
      ignore("staleness", 'only bounded mode waits for laggards (mode "bounded")');
      if (!federated) ignore("timeout", "async mode has no barrier or wait to bound");
    }
    // On a changing schedule the async modes mix what was pushed, and `missing` says whether
    // their weights are rescaled (`drop`: kept as pushed, push-sum); else it is sync mode's.
    if (config.schedule.type === "static") {
      ignore("missing", "sync mode's policy for a value missing at the barrier");
    }
  } else ignore("staleness", 'only bounded mode waits for laggards (mode "bounded")');
  if (!federated) ignore("federated", "no algorithm of this run is federated");
  if (!decentralized) {
    const why =
      "federated clients talk to the server only; no algorithm of this run mixes over a graph";
    ignore("topology", why);
    ignore("mixing", why);
  }
  if (config.problem.type !== "neural") {
    ignore(
      "backend",
      `only neural problems compute with tensors; problem "${config.problem.type}"`,
    );
  }
  problems.push(...otherTopologyFields(input, config.topology.type));
  for (const [field, rules] of Object.entries(MIXING_FIELDS)) {
    if (!rules.includes(config.mixing.rule)) {
      ignore(
        `mixing.${field}`,
        `used by mixing rule ${rules.join(" and ")} only, not "${config.mixing.rule}"`,
      );
    }
  }
  return problems;
}

/**
 * The topology fields the user set that the run's type does not have, by the registered
 * types' schemas: each names the types that use it. (The resolved config holds only the
 * type's own fields; a field no type has was refused with the schema.)
 */
function otherTopologyFields(input: unknown, type: string): string[] {
  const given = valueAt(input, "topology");
  if (given === null || typeof given !== "object") return [];
  const own = new Set(["type", ...topologyFields(getTopology(type))]);
  return Object.entries(given).flatMap(([field, value]) => {
    const types = topologiesWithField(field);
    if (own.has(field) || value === undefined || !types.length) return [];
    return [`topology.${field}: used by topology ${types.join(" and ")} only, not "${type}"`];
  });
}

/**
 * Contradictions inside a resolved config: two runs with one label, faults that cannot happen
 * as written, a participation that rounds to no client.
 *
 * @returns one line per problem, each naming its field
 */
export function contradictions(config: Checked): string[] {
  const problems: string[] = [];
  const seen = new Map<string, number>();
  config.algorithms.forEach(({ name }, index) => {
    if (seen.has(name)) {
      problems.push(
        `algorithms.${index}: "${name}" is listed twice (as algorithms.${seen.get(name)}); ` +
          "their rows would share one label: compare values of a hyper-parameter with sweep",
      );
    } else seen.set(name, index);
  });
  const crashes = config.network.crashes;
  crashes.forEach((crash, i) => {
    if (crash.rejoin !== null && crash.rejoin <= crash.at) {
      problems.push(
        `network.crashes.${i}.rejoin = ${crash.rejoin}: a node rejoins after it crashes ` +
          `(at = ${crash.at})`,
      );
    }
    crashes.forEach((other, k) => {
      const overlap = k > i && other.node === crash.node &&
        other.at < (crash.rejoin ?? Infinity) && crash.at < (other.rejoin ?? Infinity);
      if (overlap) {
        problems.push(
          `network.crashes.${k}: node ${crash.node} is already down then (network.crashes.${i}: ` +
            `${crash.at} … ${crash.rejoin ?? "never back"}); give each crash its own window`,
        );
      }
    });
  });
  config.network.links.forEach((link, i) => {
    if (link.from === link.to) {
      problems.push(`network.links.${i}: from = to = ${link.from} is not a link between two nodes`);
    }
  });
  if (config.backend === "webgpu" && config.problem.type === "neural") {
    // WebGPU results can only be awaited: the node actors' gradient path awaits them.
    if (config.engine !== "actors") {
      problems.push(
        'backend = "webgpu": its gradients can only be awaited, which the actor engine does; ' +
          'set engine "actors" (--engine actors)',
      );
    }
    const federatedToo = config.algorithms.some((a) => getAlgorithm(a.name).kind === "federated");
    if (federatedToo) {
      problems.push(
        'backend = "webgpu": federated clients train with synchronous gradients; use "wasm" ' +
          "or a decentralized algorithm",
      );
    }
  }
  const byzantine = config.exchange.byzantine;
  if (byzantine) problems.push(...byzantineIdRefusals(byzantine, config.nodes));
  problems.push(...labelFlipRefusals(config));
  const { participation } = config.federated;
  const clients = Math.round(participation * config.nodes);
  if (clients < 1 && config.algorithms.some((a) => getAlgorithm(a.name).kind === "federated")) {
    problems.push(
      `federated.participation = ${participation}: ${participation} × ${config.nodes} clients ` +
        `rounds to no client per round; the least is ${(1 / config.nodes).toPrecision(3)}`,
    );
  }
  return problems;
}

/** Whether a problem's spec takes `poisoned` (its zod object schema has the field). */
function takesPoisoned(definition: ProblemDefinition): boolean {
  const shape = (definition.parameters as { shape?: Record<string, unknown> }).shape;
  return shape !== undefined && "poisoned" in shape;
}

/**
 * `label-flip` poisons a problem's labels: one whose spec takes `poisoned` (the Byzantine
 * nodes, which the run sets there itself, so the config leaves it unset).
 */
function labelFlipRefusals(config: Checked): string[] {
  if (config.exchange.byzantine?.attack.name !== "label-flip") return [];
  const type = config.problem.type;
  if (!takesPoisoned(getProblem(type))) {
    const labelled = listProblems().filter(takesPoisoned).map((d) => `"${d.name}"`);
    return [
      `exchange.byzantine.attack = "label-flip": problem "${type}" has no labels to flip; ` +
      `expected a classification problem whose spec takes poisoned (${labelled.join(", ")})`,
    ];
  }
  const set = (config.problem as { poisoned?: readonly number[] }).poisoned;
  if (!set?.length) return [];
  return [
    `problem.poisoned = [${set.join(", ")}]: exchange.byzantine.attack "label-flip" sets it ` +
    "to the Byzantine nodes; leave problem.poisoned unset",
  ];
}
