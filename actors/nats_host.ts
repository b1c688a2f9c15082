/**
 * A node host's side of one run over NATS: on the scheduler's start order it runs its share
 * of the run's Workers (the same node-actor Workers, with the same least privilege, as the
 * in-process transport), joins them to each other by MessageChannels and to the Workers of
 * other hosts by bridges — a port whose batches this thread publishes on `pay.TO.FROM`, and
 * whose incoming batches it posts back — and passes setups and command batches from `ctl.W`
 * to Worker W, its replies back on `ack.W` in order. It subscribes only to its own run's
 * subjects, and leaves the run when the scheduler ends it or is not heard from.
 *
 * @module
 */
import * as Comlink from "comlink";
import type { Subscription } from "@nats-io/transport-node";
import type { NodeActorApi } from "./worker_transport.ts";
import type { HostFailure, HostReply } from "./transport.ts";
import { workerPermissions } from "./worker_permissions.ts";
import { batchBytes, bytesBatch, decodeMessage, encodeMessage, FrameJoiner } from "./nats_codec.ts";
import {
  HEARTBEAT_MS,
  jsonOf,
  Liveness,
  type NatsConnection,
  publishFramed,
  publishJson,
  respondJson,
  runSubjects,
} from "./nats_bus.ts";
import { type Control, type Start, startSchema } from "./nats_join.ts";
import type { WorkerSetup } from "./protocol.ts";

/** Options of {@linkcode serveRun}. */
export interface ServeRunOptions {
  /** The connection to the server. */
  bus: NatsConnection;
  /** This host's name. */
  name: string;
  /** The run joined. */
  run: string;
  /** The scheduler not heard from for this long has gone (ms). */
  timeoutMs: number;
  /** Where progress lines go. */
  log: (line: string) => void;
}

/** One hosted Worker and its links. */
interface Hosted {
  worker: Worker;
  api: Comlink.Remote<NodeActorApi>;
  /** Its ends of the channels to every other Worker, for its first setup. */
  peers: Record<number, MessagePort>;
  /** This thread's ends of its bridges to Workers on other hosts, by their index. */
  bridges: Map<number, MessagePort>;
  /** Replies are published in command order. */
  replies: Promise<void>;
}

/**
 * Serves run `run` until the scheduler ends it.
 *
 * @param options the connection, this host's name, the run and the bound on silence
 * @throws {Error} when the scheduler goes silent or the server is lost
 */
