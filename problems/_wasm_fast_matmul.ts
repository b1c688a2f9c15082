/**
 * tfjs-backend-wasm 4.22.0 multiplies fast (XNNPACK, ~35 GFLOPS on one core here) only for a
 * rank-3 product with batch 1 on both sides and no transpose; every other form (the
 * `transposeA`/`transposeB` products that tfjs's autodiff of a dense layer issues, and batched
 * products) falls to a naive strided loop, 10–100× slower. This module overrides the wasm
 * `BatchMatMul` and `_FusedMatMul` kernels with ones that bring every product to that fast
 * form: an explicit `Transpose` per transposed operand, then one product for the whole batch
 * when `b` has batch 1 (the batch is folded into `a`'s rows), or one product per batch element
 * otherwise. Batch elements are multiplied in place: each is handed to tfjs-backend-wasm's C++
 * product as a view of its stack (a tensor id registered on a slice of the wasm heap) and
 * written into its slice of one output, so a stack of N products copies nothing.
 *
 * Every float32 product of rank ≥ 2 takes XNNPACK's path, however small: XNNPACK's sum for
 * one output entry does not depend on the other rows, on the batch, or on computing
 * `(bᵀ · aᵀ)ᵀ` instead, so a node's product in a stack of N is bit-identical to the same
 * product alone (measured on every layer shape of gossim's models), which batched gradients
 * (`Problem.gradientBatch`) rely on.
 *
 * XNNPACK repacks `b` (≈ 4 ns per entry, 6 transposes' worth) whenever `b` is a tensor it has
 * not seen, as new weights are at every training step. So `BatchMatMul` computes
 * `(a · b)ᵀ = bᵀ · aᵀ` instead, then transposes back, when that moves fewer entries: the
 * forward pass of a wide layer on a small batch (784 → 200 on 32 rows: 0.9 → 0.5 ms).
 *
 * Forms the fast path does not cover (non-float32 operands, batch shapes that broadcast other
 * than by size 1, empty products, a fused product with a batched `b`) go to the original kernel
 * unchanged, so errors and results there are tfjs's own.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { WasmKernelOverride } from "./_wasm_kernels.ts";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { type Plan, productInPlace, transposeInPlace } from "./_wasm_in_place.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

/** What packing one entry of `b` costs, in entries transposed (measured: 3.9 ns against 0.65). */
const PACK = 6;

/** What one extra kernel dispatch costs, in entries transposed (~3 µs). */
const DISPATCH = 4096;

/**
 * Tensors met before as an operand XNNPACK would pack: one met again (weights at evaluation)
 * is worth packing, since XNNPACK keeps it packed while it lives; new weights at every training
 * step are not.
 */
const seen = new WeakSet<object>();

/** The plan of a product the fast form covers, or `undefined` for the original kernel. */
function planOf(a: Info, b: Info, transposeA: boolean, transposeB: boolean): Plan | undefined {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  if (a.shape.length < 2 || b.shape.length < 2) return undefined;
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const [m, k] = transposeA ? [colsA, rowsA] : [rowsA, colsA];
  const [innerB, n] = transposeB ? [colsB, rowsB] : [rowsB, colsB];
  if (k !== innerB || m * k * n === 0) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = tf.util.sizeFromShape(outerA);
  const batchB = tf.util.sizeFromShape(outerB);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return undefined;
  let outer: number[];
  try {
    outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  } catch {
    return undefined;
  }
  if (tf.util.sizeFromShape(outer) !== Math.max(batchA, batchB)) return undefined;
  return { m, k, n, batchA, batchB, outShape: [...outer, m, n] };
}

/** Runs a registered wasm kernel by name. */
function run(name: string, args: Omit<KernelArgs, "backend"> & { backend: BackendWasm }): Info {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) {
    throw new Error(
      `Cannot multiply matrices on wasm: tfjs-backend-wasm must register ${name}, received none`,
    );
  }
  return kernel.kernelFunc(args as KernelArgs) as Info;
}

