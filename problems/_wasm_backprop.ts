/**
 * Fast wasm kernels for a CNN's backward pass, where tfjs-backend-wasm 4.22.0 runs naive loops
 * (on a 16-node block of seed 003's CNN: 140 ms of a 340 ms step in `Conv2DBackpropInput`,
 * 58 ms in `MaxPoolGrad`):
 *
 * - `Conv2DBackpropInput` (stride 1, NHWC, no dilation): the input gradient is the "full"
 *   correlation of dy with the filter flipped in space and its channels swapped,
 *   dx[b, i, j, ci] = Σ dy[b, i + kh' − (fh − 1 − top), j + kw' − (fw − 1 − left), co] ·
 *   W[fh − 1 − kh', fw − 1 − kw', ci, co], i.e. one wasm `Conv2D` (XNNPACK) of dy, padded by
 *   fh − 1 − top above and what keeps the input's height below (likewise in width), by
 *   `Reverse`+`Transpose` of W.
 * - `MaxPoolGrad` (no dilation, any window, stride and padding): dy added at each window's
 *   first maximal input, as tfjs's cpu kernel does, four channels at a time in WebAssembly SIMD
 *   (`heap_kernels.wat`, instantiated on tfjs-backend-wasm's own memory), or in one
 *   JavaScript pass over views of the heap when that memory is not reachable.
 *
 * Other forms go to the original kernels. Results equal the cpu backend's to float32 rounding
 * (the convolution sums in XNNPACK's order).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import { WasmKernelOverride } from "./_wasm_kernels.ts";
import { type HeapKernels, heapKernels } from "./_wasm_heap.ts";

type KernelArgs = Parameters<tf.KernelFunc>[0];
type Info = tf.TensorInfo;

/** Runs a registered wasm kernel by name. */
function run(name: string, args: KernelArgs): Info {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) {
    throw new Error(
      `Cannot compute a gradient on wasm: tfjs-backend-wasm must register ${name}, received none`,
    );
  }
  return kernel.kernelFunc(args) as Info;
}

/** `[h, w]` of a number or pair. */
function pair(value: number | [number, number]): [number, number] {
  return typeof value === "number" ? [value, value] : value;
}

/** The input gradient of a stride-1, channels-last 2-D convolution, by one convolution. */
function conv2DBackpropInput(args: KernelArgs): Info {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs as { dy: Info; filter: Info };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const [strideHeight, strideWidth] = pair(strides);
  if (
    strideHeight !== 1 || strideWidth !== 1 || (dataFormat ?? "NHWC") !== "NHWC" ||
    dy.dtype !== "float32" || filter.dtype !== "float32"
  ) {
    return FAST.original("Conv2DBackpropInput").kernelFunc(args) as Info;
  }
  const [fh, fw] = filter.shape;
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    1,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, left } = info.padInfo;
  const [, inHeight, inWidth] = inputShape;
  const [, dyHeight, dyWidth] = dy.shape;
  const padTop = fh - 1 - top, padLeft = fw - 1 - left;
  const padBottom = inHeight - dyHeight - padTop + fh - 1;
  const padRight = inWidth - dyWidth - padLeft + fw - 1;
  const temporaries: Info[] = [];
  const keep = (t: Info) => (temporaries.push(t), t);
  try {
    const flipped = keep(
      run("Reverse", { inputs: { x: filter }, backend, attrs: { dims: [0, 1] } }),
    );
    const swapped = keep(
      run("Transpose", { inputs: { x: flipped }, backend, attrs: { perm: [0, 1, 3, 2] } }),
    );
    return run("Conv2D", {
      inputs: { x: dy, filter: swapped },
      backend,
      attrs: {
        strides: [1, 1],
        dilations: [1, 1],
        pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]],
        dataFormat: "NHWC",
      } as unknown as tf.NamedAttrMap,
    });
  } finally {
    for (const t of temporaries) (backend as tf.KernelBackend).disposeData(t.dataId);
  }
}

/** dx of a 2-D max pooling: dy added at each window's first maximal input. */
function maxPoolGrad(args: KernelArgs): Info {
  const { inputs, attrs } = args;
  const backend = args.backend as BackendWasm;
  const { dy, input } = inputs as { dy: Info; input: Info };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (dy.dtype !== "float32" || input.dtype !== "float32") {
    return FAST.original("MaxPoolGrad").kernelFunc(args) as Info;
  }
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = backend.makeOutput(input.shape, "float32");
  // Views taken after makeOutput, which may grow (and so detach) the heap.
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  const kernels = heapKernels(backend); // on the heap these three views share
  if (kernels) maxPoolGradSimd(kernels, x, g, dx, info);
  else maxPoolGradLoop(x, g, dx, info);
  return out;
}

/**
 * `maxPoolGradLoop` in WebAssembly SIMD, on views of one wasm memory that `kernels` run on
 * (bit-identical: tested against the loop).
 */
export function maxPoolGradSimd(
  kernels: HeapKernels,
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { top, left } = info.padInfo;
  kernels.maxPoolGrad(
    x.byteOffset,
    dy.byteOffset,
    dx.byteOffset,
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.strideHeight,
    info.strideWidth,
    info.filterHeight,
    info.filterWidth,
    top,
    left,
  );
}

/**
 * dx (overwritten) of a max pooling with geometry `info`: dy added at each window's first
 * maximal input (strict >, so NaN never wins and an all-NaN window adds nothing).
 */
export function maxPoolGradLoop(
  x: Float32Array,
  g: Float32Array,
  dx: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): void {
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  const rowStride = inWidth * channels, imageStride = inHeight * rowStride;
  // Channels innermost (contiguous in NHWC): each window position is one pass over them. A
  // channel keeps the first maximal input in window order (strict >), as one at a time did,
  // and each dx entry receives its additions in the same (row, column) order.
  const best = new Float32Array(channels), where = new Int32Array(channels);
  let at = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * imageStride;
    for (let r = 0; r < outHeight; r++) {
      const r0 = Math.max(0, r * strideHeight - top);
      const r1 = Math.min(inHeight, r * strideHeight - top + filterHeight);
      for (let c = 0; c < outWidth; c++, at += channels) {
        const c0 = Math.max(0, c * strideWidth - left);
        const c1 = Math.min(inWidth, c * strideWidth - left + filterWidth);
        for (let ch = 0; ch < channels; ch++) {
          best[ch] = -Infinity;
          where[ch] = -1;
        }
        for (let i = r0; i < r1; i++) {
          for (let j = c0; j < c1; j++) {
            const base = image + i * rowStride + j * channels;
            for (let ch = 0; ch < channels; ch++) {
              const value = x[base + ch];
              if (value > best[ch]) {
                best[ch] = value;
                where[ch] = base + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < channels; ch++) {
          if (where[ch] >= 0) dx[where[ch]] += g[at + ch];
        }
      }
    }
  }
}

const FAST = new WasmKernelOverride("fast wasm gradients", {
  Conv2DBackpropInput: conv2DBackpropInput as tf.KernelFunc,
  MaxPoolGrad: maxPoolGrad as tf.KernelFunc,
});

/**
 * Overrides tfjs-backend-wasm's `Conv2DBackpropInput` and `MaxPoolGrad` with the fast forms
 * (see the module's documentation); idempotent.
 *
 * @throws {Error} when tfjs-backend-wasm is not imported (it registers the kernels)
 */
export function registerWasmBackprop(): void {
  FAST.register();
}

/** Restores tfjs-backend-wasm's own kernels (to compare against them); idempotent. */
export function unregisterWasmBackprop(): void {
  FAST.restore();
}
