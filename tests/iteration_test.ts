import type { Vector } from "../mod.ts";
import assert from "node:assert/strict";
import { DecentralizedNode } from "../algorithms/iteration.ts";
import type { DecentralizedAlgorithm, Payload } from "../algorithms/algorithm.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { createProblem } from "../problems/registry.ts";
import { createAlgorithm } from "../algorithms/registry.ts";

const problem = createProblem({ type: "quadratic", dim: 4, curvature: [1, 2] }, 2, 1);

/** A gradient step whose local step poisons either x or a buffer `mix` folds into x. */
function poisoning(keeps: boolean, poisonAt: number): DecentralizedAlgorithm<
  { x: Float64Array; g: Float64Array }
> {
  return {
    kind: "decentralized",
    name: "test-poisoning",
    channels: ["x"],
    exchanges: 1,
    init: (_context, x0) => ({ x: new Float64Array(x0), g: new Float64Array(x0.length) }),
    gradientPoint: (state) => state.x,
    localStepKeepsParams: keeps,
    localStep(state, gradient, t) {
      state.g.set(gradient);
      if (t === poisonAt) (keeps ? state.g : state.x)[1] = NaN;
    },
    outgoing: (state): Payload => ({ x: state.x }),
    mix(state, _round, mixed) {
      for (let k = 0; k < state.x.length; k++) state.x[k] = mixed.x[k] - 0.1 * state.g[k];
    },
    params: (state) => state.x,
  };
}

function runUntilFailure(algorithm: DecentralizedAlgorithm<never>, steps: number): Error {
  const nodes = [0, 1].map((id) =>
    new DecentralizedNode(problem, algorithm, id, 3, problem.initialParams())
  );
  try {
    for (let t = 1; t <= steps; t++) {
      nodes.forEach((node) => node.iterate(t));
      const sent = nodes.map((node) => node.send(0));
      nodes.forEach((node) => node.mix(0, sent, [0.5, 0.5]));
    }
  } catch (error) {
    return error as Error;
  }
  throw new Error("no failure");
}

Deno.test("a local step that writes x is checked right after it; one that keeps x is caught at its mix, the same step", () => {
  const early = runUntilFailure(poisoning(false, 3) as DecentralizedAlgorithm<never>, 5);
  assert.ok(early instanceof NodeFailureError);
  assert.equal(early.step, 3);
  assert.match(early.message, /node 0 failed at step 3: .*after its local step/);
  const late = runUntilFailure(poisoning(true, 3) as DecentralizedAlgorithm<never>, 5);
  assert.ok(late instanceof NodeFailureError);
  assert.equal(late.step, 3);
  assert.match(late.message, /node 0 failed at step 3: .*after mixing exchange 0/);
});

Deno.test("a node's mix buffers are reused from mix to mix and hold this iteration's sums", () => {
  const seen: Vector[] = [];
  const algorithm: DecentralizedAlgorithm<{ x: Float64Array }> = {
    kind: "decentralized",
    name: "test-averaging",
    channels: ["x"],
    exchanges: 1,
    init: (_context, x0) => ({ x: new Float64Array(x0) }),
    gradientPoint: (state) => state.x,
    localStep(state, _gradient, t) {
      state.x.fill(t);
    },
    outgoing: (state): Payload => ({ x: state.x }),
    mix(state, _round, mixed) {
      seen.push(mixed.x);
      state.x.set(mixed.x);
    },
    params: (state) => state.x,
  };
  const node = new DecentralizedNode(
    problem,
    algorithm,
    0,
    1,
    problem.initialParams(),
  );
  for (let t = 1; t <= 3; t++) {
    node.iterate(t);
    const own = node.send(0);
    node.mix(0, [own, { x: new Float64Array(4).fill(10 * t) }], [0.5, 0.5]);
    assert.deepEqual([...node.params()], new Array(4).fill((t + 10 * t) / 2));
  }
  assert.equal(seen[0], seen[2], "one mix buffer, reused");
});

Deno.test("lock step without copies (outgoing, gather all, fold all) equals send and mix with copies", () => {
  const algorithm = createAlgorithm("decentralized-amsgrad", {
    alpha: 0.05,
  }) as DecentralizedAlgorithm;
  const weights = [[0.5, 0.5], [0.25, 0.75]];
  const run = (copies: boolean) => {
    const nodes = [0, 1].map((id) =>
      new DecentralizedNode(problem, algorithm, id, 7, problem.initialParams())
    );
    for (let t = 1; t <= 20; t++) {
      nodes.forEach((node) => node.iterate(t));
      if (copies) {
        const sent = nodes.map((node) => node.send(0));
        nodes.forEach((node, i) => node.mix(0, sent, weights[i]));
      } else {
        const sent = nodes.map((node) => node.outgoing(0));
        nodes.forEach((node, i) => node.gather(0, sent, weights[i]));
        nodes.forEach((node) => node.fold(0));
      }
    }
    return nodes.flatMap((node) => [...node.params(), ...node.rate()!]);
  };
  const copied = run(true);
  assert.ok(copied.every(Number.isFinite) && copied.some((v) => v !== 0));
  assert.deepEqual(run(false), copied);
});
