/**
 * What a config asks of a buffered asynchronous federated algorithm (FedBuff) that its schema
 * cannot see: the actor engine (the sequential engine has no virtual time to decide which
 * uploads fill a buffer, or how stale they are), at most N clients training at once, and no
 * participation or weighting set that only synchronous rounds would use.
 *
 * @module
 */
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { isBuffered } from "../algorithms/fedbuff.ts";
import { getAlgorithm } from "../algorithms/registry.ts";

/** The parts of a resolved config these checks read. */
interface Checked {
  algorithms: readonly { name: string; params: Record<string, unknown> }[];
  nodes: number;
  engine: string;
  federated: { participation: number; weighting: string };
}

/** The config's buffered algorithms, with their index in `algorithms`. */
function bufferedAlgorithms(config: Checked) {
  return config.algorithms.flatMap(({ name, params }, index) => {
    const definition = getAlgorithm(name);
    if (definition.kind !== "federated") return [];
    const instance = definition.create(params) as FederatedAlgorithm;
    return isBuffered(instance) ? [{ name, index, buffered: instance.buffered }] : [];
  });
}

/**
 * Buffered algorithms the run cannot carry out as configured: on the sequential engine, or
 * with more clients training at once than there are clients.
 *
 * @param config the resolved config
 * @returns one line per problem, each naming its field
 */
export function bufferedRefusals(config: Checked): string[] {
  return bufferedAlgorithms(config).flatMap(({ name, index, buffered }) => {
    const problems: string[] = [];
    if (config.engine !== "actors") {
      problems.push(
        `algorithms.${index}: "${name}" runs asynchronous clients and a buffered server in ` +
          "virtual time (compute times and delays decide which uploads fill a buffer and how " +
          `stale they are), which the ${config.engine} engine does not model; set engine ` +
          '"actors" (--engine actors)',
      );
    }
    const c = buffered.concurrency;
    if (c !== null && c > config.nodes) {
      problems.push(
        `algorithms.${index}.params.concurrency = ${c}: at most the ${config.nodes} clients ` +
          "can train at once",
      );
    }
    return problems;
  });
}

/** The value at `path` (dotted) inside `object`, or undefined. */
function valueAt(object: unknown, path: string): unknown {
  let value = object;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !(key in value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Round fields the user set that no algorithm of the run would use: participation and
 * weighting, when every federated algorithm is buffered (C clients train at once and the
 * server weighs uploads by staleness).
 *
 * @param input the config as the user wrote it
 * @param config the same config resolved
 * @param defaults the resolved config of `{}`
 * @returns one line per ignored field
 */
export function bufferedIgnoredFields(input: unknown, config: Checked, defaults: unknown) {
  const federated = config.algorithms.filter((a) => getAlgorithm(a.name).kind === "federated");
  const buffered = bufferedAlgorithms(config);
  if (!buffered.length || buffered.length !== federated.length) return [];
  const why = {
    "federated.participation": "buffered federated algorithms keep `concurrency` clients " +
      "training at once instead of sampling rounds",
    "federated.weighting": "buffered federated algorithms weigh an upload by its staleness " +
      "1/√(1+τ)",
  };
  return Object.entries(why).flatMap(([field, reason]) => {
    const set = valueAt(input, field) !== undefined &&
      JSON.stringify(valueAt(config, field)) !== JSON.stringify(valueAt(defaults, field));
    return set ? [`${field}: ${reason}`] : [];
  });
}
