/**
 * FedBuff (Nguyen et al., AISTATS 2022, Algorithm 1): buffered asynchronous federated
 * learning. C clients train at any time; each downloads x, takes K local SGD steps and uploads
 * Δ = x_local − x_downloaded. The server adds s(τ)·Δ to a buffer (τ = server versions since the
 * download, s(τ) = 1/√(1 + τ)) and after M uploads applies x ← x + η_g·(1/M)·buffer.
 *
 * The per-node code is here; the event loop in virtual time that decides who trains when and
 * which uploads fill a buffer is the actor engine's `actors/drive_buffered.ts`, which passes
 * each buffer to {@linkcode FederatedAlgorithm.aggregate} with weights η_g·s(τ_k)/M.
 *
 * @module
 */
import type { Vector } from "../vector.ts";
import { z } from "zod";
import { type FederatedAlgorithm, stateVector } from "./algorithm.ts";
import type { AlgorithmDefinition } from "./definition.ts";
import { sgdStep } from "./federated.ts";

/** How a buffered asynchronous server runs: read by the actor engine's buffered driver. */
export interface BufferedAggregation {
  /** Clients training at once C; null: min(10, N). */
  readonly concurrency: number | null;
  /** Uploads per server update M. */
  readonly buffer: number;
  /** The server step η_g. */
  readonly serverStep: number;
}

/** Options of FedBuff. */
export interface FedBuffOptions extends BufferedAggregation {
  /** Local step size η_l. */
  readonly alpha: number;
}

/** A FedBuff client: its local model and the model it downloaded. */
export interface FedBuffClient {
  /** The local model x_local. */
  theta: Vector;
  /** A copy of the downloaded model x_downloaded (v₀'s x). */
  start: Vector;
  /** The upload Δ = x_local − x_downloaded. */
  delta: Vector;
}

/** FedBuff server state. */
export interface FedBuffServer {
  /** The global model x. */
  theta: Vector;
}

/** A federated algorithm whose server aggregates a buffer of asynchronous uploads. */
export type BufferedAlgorithm<C = unknown, S = unknown> = FederatedAlgorithm<C, S> & {
  /** The buffered server's concurrency, buffer size and step. */
  readonly buffered: BufferedAggregation;
};

/** Whether a federated algorithm runs on a buffered asynchronous server (FedBuff). */
export function isBuffered(algorithm: FederatedAlgorithm): algorithm is BufferedAlgorithm {
  return (algorithm as Partial<BufferedAlgorithm>).buffered !== undefined;
}

/**
 * The staleness weight s(τ) = 1/√(1 + τ) of an upload τ server versions old.
 *
 * @param staleness τ ≥ 0
 * @returns the weight, 1 for a fresh upload
 */
export function stalenessWeight(staleness: number): number {
  return 1 / Math.sqrt(1 + staleness);
}

/**
 * FedBuff's client and server: local SGD from the download, Δ uploaded; the server adds
 * Σ_k weights[k]·Δ_k to x (the engine's weights are η_g·s(τ_k)/M).
 *
 * @param name the registry name the algorithm reports
 * @param options η_l, η_g, M, C
 * @returns client and server code, with its buffered-server settings
 */
export function fedBuff(
  name: string,
  options: FedBuffOptions,
): BufferedAlgorithm<FedBuffClient, FedBuffServer> {
  const { alpha, concurrency, buffer, serverStep } = options;
  return {
    kind: "federated",
    name,
    buffered: { concurrency, buffer, serverStep },
    broadcastChannels: ["theta"],
    uploadChannels: ["delta"],
    initServer: (context, x0) => ({ theta: stateVector(context, x0) }),
    broadcast: (server) => ({ theta: server.theta }),
    // The download is copied: the client's Δ never depends on the broadcast's buffer living on.
    initClient: (context, global) => ({
      theta: stateVector(context, global.theta),
      start: stateVector(context, global.theta),
      delta: stateVector(context),
    }),
    gradientPoint: (client) => client.theta,
    localStep: (client, g) => sgdStep(client.theta, g, alpha),
    upload(client) {
      const { theta, start, delta } = client;
      for (let k = 0; k < delta.length; k++) delta[k] = theta[k] - start[k];
      return { delta };
    },
    aggregate(server, uploads, weights) {
      const theta = server.theta;
      uploads.forEach((upload, j) => {
        const delta = upload.delta, w = weights[j];
        for (let k = 0; k < theta.length; k++) theta[k] += w * delta[k];
      });
    },
    params: (server) => server.theta,
  };
}

const positive = (fallback: number, what: string) =>
  z.number().positive().finite().default(fallback).describe(what);

/** FedBuff's registry entry. */
export const fedBuffDefinition: AlgorithmDefinition<FedBuffOptions> = {
  name: "fedbuff",
  kind: "federated",
  paper: "Nguyen et al. 2022 (FedBuff, AISTATS, Alg. 1)",
  description:
    "FedBuff: C clients train asynchronously, the server applies x += η_g·mean_M(s(τ)Δ), " +
    "s(τ) = 1/√(1+τ), every M uploads (actor engine)",
  parameters: z.strictObject({
    alpha: positive(0.05, "local step size η_l"),
    serverStep: positive(1, "server step η_g"),
    buffer: z.number().int().min(1).max(100_000).default(10)
      .describe("uploads per server update M"),
    concurrency: z.number().int().min(1).max(100_000).nullable().default(null)
      .describe("clients training at once C; null = min(10, N)"),
  }),
  create: (p) => fedBuff("fedbuff", p),
};
