import { runSimulation } from "../simulation.ts";

for (const nodes of [8, 64]) {
  Deno.bench(`sequential engine, ${nodes}-node ring logistic, 50 steps`, async () => {
    await runSimulation({
      algorithms: ["decentralized-amsgrad"],
      nodes,
      topology: { type: "ring" },
      problem: { type: "logistic", dim: 20, batchSize: 16 },
      steps: 50,
      evalEvery: 50,
    });
  });
}
