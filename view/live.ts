/**
 * The live view of a simulation (`deno task sim … --serve`): a {@linkcode LiveView} takes
 * the run's rows and scheduler events through its {@linkcode LiveView.hooks}, folds them per
 * run ({@linkcode LiveRun}) and, every ~100 ms, sends the page what changed: the new metrics
 * rows and a snapshot of every run that moved (node states, link traffic, clock, progress,
 * and, on a schedule that changes with the step, the edges active at the step shown).
 *
 * @example Watch a run, then stop serving
 * ```ts ignore
 * import { resolveConfig, runSimulation } from "../simulation/mod.ts";
 * import { LiveView } from "./live.ts";
 *
 * const config = resolveConfig({ engine: "actors", steps: 100 });
 * const view = await LiveView.start(config);
 * console.log(`open ${view.url}`);
 * await runSimulation(config, view.hooks);
 * view.finish({ status: "complete" });
 * await view.waitForInterrupt();
 * await view.close();
 * ```
 *
 * @module
 */
import type { SimEvent } from "../metrics/events.ts";
import type { MetricsRow } from "../metrics/rows.ts";
import type { SimulationConfig } from "../simulation/config.ts";
import { planTrials } from "../simulation/trials.ts";
import type { Route } from "../exchange/route.ts";
import { type ViewGraph, viewNetwork } from "./graph.ts";
import { LiveRun, type RunSnapshot } from "./live_state.ts";
import { type ActiveEdges, activeEdges, shownStep } from "./schedule_edges.ts";
import { ViewServer, waitForInterrupt } from "./server.ts";

/** The run index a hook receives with each row and event. */
export interface RunIndex {
  /** The run's index among all runs. */
  index: number;
  /** Number of runs. */
  total: number;
  /** Steps of each run. */
  steps: number;
}

/** One run as the page lists it. */
export interface RunDescription {
  /** Index among the simulation's runs. */
  index: number;
  /** The algorithm's label (with the swept value, if any). */
  label: string;
  /** The curve's name: the label, with the seed when the config repeats seeds. */
  series: string;
  /** The run's seed. */
  seed: number;
  /** The graph drawn for it. */
  graph: ViewGraph;
}

/** How a simulation ended, for the page. */
export interface Ending {
  /** `complete`, `failed` or `interrupted`. */
  status: "complete" | "failed" | "interrupted";
  /** What stopped it, if it did not complete. */
  error?: string;
}

/** Options of {@linkcode LiveView.start}. */
export interface LiveViewOptions {
  /** The port (0: any free one; absent: 8750, or any free one when that is taken). */
  port?: number | null;
  /** How often the page gets what changed (ms, default 100). */
  tickMs?: number;
}

/** A metrics row as the page receives it: with its run's index and curve name. */
export type ViewRow = MetricsRow & { run: number; series: string };

/**
 * A run's snapshot as the page receives it: on a schedule that changes with the step, with
 * the edges active at the step shown (see {@linkcode shownStep}); else `active` is null.
 */
export type ViewSnapshot = RunSnapshot & { active: ActiveEdges | null };

/** A planned run with the route its changing schedule draws (null: nothing changes). */
type PlannedRun = RunDescription & { route: Route | null };

/** A live view of one simulation, served while it runs. */
export class LiveView {
  #server: ViewServer;
  #config: SimulationConfig;
  #runs: RunDescription[];
  #routes: (Route | null)[];
  #active: (ActiveEdges | null)[];
  #live: LiveRun[];
  #rows: ViewRow[] = [];
  #pending: ViewRow[] = [];
  #moved = new Set<number>();
  #ending: Ending | null = null;
  #endingSent = false;
  #timer: ReturnType<typeof setInterval>;

