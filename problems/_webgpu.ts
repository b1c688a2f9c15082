/**
 * WebGPU in Deno for tfjs-backend-webgpu: finding an adapter, tuning tfjs for a software
 * adapter, and checking that the device computes.
 *
 * Measured here (Deno 2.9.6, Mesa 22.3 llvmpipe through EGL, no GPU): `navigator.gpu` needs no
 * flag, in Workers too, and each Worker opens its own device on the adapter. llvmpipe compiles
 * every new shader with LLVM the first time (then Mesa caches it on disk); tfjs's default
 * "packed" matMul and conv2d shaders take 10–34 s each to compile there, its "small output"
 * matMul ~1 s and its conv2d as im2col + matMul ~0.8 s, so on a software adapter gossim asks
 * tfjs for those (a CNN block's first gradient on a cold cache: 35 s → 4 s).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** What gossim needs to know of a WebGPU adapter. */
export interface WebGpuAdapterInfo {
  /** The adapter's description, e.g. `"llvmpipe (LLVM 15.0.6, 256 bits)"`. */
  readonly description: string;
  /** True for a software (CPU) adapter: fine for correctness, not for speed. */
  readonly software: boolean;
}

/** The slice of `GPUAdapter` read here. */
interface Adapter {
  readonly info?: { readonly description?: string; readonly isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
}

/** Software rasterisers that Deno's WebGPU may find. */
const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|warp/i;

/**
 * The adapter `navigator.gpu.requestAdapter()` answers here, or `undefined` when there is
 * none (no `navigator.gpu`, or a null adapter).
 */
export async function findWebGpuAdapter(): Promise<WebGpuAdapterInfo | undefined> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return undefined;
  const description = adapter.info?.description ?? "";
  const fallback = adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false;
  return { description, software: fallback || SOFTWARE.test(description) };
}

/** tfjs-backend-webgpu's `MatMulSmallOutputSizeProgram`: quick to compile on llvmpipe. */
const SMALL_OUTPUT_MATMUL = 2;

/**
 * Sets the tfjs flags that keep a software adapter's shader compilation short (call it after
 * importing tfjs-backend-webgpu, which registers them).
 */
export function tuneForSoftwareAdapter(): void {
  tf.env().set("WEBGPU_MATMUL_PROGRAM_TYPE", SMALL_OUTPUT_MATMUL);
  tf.env().set("WEBGPU_CONV_SEPARATE_IM2COL_SHADER", true);
}

/**
 * tfjs-backend-webgpu in Deno reads only asynchronously (it has no OffscreenCanvas): a product
 * computed on the device and read back by `await data()` checks that the device works.
 *
 * @throws {Error} when the product fails or is wrong
 */
export async function checkDeviceComputes(): Promise<void> {
  const product = tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])));
  try {
    const values = await product.data();
    if (values[0] !== 64) {
      throw new Error(
        `Cannot use the WebGPU device: 64 × 64 ones squared gave ${values[0]}, not 64`,
      );
    }
  } finally {
    product.dispose();
  }
}
