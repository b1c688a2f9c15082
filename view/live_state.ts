/**
 * The live view's picture of one run, folded from the scheduler's event stream: each node's
 * state and step, each directed link's sent / delivered / dropped counts, the virtual clock
 * and the progress. Events are folded as they come (a few integer updates each, so millions
 * cost little); the browser gets a {@linkcode RunSnapshot} of the result every ~100 ms, never
 * the events themselves.
 *
 * @module
 */
import type { SimEvent } from "../metrics/events.ts";

/**
 * What a node is doing, most telling first: `crashed` (down), `partitioned` (on the listed
 * side of a cut), `straggling` (a configured straggler, up; it stays marked after the run),
 * `stepping` (up, the run going on), `done` (the run is over), `waiting` (the run has not
 * started).
 */
export type NodeState =
  | "crashed"
  | "partitioned"
  | "straggling"
  | "stepping"
  | "done"
  | "waiting";

/** Where a run stands. */
export type RunStatus = "waiting" | "running" | "finished";

/**
 * One directed link's traffic: `[from, to, sent, delivered, dropped]`. Messages neither
 * delivered nor dropped are in flight.
 */
export type LinkCounts = [number, number, number, number, number];

/** The state of one run at one moment, as the browser receives it. */
export interface RunSnapshot {
  /** The run's index among the simulation's runs. */
  index: number;
  /** Waiting to start, running, or finished. */
  status: RunStatus;
  /** Virtual time of the latest event (seconds); null before any (sequential engine). */
  clock: number | null;
  /** The step of the latest metrics row (iterations or rounds). */
  step: number;
  /** Steps the run will take. */
  steps: number;
  /** Each node's state (the federated server last). */
  nodes: NodeState[];
  /** Each node's latest completed local step. */
  nodeSteps: number[];
  /** Traffic per directed link that carried a message, ordered by (from, to). */
  links: LinkCounts[];
  /** Messages sent, delivered and dropped over the whole run. */
  totals: { sent: number; delivered: number; dropped: number };
  /** Scheduler events folded so far. */
  events: number;
}

/** What a {@linkcode LiveRun} is built from. */
export interface LiveRunOptions {
  /** The run's index among the simulation's runs. */
  index: number;
  /** Nodes drawn (the federated server included, as the last node). */
  nodes: number;
  /** The configured stragglers. */
  stragglers: readonly number[];
  /** Steps (or rounds) the run will take. */
  steps: number;
}

/** One run's live state, folded from its events and rows. */
export class LiveRun {
  #options: LiveRunOptions;
  #status: RunStatus = "waiting";
  #clock: number | null = null;
  #step = 0;
  #events = 0;
  #down: Uint8Array;
  #cut: Uint32Array;
  #nodeSteps: number[];
  #straggler: Set<number>;
  /** Counters per link key `from * nodes + to`: sent, delivered, dropped. */
  #links = new Map<number, Int32Array>();
  #totals = { sent: 0, delivered: 0, dropped: 0 };

  /** @param options the run's index, node count, stragglers and length */
  constructor(options: LiveRunOptions) {
    this.#options = options;
    this.#down = new Uint8Array(options.nodes);
    this.#cut = new Uint32Array(options.nodes);
    this.#nodeSteps = new Array(options.nodes).fill(0);
    this.#straggler = new Set(options.stragglers);
  }

  /** Where the run stands. */
  get status(): RunStatus {
    return this.#status;
  }

  /** Folds one scheduler event in. */
  event(event: SimEvent): void {
    this.#status = "running";
    this.#events++;
    this.#clock = this.#clock === null ? event.time : Math.max(this.#clock, event.time);
    switch (event.kind) {
      case "step":
        if (event.node < this.#nodeSteps.length) this.#nodeSteps[event.node] = event.t;
        break;
      case "send": {
        const counts = this.#link(event.from, event.to);
        counts[0]++;
        this.#totals.sent++;
        if (event.fate !== "delivered") {
          counts[2]++;
          this.#totals.dropped++;
        }
        break;
      }
      case "arrive": {
        const counts = this.#link(event.from, event.to);
        if (event.fate === "delivered") {
          counts[1]++;
          this.#totals.delivered++;
        } else {
          counts[2]++;
          this.#totals.dropped++;
        }
        break;
      }
      case "crash":
      case "rejoin":
        if (event.node < this.#down.length) this.#down[event.node] = event.kind === "crash" ? 1 : 0;
        break;
      case "partition":
      case "heal":
        for (const node of event.nodes) {
          if (node >= this.#cut.length) continue;
          if (event.kind === "partition") this.#cut[node]++;
          else if (this.#cut[node] > 0) this.#cut[node]--;
        }
        break;
    }
  }

  /** Notes a metrics row of this run (its step is the run's progress). */
  row(step: number): void {
    this.#status = "running";
    this.#step = Math.max(this.#step, step);
  }

  /** Marks the run over: nodes still up are `done`. */
  finish(): void {
    this.#status = "finished";
  }

  /** The run's state now. */
  snapshot(): RunSnapshot {
    const finished = this.#status === "finished";
    const nodes = Array.from({ length: this.#options.nodes }, (_, i): NodeState => {
      if (this.#status === "waiting") return "waiting";
      if (this.#down[i]) return "crashed";
      if (this.#cut[i]) return "partitioned";
      if (this.#straggler.has(i)) return "straggling";
      return finished ? "done" : "stepping";
    });
    const links = [...this.#links.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, counts]): LinkCounts => [
        Math.floor(key / this.#options.nodes),
        key % this.#options.nodes,
        counts[0],
        counts[1],
        counts[2],
      ]);
    return {
      index: this.#options.index,
      status: this.#status,
      clock: this.#clock,
      step: this.#step,
      steps: this.#options.steps,
      nodes,
      nodeSteps: [...this.#nodeSteps],
      links,
      totals: { ...this.#totals },
      events: this.#events,
    };
  }

  #link(from: number, to: number): Int32Array {
    const key = from * this.#options.nodes + to;
    let counts = this.#links.get(key);
    if (!counts) this.#links.set(key, counts = new Int32Array(3));
    return counts;
  }
}