  private constructor(
    server: ViewServer,
    config: SimulationConfig,
    planned: PlannedRun[],
    tickMs: number,
  ) {
    this.#server = server;
    this.#config = config;
    this.#runs = planned.map(({ route: _, ...run }) => run);
    this.#routes = planned.map((run) => run.route);
    this.#active = planned.map(() => null);
    const runs = this.#runs;
    this.#live = runs.map((run) =>
      new LiveRun({
        index: run.index,
        nodes: run.graph.nodes,
        stragglers: run.graph.stragglers,
        steps: config.steps,
      })
    );
    this.#timer = setInterval(() => this.#tick(), tickMs);
  }

  /**
   * Plans the config's runs, builds their graphs and starts serving on 127.0.0.1.
   *
   * @param config the resolved config about to run
   * @param options port and update period
   */
  static async start(config: SimulationConfig, options: LiveViewOptions = {}): Promise<LiveView> {
    const graphs = new Map<string, Promise<{ graph: ViewGraph; route: Route | null }>>();
    const runs = await Promise.all(
      planTrials(config).map(async (trial, index): Promise<PlannedRun> => {
        const key = `${trial.name}/${trial.seed}`;
        if (!graphs.has(key)) graphs.set(key, viewNetwork(config, trial.name, trial.seed));
        const { graph, route } = await graphs.get(key)!;
        return {
          index,
          label: trial.label,
          series: config.repeat > 1 ? `${trial.label} · seed ${trial.seed}` : trial.label,
          seed: trial.seed,
          graph,
          route,
        };
      }),
    );
    const made: { view?: LiveView } = {};
    const server = await ViewServer.start({
      mode: "live",
      port: options.port,
      data: () => made.view!.#initial(),
    });
    made.view = new LiveView(server, config, runs, options.tickMs ?? 100);
    return made.view;
  }

  /** The page's address. */
  get url(): string {
    return this.#server.url;
  }

  /** The hooks to pass to `runSimulation`: they record every row and event. */
  get hooks(): {
    onRow: (row: MetricsRow, run: RunIndex) => void;
    onEvent: (event: SimEvent, run: RunIndex) => void;
  } {
    return {
      onRow: (row, run) => {
        const live = this.#live[run.index];
        if (!live) return;
        this.#finishBefore(run.index);
        live.row(row.step);
        const viewRow = { ...row, run: run.index, series: this.#runs[run.index].series };
        this.#rows.push(viewRow);
        this.#pending.push(viewRow);
        this.#moved.add(run.index);
      },
      onEvent: (event, run) => {
        const live = this.#live[run.index];
        if (!live) return;
        if (live.status === "waiting") this.#finishBefore(run.index);
        live.event(event);
        this.#moved.add(run.index);
      },
    };
  }

  /** Marks the simulation over (every run finished) and tells the page at once. */
  finish(ending: Ending): void {
    this.#ending = ending;
    this.#live.forEach((live, index) => {
      if (live.status === "running") {
        live.finish();
        this.#moved.add(index);
      }
    });
    this.#tick();
  }

  /** Resolves on Ctrl-C (SIGINT) or when `signal` aborts. */
  waitForInterrupt(signal?: AbortSignal): Promise<void> {
    return waitForInterrupt(signal);
  }

  /** Stops the updates and the server. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#server.close();
  }

  /** Runs before `index` that are still marked running are over (runs go one at a time). */
  #finishBefore(index: number): void {
    for (let i = 0; i < index; i++) {
      if (this.#live[i].status !== "finished") {
        this.#live[i].finish();
        this.#moved.add(i);
      }
    }
  }

  /** Everything so far: what a page that connects now starts from. */
  #initial() {
    return {
      mode: "live",
      title: this.#config.name,
      config: this.#config,
      runs: this.#runs,
      rows: this.#rows,
      snapshots: this.#live.map((_, index) => this.#snapshot(index)),
      ending: this.#ending,
    };
  }

  /** Sends what changed since the last tick. */
  #tick(): void {
    const ending = this.#ending !== null && !this.#endingSent;
    if (this.#pending.length === 0 && this.#moved.size === 0 && !ending) return;
    const snapshots: ViewSnapshot[] = [...this.#moved].sort((a, b) => a - b)
      .map((index) => this.#snapshot(index));
    this.#server.broadcast("tick", { rows: this.#pending, snapshots, ending: this.#ending });
    this.#pending = [];
    this.#moved.clear();
    this.#endingSent = this.#ending !== null;
  }

  /** Run `index`'s snapshot, with its schedule's edges at the step shown (computed once a step). */
  #snapshot(index: number): ViewSnapshot {
    const snapshot = this.#live[index].snapshot();
    const route = this.#routes[index];
    if (!route) return { ...snapshot, active: null };
    const step = shownStep(snapshot);
    if (this.#active[index]?.step !== step) this.#active[index] = activeEdges(route, step);
    return { ...snapshot, active: this.#active[index] };
  }
}
