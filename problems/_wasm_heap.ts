/**
 * gossim's kernels that run on tfjs-backend-wasm's own heap (`heap_kernels.wat`: MaxPoolGrad, a
 * bias's gradient and the bias add, float32, four channels at a time), instantiated once per
 * tfjs memory. tfjs's tensors are addressed by the byte offsets of their heap views
 * (`backend.typedArrayFromHeap`).
 *
 * @module
 */
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { HEAP_KERNELS_WASM } from "./_heap_kernels_wasm.ts";

/** The heap kernels' exports; addresses are byte offsets into tfjs-backend-wasm's heap. */
export interface HeapKernels {
  /** dx of a max pooling (see `maxPoolGradLoop`); the shape as 12 integers. */
  maxPoolGrad(x: number, dy: number, dx: number, ...shape: number[]): void;
  /** out[c] = Σ_r x[r, c], each summed from +0 in row order. */
  sumRows(x: number, out: number, rows: number, cols: number): void;
  /** out[r, c] = a[r, c] + row[c] (`rowFirst` 1: row[c] + a[r, c]). */
  addRow(a: number, row: number, out: number, rows: number, cols: number, rowFirst: number): void;
}

/** The compiled module, shared by its instances. */
let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, HeapKernels>();

/** The heap kernels instantiated on `backend`'s own memory, or null if it is hidden. */
export function heapKernels(backend: BackendWasm): HeapKernels | null {
  const memory = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  let kernels = instances.get(memory);
  if (!kernels) {
    compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(HEAP_KERNELS_WASM));
    kernels = new WebAssembly.Instance(compiled, { env: { memory } })
      .exports as unknown as HeapKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}
