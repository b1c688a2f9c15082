// FedAvg with Byzantine clients (1 and 4 of 10) forged at the server: the robust server rules
// keep the global model within the honest uploads' range where the mean is pulled out, and
// both engines agree bit for bit for every server aggregator.
import assert from "node:assert/strict";
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { createAlgorithm } from "../algorithms/registry.ts";
import { createProblem } from "../problems/registry.ts";
import { resolveExchange } from "../exchange/registry.ts";
import { runFederated } from "../simulation/sequential_federated.ts";
import { metropolisHastings } from "../topologies/mixing.ts";
import { ringTopology } from "../topologies/generators.ts";
import { runActorTest } from "./_actors.ts";

const spec = { type: "logistic", dim: 6, heterogeneity: 1, batchSize: 5 };
const LIARS = [1, 4];
type Client = { theta: Float64Array; id: number };

/**
 * FedAvg on the 10-client logistic problem with clients 1 and 4 Byzantine: how many of its
 * rounds left the global model outside the honest uploads' coordinate range.
 */
function roundsOutOfRange(server: unknown, attack: string, rounds = 20): number {
  const base = createAlgorithm("fedavg", { alpha: 0.5 }) as FederatedAlgorithm<
    Client,
    { theta: Float64Array }
  >;
  let honest: Float64Array[] = [], out = 0;
  const algorithm: FederatedAlgorithm<Client, { theta: Float64Array }> = {
    ...base,
    initClient: (context, global) => ({ ...base.initClient(context, global), id: context.id }),
    upload(client) {
      if (!LIARS.includes(client.id)) honest.push(new Float64Array(client.theta));
      return base.upload(client);
    },
    aggregate(state, uploads, weights) {
      base.aggregate(state, uploads, weights);
      const outside = [...state.theta].some((x, k) => {
        const column = honest.map((u) => u[k]);
        return x < Math.min(...column) - 1e-12 || x > Math.max(...column) + 1e-12;
      });
      if (outside) out++;
      honest = [];
    },
  };
  runFederated({
    problem: createProblem(spec, 10, 3),
    algorithm: algorithm as FederatedAlgorithm,
    rounds,
    localSteps: 3,
    participation: 1,
    weighting: "uniform",
    seed: 3,
    exchange: resolveExchange({ server: server as string, byzantine: { nodes: LIARS, attack } }),
  });
  return out;
}

Deno.test("robust server rules keep the global model within the honest uploads' range under attack", () => {
  const robust = [
    "median",
    { name: "trimmed-mean", params: { beta: 0.2 } },
    { name: "krum", params: { f: 2 } },
    { name: "multi-krum", params: { f: 2 } },
  ];
  for (const attack of ["sign-flip", "alie"]) {
    for (const server of robust) {
      assert.equal(roundsOutOfRange(server, attack), 0, `${JSON.stringify(server)}, ${attack}`);
    }
  }
  // −θ from 2 of 10 clients drags the mean out of the honest range (13 of 20 rounds here).
  assert.ok(roundsOutOfRange("mean", "sign-flip") >= 5, "the mean is pulled out");
});

Deno.test("server aggregators with Byzantine clients: both engines bit for bit", async () => {
  const servers = [
    "mean",
    "median",
    { name: "trimmed-mean", params: { beta: 0.2 } },
    { name: "krum", params: { f: 2 } },
    { name: "multi-krum", params: { f: 2, m: 3 } },
    { name: "centered-clipping", params: { tau: 0.05 } },
  ];
  const params = { alpha: 0.5 },
    federated = {
      localSteps: 2,
      participation: 0.7,
      weighting: "samples" as const,
    };
  const common = { steps: 6, seed: 3, evalEvery: 3 };
  const models: Float64Array[] = [];
  for (const [k, server] of servers.entries()) {
    const attack = k % 2 ? "sign-flip" : "alie";
    const exchange = resolveExchange({
      server: server as string,
      byzantine: { nodes: LIARS, attack },
    });
    const sequential = runFederated({
      ...common,
      ...federated,
      rounds: common.steps,
      problem: createProblem(spec, 10, 3),
      algorithm: createAlgorithm("fedavg", params) as FederatedAlgorithm,
      exchange,
    });
    const actors = await runActorTest({
      ...common,
      problem: createProblem(spec, 10, 3),
      algorithm: { name: "fedavg", params },
      mixing: metropolisHastings(ringTopology(10)),
      exchange,
      workers: 2,
      federated,
    });
    const label = `${JSON.stringify(server)} under ${attack}`;
    assert.deepEqual(actors.models, sequential.models, label);
    assert.deepEqual(actors.rows.map((r) => r.loss), sequential.rows.map((r) => r.loss), label);
    models.push(sequential.models[0]);
  }
  assert.equal(new Set(models.map((m) => m.join())).size, servers.length, "every rule differs");
  const honest = runFederated({
    ...federated,
    rounds: common.steps,
    seed: 3,
    evalEvery: 3,
    problem: createProblem(spec, 10, 3),
    algorithm: createAlgorithm("fedavg", params) as FederatedAlgorithm,
  });
  assert.notDeepEqual(honest.models, [models[0]], "the alie clients act on the mean");
});
