/**
 * A transport with no hosts behind it, for measuring the scheduler alone: command batches are
 * read (as a Worker would, record by record) and dropped, and each SNAPSHOT is answered with a
 * model of zeros and a fresh probe at once. A run on it costs what the `sim` process costs:
 * the schedule, the command encoding and the evaluations — never a node's compute.
 *
 * @module
 */
import { CommandReader, OP } from "../actors/command_codec.ts";
import type { Snapshot } from "../actors/protocol.ts";
import type { Transport, TransportChoice } from "../actors/transport.ts";
import { PROBE_SCALARS } from "../metrics/mixing_probe.ts";

/**
 * Hosts that do nothing, with `workers` Workers, answering snapshots with models of `dim`.
 *
 * @param workers how many Workers the placement spreads nodes on
 * @param dim the problem's dimension
 */
export function nullHosts(workers: number, dim: number): TransportChoice {
  const factory = (hosts: number): Transport => ({
    hosts,
    crashed: new Promise(() => {}),
    setup: (setups) => Promise.resolve(setups.map(() => ({ ok: true as const, value: "" }))),
    run(_host, batch) {
      const snapshots: Snapshot[] = [];
      const reader = new CommandReader(batch);
      while (reader.next()) {
        if (reader.op !== OP.snapshot) continue;
        const probe = new Float64Array(PROBE_SCALARS + 1);
        probe[PROBE_SCALARS] = 1;
        snapshots.push({ node: reader.node, params: new Float64Array(dim), rate: null, probe });
      }
      return Promise.resolve({ ok: true as const, value: snapshots });
    },
    close() {},
  });
  return { workers, factory };
}
