import assert from "node:assert/strict";
import { Rng } from "../random.ts";
import {
  createProblem,
  leastSquaresProblem,
  logisticProblem,
  type Problem,
  type ProblemSpec,
  quadraticProblem,
  theorem1Problem,
} from "../problems/mod.ts";

/** Central-difference gradient of `problem.loss` at `x`. */
function numericGradient(problem: Problem, x: Float64Array, step = 1e-5): Float64Array {
  const out = new Float64Array(x.length);
  const probe = x.slice();
  for (let k = 0; k < x.length; k++) {
    probe[k] = x[k] + step;
    const up = problem.loss(probe);
    probe[k] = x[k] - step;
    const down = problem.loss(probe);
    probe[k] = x[k];
    out[k] = (up - down) / (2 * step);
  }
  return out;
}

function norm(v: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < v.length; k++) total += v[k] * v[k];
  return Math.sqrt(total);
}

function distance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return norm(Array.from(u, (value, k) => value - v[k]));
}

/** A seeded point with entries in [-1, 1). */
function randomPoint(dim: number, seed: number): Float64Array {
  const rng = new Rng(seed, "test/point");
  return Float64Array.from({ length: dim }, () => rng.uniform(-1, 1));
}

const SPECS: Record<string, ProblemSpec> = {
  quadratic: { type: "quadratic", dim: 4, heterogeneity: 2, curvature: [0.5, 3] },
  leastSquares: { type: "least-squares", dim: 5, samplesPerNode: 30, noise: 0.3, l2: 0.01 },
  logistic: { type: "logistic", dim: 5, samplesPerNode: 30, noise: 0.1, heterogeneity: 1 },
};

Deno.test("theorem1Problem() has f_1 = ½x², f_2 = ½(x − 1)² with exact gradients", () => {
  const problem = theorem1Problem();
  assert.equal(problem.nodes, 2);
  assert.equal(problem.dim, 1);
  assert.deepEqual(problem.layers, [{ name: "x", offset: 0, size: 1 }]);
  assert.deepEqual(problem.initialParams(), Float64Array.of(0));
  const out = new Float64Array(1);
  const rng = new Rng(0, "test");
  for (const x of [0, 0.3]) {
    const point = Float64Array.of(x);
    assert.equal(problem.gradient(0, point, out, rng), 0.5 * x * x);
    assert.equal(out[0], x);
    assert.equal(problem.gradient(1, point, out, rng), 0.5 * (x - 1) ** 2);
    assert.equal(out[0], x - 1);
    assert.equal(problem.loss(point), (0.5 * x * x + 0.5 * (x - 1) ** 2) / 2);
    problem.fullGradient(point, out);
    assert.equal(out[0], (x + (x - 1)) / 2);
  }
  assert.deepEqual(problem.optimum(), Float64Array.of(0.5));
});

Deno.test("createProblem() builds the Theorem-1 problem from plain data", () => {
  const spec: ProblemSpec = { type: "quadratic", dim: 1, a: [[1], [1]], b: [[0], [1]] };
  const problem = createProblem(spec, 2, 123);
  const reference = theorem1Problem();
  for (const x of [-1, 0, 0.3, 2]) {
    assert.equal(problem.loss(Float64Array.of(x)), reference.loss(Float64Array.of(x)));
  }
});

Deno.test("quadratic optimum() zeroes the full gradient", () => {
  const problem = quadraticProblem({ nodes: 5, dim: 3, curvature: [0.5, 2], seed: 9 });
  const gradient = new Float64Array(3);
  problem.fullGradient(problem.optimum(), gradient);
  assert.ok(norm(gradient) < 1e-12, `gradient ${gradient}`);
});

