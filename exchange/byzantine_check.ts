/**
 * What a run with Byzantine nodes refuses before it starts, each message naming its field:
 * ids outside the run's nodes or named twice, a run with no honest node, and an attack an
 * honest node's neighbourhood makes impossible (`alie`'s z_max is infinite once f ≥ ⌊n/2 + 1⌋).
 *
 * @module
 */
import { byzantineNodes, type ByzantineSpec } from "./attack.ts";
import { attacks } from "./registry.ts";
import type { Route } from "./route.ts";
import { CHECKED_STEPS } from "./aggregators/check.ts";

/** The ids' refusals for a run of `nodes` nodes (any engine, any kind of algorithm). */
export function byzantineIdRefusals(spec: ByzantineSpec, nodes: number): string[] {
  const problems: string[] = [];
  const seen = new Set<number>();
  (spec.nodes ?? []).forEach((id, k) => {
    if (id >= nodes) {
      problems.push(
        `exchange.byzantine.nodes.${k} = ${id}: expected a node id in [0, ${nodes})`,
      );
    } else if (seen.has(id)) {
      problems.push(`exchange.byzantine.nodes.${k} = ${id}: node ${id} is named twice`);
    }
    seen.add(id);
  });
  const count = spec.nodes ? seen.size : Math.round((spec.fraction ?? 0) * nodes);
  if (count >= nodes) {
    const given = spec.nodes ? `nodes = [${spec.nodes.join(", ")}]` : `fraction = ${spec.fraction}`;
    problems.push(
      `exchange.byzantine.${given}: all ${nodes} nodes would be Byzantine; expected at least ` +
        "one honest node (metrics are over the honest ones)",
    );
  }
  if (spec.fraction !== undefined && count === 0) {
    problems.push(
      `exchange.byzantine.fraction = ${spec.fraction}: ${spec.fraction} × ${nodes} nodes ` +
        `rounds to no Byzantine node; the least is ${(0.5 / nodes).toPrecision(3)}`,
    );
  }
  return problems;
}

/**
 * The attack's refusals on a decentralized route: for every honest node with Byzantine
 * neighbours, its neighbourhood size with itself n and its Byzantine neighbours f, at t = 1
 * for a static route, else over t = 1 … min(steps, {@linkcode CHECKED_STEPS}); the first
 * impossible node and step named.
 */
export function attackRefusals(
  spec: ByzantineSpec,
  route: Route,
  steps: number,
  seed: number,
): string[] {
  const definition = attacks.get(spec.attack.name);
  if (!definition.check) return [];
  const liars = new Set(byzantineNodes(spec, route.nodes, seed));
  const last = route.static ? 1 : Math.max(1, Math.min(steps, CHECKED_STEPS));
  for (let t = 1; t <= last; t++) {
    for (let i = 0; i < route.nodes; i++) {
      if (liars.has(i)) continue;
      const { indices } = route.inbound(i, t);
      const f = indices.filter((j) => liars.has(j)).length;
      if (!f) continue;
      const why = definition.check(spec.attack.params, indices.length, f);
      if (why) {
        const when = route.static ? "" : ` at step ${t}`;
        return [
          `exchange.byzantine.attack: node ${i}${when} hears ${f} Byzantine of ${indices.length}: ${why}`,
        ];
      }
    }
  }
  return [];
}
