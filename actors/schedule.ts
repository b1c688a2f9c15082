/**
 * The scenario's timed changes: the crash model (which node is down when, and whether it comes
 * back) and the announcements of crashes, rejoins and scheduled partition windows as the
 * virtual clock passes them.
 *
 * @module
 */
import type { UnstampedEvent } from "../metrics/events.ts";
import type { Scenario } from "./scenario.ts";

/** A scheduled change announced when the clock passes it. */
export type Scheduled = UnstampedEvent & { kind: "crash" | "rejoin" | "partition" | "heal" };

/** Crash-stop with optional rejoin: the run's one crash model (windows never overlap). */
export class CrashModel {
  readonly #windows: Map<number, { at: number; rejoin: number | null }[]>;
  readonly #nodes: number;

  /**
   * @param crashes the scenario's crash schedule
   * @param nodes the node count
   */
  constructor(crashes: Scenario["crashes"], nodes: number) {
    this.#nodes = nodes;
    this.#windows = new Map();
    for (const crash of crashes) {
      const list = this.#windows.get(crash.node) ?? [];
      list.push({ at: crash.at, rejoin: crash.rejoin });
      this.#windows.set(crash.node, list);
    }
  }

  /** The window node `i` is down in at `time`, if any. */
  #down(i: number, time: number) {
    return this.#windows.get(i)?.find((w) =>
      w.at <= time && (w.rejoin === null || time < w.rejoin)
    );
  }

  /** Whether node `i` is up at virtual time `time`. */
  alive(i: number, time: number): boolean {
    return this.#down(i, time) === undefined;
  }

  /** Whether every node is down at `time` and none of them will rejoin. */
  allDownForGood(time: number): boolean {
    for (let i = 0; i < this.#nodes; i++) {
      const window = this.#down(i, time);
      if (!window || window.rejoin !== null) return false;
    }
    return true;
  }
}

/** The scenario's crashes, rejoins and partition windows as events, in time order. */
export function scheduledChanges(scenario: Scenario): Scheduled[] {
  const changes: Scheduled[] = [];
  for (const crash of scenario.crashes) {
    changes.push({ kind: "crash", time: crash.at, node: crash.node });
    if (crash.rejoin !== null) {
      changes.push({ kind: "rejoin", time: crash.rejoin, node: crash.node });
    }
  }
  for (const window of scenario.partitions) {
    const cut = { nodes: window.nodes, oneWay: window.oneWay };
    changes.push({ kind: "partition", time: window.start, ...cut });
    changes.push({ kind: "heal", time: window.end, ...cut });
  }
  return changes.sort((a, b) => a.time - b.time);
}