Deno.test("quadratic noise adds seeded, zero-mean gradient noise", () => {
  const problem = quadraticProblem({ nodes: 2, dim: 2, noise: 0.5, seed: 3 });
  const x = Float64Array.of(0.2, -0.4);
  const first = new Float64Array(2);
  const second = new Float64Array(2);
  problem.gradient(1, x, first, new Rng(8, "noise"));
  problem.gradient(1, x, second, new Rng(8, "noise"));
  assert.deepEqual(first, second);
  const exact = quadraticProblem({ nodes: 2, dim: 2, seed: 3 });
  const reference = new Float64Array(2);
  exact.gradient(1, x, reference, new Rng(0));
  assert.notDeepEqual(first, reference);
  const mean = averageGradient(problem, 1, x, 4000, new Rng(8, "noise"));
  assert.ok(distance(mean, reference) < 0.05, `mean ${mean} vs ${reference}`);
});

for (const [label, spec] of Object.entries(SPECS)) {
  Deno.test(`${label}: fullGradient matches finite differences of loss`, () => {
    const problem = createProblem(spec, 4, 21);
    const x = randomPoint(problem.dim, 5);
    const analytic = new Float64Array(problem.dim);
    problem.fullGradient(x, analytic);
    const numeric = numericGradient(problem, x);
    const error = distance(analytic, numeric) / norm(analytic);
    assert.ok(error < 1e-5, `relative error ${error}`);
  });

  Deno.test(`${label}: mean of full-batch node gradients equals fullGradient`, () => {
    const problem = createProblem(spec, 4, 21);
    const x = randomPoint(problem.dim, 6);
    const mean = new Float64Array(problem.dim);
    const local = new Float64Array(problem.dim);
    let meanLoss = 0;
    for (let i = 0; i < problem.nodes; i++) {
      meanLoss += problem.gradient(i, x, local, new Rng(1)) / problem.nodes;
      for (let k = 0; k < problem.dim; k++) mean[k] += local[k] / problem.nodes;
    }
    const full = new Float64Array(problem.dim);
    problem.fullGradient(x, full);
    assert.ok(distance(mean, full) < 1e-12 * (1 + norm(full)));
    assert.ok(Math.abs(meanLoss - problem.loss(x)) < 1e-12 * (1 + problem.loss(x)));
  });

  Deno.test(`${label}: same seed gives identical problems, another seed a different one`, () => {
    const x = randomPoint(createProblem(spec, 3, 1).dim, 7);
    const losses = [1, 1, 2].map((seed) => createProblem(spec, 3, seed).loss(x));
    assert.equal(losses[0], losses[1]);
    assert.notEqual(losses[0], losses[2]);
    const gradients = [1, 1].map((seed) => {
      const out = new Float64Array(x.length);
      createProblem(spec, 3, seed).gradient(2, x, out, new Rng(4));
      return out;
    });
    assert.deepEqual(gradients[0], gradients[1]);
  });
}

Deno.test("synthetic data is bit-identical for the same options", () => {
  const options = { nodes: 3, dim: 4, samplesPerNode: 10, noise: 0.2, heterogeneity: 1, seed: 5 };
  const x = randomPoint(4, 1);
  const outs = [0, 1].map(() => {
    const out = new Float64Array(4);
    leastSquaresProblem(options).fullGradient(x, out);
    return out;
  });
  assert.deepEqual(outs[0], outs[1]);
  assert.deepEqual(leastSquaresProblem(options).optimum(), leastSquaresProblem(options).optimum());
  const bits = (values: Float64Array) => Array.from(new Uint32Array(values.buffer));
  assert.deepEqual(bits(outs[0]), bits(outs[1]));
});

Deno.test("least-squares optimum() zeroes the full gradient", () => {
  const problem = leastSquaresProblem({
    nodes: 3,
    dim: 6,
    samplesPerNode: 15,
    noise: 0.5,
    heterogeneity: 2,
    l2: 0.1,
    seed: 2,
  });
  const gradient = new Float64Array(6);
  problem.fullGradient(problem.optimum(), gradient);
  assert.ok(norm(gradient) < 1e-9, `gradient ${gradient}`);
});

/** Spread of node gradients at x = 0: the mean distance to their average. */
function gradientDisagreement(problem: Problem): number {
  const x = new Float64Array(problem.dim);
  const gradients = Array.from({ length: problem.nodes }, (_, i) => {
    const out = new Float64Array(problem.dim);
    problem.gradient(i, x, out, new Rng(0));
    return out;
  });
  const mean = new Float64Array(problem.dim);
  problem.fullGradient(x, mean);
  return gradients.reduce((sum, g) => sum + distance(g, mean), 0) / problem.nodes;
}

