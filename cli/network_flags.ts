/**
 * The command line's actor-engine flags: the Workers, the execution mode and its deadlines,
 * and the network and fault model (latency, drops, stragglers). They are rows of the one
 * table in `cli/flag_table.ts`, in its help order.
 *
 * @module
 */
import { EXECUTION_MODES, MISSING_POLICIES } from "../actors/scenario.ts";
import type { Flag } from "./flag.ts";
import { distribution, nodeList, objectAt } from "./values.ts";

/** A list of choices for a help line, the first marked as the default. */
export function choices(values: readonly string[]): string {
  return values.map((value, k) => k === 0 ? `${value} (default)` : value).join(", ");
}

/** The actor engine's flags, from `--workers` to `--slowdown`. */
export const ACTOR_FLAGS: Flag[] = [
  {
    name: "workers",
    value: "K",
    help: "actor engine: number of Workers (default: one per core)",
    parse: "number",
    field: "workers",
  },
  {
    name: "mode",
    value: "M",
    help: `actor engine: ${choices(EXECUTION_MODES)}`,
    field: "mode",
  },
  {
    name: "timeout",
    value: "S",
    help: "actor engine: barrier/round deadline in virtual seconds (default 1)",
    parse: "number",
    field: "timeout",
  },
  {
    name: "missing",
    value: "P",
    help: `sync mode, missing neighbour value: ${choices(MISSING_POLICIES)}`,
    field: "missing",
  },
  {
    name: "staleness",
    value: "S",
    help: "bounded mode: how many steps a neighbour may lag (default 2)",
    parse: "number",
    field: "staleness",
  },
  {
    name: "latency",
    value: "D",
    help: "link latency: constant:S, uniform:MIN,MAX, exponential:MEAN,\n" +
      "lognormal:MU,SIGMA or pareto:SCALE,SHAPE (seconds)",
    parse: distribution,
    field: "network.latency",
  },
  {
    name: "drop",
    value: "P",
    help: "probability that a message is lost",
    parse: "number",
    field: "network.dropProbability",
  },
  {
    name: "stragglers",
    value: "N[,N…]",
    help: "straggler nodes; --slowdown F multiplies their compute time",
    parse: nodeList,
    apply(config, value) {
      const stragglers = objectAt(config, ["network", "stragglers"]);
      stragglers.nodes = value;
      stragglers.slowdown ??= 1;
    },
  },
  {
    name: "slowdown",
    value: "F",
    help: "compute-time factor of the stragglers",
    parse: "number",
    apply(config, value) {
      const stragglers = objectAt(config, ["network", "stragglers"]);
      stragglers.slowdown = value;
      stragglers.nodes ??= [];
    },
  },
];
