/**
 * tfjs-backend-wasm's `Identity` kernel copies its input. tfjs's engine calls it to save every
 * tensor a gradient needs (`tf.clone`), so a training step copies its weights and activations
 * once more (on the MLP with 16 nodes stacked: 43 copies, ~7% of a step). Tensors are immutable
 * and no wasm kernel writes into its inputs, so the `Identity` registered here shares the
 * input's data instead (a reference count, as wasm's own `Reshape` and the cpu backend's
 * `Identity` do). String tensors keep the original kernel.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { WasmKernelOverride } from "./_wasm_kernels.ts";

/** `Identity` by sharing: the output is the input's data under a new reference. */
function sharedIdentity(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === "string") return IDENTITY.original("Identity").kernelFunc(args) as tf.TensorInfo;
  (args.backend as tf.KernelBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

const IDENTITY = new WasmKernelOverride("wasm Identity", {
  Identity: sharedIdentity as tf.KernelFunc,
});

/**
 * Registers the sharing `Identity` for wasm; idempotent.
 *
 * @throws {Error} when tfjs-backend-wasm is not imported (it registers the kernel)
 */
export function registerWasmSharedIdentity(): void {
  IDENTITY.register();
}
