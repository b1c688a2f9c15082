/**
 * Products and transposes of stacked matrices computed in place on tfjs-backend-wasm: each
 * batch element goes to the backend's C++ kernel (`BatchMatMul`: XNNPACK's path for a batch-1,
 * untransposed product; `Transpose`: its 2-D path, 4× faster than its generic 3-D one) as a
 * view of its stack, a tensor id registered on a slice of the wasm heap, and its result is
 * written into its slice of one output tensor. Nothing is copied; the views' ids are released
 * after each call (which also frees the operator XNNPACK packed for them), never the memory
 * they view.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type Info = tf.TensorInfo;

/** How one product runs: sizes, batches and the output's shape. */
export interface Plan {
  /** Rows of each product. */
  readonly m: number;
  /** The inner dimension. */
  readonly k: number;
  /** Columns of each product. */
  readonly n: number;
  /** Matrices in `a` (1: broadcast). */
  readonly batchA: number;
  /** Matrices in `b` (1: broadcast). */
  readonly batchB: number;
  /** The result's shape, batch dimensions broadcast. */
  readonly outShape: number[];
}

/** The parts of tfjs-backend-wasm's backend that computing in place needs. */
interface WasmInternals {
  dataIdNextNumber: number;
  wasm: {
    cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
    tfjs: {
      registerTensor(id: number, size: number, offset: number): void;
      disposeData(id: number): void;
    };
  };
}

/** tfjs-backend-wasm's C++ `BatchMatMul`, on tensor ids. */
type CppBatchMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;

/** tfjs-backend-wasm's C++ `Transpose`, on tensor ids. */
type CppTranspose = (
  xId: number,
  xShape: Uint8Array,
  xRank: number,
  dtype: number,
  outId: number,
  perm: Uint8Array,
  permRank: number,
) => void;

/** The C++ kernels, wrapped once per backend. */
const cppKernels = new WeakMap<BackendWasm, { product: CppBatchMatMul; transpose: CppTranspose }>();

/** The C++ kernels of `backend`. */
function kernels(backend: BackendWasm) {
  let wrapped = cppKernels.get(backend);
  if (wrapped === undefined) {
    const { wasm } = backend as unknown as WasmInternals;
    const n = "number", array = "array";
    wrapped = {
      product: wasm.cwrap("BatchMatMul", null, [n, array, n, n, array, n, n, n, n]),
      transpose: wasm.cwrap("Transpose", null, [n, array, n, n, n, array, n]),
    } as { product: CppBatchMatMul; transpose: CppTranspose };
    cppKernels.set(backend, wrapped);
  }
  return wrapped;
}

/**
 * Calls `body` with a function that registers views (an id on `size` floats at byte `offset`),
 * then releases every view registered, also when `body` throws.
 */
function withViews<T>(
  backend: BackendWasm,
  body: (view: (offset: number, size: number) => number) => T,
): T {
  const internals = backend as unknown as WasmInternals;
  const { tfjs } = internals.wasm;
  const ids: number[] = [];
  try {
    return body((offset, size) => {
      const id = internals.dataIdNextNumber++;
      tfjs.registerTensor(id, size, offset);
      ids.push(id);
      return id;
    });
  } finally {
    for (const id of ids) tfjs.disposeData(id);
  }
}

/** The heap offset of a tensor's data. */
function offsetOf(backend: BackendWasm, x: Info): number {
  return backend.dataIdMap.get(x.dataId)!.memoryOffset;
}

/**
 * Each `[rows, cols]` matrix of a float32 `[batch, rows, cols]` stack transposed, as
 * `[batch, cols, rows]`, by the 2-D C++ transpose per element.
 */
export function transposeInPlace(backend: BackendWasm, x: Info): Info {
  const [batch, rows, cols] = x.shape;
  const out = backend.makeOutput([batch, cols, rows], "float32");
  const { transpose } = kernels(backend);
  const [from, to] = [offsetOf(backend, x), offsetOf(backend, out)];
  const [shape, perm] = [shapeBytes([rows, cols]), shapeBytes([1, 0])];
  const size = rows * cols;
  for (let i = 0; i < batch; i++) {
    withViews(backend, (view) => {
      transpose(
        view(from + i * size * 4, size),
        shape,
        2,
        0,
        view(to + i * size * 4, size),
        perm,
        2,
      );
    });
  }
  return out;
}

/** A rank-3 shape as the bytes the C++ kernels read. */
function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(Int32Array.from(shape).buffer);
}

/**
 * `a · b` of `[batchA, M, K]` by `[batchB, K, N]` (batches equal, or one of them 1), each
 * operand stored transposed (`[batch, K, M]`, `[batch, N, K]`) when asked: one XNNPACK product
 * per batch element on views of both stacks, written into one output. A transposed operand is
 * transposed element by element into a scratch matrix just before its product, so it is still
 * in cache when XNNPACK reads it (transposing a whole stack first costs 4× more here).
 */
export function productInPlace(
  backend: BackendWasm,
  a: Info,
  b: Info,
  plan: Plan,
  transposeA: boolean,
  transposeB: boolean,
): Info {
  const { m, k, n, batchA, batchB } = plan;
  const { product, transpose } = kernels(backend);
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput([batch, m, n], "float32");
  const scratch = [transposeA ? m * k : 0, transposeB ? k * n : 0].map((size) =>
    size > 0 ? backend.makeOutput([size], "float32") : undefined
  );
  try {
    const [offsetA, offsetB, offsetOut] = [a, b, out].map((x) => offsetOf(backend, x));
    const [scratchA, scratchB] = scratch.map((x) => x && offsetOf(backend, x));
    const [shapeA, shapeB] = [shapeBytes([1, m, k]), shapeBytes([1, k, n])];
    const [storedA, storedB, perm] = [shapeBytes([k, m]), shapeBytes([n, k]), shapeBytes([1, 0])];
    for (let i = 0; i < batch; i++) {
      // Fresh ids every element: XNNPACK keeps b packed per id, and releasing it frees that.
      withViews(backend, (view) => {
        let aId = view(offsetA + (batchA === 1 ? 0 : i) * m * k * 4, m * k);
        if (scratchA !== undefined) {
          transpose(aId, storedA, 2, 0, aId = view(scratchA, m * k), perm, 2);
        }
        let bId = view(offsetB + (batchB === 1 ? 0 : i) * k * n * 4, k * n);
        if (scratchB !== undefined) {
          transpose(bId, storedB, 2, 0, bId = view(scratchB, k * n), perm, 2);
        }
        product(
          aId,
          shapeA,
          3,
          bId,
          shapeB,
          3,
          false,
          false,
          view(offsetOut + i * m * n * 4, m * n),
        );
      });
    }
  } finally {
    for (const x of scratch) if (x !== undefined) backend.disposeData(x.dataId);
  }
  return out;
}
