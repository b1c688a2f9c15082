/**
 * A bias's two kernels on wasm, four channels at a time on tfjs-backend-wasm's own heap
 * (`heap_kernels.wat`): `Sum` over a run of axes before the last (the gradient of a bias added
 * to [batch, …, channels] activations, per node in a node block; tfjs-backend-wasm transposes the
 * whole tensor first, then sums) and `Add` of a tensor broadcast over such a run (the bias add
 * of a convolution in training, where tfjs keeps it apart from the convolution). Both give tfjs-backend-wasm's own
 * bits (each sum from +0 in row order; additions in the same operand order; tested against the
 * originals); every other form goes to the original kernels.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { WasmKernelOverride } from "./_wasm_kernels.ts";
import { heapKernels } from "./_wasm_heap.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

/**
 * [outer, rows, inner] for axes `axes` (sorted) of `shape` when they are one contiguous run that
 * leaves the last axis out (the rows), else null.
 */
function rowsOf(
  shape: readonly number[],
  axes: readonly number[],
): [number, number, number] | null {
  const first = axes[0], last = axes.at(-1)!;
  if (!axes.length || last >= shape.length - 1 || last - first !== axes.length - 1) return null;
  return [
    tf.util.sizeFromShape(shape.slice(0, first)),
    tf.util.sizeFromShape(shape.slice(first, last + 1)),
    tf.util.sizeFromShape(shape.slice(last + 1)),
  ];
}

/**
 * `Sum` of a float32 tensor over a run of axes before the last (a bias's gradient: the rows of
 * [outer, rows, inner], each output from +0 in row order), in SIMD; else the original.
 */
function sum(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: Info };
  const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const layout = x.dtype === "float32" && tf.util.sizeFromShape(x.shape) > 0
    ? rowsOf(x.shape, axes)
    : null;
  const kernels = layout ? heapKernels(backend) : null;
  if (!kernels || !layout) return BIAS.original("Sum").kernelFunc(args) as Info;
  const [outer, rows, inner] = layout;
  const shape = x.shape.flatMap((n, k) => axes.includes(k) ? (keepDims ? [1] : []) : [n]);
  const out = backend.makeOutput(shape, "float32");
  // Views taken after makeOutput, which may grow (and so detach) the heap.
  const input = backend.typedArrayFromHeap(x), output = backend.typedArrayFromHeap(out);
  for (let o = 0; o < outer; o++) {
    const from = input.byteOffset + 4 * o * rows * inner;
    kernels.sumRows(from, output.byteOffset + 4 * o * inner, rows, inner);
  }
  return out;
}

/**
 * [outer, rows, inner] when `row` (left-padded with ones) equals `full` but for ones on one run
 * of axes before the last, which it broadcasts over; else null.
 */
function broadcastRows(row: Info, full: Info): [number, number, number] | null {
  const f = full.shape;
  if (row.shape.length > f.length || tf.util.sizeFromShape(f) === 0) return null;
  const r = [...Array(f.length - row.shape.length).fill(1), ...row.shape];
  const axes: number[] = [];
  for (let k = 0; k < f.length; k++) {
    if (r[k] === f[k]) continue;
    if (r[k] !== 1) return null;
    axes.push(k);
  }
  return rowsOf(f, axes);
}

/**
 * `Add` of a float32 tensor and one broadcast over a run of its axes before the last (a bias
 * add: out[o, r, i] = full[o, r, i] + row[o, i], operands in their order), in SIMD; else the
 * original.
 */
function add(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { a, b } = args.inputs as { a: Info; b: Info };
  const floats = a.dtype === "float32" && b.dtype === "float32";
  const second = floats ? broadcastRows(b, a) : null;
  const first = floats && !second ? broadcastRows(a, b) : null;
  const layout = second ?? first;
  const kernels = layout ? heapKernels(backend) : null;
  if (!kernels || !layout) return BIAS.original("Add").kernelFunc(args) as Info;
  const [outer, rows, inner] = layout;
  const [full, row] = second ? [a, b] : [b, a];
  const out = backend.makeOutput(full.shape, "float32");
  const values = backend.typedArrayFromHeap(full), bias = backend.typedArrayFromHeap(row);
  const output = backend.typedArrayFromHeap(out);
  for (let o = 0; o < outer; o++) {
    const at = 4 * o * rows * inner;
    kernels.addRow(
      values.byteOffset + at,
      bias.byteOffset + 4 * o * inner,
      output.byteOffset + at,
      rows,
      inner,
      second ? 0 : 1,
    );
  }
  return out;
}

const BIAS = new WasmKernelOverride("wasm bias kernels", {
  Sum: sum as tf.KernelFunc,
  Add: add as tf.KernelFunc,
});

/**
 * Overrides tfjs-backend-wasm's `Sum` and `Add` with the bias forms above (others fall back);
 * idempotent.
 *
 * @throws {Error} when tfjs-backend-wasm is not imported (it registers the kernels)
 */
export function registerWasmBias(): void {
  BIAS.register();
}

/** Restores tfjs-backend-wasm's own `Sum` and `Add` (to compare against them); idempotent. */
export function unregisterWasmBias(): void {
  BIAS.restore();
}
