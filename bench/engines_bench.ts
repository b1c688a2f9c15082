import { runSimulation } from "../simulation.ts";

for (const nodes of [8, 64, 512]) {
  const steps = Math.max(10, Math.round(2000 / nodes));
  const config = {
    algorithms: ["decentralized-amsgrad"],
    nodes,
    topology: { type: "ring" },
    problem: { type: "logistic", dim: 20, samplesPerNode: 50, testSamples: 200, batchSize: 10 },
    steps,
    evalEvery: steps,
  };
  const group = `N=${nodes}, ${steps} steps`;
  Deno.bench(`sequential, N=${nodes}`, { group, baseline: true }, async () => {
    await runSimulation(config);
  });
  Deno.bench(`actors sync, N=${nodes}`, { group }, async () => {
    await runSimulation({ ...config, engine: "actors" });
  });
}