export function serveRun(options: ServeRunOptions): Promise<void> {
  const { bus, name, log } = options;
  const subjects = runSubjects(options.run);
  const subscriptions: Subscription[] = [];
  let gen = 0, hosted = new Map<number, Hosted>(), genSubscriptions: Subscription[] = [];
  const liveness = new Liveness(["sim"], options.timeoutMs);

  const stopWorkers = () => {
    for (const subscription of genSubscriptions) subscription.unsubscribe();
    genSubscriptions = [];
    for (const entry of hosted.values()) {
      entry.api[Comlink.releaseProxy]();
      entry.worker.terminate();
      for (const port of entry.bridges.values()) port.close();
    }
    hosted = new Map();
  };

  /** A failure of hosted Worker `index` the scheduler must hear of (the run ends). */
  const report = (index: number, detail: string) => {
    const failure: HostFailure = { kind: "host", host: index, detail };
    publishJson(bus, subjects.fail(gen), failure);
  };

  const startWorkers = (next: number, order: Start) => {
    stopWorkers();
    gen = next;
    hosted = startHosted(order, options, gen);
    const joiner = new FrameJoiner();
    for (const [index, entry] of hosted) {
      genSubscriptions.push(bus.subscribe(subjects.ctl(gen, index), {
        callback: (_error, message) => {
          liveness.heard("sim"); // the scheduler's orders are signs of life too
          try {
            const body = joiner.add(message.subject, message.data);
            if (body) control(index, entry, decodeMessage(body) as Control);
          } catch (error) {
            report(index, `could not take a command batch: ${(error as Error).message}`);
          }
        },
      }));
      genSubscriptions.push(bus.subscribe(subjects.pay(gen, index, "*"), {
        callback: (_error, message) => {
          try {
            const body = joiner.add(message.subject, message.data);
            if (!body) return;
            const from = Number(message.subject.slice(message.subject.lastIndexOf(".") + 1));
            const batch = bytesBatch(body);
            entry.bridges.get(from)?.postMessage(batch, [batch.buffer as ArrayBuffer]);
          } catch (error) {
            report(index, `could not take a payload batch: ${(error as Error).message}`);
          }
        },
      }));
    }
    const last = order.base + order.count - 1;
    const range = last > order.base ? `Workers ${order.base}–${last}` : `Worker ${last}`;
    log(`run ${options.run}: ${range} started`);
  };

  const control = (index: number, entry: Hosted, message: Control) => {
    const answer: Promise<HostReply<unknown>> = message.kind === "setup"
      ? entry.api.init(
        message.setup as WorkerSetup,
        message.peers ? Comlink.transfer(entry.peers, Object.values(entry.peers)) : null,
      )
      : entry.api.run(Comlink.transfer(message.batch, [message.batch.buffer as ArrayBuffer]));
    const current = gen;
    entry.replies = entry.replies.then(async () => {
      const reply = await answer.catch((error: Error): HostReply<never> => ({
        ok: false,
        failure: { kind: "host", host: index, detail: error.message, name: error.name },
      }));
      if (current === gen) publishFramed(bus, subjects.ack(current, index), encodeMessage(reply));
    });
  };

  return new Promise<void>((resolve, reject) => {
    const finish = (error: Error | null) => {
      clearInterval(timer);
      stopWorkers();
      for (const subscription of subscriptions) subscription.unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const timer = setInterval(() => {
      if (bus.isClosed()) return;
      publishJson(bus, subjects.alive(name));
      if (liveness.silent().length > 0) {
        finish(new Error(`the scheduler of run ${options.run} was not heard from`));
      }
    }, HEARTBEAT_MS);
    subscriptions.push(
      bus.subscribe(subjects.alive("sim"), {
        callback: () => liveness.heard("sim"),
      }),
      bus.subscribe(subjects.end, { callback: () => finish(null) }),
      bus.subscribe(subjects.start("*", name), {
        callback: (_error, message) => {
          const next = Number(message.subject.split(".")[3]);
          const order = startSchema.safeParse(jsonOf(message));
          if (!order.success) {
            respondJson(message, { ok: false, reason: order.error.message });
            return;
          }
          try {
            startWorkers(next, order.data);
            respondJson(message, { ok: true });
          } catch (error) {
            respondJson(message, { ok: false, reason: (error as Error).message });
          }
        },
      }),
      bus.subscribe(subjects.stop("*"), {
        callback: (_error, message) => {
          if (Number(message.subject.split(".")[3]) === gen) stopWorkers();
        },
      }),
    );
    bus.closed().then((error) => {
      finish(new Error(`lost the NATS server${error ? `: ${error.message}` : ""}`));
    });
  });
}

/** Starts the host's Workers of a start order, wired to each other and bridged to the rest. */
function startHosted(order: Start, options: ServeRunOptions, gen: number): Map<number, Hosted> {
  const { bus } = options;
  const subjects = runSubjects(options.run);
  const url = new URL("./node_worker.ts", import.meta.url);
  const hosted = new Map<number, Hosted>();
  const last = order.base + order.count;
  for (let index = order.base; index < last; index++) {
    const worker = new Worker(url, {
      type: "module",
      name: `gossim-node-actor-${index}`,
      deno: { permissions: workerPermissions([...order.readable]) },
    });
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      const failure: HostFailure = {
        kind: "host",
        host: index,
        detail: `worker ${index} crashed: ${event.message}`,
      };
      publishJson(bus, subjects.fail(gen), failure);
    });
    const api = Comlink.wrap<NodeActorApi>(worker);
    hosted.set(index, { worker, api, peers: {}, bridges: new Map(), replies: Promise.resolve() });
  }
  for (const [index, entry] of hosted) {
    for (let other = 0; other < order.total; other++) {
      if (other === index) continue;
      const local = hosted.get(other);
      if (local) {
        if (other < index) continue; // wired from the other side
        const channel = new MessageChannel();
        entry.peers[other] = channel.port1;
        local.peers[index] = channel.port2;
        continue;
      }
      const channel = new MessageChannel();
      entry.peers[other] = channel.port1;
      const bridge = channel.port2;
      const subject = subjects.pay(gen, other, index);
      bridge.onmessage = (event: MessageEvent<Float64Array>) => {
        publishFramed(bus, subject, batchBytes(event.data));
      };
      entry.bridges.set(other, bridge);
    }
  }
  return hosted;
}
