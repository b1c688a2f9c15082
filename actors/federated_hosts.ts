/**
 * A Worker's federated actors: its clients (whose state lives for one round, in one recycled
 * client memory) and perhaps the server. They execute the BROADCAST, CLIENT and AGGREGATE
 * commands through the federated round template of `algorithms/` that the sequential engine
 * calls too.
 *
 * @module
 */
import { type Vector, vectorOf } from "../vector.ts";
import type { FederatedAlgorithm, Payload } from "../algorithms/algorithm.ts";
import { gradientRng, nodeContext } from "../algorithms/iteration.ts";
import type { VectorMemory } from "../algorithms/vector_memory.ts";
import {
  checkFederatedFinite,
  clientVectorMemory,
  trainClient,
} from "../algorithms/federated_round.ts";
import { checkPayload, copyPayload } from "../algorithms/payload.ts";
import type { Problem } from "../problems/problem.ts";
import type { Rng } from "../random.ts";
import type { NodeStages } from "../exchange/registry.ts";
import { aggregateUploads } from "../exchange/server_step.ts";
import type { CommandReader } from "./command_codec.ts";
import type { Mailbox } from "./mailbox.ts";
import { ChannelKind } from "./payload_batch.ts";
import type { Snapshot } from "./protocol.ts";

/** A federated client or the server, as a Worker hosts it. */
interface FederatedHost {
  /** The server's state (null for a client, whose state lives for one round). */
  server: unknown;
  rng: Rng;
  step: number;
}

/** What a Worker's federated actors share with it. */
export interface FederatedHostsOptions {
  /** The client and server code. */
  algorithm: FederatedAlgorithm;
  /** The objective (the clients' gradients). */
  problem: Problem;
  /** The Worker's data plane. */
  mail: Mailbox;
  /** Each hosted actor's encoder and aggregator. */
  stages: (id: number) => NodeStages;
  /** The clients hosted. */
  clients: readonly number[];
  /** The server's id if this Worker hosts it, else null. */
  server: number | null;
  /** The run's seed (gradient streams). */
  seed: number;
  /** The Worker's index, for messages. */
  worker: number;
  /** The common starting point. */
  x0: Float64Array;
  /** The Worker's last vector memory, recycled for the clients' rounds. */
  recycle: VectorMemory | null;
}

/** The federated clients and server of one Worker, for one run. */
export class FederatedHosts {
  readonly #options: FederatedHostsOptions;
  readonly #hosts = new Map<number, FederatedHost>();
  /** The clients' round memory (one client's round at a time), or null. */
  readonly memory: VectorMemory | null;
  /** A client's gradient, when its round has no client memory. */
  readonly #gradient: Vector;

  /** The Worker's clients and server, started afresh. */
  constructor(options: FederatedHostsOptions) {
    this.#options = options;
    const { problem, algorithm, seed, x0 } = options;
    this.memory = options.clients.length
      ? clientVectorMemory(problem, algorithm, x0, options.recycle)
      : options.recycle;
    this.#gradient = vectorOf(problem.precision, problem.dim);
    for (const id of options.clients) {
      this.#hosts.set(id, { server: null, rng: gradientRng(seed, id), step: 0 });
    }
    if (options.server !== null) {
      const server = algorithm.initServer(nodeContext(problem, -1), x0);
      this.#hosts.set(options.server, { server, rng: gradientRng(seed, -1), step: 0 });
    }
  }

  /** The rounds actor `id` has taken part in, if it is hosted here. */
  step(id: number): number | undefined {
    return this.#hosts.get(id)?.step;
  }

  /** BROADCAST: the server sends its broadcast (encoded) to the round's clients. */
  broadcast(record: CommandReader): void {
    const { algorithm, problem, mail, stages } = this.#options;
    const id = record.node, host = this.#host(id);
    const payload = algorithm.broadcast(host.server);
    checkPayload(payload, algorithm.broadcastChannels, problem.dim, "the server");
    const context = { node: id, round: 0, t: host.step + 1 };
    mail.send(
      stages(id).encoder.encode(copyPayload(payload), context),
      ChannelKind.Broadcast,
      record,
    );
  }

  /** CLIENT: a client trains from the round's broadcast and uploads (if it has a target). */
  async client(record: CommandReader): Promise<void> {
    const { algorithm, problem, mail, stages } = this.#options;
    // What this Worker sent so far (the server's broadcast above all) goes out before the
    // round's training: the other Workers' clients are waiting for it.
    mail.post();
    const client = record.node, round = record.round, { from, steps } = record.client;
    const host = this.#host(client);
    const global = await mail.take(from);
    mail.release(from);
    const upload = trainClient(
      problem,
      algorithm,
      client,
      global,
      steps,
      host.rng,
      this.#gradient,
      this.memory,
    );
    host.step++;
    checkPayload(upload, algorithm.uploadChannels, problem.dim, `client ${client}`);
    checkFederatedFinite(Object.values(upload), { client, server: problem.nodes }, round);
    if (record.targets().count) {
      const context = { node: client, round: 0, t: round };
      mail.send(
        stages(client).encoder.encode(copyPayload(upload), context),
        ChannelKind.Upload,
        record,
      );
    }
  }

  /**
   * AGGREGATE: the server folds in the round's uploads (Byzantine clients' forged first, a
   * robust server aggregator's rule if the run has one), as the sequential engine does.
   */
  async aggregate(record: CommandReader): Promise<void> {
    const { algorithm, mail, stages } = this.#options;
    const host = this.#host(record.node), k = record.count;
    const uploads: Payload[] = [];
    for (let j = 0; j < k; j++) uploads.push(await mail.take(record.source(j)));
    for (let j = 0; j < k; j++) mail.release(record.source(j));
    const { server: robust, byzantine } = stages(record.node);
    aggregateUploads(algorithm, host.server, uploads, Array.from(record.weights()), {
      server: record.node,
      round: record.round,
      clients: record.senders() ?? [],
      aggregator: robust ?? null,
      byzantine,
    });
    host.step++;
    const server = { client: null, server: record.node };
    checkFederatedFinite([algorithm.params(host.server)], server, host.step);
  }

  /** SNAPSHOT of the server: a copy of the global model. */
  snapshot(id: number): Snapshot {
    const params = this.#options.algorithm.params(this.#host(id).server);
    return { node: id, params: new Float64Array(params), rate: null };
  }

  #host(id: number): FederatedHost {
    const host = this.#hosts.get(id);
    if (!host) {
      throw new Error(`node ${id} is not a federated actor of worker ${this.#options.worker}`);
    }
    return host;
  }
}