/** One fast-form product `a · b` of `[1, M, K]` by `[1, K, N]`, as `[1, M, N]`. */
type Product = (a: Info, b: Info) => Info;

/**
 * `a · b` (operands transposed as asked, batches broadcast by size 1) through `product`: the
 * operands are made `[batch, M, K]` and `[batch, K, N]`, then multiplied in fast-form products.
 * Every intermediate is freed, also when a kernel throws.
 */
function multiply(
  backend: BackendWasm,
  a: Info,
  b: Info,
  transposeA: boolean,
  transposeB: boolean,
  plan: Plan,
  product: Product,
): Info {
  const { m, k, n, batchA, batchB } = plan;
  const temporaries: Info[] = [];
  const keep = (t: Info) => (temporaries.push(t), t);
  const reshape = (x: Info, shape: number[]) =>
    keep(run("Reshape", { inputs: { x }, backend, attrs: { shape } }));
  const transpose = (x: Info) => keep(transposeStack(backend, x));
  try {
    const storedA = reshape(a, transposeA ? [batchA, k, m] : [batchA, m, k]);
    const storedB = reshape(b, transposeB ? [batchB, n, k] : [batchB, k, n]);
    if (batchB > 1) {
      const out = productInPlace(backend, storedA, storedB, plan, transposeA, transposeB);
      out.shape = plan.outShape;
      return out;
    }
    const a3 = transposeA ? transpose(storedA) : storedA;
    const b3 = transposeB ? transpose(storedB) : storedB;
    const out = product(batchA === 1 ? a3 : reshape(a3, [1, batchA * m, k]), b3);
    out.shape = plan.outShape;
    return out;
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** Each matrix of a `[batch, rows, cols]` stack transposed: in place per matrix when batched. */
function transposeStack(backend: BackendWasm, x: Info): Info {
  if (x.shape[0] > 1) return transposeInPlace(backend, x);
  return run("Transpose", { inputs: { x }, backend, attrs: { perm: [0, 2, 1] } });
}

/**
 * Whether `bᵀ · aᵀ` moves fewer entries than `a · b`: transposes (of operands stored
 * transposed the other way, and of the swapped product's result) plus packing the right
 * operand, unless it was {@linkcode seen} before.
 */
function swapPays(a: Info, b: Info, transposeA: boolean, transposeB: boolean, plan: Plan) {
  const { m, k, n, batchA, batchB } = plan;
  const moved = (entries: number, times: number) => times * (entries + DISPATCH);
  const kept = (x: Info, batch: number, stored: boolean) =>
    stored && batch === 1 && seen.has(x.dataId);
  const direct = (transposeA ? moved(m * k, batchA) : 0) + (transposeB ? moved(k * n, batchB) : 0) +
    (kept(b, batchB, !transposeB) ? 0 : PACK * k * n * batchB);
  const swapped = (transposeB ? 0 : moved(k * n, batchB)) +
    (transposeA ? 0 : moved(m * k, batchA)) +
    moved(m * n, Math.max(batchA, batchB)) +
    (kept(a, batchA, transposeA) ? 0 : PACK * k * m * batchA);
  return swapped < 0.75 * direct;
}

/** `BatchMatMul` in fast form, as `a · b` or as `(bᵀ · aᵀ)ᵀ`, whichever moves less. */
function batchMatMul(args: KernelArgs): Info {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const { a, b } = inputs as { a: Info; b: Info };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const base = FAST.original("BatchMatMul");
  const plan = planOf(a, b, transposeA, transposeB);
  if (plan === undefined) return base.kernelFunc(args) as Info;
  const product: Product = (ai, bi) =>
    base.kernelFunc({
      inputs: { a: ai, b: bi },
      backend,
      attrs: { transposeA: false, transposeB: false },
    }) as Info;
  const swap = swapPays(a, b, transposeA, transposeB, plan);
  if (!transposeB && plan.batchB === 1) seen.add(b.dataId);
  if (transposeA && plan.batchA === 1) seen.add(a.dataId);
  if (!swap) return multiply(backend, a, b, transposeA, transposeB, plan, product);
  const temporaries = [
    multiply(backend, b, a, !transposeB, !transposeA, swappedPlan(plan), product),
  ];
  try {
    const shape = [Math.max(plan.batchA, plan.batchB), plan.n, plan.m];
    const flat = run("Reshape", { inputs: { x: temporaries[0] }, backend, attrs: { shape } });
    temporaries.push(flat);
    const out = transposeStack(backend, flat);
    out.shape = plan.outShape;
    return out;
  } finally {
    for (const t of temporaries) backend.disposeData(t.dataId);
  }
}

/** The plan of `bᵀ · aᵀ`, given that of `a · b`. */
function swappedPlan({ m, n, batchA, batchB, outShape, k }: Plan): Plan {
  return {
    m: n,
    k,
    n: m,
    batchA: batchB,
    batchB: batchA,
    outShape: [...outShape.slice(0, -2), n, m],
  };
}

/** `_FusedMatMul` (product, bias, activation) in fast form. */
function fusedMatMul(args: KernelArgs): Info {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = inputs as {
    a: Info;
    b: Info;
    bias?: Info;
    preluActivationWeights?: Info;
  };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  const base = FAST.original("_FusedMatMul");
  const plan = planOf(a, b, transposeA, transposeB);
  // A batched b would need the fused C++ kernel per element: left to the original kernel.
  // XNNPACK adds a bias of exactly N entries (the wasm kernel's naive loop broadcasts others);
  // PReLU weights apply along the flat output, so per-row ones (N entries, or 1) keep their rows.
  const alphas = preluActivationWeights && tf.util.sizeFromShape(preluActivationWeights.shape);
  if (
    plan === undefined || plan.batchB > 1 ||
    (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== plan.n)) ||
    (alphas != null && alphas !== 1 && alphas !== plan.n)
  ) {
    return base.kernelFunc(args) as Info;
  }
  return multiply(backend, a, b, transposeA, transposeB, plan, (ai, bi) =>
    base.kernelFunc({
      inputs: { a: ai, b: bi, bias, preluActivationWeights } as tf.NamedTensorInfoMap,
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false },
    }) as Info);
}

