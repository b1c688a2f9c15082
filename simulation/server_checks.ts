/**
 * What a robust federated server aggregator (`exchange.server` other than `mean`) refuses
 * before a run: a decentralized algorithm (it has no server), a buffered one (FedBuff weighs
 * each upload by its staleness, a weight a robust rule would drop), and a setting the
 * round's expected uploads make impossible (Krum with n ≤ 2f + 2, multi-Krum with m > n, a
 * trimmed mean with n ≤ 2⌊βn⌋).
 *
 * @module
 */
import type { FederatedAlgorithm } from "../algorithms/algorithm.ts";
import { isBuffered } from "../algorithms/fedbuff.ts";
import { getAlgorithm } from "../algorithms/registry.ts";
import type { DefinitionSource, Fields } from "../definitions.ts";
import { isRobustServer, serverAggregatorRefusal } from "../exchange/server_registry.ts";

/** The parts of a resolved config these checks read. */
interface Checked {
  readonly algorithms: readonly { readonly name: string; readonly params: Fields }[];
  readonly nodes: number;
  readonly federated: { readonly participation: number };
  readonly exchange: { readonly server?: DefinitionSource };
}

/**
 * The uploads a round expects of N clients: max(1, round(participation · N)), the count
 * `participationSampler` (algorithms/federated_round.ts) draws.
 */
export function expectedUploads(participation: number, clients: number): number {
  return Math.max(1, Math.round(participation * clients));
}

/**
 * The refusals of the config's server aggregator, one line each naming `exchange.server`,
 * its value and what was expected; none for `mean`.
 *
 * @param config the resolved config
 */
export function serverRefusals(config: Checked): string[] {
  const source = config.exchange.server;
  if (!source || !isRobustServer(source)) return [];
  const named = `exchange.server = ${JSON.stringify(source.name)}`;
  const problems: string[] = [];
  let served = false;
  config.algorithms.forEach(({ name, params }, index) => {
    const definition = getAlgorithm(name);
    const which = `algorithms.${index} (${JSON.stringify(name)})`;
    if (definition.kind === "decentralized") {
      problems.push(
        `${named}: ${which} is decentralized, with no server to aggregate uploads; expected ` +
          '"mean" (a decentralized node\'s robust rule is exchange.aggregator)',
      );
    } else if (isBuffered(definition.create(params) as FederatedAlgorithm)) {
      problems.push(
        `${named}: ${which} applies each buffered upload with its staleness weight ` +
          'η_g·s(τ)/M, which a robust server rule would replace; expected "mean"',
      );
    } else served = true;
  });
  const { participation } = config.federated;
  const n = expectedUploads(participation, config.nodes);
  const why = served ? serverAggregatorRefusal(source, n) : null;
  if (why) {
    problems.push(
      `exchange.server: ${why}; a round's uploads: participation ${participation} × ` +
        `${config.nodes} clients = ${n}`,
    );
  }
  return problems;
}
