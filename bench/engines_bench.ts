import { runSimulation } from "../simulation/mod.ts";
import { benchScenario } from "./compare_engines.ts";

for (const nodes of [8, 64, 512]) {
  const steps = Math.max(10, Math.round(2000 / nodes));
  const config = benchScenario(nodes, steps);
  const group = `N=${nodes}, ${steps} steps`;
  Deno.bench(`sequential, N=${nodes}`, { group, baseline: true }, async () => {
    await runSimulation(config);
  });
  Deno.bench(`actors sync, N=${nodes}`, { group }, async () => {
    await runSimulation({ ...config, engine: "actors" });
  });
}