const FAST = new WasmKernelOverride("fast wasm matMul", {
  BatchMatMul: batchMatMul as tf.KernelFunc,
  _FusedMatMul: fusedMatMul as tf.KernelFunc,
});

/**
 * Overrides tfjs-backend-wasm's `BatchMatMul` and `_FusedMatMul` kernels with their fast forms
 * (see the module's documentation); the originals' set-up still runs when the backend starts.
 * Idempotent. Results equal the original kernels' to float32 rounding (sums in another order).
 *
 * @throws {Error} when tfjs-backend-wasm is not imported (it registers the kernels)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initBackend } from "./tfjs_backend.ts";
 * import { registerWasmFastMatMul } from "./_wasm_fast_matmul.ts";
 *
 * await initBackend("wasm"); // registers them already; again is harmless
 * registerWasmFastMatMul();
 * const a = tf.ones([64, 32]);
 * const product = tf.matMul(a, a, true, false); // aᵀa, through one transpose and XNNPACK
 * assert.deepEqual(product.shape, [32, 32]);
 * assert.equal(product.dataSync()[0], 64);
 * tf.dispose([a, product]);
 * ```
 */
export function registerWasmFastMatMul(): void {
  FAST.register();
}

/**
 * Restores tfjs-backend-wasm's own `BatchMatMul` and `_FusedMatMul` kernels (to compare
 * against them in tests and benchmarks). Does nothing when they were never overridden.
 */
export function unregisterWasmFastMatMul(): void {
  FAST.restore();
}