Deno.test("heterogeneity 5 spreads node gradients far more than heterogeneity 0", () => {
  for (const type of ["quadratic", "least-squares", "logistic"] as const) {
    const spread = [0, 5].map((heterogeneity) =>
      gradientDisagreement(createProblem({ type, dim: 6, heterogeneity }, 8, 3))
    );
    assert.ok(spread[1] > 3 * spread[0], `${type}: spread ${spread}`);
  }
});

function averageGradient(
  problem: Problem,
  node: number,
  x: Float64Array,
  draws: number,
  rng: Rng,
): Float64Array {
  const mean = new Float64Array(problem.dim);
  const out = new Float64Array(problem.dim);
  for (let t = 0; t < draws; t++) {
    problem.gradient(node, x, out, rng);
    for (let k = 0; k < problem.dim; k++) mean[k] += out[k] / draws;
  }
  return mean;
}

Deno.test("minibatch gradients are reproducible and average to the full local gradient", () => {
  for (const type of ["least-squares", "logistic"] as const) {
    const spec = { type, dim: 4, samplesPerNode: 40, heterogeneity: 1 };
    const minibatch = createProblem({ ...spec, batchSize: 5 }, 3, 17);
    const full = createProblem(spec, 3, 17);
    const x = randomPoint(minibatch.dim, 2);
    const first = new Float64Array(minibatch.dim);
    const second = new Float64Array(minibatch.dim);
    const lossFirst = minibatch.gradient(1, x, first, new Rng(99, "node/1/minibatch"));
    const lossSecond = minibatch.gradient(1, x, second, new Rng(99, "node/1/minibatch"));
    assert.deepEqual(first, second);
    assert.equal(lossFirst, lossSecond);
    const exact = new Float64Array(full.dim);
    full.gradient(1, x, exact, new Rng(0));
    assert.ok(distance(first, exact) > 1e-6, `${type}: a minibatch is not the full batch`);
    const mean = averageGradient(minibatch, 1, x, 3000, new Rng(5, "draws"));
    const error = distance(mean, exact) / norm(exact);
    assert.ok(error < 0.05, `${type}: relative error ${error}`);
  }
});

Deno.test("batchSize equal to samplesPerNode is the full local gradient", () => {
  const options = { nodes: 2, dim: 3, samplesPerNode: 8, seed: 4 };
  const batched = leastSquaresProblem({ ...options, batchSize: 8 });
  const full = leastSquaresProblem(options);
  const x = randomPoint(3, 3);
  const [a, b] = [new Float64Array(3), new Float64Array(3)];
  assert.equal(batched.gradient(0, x, a, new Rng(1)), full.gradient(0, x, b, new Rng(2)));
  assert.deepEqual(a, b);
});

Deno.test("logistic: gradient descent reaches test accuracy > 0.8 on an iid problem", () => {
  const problem = logisticProblem({ nodes: 5, dim: 10, seed: 42 });
  assert.equal(problem.dim, 11);
  assert.deepEqual(problem.layers, [
    { name: "weights", offset: 0, size: 10 },
    { name: "bias", offset: 10, size: 1 },
  ]);
  assert.equal(problem.samples(3), 100);
  const x = problem.initialParams();
  assert.ok(Math.abs(problem.loss(x) - Math.LN2) < 1e-12);
  const gradient = new Float64Array(problem.dim);
  for (let step = 0; step < 300; step++) {
    problem.fullGradient(x, gradient);
    for (let k = 0; k < x.length; k++) x[k] -= 0.5 * gradient[k];
  }
  assert.ok(problem.loss(x) < 0.3, `loss ${problem.loss(x)}`);
  const accuracy = problem.accuracy(x);
  assert.ok(accuracy > 0.8, `accuracy ${accuracy}`);
});

