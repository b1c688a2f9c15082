import assert from "node:assert/strict";
import {
  createAlgorithm,
  getAlgorithm,
  listAlgorithms,
  registerAlgorithm,
  resolveHyperparameters,
} from "../algorithms/registry.ts";
import { amsgradRule, decentralize } from "../algorithms/decentralized_adaptive.ts";
import { runSimulation } from "./_fit.ts";
import { z } from "zod";

const SEED_ALGORITHMS = [
  "dgd",
  "dadam",
  "decentralized-amsgrad",
  "decentralized-adagrad",
  "decentralized-adam",
  "decentralized-rmsprop",
  "cdsgd",
  "icdsgd",
  "gcdsgd",
  "cdmsgd",
  "icdmsgd",
  "gcdmsgd",
  "fedavg",
  "fed-ams",
  "fed-lamb",
];

Deno.test("the registry holds every algorithm of ALGORITHMS.md §2–4", () => {
  const names = listAlgorithms().map((definition) => definition.name);
  for (const name of SEED_ALGORITHMS) assert.ok(names.includes(name), name);
  assert.equal(getAlgorithm("fed-sgd").name, "fedavg");
  assert.equal(getAlgorithm("d-psgd").name, "dgd");
});

// Stated factor: with paper-default hyper-parameters, 300 steps (rounds of 5 local steps for
// federated methods) take the loss of the 5-node ring logistic regression from ln 2 at x = 0
// to below 0.9 ln 2, and test accuracy above 80%.
for (const name of SEED_ALGORITHMS) {
  Deno.test(`${name} decreases the loss of a 5-node ring logistic regression by ≥ 10%`, async () => {
    const result = await runSimulation({
      algorithms: [name],
      nodes: 5,
      topology: { type: "ring" },
      problem: { type: "logistic", dim: 10, heterogeneity: 1, batchSize: 10 },
      steps: 300,
      evalEvery: 300,
      federated: { localSteps: 5 },
    });
    const last = result.runs[0].rows.at(-1)!;
    assert.ok(last.loss < 0.9 * Math.log(2), `${name}: loss ${last.loss} from ${Math.log(2)}`);
    assert.ok(last.accuracy! > 0.8, `${name}: accuracy ${last.accuracy}`);
  });
}

Deno.test("hyper-parameters are validated with messages naming the field and value", () => {
  assert.throws(
    () => resolveHyperparameters("decentralized-amsgrad", { alpha: -1 }),
    /decentralized-amsgrad\.alpha = -1/,
  );
  assert.throws(() => resolveHyperparameters("dadam", { beta1: 1 }), /dadam\.beta1 = 1/);
  assert.throws(() => resolveHyperparameters("dgd", { alhpa: 0.1 }), /alhpa/);
  assert.throws(() => createAlgorithm("sgd-but-wrong"), /Unknown algorithm "sgd-but-wrong"/);
  assert.deepEqual(resolveHyperparameters("gcdsgd", {}), {
    alpha: 0.01,
    tau: 1,
    omega: 0.5,
    momentum: 0,
    momentumForm: "nesterov",
  });
});

Deno.test("registerAlgorithm: a user's decentralized method runs by name", async () => {
  registerAlgorithm({
    name: "test-decentralized-amsgrad-copy",
    kind: "decentralized",
    paper: "test",
    description: "the framework with the AMSGrad rule, registered by a user",
    parameters: z.strictObject({ alpha: z.number().default(0.01) }),
    create: (p) =>
      decentralize("test-decentralized-amsgrad-copy", amsgradRule(0.999), {
        alpha: p.alpha as number,
        beta1: 0.9,
        epsilon: 1e-6,
      }),
  });
  assert.throws(() => registerAlgorithm(getAlgorithm("dgd")), /already registered/);
  const scenario = { steps: 30, evalEvery: 30 };
  const mine = await runSimulation({
    ...scenario,
    algorithms: ["test-decentralized-amsgrad-copy"],
  });
  const builtin = await runSimulation({
    ...scenario,
    algorithms: [{ name: "decentralized-amsgrad", params: { alpha: 0.01, beta2: 0.999 } }],
  });
  assert.equal(mine.runs[0].rows[0].loss, builtin.runs[0].rows[0].loss);
});
