/**
 * MLP (seed 003's) gradient steps per second on each tensor backend available here, side by
 * side in one process.
 *
 *   deno run --allow-read bench/compare_backends.ts [steps]
 *
 * @module
 */
import { createNeuralProblem } from "../problems/neural.ts";
import type { BackendName } from "../problems/tfjs_backend.ts";
import { Rng } from "../random.ts";

/** Steps per second of one backend. */
export interface BackendRate {
  /** The backend. */
  backend: BackendName;
  /** MLP gradient steps (batch 32) per second. */
  stepsPerSecond: number;
}

/** Measures `steps` MLP gradient steps (after one warm-up step) on each backend. */
export async function compareBackends(
  backends: BackendName[],
  steps: number,
): Promise<BackendRate[]> {
  const rates: BackendRate[] = [];
  for (const backend of backends) {
    const problem = await createNeuralProblem(
      {
        type: "neural",
        model: "mlp",
        trainSamples: 1000,
        testSamples: 100,
        batchSize: 32,
        backend,
      },
      1,
      0,
    );
    const x = problem.initialParams(), gradient = new Float64Array(problem.dim);
    const rng = new Rng(0, "bench");
    problem.gradient(0, x, gradient, rng);
    const start = performance.now();
    for (let t = 0; t < steps; t++) problem.gradient(0, x, gradient, rng);
    rates.push({ backend, stepsPerSecond: steps / ((performance.now() - start) / 1000) });
    problem.dispose();
  }
  return rates;
}

if (import.meta.main) {
  const steps = Number(Deno.args[0] ?? 100);
  const rates = await compareBackends(["wasm", "cpu"], steps);
  for (const { backend, stepsPerSecond } of rates) {
    console.log(`${backend.padEnd(5)} ${stepsPerSecond.toFixed(1).padStart(8)} MLP steps/s`);
  }
  console.log(`wasm/cpu: ${(rates[0].stepsPerSecond / rates[1].stepsPerSecond).toFixed(1)}×`);
}