Deno.test("logistic: log-loss stays finite for huge scores", () => {
  const problem = logisticProblem({ nodes: 1, dim: 2, samplesPerNode: 20, seed: 1, l2: 0 });
  const x = Float64Array.of(1e4, -1e4, 0);
  const out = new Float64Array(3);
  const loss = problem.gradient(0, x, out, new Rng(0));
  assert.ok(Number.isFinite(loss) && loss > 0);
  assert.ok(out.every(Number.isFinite));
});

Deno.test("gradient() overwrites out and reports the samples per node", () => {
  for (const spec of Object.values(SPECS)) {
    const problem = createProblem(spec, 2, 8);
    const x = randomPoint(problem.dim, 4);
    const clean = new Float64Array(problem.dim);
    const dirty = new Float64Array(problem.dim).fill(123);
    problem.gradient(0, x, clean, new Rng(1));
    problem.gradient(0, x, dirty, new Rng(1));
    assert.deepEqual(dirty, clean);
    problem.fullGradient(x, dirty.fill(-7));
    problem.fullGradient(x, clean);
    assert.deepEqual(dirty, clean);
  }
  assert.equal(createProblem(SPECS.leastSquares, 2, 8).samples(1), 30);
  assert.equal(theorem1Problem().samples(0), 1);
});

Deno.test("bad options throw RangeErrors naming the field and the value", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => createProblem({ type: "quadratic", dim: 2 }, 0, 1), /quadratic.*nodes.*received 0$/],
    [() => createProblem({ type: "logistic", dim: 0 }, 2, 1), /logistic.*dim.*received 0$/],
    [
      () => quadraticProblem({ nodes: 2, dim: 1, a: [[1], [0]], seed: 0 }),
      /a\[1\]\[0\].*> 0.*received 0$/,
    ],
    [
      () => quadraticProblem({ nodes: 2, dim: 2, b: [[0, 1], [1]], seed: 0 }),
      /b\[1\].*2 numbers.*received \[1\]$/,
    ],
    [
      () => quadraticProblem({ nodes: 3, dim: 1, b: [[0], [1]], seed: 0 }),
      /b must be an array of 3 rows/,
    ],
    [
      () => quadraticProblem({ nodes: 2, dim: 1, curvature: [2, 1], seed: 0 }),
      /curvature\[1\].*received 1$/,
    ],
    [() => quadraticProblem({ nodes: 2, dim: 1, noise: -1, seed: 0 }), /noise.*received -1$/],
    [() => quadraticProblem({ nodes: 1, dim: 2, x0: [0], seed: 0 }), /x0.*received \[0\]$/],
    [
      () => leastSquaresProblem({ nodes: 2, dim: 2, samplesPerNode: 10, batchSize: 11, seed: 0 }),
      /least-squares problem: batchSize must be an integer in \[0, 10\], received 11$/,
    ],
    [() => leastSquaresProblem({ nodes: 2, dim: 2, l2: NaN, seed: 0 }), /l2.*received NaN$/],
    [
      () => logisticProblem({ nodes: 2, dim: 2, noise: 1.5, seed: 0 }),
      /noise.*\[0, 1\].*received 1.5$/,
    ],
    [
      () => logisticProblem({ nodes: 2, dim: 2, testSamples: 0, seed: 0 }),
      /testSamples.*received 0$/,
    ],
    [() => logisticProblem({ nodes: 2.5, dim: 2, seed: 0 }), /nodes.*received 2.5$/],
    [
      () => createProblem({ type: "quadratic", dim: 1, heterogeneity: -2 }, 2, 0),
      /heterogeneity.*-2$/,
    ],
  ];
  for (const [build, message] of cases) {
    assert.throws(build, (error: unknown) => {
      assert.ok(error instanceof RangeError, `${error}`);
      assert.match(error.message, /^Cannot build /);
      assert.match(error.message, message);
      return true;
    });
  }
  assert.throws(
    () => createProblem({ type: "mlp" } as unknown as ProblemSpec, 2, 0),
    (error: unknown) => error instanceof TypeError && /type.*received "mlp"/.test(error.message),
  );
  const problem = theorem1Problem();
  assert.throws(
    () => problem.gradient(2, Float64Array.of(0), new Float64Array(1), new Rng(0)),
    /node must be an integer in \[0, 1\], received 2/,
  );
});
