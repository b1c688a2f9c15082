/**
 * Seed 000's claims C000-1 and C000-2 (ALGORITHMS.md §7), read from the iid and the
 * heterogeneous experiment. Accuracy and training loss are those of the average model x̄;
 * "final" is the mean over the last two evaluations, "speed" the mean over all evaluations
 * (a method that is slower has a lower mean accuracy along the way).
 *
 * @module
 */
import {
  type ClaimResult,
  finalOf,
  judge,
  meanOf,
  numStd,
  pctStd,
  trajectoryOf,
} from "./claim_tools.ts";
import { meanStd, perSeed, type Results } from "./results.ts";
import type { Scale } from "./scale.ts";

const METHODS = ["dgd", "dadam", "decentralized-amsgrad"] as const;
type Method = typeof METHODS[number];

/** Final and along-the-way accuracy and loss of every method in one experiment. */
function measure(results: Results, id: string) {
  const stat = (m: Method, f: Parameters<typeof perSeed>[3]) => meanStd(perSeed(results, id, m, f));
  return Object.fromEntries(METHODS.map((m) => [m, {
    acc: stat(m, finalOf("accuracy")),
    loss: stat(m, finalOf("loss")),
    accSpeed: stat(m, trajectoryOf("accuracy")),
    lossSpeed: stat(m, trajectoryOf("loss")),
  }])) as Record<
    Method,
    Record<"acc" | "loss" | "accSpeed" | "lossSpeed", ReturnType<typeof meanStd>>
  >;
}

function table(m: ReturnType<typeof measure>): string {
  return METHODS.map((name) =>
    `${name}: final acc ${pctStd(m[name].acc)}, final loss ${numStd(m[name].loss)}, ` +
    `mean acc along the run ${pctStd(m[name].accSpeed)}`
  ).join("; ");
}

function tried(results: Results, ids: string[], scale: Scale): string {
  const s = scale.seed000;
  return `${ids.map((id) => results[id].title).join(" and ")} (settings in their sections): ` +
    `small CNN, ${s.steps} iterations of batch ${s.data.batchSize}; α chosen per method from ` +
    `the paper's grid {${s.grid.join(", ")}} by validation accuracy on ` +
    `${s.data.validationSamples} held-out MNIST training images (never the test set), ` +
    `${scale.seeds} seeds.`;
}

/**
 * C000-1: on homogeneous data decentralized AMSGrad and DADAM perform about the same; DGD is
 * slower (training loss and test accuracy).
 */
export function claimC000_1(results: Results, scale: Scale): ClaimResult {
  const m = measure(results, "000-iid");
  const [ams, dadam, dgd] = [m["decentralized-amsgrad"], m.dadam, m.dgd];
  const lossRatio = Math.max(meanOf(ams.loss), meanOf(dadam.loss)) /
    Math.min(meanOf(ams.loss), meanOf(dadam.loss));
  const { verdict, detail } = judge([
    [
      "AMSGrad and DADAM final accuracy within 2 points",
      Math.abs(meanOf(ams.acc) - meanOf(dadam.acc)) <= 0.02,
    ],
    ["their final training losses within a factor 1.25", lossRatio <= 1.25],
    [
      "DGD's mean accuracy along the run below both",
      meanOf(dgd.accSpeed) < Math.min(meanOf(ams.accSpeed), meanOf(dadam.accSpeed)),
    ],
    [
      "DGD's mean training loss along the run above both",
      meanOf(dgd.lossSpeed) > Math.max(meanOf(ams.lossSpeed), meanOf(dadam.lossSpeed)),
    ],
  ]);
  return {
    id: "C000-1",
    claim:
      "Homogeneous (iid) data: decentralized AMSGrad and DADAM perform about the same; DGD is " +
      "slower (training loss and test accuracy).",
    numbers: table(m),
    criterion: detail,
    verdict,
    tried: tried(results, ["000-iid"], scale),
  };
}

/**
 * C000-2: on heterogeneous data (2 labels per node) every method is slower than on iid data,
 * DADAM degrades markedly, and decentralized AMSGrad is best in training loss and accuracy.
 */
export function claimC000_2(results: Results, scale: Scale): ClaimResult {
  const iid = measure(results, "000-iid");
  const non = measure(results, "000-noniid");
  const drop = (name: Method) => meanOf(iid[name].acc) - meanOf(non[name].acc);
  const ams = non["decentralized-amsgrad"];
  const others = [non.dgd, non.dadam];
  const { verdict, detail } = judge([
    [
      "every method's mean accuracy along the run lower than on iid data",
      METHODS.every((name) => meanOf(non[name].accSpeed) < meanOf(iid[name].accSpeed)),
    ],
    [
      `DADAM's final accuracy drops at least 3 points more than AMSGrad's (drops: DADAM ${
        (100 * drop("dadam")).toFixed(1)
      }, AMSGrad ${(100 * drop("decentralized-amsgrad")).toFixed(1)}, DGD ${
        (100 * drop("dgd")).toFixed(1)
      } points)`,
      drop("dadam") - drop("decentralized-amsgrad") >= 0.03,
    ],
    ["AMSGrad's final accuracy the highest", others.every((o) => meanOf(ams.acc) > meanOf(o.acc))],
    [
      "AMSGrad's final training loss the lowest",
      others.every((o) => meanOf(ams.loss) < meanOf(o.loss)),
    ],
  ]);
  return {
    id: "C000-2",
    claim: "Heterogeneous data (2 labels per node): every method is slower than on iid; DADAM " +
      "degrades markedly; decentralized AMSGrad is best in training loss and test accuracy.",
    numbers: `heterogeneous: ${table(non)}`,
    criterion: detail,
    verdict,
    tried: tried(results, ["000-iid", "000-noniid"], scale),
  };
}
