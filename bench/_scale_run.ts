/**
 * One measurement of the scale bench, in a process of its own (peak memory is per process):
 * builds the setup, then runs the simulation, and prints one JSON line with the setup and run
 * times and the peak resident memory (sampled every 20 ms). Argument: a JSON config.
 *
 * @module
 */
import { resolveConfig } from "../simulation/resolve_config.ts";
import { actorRunOptions, buildSetup } from "../simulation/mod.ts";
import { spectrumOf } from "../simulation/spectrum.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import type { DecentralizedAlgorithm } from "../algorithms/algorithm.ts";
import { decentralizedSteps, runCooperatively } from "../simulation/sequential.ts";
import { runActors } from "../actors/engine.ts";
import { ActorPool } from "../actors/supervisor.ts";

/** The process's resident memory (Workers included), sampled every 20 ms and at each phase. */
let peak = 0;
const sample = () => (peak = Math.max(peak, Deno.memoryUsage().rss));
const sampler = setInterval(sample, 20);

const config = resolveConfig(JSON.parse(Deno.args[0]));
const started = performance.now();
const setup = await buildSetup(config);
const buildMs = performance.now() - started;
const spectral = await spectrumOf(setup.mixing);
const spectrumMs = performance.now() - started - buildMs;
sample();
const { name, params } = config.algorithms[0];
let runMs: number;
let setupMs = performance.now() - started;
if (config.engine === "sequential") {
  const algorithm = createAlgorithm(name, params) as DecentralizedAlgorithm;
  const start = performance.now();
  const steps = decentralizedSteps({
    ...setup,
    algorithm,
    steps: config.steps,
    seed: 0,
    evalEvery: config.steps,
  });
  await runCooperatively(steps); // yields, so the memory sampler runs
  runMs = performance.now() - start;
} else {
  const pool = new ActorPool();
  const options = { ...actorRunOptions(config, setup, { name, params }, 0), pool };
  const warm = performance.now();
  await runActors({ ...options, steps: 1, evalEvery: 1 }); // Workers started and loaded
  setupMs += performance.now() - warm;
  const start = performance.now();
  await runActors(options);
  runMs = performance.now() - start;
  pool.close();
}
sample();
clearInterval(sampler);
console.log(
  JSON.stringify({
    setupMs,
    buildMs,
    spectrumMs,
    runMs,
    spectrumMethod: spectral.method,
    peakRssBytes: peak,
  }),
);
