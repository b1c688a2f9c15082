import assert from "node:assert/strict";
import { stepsToReach, tailJitter, tailMean, tailStd, tailValues } from "../metrics/trajectory.ts";
import { evaluateModels } from "../metrics/evaluate.ts";
import type { Problem } from "../problems/problem.ts";

const rows = [
  { step: 10, accuracy: 0.5, accuracySpread: null },
  { step: 20, accuracy: Number.NaN, accuracySpread: 0.04 },
  { step: 30, accuracy: 0.7, accuracySpread: 0.02 },
  { step: 40, accuracy: 0.9, accuracySpread: 0.03 },
];

Deno.test("tail summaries skip null and non-finite values and take the last ones", () => {
  assert.deepEqual(tailValues(rows, "accuracy", 2), [0.7, 0.9]);
  assert.deepEqual(tailValues(rows, "accuracy", 10), [0.5, 0.7, 0.9]);
  assert.ok(Math.abs(tailMean(rows, "accuracySpread", 3)! - 0.03) < 1e-12);
  assert.ok(Math.abs(tailStd(rows, "accuracy", 2)! - 0.1) < 1e-12);
  assert.equal(tailStd(rows, "accuracy", 1), 0);
  assert.equal(tailJitter(rows, "accuracy", 1), null);
  assert.equal(tailMean(rows, "missing", 3), null);
  assert.equal(tailStd([], "accuracy", 3), null);
  assert.throws(
    () => tailMean(rows, "accuracy", 0),
    /count must be a positive integer, received 0/,
  );
});

Deno.test("jitter counts noise, not a slow trend; std counts both", () => {
  const trend = Array.from({ length: 10 }, (_, step) => ({ step, accuracy: 0.5 + 0.01 * step }));
  const noisy = Array.from({ length: 10 }, (_, step) => ({
    step,
    accuracy: 0.6 + (step % 2 ? 0.01 : -0.01),
  }));
  assert.ok(tailJitter(trend, "accuracy", 10)! < tailJitter(noisy, "accuracy", 10)!);
  assert.ok(tailStd(trend, "accuracy", 10)! > tailStd(noisy, "accuracy", 10)!);
});

Deno.test("stepsToReach returns the first step at the target, for either goal", () => {
  assert.equal(stepsToReach(rows, "accuracy", 0.7), 30);
  assert.equal(stepsToReach(rows, "accuracy", 0.5), 10);
  assert.equal(stepsToReach(rows, "accuracy", 0.95), null);
  assert.equal(stepsToReach(rows, "accuracySpread", 0.025, "min"), 30);
  assert.throws(() => stepsToReach(rows, "accuracy", Infinity), /target must be finite/);
});

Deno.test("evaluateModels reports training and validation accuracy where the problem has them", () => {
  const base = {
    name: "fake",
    dim: 1,
    nodes: 2,
    layers: [{ name: "x", offset: 0, size: 1 }],
    initialParams: () => new Float64Array(1),
    gradient: () => 0,
    loss: () => 0,
    fullGradient: (_x: Float64Array, out: Float64Array) => out.fill(0),
    samples: () => 1,
    accuracy: (x: Float64Array) => x[0],
  };
  const models = [Float64Array.of(0.2), Float64Array.of(0.6)];
  const plain = evaluateModels(base as Problem, models, null);
  assert.equal(plain.trainAccuracy, null);
  assert.equal(plain.validationAccuracy, null);
  assert.equal(plain.nodeTrainAccuracyMean, null);
  const labelled = {
    ...base,
    trainAccuracy: (x: Float64Array) => x[0] + 0.1,
    validationAccuracy: (x: Float64Array) => x[0] - 0.1,
  };
  const metrics = evaluateModels(labelled as Problem, models, null);
  const close = (a: number | null, b: number) =>
    assert.ok(Math.abs(a! - b) < 1e-12, `${a} vs ${b}`);
  close(metrics.accuracy, 0.4);
  close(metrics.trainAccuracy, 0.5);
  close(metrics.validationAccuracy, 0.3);
  close(metrics.nodeTrainAccuracyMean, 0.5);
  close(metrics.accuracySpread, 0.4);
  const federated = evaluateModels(labelled as Problem, [models[0]], null);
  assert.equal(federated.nodeTrainAccuracyMean, null, "one global model has no per-node mean");
});
