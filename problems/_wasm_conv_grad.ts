/**
 * tfjs-backend-wasm 4.22.0 has no `Conv2DBackpropFilter` kernel, so a CNN's filter gradient
 * throws there. This registers one built from the wasm `Transpose` and `Conv2D` kernels: for a
 * stride-1 convolution, dW[kh, kw, ci, co] = Σ_{b,h,w} x[b, h + kh, w + kw, ci] · dy[b, h, w, co]
 * is itself a convolution of x (as [Cin, H, W, B]) by dy (as [OH, OW, B, Cout]).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Runs a registered wasm kernel by name. */
function run(name: string, args: KernelArgs): tf.TensorInfo {
  const kernel = tf.getKernel(name, "wasm");
  if (kernel === undefined) throw new Error(`Cannot compute conv filter gradient: no wasm ${name}`);
  return kernel.kernelFunc(args) as tf.TensorInfo;
}

/** The filter gradient of a stride-1, channels-last 2-D convolution. */
function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const [strideHeight, strideWidth] = typeof strides === "number" ? [strides, strides] : strides;
  if (strideHeight !== 1 || strideWidth !== 1 || (dataFormat ?? "NHWC") !== "NHWC") {
    throw new Error(
      `Cannot compute conv filter gradient on wasm: only stride 1 and NHWC are supported, received strides ${strides} and ${dataFormat}`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    1,
    1,
    pad,
    dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  const xt = run("Transpose", { inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } });
  const dyt = run("Transpose", { inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } });
  const product = run("Conv2D", {
    inputs: { x: xt, filter: dyt },
    backend,
    attrs: {
      strides: [1, 1],
      dilations: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: "NHWC",
    } as unknown as tf.NamedAttrMap,
  });
  const result = run("Transpose", {
    inputs: { x: product },
    backend,
    attrs: { perm: [1, 2, 0, 3] },
  });
  const owner = backend as tf.KernelBackend;
  for (const temporary of [xt, dyt, product]) owner.disposeData(temporary.dataId);
  return result;
}

/** Registers the kernel once, unless a later tfjs-backend-wasm brings its own. */
export function registerWasmConvFilterGradient(): void {
  if (tf.getKernel("Conv2DBackpropFilter", "wasm") !== undefined) return;
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: conv2DBackpropFilter,
  });
}
