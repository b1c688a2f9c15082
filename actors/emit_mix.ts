/**
 * How a node's mix command is composed from the values it holds, in every decentralized mode:
 * W_jk for each neighbour value chosen; a missing one's weight goes to the node itself, or
 * (`renormalize`) the weights used are rescaled to sum to 1, or (`drop`) it is lost, as a
 * lost push loses its mass in push-sum. Summation follows W's row order,
 * as in the sequential engine.
 *
 * @module
 */
import type { MixingRow } from "../topologies/mixing.ts";
import { SELF } from "./protocol.ts";
import type { RunState } from "./run_state.ts";
import type { MissingPolicy } from "./scenario.ts";

/** A neighbour value chosen for a mix: its message id and how many steps old it is. */
export interface Chosen {
  /** Message id. */
  id: number;
  /** Steps between the value's sender step and the receiver's step (−1 for its own). */
  staleness: number;
}

/** The node's own value in its mix. */
const OWN: Chosen = { id: SELF, staleness: -1 };

/**
 * Emits node `j`'s mix of exchange `round` at virtual time `time`, with `choose(k)` giving the
 * value used for neighbour k (null when it has none).
 */
export function emitMix(
  run: RunState,
  row: MixingRow,
  j: number,
  round: number,
  missing: MissingPolicy,
  time: number,
  choose: (k: number) => Chosen | null,
): void {
  const { indices, weights } = row;
  const renormalize = missing === "renormalize", lost = missing === "drop";
  const from: number[] = [], used: number[] = [];
  const senders: number[] | null = run.attacked ? [] : null;
  let selfExtra = 0, self = -1;
  // A plain loop: this runs for every node at every step (no closure, no array it can spare).
  for (let position = 0; position < indices.length; position++) {
    const k = indices[position];
    const chosen = k === j ? OWN : choose(k);
    if (chosen) {
      if (k === j) self = from.length;
      from.push(chosen.id);
      senders?.push(k);
      used.push(weights[position]);
      if (chosen.staleness >= 0) run.counters.recordStaleness(chosen.staleness);
    } else if (!renormalize && !lost) selfExtra += weights[position];
  }
  if (self >= 0) used[self] += selfExtra;
  let final = used;
  if (renormalize) {
    let total = 0;
    for (const w of used) total += w;
    final = used.map((w) => w / total);
  }
  run.command(
    j,
    senders
      ? { op: "mix", node: j, round, from, weights: final, senders }
      : { op: "mix", node: j, round, from, weights: final },
  );
  const absent = indices.length - from.length;
  if (run.listening) {
    run.emit({
      kind: "mix",
      time,
      node: j,
      t: run.nodeSteps[j],
      round,
      used: from.length,
      missing: absent,
    });
  }
}
