/**
 * The algorithm's vector work per node-step — decentralized AMSGrad on a ring: the fused local
 * step, the two neighbourhood sums (x and ũ), the adaptive mix and the finiteness check, 25
 * streams over d-vectors — with the nodes' vectors as plain arrays (JavaScript loops) and in a
 * vector memory (SIMD kernels), side by side, against the machine's copy bandwidth
 * (`TypedArray.set`). It shows why this work is bound by memory bandwidth, not instructions.
 *
 *   deno run bench/vector_bench.ts        # softmax and MLP sizes, N = 16
 *   deno bench bench/vector_bench.ts      # the MLP size as Deno.bench
 *
 * @module
 */
import type { Vector } from "../mod.ts";
import {
  type AdaptiveState,
  amsgradRule,
  decentralize,
} from "../algorithms/decentralized_adaptive.ts";
import { weightedSumInto } from "../algorithms/algorithm.ts";
import { checkFinite } from "../algorithms/node_failure.ts";
import { VectorMemory } from "../algorithms/vector_memory.ts";
import { Rng } from "../random.ts";

/** Vector streams of one node-step (reads and writes of a d-vector). */
export const STREAMS = 25;

/** The nodes of a ring with their state, gradients and mix sums, plain or in a vector memory. */
export function ringState(d: number, nodes: number, inMemory: boolean, seed = 1) {
  const memory = inMemory ? VectorMemory.create(nodes * 10, d) : null;
  if (inMemory && !memory) throw new RangeError(`Cannot bench: no vector memory for d = ${d}`);
  const vector = () => memory?.zeros(d) ?? new Float64Array(d);
  const rng = new Rng(seed, "vector bench");
  const algorithm = decentralize("bench", amsgradRule(0.999), {
    alpha: 1e-3,
    beta1: 0.9,
    epsilon: 1e-8,
  });
  const context = { id: 0, nodes, dim: d, layers: [], vector };
  return Array.from({ length: nodes }, () => {
    const state = algorithm.init(context, Float64Array.from({ length: d }, () => rng.normal()));
    const gradient = vector();
    for (let k = 0; k < d; k++) gradient[k] = rng.normal();
    return { state, gradient, mixed: { x: vector(), u: vector() }, algorithm };
  });
}

/** One synchronous step of every node's vector work, as the sequential engine does it. */
export function vectorStep(ring: ReturnType<typeof ringState>, t: number): void {
  const n = ring.length, w = [1 / 3, 1 / 3, 1 / 3];
  for (const { state, gradient, algorithm } of ring) algorithm.localStep(state, gradient, t);
  ring.forEach(({ mixed }, i) => {
    const row = [ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]].map((node) => node.state);
    weightedSumInto(mixed.x, row.map((s) => s.x), w);
    weightedSumInto(mixed.u, row.map((s) => s.utilde), w);
  });
  for (const { state, mixed, algorithm } of ring) {
    algorithm.mix(state, 0, mixed);
    checkFinite(state.x, "in the bench");
  }
}

/** Milliseconds per node-step of the vector work, fastest of `rounds` rounds of `steps`. */
export function msPerNodeStep(ring: ReturnType<typeof ringState>, steps: number, rounds = 3) {
  let best = Infinity, t = 1;
  vectorStep(ring, t++);
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    for (let s = 0; s < steps; s++) vectorStep(ring, t++);
    best = Math.min(best, (performance.now() - start) / steps / ring.length);
  }
  return best;
}

/** GB/s of `TypedArray.set` copying `bytes`-sized Float64Arrays (one read, one write). */
export function copyBandwidth(bytes: number, repeats = 20): number {
  const from = new Float64Array(bytes / 8).fill(1), to = new Float64Array(bytes / 8);
  to.set(from);
  const start = performance.now();
  for (let r = 0; r < repeats; r++) to.set(from);
  return (2 * bytes * repeats) / 1e6 / (performance.now() - start);
}

/** The final models of a ring, to check that both placements computed the same bits. */
export function models(ring: ReturnType<typeof ringState>): Vector[] {
  return ring.map(({ state }) => (state as AdaptiveState).x);
}

if (import.meta.main) {
  const nodes = 16;
  console.log(`vector work of decentralized AMSGrad, ring of ${nodes}, per node-step:`);
  console.log("size              d   plain JS ms   kernels ms   kernels GB/s   speed-up");
  for (const [name, d] of [["softmax", 7_850], ["mlp", 159_010]] as const) {
    const steps = d > 10_000 ? 10 : 200;
    const plain = msPerNodeStep(ringState(d, nodes, false), steps);
    const kernels = msPerNodeStep(ringState(d, nodes, true), steps);
    const rate = (STREAMS * 8 * d) / 1e6 / kernels;
    console.log(
      `${name.padEnd(8)} ${String(d).padStart(10)} ${plain.toFixed(3).padStart(13)} ` +
        `${kernels.toFixed(3).padStart(12)} ${rate.toFixed(1).padStart(14)} ` +
        `${(plain / kernels).toFixed(2).padStart(9)}×`,
    );
  }
  console.log(
    `copy bandwidth (TypedArray.set, 160 MB): ${copyBandwidth(160e6, 5).toFixed(1)} GB/s`,
  );
} else {
  const plain = ringState(159_010, 16, false), kernels = ringState(159_010, 16, true);
  let t = 1;
  const group = "AMSGrad vector work, ring of 16, d = 159,010, one step";
  Deno.bench("plain arrays, JavaScript", { group, baseline: true }, () => vectorStep(plain, t++));
  Deno.bench("vector memory, SIMD kernels", { group }, () => vectorStep(kernels, t++));
}
