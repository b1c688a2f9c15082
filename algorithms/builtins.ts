/**
 * The built-in algorithms' definitions: the seeds' methods (the consensus family, the
 * decentralized adaptive framework, DADAM, the federated methods) and the field's standard
 * ones (gradient tracking, D², SGP), each with its documented hyper-parameters and defaults.
 *
 * @module
 */
import { z } from "zod";
import { consensusSgd } from "./consensus_sgd.ts";
import {
  adagradRule,
  type AdaptiveOptions,
  amsgradRule,
  dadam,
  decentralize,
  exponentialMovingRule,
  type SecondMomentRule,
} from "./decentralized_adaptive.ts";
import { fedAms, fedAvg, fedLamb, V_BIAS_CORRECTIONS } from "./federated.ts";
import { fedBuffDefinition } from "./fedbuff.ts";
import { gradientTrackingDefinition } from "./gradient_tracking.ts";
import { exactDiffusionDefinition } from "./exact_diffusion.ts";
import { chocoDefinition } from "./choco_sgd.ts";
import { pushSum } from "./push_sum.ts";

import { type AlgorithmDefinition, erase, type HyperparameterSchema } from "./definition.ts";

const positive = (fallback: number, what: string) =>
  z.number().positive().finite().default(fallback).describe(what);
const decay = (fallback: number, what: string) =>
  z.number().min(0).lt(1).default(fallback).describe(what);

/** The consensus family's hyper-parameters, with each member's own defaults. */
function consensusSchema(defaults: { tau?: number; omega?: number; momentum?: number }) {
  return z.strictObject({
    alpha: positive(0.01, "step size α (seed 004: 0.01)"),
    tau: z.number().int().min(1).max(100).default(defaults.tau ?? 1)
      .describe("consensus exchanges per step τ"),
    omega: z.number().gt(0).max(1).nullable().default(defaults.omega ?? null)
      .describe("gCDSGD weight ω of the local update; null = plain consensus"),
    momentum: decay(defaults.momentum ?? 0, "momentum μ (0 = none)"),
    momentumForm: z.enum(["nesterov", "heavy-ball", "lookahead"]).default("nesterov")
      .describe(
        "how momentum enters: the authors' Nesterov code form (default), heavy ball, or look-ahead",
      ),
  });
}

function consensusDefinition(
  name: string,
  description: string,
  defaults: { tau?: number; omega?: number; momentum?: number },
  paper = "Jameel et al. / seed 004: consensus–optimality trade-offs",
): AlgorithmDefinition {
  return erase({
    name,
    kind: "decentralized",
    paper,
    description,
    parameters: consensusSchema(defaults),
    create: (p) => consensusSgd(name, p),
  });
}

const adaptiveShape = {
  alpha: positive(0.001, "step size α"),
  beta1: decay(0.9, "first-moment decay β1"),
  epsilon: positive(1e-6, "ε: v̂_0 = ε·1 and the floor u = max(ũ, ε)"),
};

function frameworkDefinition<P extends AdaptiveOptions>(
  name: string,
  description: string,
  parameters: HyperparameterSchema<P>,
  rule: (p: P) => SecondMomentRule,
): AlgorithmDefinition {
  return erase({
    name,
    kind: "decentralized",
    paper: "seed 000: Convergent adaptive gradient methods in decentralized optimization (Alg. 2)",
    description,
    parameters,
    create: (p) => decentralize(name, rule(p), p),
  });
}

const localAmsShape = {
  alpha: positive(0.001, "local step size α"),
  beta1: decay(0.9, "first-moment decay β1 (seed 003: 0.9)"),
  beta2: decay(0.999, "second-moment decay β2 (seed 003: 0.999)"),
  epsilon: positive(1e-8, "ε added to √v̂"),
  v0: z.number().min(0).finite().default(0).describe("the server's initial v̂_0"),
  localVhat: z.enum(["max", "frozen"]).default("max")
    .describe("divide by max(global v̂, local v̂) (default) or by the frozen global v̂"),
  vBiasCorrection: z.enum(V_BIAS_CORRECTIONS).default("paper").describe(
    "bias correction of v, which starts at the global v̂: paper (v/(1−β2^t), literal), " +
      "none (v), from-zero (max(v̂, (v − β2^t v̂)/(1−β2^t)))",
  ),
};

