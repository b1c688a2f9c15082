/**
 * How big the reproduction's runs are: the full scale (`deno task reproduce`, sized to finish
 * in about half an hour on two cores) and the quick one (`--quick`, seconds, for CI: it checks
 * the report's structure, not the verdicts). Every number a report states about its scale
 * comes from here.
 *
 * @module
 */

/** The MNIST subset an experiment uses (see `NeuralOptions`). */
export interface DataScale {
  /** Minibatch size of a local gradient. */
  readonly batchSize: number;
  /** Training images, split over the nodes. */
  readonly trainSamples: number;
  /** Test images (reported accuracy). */
  readonly testSamples: number;
  /** Training images the loss, ‖∇f‖² and training accuracy use. */
  readonly evalSamples: number;
  /** Training images held out of training, on which α is tuned. */
  readonly validationSamples: number;
}

/**
 * The tuning protocol: every candidate runs a short run (rung 1) on the first seed; the best
 * `keep` by validation accuracy run the full length; the best of those is the choice, and its
 * full run is the first seed's run. With no more candidates than `keep`, rung 1 is skipped.
 */
export interface TuningScale {
  /** Steps (or rounds) of a rung-1 run. */
  readonly shortSteps: number;
  /** Evaluation interval of a rung-1 run. */
  readonly shortEvalEvery: number;
  /** Candidates promoted to the full length. */
  readonly keep: number;
  /** Evaluations averaged into a candidate's validation score (the last ones). */
  readonly scoreWindow: number;
}

/** Seed 000: 5-node ring, W = 1/3, small CNN, iid and 2 labels per node. */
export interface Seed000Scale {
  /** Iterations. */
  readonly steps: number;
  /** Evaluation interval. */
  readonly evalEvery: number;
  /** The data. */
  readonly data: DataScale;
  /** The α grid (the paper's {1e-1 … 1e-6}). */
  readonly grid: readonly number[];
  /** The tuning protocol. */
  readonly tuning: TuningScale;
}

/** Seed 003: 50 clients, participation 0.5, one class per client. */
export interface Seed003Scale {
  /** Communication rounds. */
  readonly rounds: number;
  /** Evaluation interval (rounds). */
  readonly evalEvery: number;
  /** The MLP experiments' data. */
  readonly mlp: DataScale;
  /** The CNN experiment's data. */
  readonly cnn: DataScale;
  /** The α grid of the MLP with 1 local epoch (the paper's grid is not given: half decades). */
  readonly grid: readonly number[];
  /** FED-LAMB's λ grid (the paper's {0, 0.01, 0.1}). */
  readonly lambdas: readonly number[];
  /**
   * Grid points on each side of the 1-epoch MLP choice that the other settings (3 epochs,
   * CNN) try, with FED-LAMB's λ fixed to its 1-epoch choice.
   */
  readonly neighbours: number;
  /** Local epochs of the CNN experiment. */
  readonly cnnEpochs: readonly number[];
  /** The tuning protocol. */
  readonly tuning: TuningScale;
}

/** Seed 004: 5 agents, sparse ring 0.34/0.33, balanced and unbalanced data. */
export interface Seed004Scale {
  /** Iterations (a multiple of the steps per epoch). */
  readonly steps: number;
  /** Evaluation interval. */
  readonly evalEvery: number;
  /** Evaluations averaged for the degree of consensus and the fluctuation (the last ones). */
  readonly tail: number;
  /** The data. */
  readonly data: DataScale;
  /** gCDMSGD's ω values (C004-3, C004-5); the main comparison uses 0.5. */
  readonly omegas: readonly number[];
}

/** Every experiment's size. */
export interface Scale {
  /** `full` or `quick`. */
  readonly name: "full" | "quick";
  /** Seeds every chosen configuration runs (seed 0, 1, …). */
  readonly seeds: number;
  /** Seed 000's size. */
  readonly seed000: Seed000Scale;
  /** Seed 003's size. */
  readonly seed003: Seed003Scale;
  /** Seed 004's size. */
  readonly seed004: Seed004Scale;
}

const HALF_DECADES = [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 0.0003];

/**
 * The full reproduction (`deno task reproduce`): three times the training images of the first
 * version of this scale (seed 000 5,000, seed 003 3,000 and 1,600, seed 004 5,000), which the
 * float32 dense kernels paid for; seed 004's 16,000 make 100 steps an epoch, so its 6 epochs,
 * 4 evaluations an epoch and 2-epoch tail stay whole. Seed 000 runs twice its first horizon
 * (120 iterations, from 60) and seed 003 half as long again (30 rounds, from 20), paid for by
 * the gradients' later gains.
 */
export const FULL_SCALE: Scale = {
  name: "full",
  seeds: 3,
  seed000: {
    steps: 120,
    evalEvery: 15,
    data: {
      batchSize: 16,
      trainSamples: 15_000,
      testSamples: 500,
      evalSamples: 250,
      validationSamples: 500,
    },
    grid: [1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6],
    tuning: { shortSteps: 20, shortEvalEvery: 10, keep: 1, scoreWindow: 2 },
  },
  seed003: {
    rounds: 30,
    evalEvery: 1,
    mlp: {
      batchSize: 32,
      trainSamples: 9000,
      testSamples: 1000,
      evalSamples: 300,
      validationSamples: 1000,
    },
    cnn: {
      batchSize: 16,
      trainSamples: 4800,
      testSamples: 500,
      evalSamples: 200,
      validationSamples: 500,
    },
    grid: HALF_DECADES,
    lambdas: [0, 0.01, 0.1],
    neighbours: 1,
    cnnEpochs: [1],
    tuning: { shortSteps: 7, shortEvalEvery: 3, keep: 2, scoreWindow: 2 },
  },
  seed004: {
    steps: 600,
    evalEvery: 25,
    tail: 8,
    data: {
      batchSize: 32,
      trainSamples: 16_000,
      testSamples: 1000,
      evalSamples: 500,
      validationSamples: 0,
    },
    omegas: [0.1, 0.5, 0.9],
  },
};

/** A tiny run of everything, for CI (`--quick`): the report's structure, not its verdicts. */
export const QUICK_SCALE: Scale = {
  name: "quick",
  seeds: 2,
  seed000: {
    steps: 4,
    evalEvery: 2,
    data: {
      batchSize: 8,
      trainSamples: 200,
      testSamples: 50,
      evalSamples: 25,
      validationSamples: 50,
    },
    grid: [1e-2, 1e-3],
    tuning: { shortSteps: 2, shortEvalEvery: 1, keep: 1, scoreWindow: 2 },
  },
  seed003: {
    rounds: 3,
    evalEvery: 1,
    mlp: {
      batchSize: 8,
      trainSamples: 400,
      testSamples: 50,
      evalSamples: 50,
      validationSamples: 50,
    },
    cnn: {
      batchSize: 8,
      trainSamples: 200,
      testSamples: 50,
      evalSamples: 20,
      validationSamples: 50,
    },
    grid: [0.1, 0.01],
    lambdas: [0],
    neighbours: 1,
    cnnEpochs: [1],
    tuning: { shortSteps: 1, shortEvalEvery: 1, keep: 2, scoreWindow: 1 },
  },
  seed004: {
    steps: 8,
    evalEvery: 2,
    tail: 2,
    data: {
      batchSize: 8,
      trainSamples: 160,
      testSamples: 50,
      evalSamples: 50,
      validationSamples: 0,
    },
    omegas: [0.1, 0.5, 0.9],
  },
};
