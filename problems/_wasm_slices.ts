/**
 * tfjs-backend-wasm 4.22.0's `Slice` reads its whole input out of the wasm heap (a copy,
 * `readSync`) before copying the slice out of that copy, and its `SplitV` slices once per
 * part: splitting a tensor in n parts copies it n times (a 16-node CNN block: 130 ms of a
 * 480 ms step). The kernels registered here copy a contiguous slice straight from a view of
 * the heap; other slices go to the original `Slice`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { WasmKernelOverride } from "./_wasm_kernels.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** `x[begin : begin + size]`, copied from a heap view when contiguous. */
function sliceOf(backend: BackendWasm, x: tf.TensorInfo, begin: number[], size: number[]) {
  const [start, extent] = tf.slice_util.parseSliceParams(
    x as tf.TensorInfo as tf.Tensor,
    begin,
    size,
  );
  if (x.dtype === "string" || !tf.slice_util.isSliceContinous(x.shape, start, extent)) {
    return SLICES.original("Slice").kernelFunc({
      inputs: { x },
      backend,
      attrs: { begin, size },
    }) as tf.TensorInfo;
  }
  const offset = tf.slice_util.computeFlatOffset(start, tf.util.computeStrides(x.shape));
  const out = backend.makeOutput(extent, x.dtype);
  // Views taken after makeOutput, which may grow (and so detach) the heap.
  const source = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(
    source.subarray(offset, offset + tf.util.sizeFromShape(extent)),
  );
  return out;
}

/** `Slice`, contiguous slices from a heap view. */
function slice(args: KernelArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as unknown as { begin: number[]; size: number[] };
  return sliceOf(args.backend as BackendWasm, x, begin, size);
}

/** `SplitV`: one slice per part along `axis`. */
function splitV(args: KernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as tf.SplitVAttrs;
  const $axis = tf.util.parseAxisParam(axis, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, $axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[$axis] = part;
    const out = sliceOf(args.backend as BackendWasm, x, [...begin], size);
    begin[$axis] += part;
    return out;
  });
}

const SLICES = new WasmKernelOverride("wasm slices", {
  Slice: slice as tf.KernelFunc,
  SplitV: splitV as tf.KernelFunc,
});

/**
 * Registers the `Slice` and `SplitV` kernels for wasm; idempotent. Results are tfjs's own
 * (copies of the same entries).
 *
 * @throws {Error} when tfjs-backend-wasm is not imported (it registers `Slice` and `SplitV`)
 */
export function registerWasmSlices(): void {
  SLICES.register();
}
