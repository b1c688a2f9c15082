/**
 * What every engine records: a metrics row per evaluation (the actor engine's rows add
 * virtual time and network facts), the hooks a caller passes to watch or stop a run, and a
 * run's result.
 *
 * @module
 */
import type { ModelMetrics } from "./evaluate.ts";
import type { SimEvent } from "./events.ts";

/** One evaluation point of a run. */
export interface MetricsRow extends ModelMetrics {
  /** The algorithm's registry name. */
  algorithm: string;
  /** Iterations (decentralized) or rounds (federated) completed. */
  step: number;
  /** Messages sent so far (every neighbour exchange, broadcast and upload counts one). */
  messages: number;
  /** Payload bytes sent so far (the encoder's count: 8 bytes a parameter at full precision). */
  bytes: number;
  /**
   * Decentralized runs: ρ̂, the per-step rate at which the mixing the run really delivered
   * contracted the probe's disagreement over the window since the last evaluation (null once
   * consensus is reached); see `metrics/mixing_probe.ts`.
   */
  mixingRate?: number | null;
  /** Decentralized runs: the nominal per-step rate beside it (λ of a static W, or a replay). */
  nominalRate?: number | null;
  /**
   * Decentralized runs: the fraction of push-sum mass lost so far, 1 − Σ w / N, measured on
   * the probe's weight (mixed as a push-sum method's is): 0 unless lost pushes lose mass.
   */
  lostMass?: number;
  /**
   * Methods with a running sum of their neighbours' public copies (CHOCO-SGD): the drift
   * Σ_i ‖s_i − Σ_j W_ij x̂_j‖, 0 up to rounding unless messages are lost.
   */
  drift?: number;
}

/** A metrics row of the actor engine: the sequential row plus time and network facts. */
export interface ActorMetricsRow extends MetricsRow {
  /** Virtual time (seconds) at the evaluation. */
  virtualTime: number;
  /** Messages delivered so far. */
  delivered: number;
  /** Messages dropped so far (loss, partition, capacity, crashed receiver). */
  dropped: number;
  /** Messages that arrived after their receiver had mixed (or the round had closed). */
  late: number;
  /** Mean staleness (steps) of the neighbour values mixed since the start. */
  stalenessMean: number;
  /** Largest staleness seen. */
  stalenessMax: number;
}

/** What a run returns. */
export interface RunResult {
  /** One row per evaluation, in order. */
  rows: MetricsRow[];
  /** The final models: every node's x_i, or the federated global model alone. */
  models: Float64Array[];
}

/** What every engine accepts besides its own options. */
export interface RunHooks {
  /** Called with every metrics row as soon as it is recorded (progress, partial outputs). */
  onRow?: (row: MetricsRow) => void;
  /** Stops the run between steps; the engine throws the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called with every scheduler event of an actor run, in sequence order (the sequential
   * engine has no scheduler and emits none).
   */
  onEvent?: (event: SimEvent) => void;
}
