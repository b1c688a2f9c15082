/**
 * The NATS transport (the scheduler's side of one set of Workers): the Workers live in host
 * processes joined by {@linkcode NatsHosts}; setups and command batches go to Worker W on
 * `ctl.W` and its replies come back on `ack.W`, in order (binary messages, `nats_codec.ts`);
 * payload batches go host to host on `pay.TO.FROM` and never reach this process. A host's
 * crash, silence or the loss of the server is a failure naming the host and its nodes.
 *
 * @module
 */
import type { Snapshot, WorkerSetup } from "./protocol.ts";
import type { HostFailure, HostReply, Transport } from "./transport.ts";
import { decodeMessage, encodeMessage, FrameJoiner } from "./nats_codec.ts";
import {
  jsonOf,
  type NatsConnection,
  publishFramed,
  publishJson,
  runSubjects,
} from "./nats_bus.ts";
import type { Control, Start } from "./nats_join.ts";

/** A host of the run: its name, its Worker count, and the index of its first Worker. */
export interface HostMember {
  /** The host's name. */
  readonly name: string;
  /** Its Workers. */
  readonly workers: number;
  /** The run-wide index of its first Worker. */
  readonly base: number;
}

/** What the transport needs of the hosts joined into a run (`NatsHosts` in nats_hosts.ts). */
export interface JoinedHosts {
  /** The connection to the bus. */
  readonly bus: NatsConnection;
  /** The run's id (its subjects' prefix). */
  readonly run: string;
  /** The hosts, in Worker order. */
  readonly members: readonly HostMember[];
  /** Their Workers in all. */
  readonly workers: number;
  /** A fresh generation (one set of started Workers). */
  nextGen(): number;
  /** Calls `listener` when a host (or, `null`, the server) is lost; returns the unsubscriber. */
  onLoss(listener: (name: string | null, detail: string) => void): () => void;
}

/**
 * The transport of `count` Workers on the joined hosts (Workers 0 … count−1 in the hosts'
 * numbering; a host whose Workers are all beyond is not used).
 *
 * @param hosts the joined hosts
 * @param count how many Workers the run uses
 * @param readable what the Workers may read besides the package
 * @returns the transport
 */
export function natsTransport(
  hosts: JoinedHosts,
  count: number,
  readable: readonly string[],
): Transport {
  if (count > hosts.workers) {
    throw new RangeError(`${count} Workers asked for, the NATS hosts have ${hosts.workers}`);
  }
  const bus = hosts.bus, gen = hosts.nextGen(), subjects = runSubjects(hosts.run);
  const used = hosts.members.filter((member) => member.base < count);
  const pending = Array.from({ length: count }, () => [] as ((reply: HostReply<never>) => void)[]);
  const nodes: number[][] = Array.from({ length: count }, () => []);
  let report!: (failure: HostFailure) => void;
  const crashed = new Promise<HostFailure>((resolve) => (report = resolve));
  let started: Promise<void> | null = null, closed = false;

  const hostOf = (worker: number) =>
    used.find((m) => worker >= m.base && worker < m.base + m.workers)!;
  const failure = (member: HostMember, detail: string): HostFailure => ({
    kind: "host",
    host: member.base,
    name: "HostFailure",
    detail: `host ${member.name} (${describe(member, count, nodes)}) ${detail}`,
  });

  const joiner = new FrameJoiner();
  const acks = bus.subscribe(subjects.ack(gen, "*"), {
    callback: (_error, message) => {
      const worker = Number(message.subject.slice(message.subject.lastIndexOf(".") + 1));
      try {
        const body = joiner.add(message.subject, message.data);
        if (body) pending[worker]?.shift()?.(decodeMessage(body) as HostReply<never>);
      } catch (error) {
        const member = hostOf(worker);
        const detail = `sent a reply that could not be read: ${(error as Error).message}`;
        if (member) report(failure(member, detail));
      }
    },
  });
  const fails = bus.subscribe(subjects.fail(gen), {
    callback: (_error, message) => {
      const reported = jsonOf(message) as Partial<HostFailure> | undefined;
      const member = typeof reported?.host === "number" ? hostOf(reported.host) : undefined;
      if (member) report(failure(member, String(reported?.detail ?? "crashed")));
    },
  });
  const stopWatching = hosts.onLoss((name, detail) => {
    const member = used.find((m) => m.name === name);
    if (member) report(failure(member, detail));
    else if (name === null) {
      report({ kind: "host", host: 0, name: "HostFailure", detail });
    }
  });

  const send = <T>(worker: number, control: Control): Promise<HostReply<T>> =>
    new Promise((resolve) => {
      pending[worker].push(resolve as (reply: HostReply<never>) => void);
      publishFramed(bus, subjects.ctl(gen, worker), encodeMessage(control));
    });

  const start = async () => {
    await Promise.all(used.map(async (member) => {
      const order: Start = {
        base: member.base,
        count: Math.min(member.workers, count - member.base),
        total: count,
        readable: [...readable],
      };
      const answer = await bus.request(subjects.start(gen, member.name), JSON.stringify(order), {
        timeout: 60_000,
      }).catch((error: Error) => {
        throw new Error(`host ${member.name} did not start its Workers: ${error.message}`);
      });
      const reply = (jsonOf(answer) ?? { ok: false, reason: "not JSON" }) as {
        ok: boolean;
        reason?: string;
      };
      if (!reply.ok) throw new Error(`host ${member.name} refused: ${reply.reason}`);
    }));
  };

  return {
    hosts: count,
    crashed,
    async setup(setups: readonly WorkerSetup[]) {
      const first = !started;
      started ??= start();
      await started;
      setups.forEach((setup, worker) => {
        nodes[worker] = [...setup.nodes, ...(setup.server === null ? [] : [setup.server])];
      });
      return Promise.all(
        setups.map((setup, worker) => send<string>(worker, { kind: "setup", setup, peers: first })),
      );
    },
    run: (worker, batch) => send<Snapshot[]>(worker, { kind: "run", batch }),
    close() {
      if (closed) return;
      closed = true;
      stopWatching();
      acks.unsubscribe();
      fails.unsubscribe();
      publishJson(bus, subjects.stop(gen));
    },
  };
}

/** "workers 2–3, nodes 4–7, 9" for the failure of a host. */
function describe(member: HostMember, count: number, nodes: number[][]): string {
  const last = Math.min(member.base + member.workers, count) - 1;
  const workers = last > member.base ? `${member.base}–${last}` : `${member.base}`;
  const held = nodes.slice(member.base, last + 1).flat().sort((a, b) => a - b);
  return `Workers ${workers}, nodes ${held.length ? ranges(held) : "none yet"}`;
}

/** Sorted ids as ranges: 0–3, 7, 9–10. */
function ranges(ids: number[]): string {
  const parts: string[] = [];
  for (let k = 0; k < ids.length;) {
    let end = k;
    while (end + 1 < ids.length && ids[end + 1] === ids[end] + 1) end++;
    parts.push(end > k ? `${ids[k]}–${ids[end]}` : `${ids[k]}`);
    k = end + 1;
  }
  return parts.join(", ");
}