/** The algorithms that ship with gossim, in registry order. */
export const BUILTIN_ALGORITHMS: AlgorithmDefinition[] = [
  consensusDefinition("dgd", "DGD / D-PSGD: x ← Σ_j W_ij x_j − α g(x_i)", {}, "Lian et al. 2017"),
  consensusDefinition("cdsgd", "CDSGD: one consensus step per gradient step", {}),
  consensusDefinition("icdsgd", "iCDSGD: τ real consensus exchanges per gradient step", {
    tau: 2,
  }),
  consensusDefinition("gcdsgd", "gCDSGD: x ← ω(x − αg) + (1−ω)Πx", { omega: 0.5 }),
  consensusDefinition("cdmsgd", "CDMSGD: CDSGD with a local Nesterov velocity", {
    momentum: 0.95,
  }),
  consensusDefinition("icdmsgd", "iCDMSGD: iCDSGD with a local Nesterov velocity", {
    tau: 2,
    momentum: 0.95,
  }),
  consensusDefinition("gcdmsgd", "gCDMSGD: gCDSGD with a local Nesterov velocity", {
    omega: 0.5,
    momentum: 0.95,
  }),
  erase(gradientTrackingDefinition),
  erase(exactDiffusionDefinition),
  erase(chocoDefinition),
  erase({
    name: "sgp",
    kind: "decentralized",
    paper: "Assran, Loizou, Ballas, Rabbat 2019 (SGP, Algorithm 1)",
    description: "stochastic gradient push: push-sum of (x, w) on column-stochastic P, z = x/w",
    parameters: z.strictObject({ alpha: positive(0.01, "step size α") }),
    create: (p) => pushSum("sgp", p),
  }),
  erase({
    name: "dadam",
    kind: "decentralized",
    paper: "Nazari et al. 2019, as stated in seed 000 (Alg. 1); known divergent",
    description: "DADAM: local Adam-like rates with no consensus on v̂",
    parameters: z.strictObject({
      ...adaptiveShape,
      beta2: decay(0.999, "second-moment decay β2"),
      beta3: decay(0.9, "decay β3 of the max-smoothed v̂"),
    }),
    create: (p) => dadam("dadam", p),
  }),
  frameworkDefinition(
    "decentralized-amsgrad",
    "Decentralized AMSGrad: AMSGrad rule, x and ũ mixed, ũ tracks mean v̂",
    z.strictObject({ ...adaptiveShape, beta2: decay(0.999, "second-moment decay β2") }),
    (p) => amsgradRule(p.beta2),
  ),
  frameworkDefinition(
    "decentralized-adagrad",
    "Decentralized AdaGrad: v̂ = (1/t)Σg² (or the plain sum) with average tracking",
    z.strictObject({
      ...adaptiveShape,
      normalized: z.boolean().default(true).describe("v̂ = (1/t)Σg² (true) or Σg² (false)"),
    }),
    (p) => adagradRule(p.normalized),
  ),
  frameworkDefinition(
    "decentralized-adam",
    "Decentralized Adam: v̂ = v (EMA), not covered by the convergence theorem",
    z.strictObject({
      ...adaptiveShape,
      beta2: decay(0.999, "second-moment decay β2"),
      biasCorrection: z.boolean().default(false).describe("divide v by 1 − β2^t"),
    }),
    (p) => exponentialMovingRule("adam", p.beta2, p.biasCorrection),
  ),
  frameworkDefinition(
    "decentralized-rmsprop",
    "Decentralized RMSProp: v̂ = EMA of g² with decay ρ",
    z.strictObject({
      ...adaptiveShape,
      rho: decay(0.9, "decay ρ of the squared-gradient average"),
    }),
    (p) => exponentialMovingRule("rmsprop", p.rho, false),
  ),
  erase({
    name: "fedavg",
    kind: "federated",
    paper: "McMahan et al. 2017 (Fed-SGD in seed 003)",
    description: "FedAvg / Fed-SGD: local SGD, the server averages models",
    parameters: z.strictObject({ alpha: positive(0.05, "local step size α") }),
    create: (p) => fedAvg("fedavg", p),
  }),
  erase(fedBuffDefinition),
  erase({
    name: "fed-ams",
    kind: "federated",
    paper: "Chen et al. 2020 (Local AMSGrad), as the baseline of seed 003",
    description: "Fed-AMS: local AMSGrad with the server's v̂ = max(v̂, mean v)",
    parameters: z.strictObject(localAmsShape),
    create: (p) => fedAms("fed-ams", p),
  }),
  erase({
    name: "fed-lamb",
    kind: "federated",
    paper: "seed 003: FED-LAMB (Alg. 1)",
    description: "FED-LAMB: Fed-AMS with layer-wise trust ratios φ(‖θ^ℓ‖)/‖p^ℓ + λθ^ℓ‖",
    parameters: z.strictObject({
      ...localAmsShape,
      alpha: positive(0.01, "local step size α (the step norm is α·φ(‖θ^ℓ‖))"),
      lambda: z.number().min(0).max(1).default(0).describe(
        "weight decay λ (seed 003: 0, 0.01, 0.1)",
      ),
      phiMin: z.number().min(0).finite().default(0).describe(
        "φ_min of φ(z) = clip(z, φ_min, φ_max)",
      ),
      phiMax: z.number().positive().nullable().default(null)
        .describe("φ_max; null = no upper bound (with φ_min 0, φ is the identity as in seed 003)"),
    }),
    create: (p) => fedLamb("fed-lamb", p),
  }),
];
