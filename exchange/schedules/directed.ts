/**
 * The route of a static directed graph with push-sum weights: node i splits its mass over
 * itself and its out-neighbours, P[j][i] = 1/(outdeg(i) + 1) — column-stochastic, and doubly
 * stochastic only when every in-degree equals every out-degree.
 *
 * @module
 */
import type { MixingRow } from "../../topologies/mixing.ts";
import { matrixProperties, type Route } from "../route.ts";

/** The static route of out-lists `out` (out[i]: the nodes i sends to, i excluded). */
export function directedRoute(out: readonly (readonly number[])[]): Route {
  const nodes = out.length;
  const share = out.map((list) => 1 / (list.length + 1));
  const from: number[][] = out.map((_, i) => [i]);
  out.forEach((list, i) => {
    for (const j of list) from[j].push(i);
  });
  const inbound: MixingRow[] = from.map((list) => {
    const indices = list.sort((a, b) => a - b);
    return { indices, weights: indices.map((j) => share[j]) };
  });
  const outbound = out.map((list) => [...list].sort((a, b) => a - b));
  const { rowSums, symmetric } = matrixProperties({ nodes, rows: inbound });
  return {
    nodes,
    static: true,
    stochastic: rowSums ? "doubly" : "column",
    symmetric,
    inbound: (i) => inbound[i],
    outbound: (i) => outbound[i],
  };
}
