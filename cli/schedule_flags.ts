/**
 * The flags of the schedule: `--schedule` (its help lists every registered schedule type with
 * its fields, read when the help is printed) and the built-in types' fields.
 *
 * @module
 */
import { schedules } from "../exchange/schedule_registry.ts";
import type { Flag } from "./flag.ts";
import { retype } from "./values.ts";

/** `--schedule` and the fields of the built-in schedule types. */
export const SCHEDULE_FLAGS: Flag[] = [
  {
    name: "schedule",
    value: "S",
    get help() {
      const types = schedules.list().map((d) => {
        const fields = Object.keys(d.parameters.shape);
        return fields.length ? `${d.name} (${fields.join(", ")})` : d.name;
      });
      return `who talks to whom each step: ${types.join(", ")}; static (default) is the ` +
        "topology under its mixing rule";
    },
    apply: retype("schedule"),
  },
  {
    name: "every",
    value: "E",
    help: "erdos-renyi-redraw: steps between redraws (default 10)",
    parse: "number",
    field: "schedule.every",
  },
  {
    name: "k",
    value: "K",
    help: "k-out: out-neighbours per node (default 2)",
    parse: "number",
    field: "schedule.k",
  },
  {
    name: "schedule-p",
    value: "P",
    help: "erdos-renyi-redraw: edge probability (default 0.3)",
    parse: "number",
    field: "schedule.p",
  },
];
