/**
 * The in-process transport: every host is a Deno Worker with least privilege, a
 * MessageChannel joins every pair of Workers (the payload plane), and comlink carries setups
 * and command batches (the control plane). A Worker's uncaught error is a host failure.
 *
 * @module
 */
import * as Comlink from "comlink";
import type { Snapshot, WorkerSetup } from "./protocol.ts";
import type { HostFailure, HostReply, Transport } from "./transport.ts";
import { workerPermissions } from "./worker_permissions.ts";

/** What a node-actor Worker exposes (see `node_worker.ts`). */
export interface NodeActorApi {
  /** Prepares a run; `peers` (first setup only) are the ports to the other Workers. */
  init(setup: WorkerSetup, peers: Record<number, MessagePort> | null): Promise<HostReply<string>>;
  /** Runs a batch of command records after every batch sent before it. */
  run(commands: Float64Array): Promise<HostReply<Snapshot[]>>;
}

/**
 * Starts `hosts` node-actor Workers that may read `readable` (and nothing else).
 *
 * @param hosts how many Workers
 * @param readable folders and files the Workers may read
 * @returns the transport to them
 */
export function workerTransport(hosts: number, readable: readonly string[]): Transport {
  const url = new URL("./node_worker.ts", import.meta.url);
  const workers = Array.from({ length: hosts }, (_, index) =>
    new Worker(url, {
      type: "module",
      name: `gossim-node-actor-${index}`,
      deno: { permissions: workerPermissions([...readable]) },
    }));
  const apis = workers.map((worker) => Comlink.wrap<NodeActorApi>(worker));
  let report!: (failure: HostFailure) => void;
  const crashed = new Promise<HostFailure>((resolve) => (report = resolve));
  workers.forEach((worker, host) => {
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      report({ kind: "host", host, detail: `worker ${host} crashed: ${event.message}` });
    });
  });
  let wired = false, closed = false;
  return {
    hosts,
    crashed,
    setup(setups) {
      const ports = wired ? null : wirePeers(hosts);
      wired = true;
      return Promise.all(apis.map((api, host) => {
        const peers = ports?.[host] ?? null;
        return api.init(setups[host], peers && Comlink.transfer(peers, Object.values(peers)));
      }));
    },
    run: (host, batch) => apis[host].run(Comlink.transfer(batch, [batch.buffer as ArrayBuffer])),
    close() {
      if (closed) return;
      closed = true;
      for (const api of apis) api[Comlink.releaseProxy]();
      for (const worker of workers) worker.terminate();
    },
  };
}

/** A MessageChannel between every pair of Workers: `ports[a][b]` is a's end towards b. */
function wirePeers(hosts: number): Record<number, MessagePort>[] {
  const ports = Array.from({ length: hosts }, () => ({} as Record<number, MessagePort>));
  for (let a = 0; a < hosts; a++) {
    for (let b = a + 1; b < hosts; b++) {
      const channel = new MessageChannel();
      ports[a][b] = channel.port1;
      ports[b][a] = channel.port2;
    }
  }
  return ports;
}
