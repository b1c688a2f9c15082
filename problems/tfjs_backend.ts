/**
 * Chooses TensorFlow.js's backend, once per process or Worker, and checks that it is the one
 * asked for: tfjs silently falls back to `cpu` when `wasm` cannot load its `.wasm` files
 * (DESIGN.md §6), so a mismatch here is an error, never a silent downgrade.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmBackprop } from "./_wasm_backprop.ts";
import { registerWasmBias } from "./_wasm_bias.ts";
import { registerWasmConvFilterGradient } from "./_wasm_conv_grad.ts";
import { registerWasmFastMatMul } from "./_wasm_fast_matmul.ts";
import { registerWasmSharedIdentity } from "./_wasm_identity.ts";
import { registerWasmSlices } from "./_wasm_slices.ts";
import { BACKEND_NAMES, type BackendName } from "./backend_names.ts";
import { checkDeviceComputes, findWebGpuAdapter, tuneForSoftwareAdapter } from "./_webgpu.ts";

/** The backend names, re-exported beside the backends. */
export { BACKEND_NAMES, type BackendName };
/** The WebGPU adapter Deno finds here, if any (to check before asking for `"webgpu"`). */
export { findWebGpuAdapter, type WebGpuAdapterInfo } from "./_webgpu.ts";

/**
 * A known backend that cannot run here: its package failed to load, or tfjs did not switch to
 * it. Callers catch it to report the fix or to choose another backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { BackendUnavailableError } from "./tfjs_backend.ts";
 *
 * const error = new BackendUnavailableError("webgpu", "navigator.gpu is undefined");
 * assert.equal(error.backend, "webgpu");
 * assert.match(error.message, /webgpu/);
 * ```
 */
export class BackendUnavailableError extends Error {
  /** The backend that was asked for. */
  readonly backend: BackendName;

  /**
   * Creates the error; its message names the backend and the reason.
   *
   * @param backend the backend asked for
   * @param reason why it cannot run, and the fix where there is one
   * @param options the underlying error, if any
   */
  constructor(backend: BackendName, reason: string, options?: ErrorOptions) {
    super(`Cannot initialise TensorFlow.js backend "${backend}": ${reason}`, options);
    this.name = "BackendUnavailableError";
    this.backend = backend;
  }
}

/**
 * Native and GPU backends: the package (imported by its bare name, so it must be in the import
 * map: nothing is downloaded behind the user's back), the tfjs name it registers, and the fix.
 */
const OPTIONAL: Record<"tensorflow" | "tensorflow-gpu" | "webgpu", {
  specifier: string;
  registers: string;
  hint: string;
}> = {
  "tensorflow": {
    specifier: "@tensorflow/tfjs-node",
    registers: "tensorflow",
    hint: 'add "@tensorflow/tfjs-node": "npm:@tensorflow/tfjs-node@4.22.0" to deno.json ' +
      '"imports", set "nodeModulesDir": "auto" and run ' +
      "`deno install --allow-scripts=npm:@tensorflow/tfjs-node` on a machine where its install " +
      "script can download libtensorflow",
  },
  "tensorflow-gpu": {
    specifier: "@tensorflow/tfjs-node-gpu",
    registers: "tensorflow",
    hint: 'add "@tensorflow/tfjs-node-gpu": "npm:@tensorflow/tfjs-node-gpu@4.22.0" to deno.json ' +
      '"imports", set "nodeModulesDir": "auto" and run ' +
      "`deno install --allow-scripts=npm:@tensorflow/tfjs-node-gpu` on a machine where its " +
      "install script can download libtensorflow's GPU build (needs CUDA and cuDNN)",
  },
  "webgpu": {
    specifier: "@tensorflow/tfjs-backend-webgpu",
    registers: "webgpu",
    hint: 'keep "@tensorflow/tfjs-backend-webgpu": "npm:@tensorflow/tfjs-backend-webgpu@4.22.0" ' +
      'in deno.json "imports" and run where Deno\'s WebGPU finds an adapter',
  },
};

let initialised: Promise<BackendName> | undefined;
let initialisedName: BackendName | undefined;

/**
 * Selects tfjs's backend and waits until it is ready. Repeated calls with the same name reuse
 * the first initialisation; a different name switches backend.
 *
 * - `"wasm"` (default): `@tensorflow/tfjs-backend-wasm`, its `.wasm` files read from the
 *   package's folder (needs read access to Deno's npm cache or `node_modules`).
 * - `"cpu"`: the pure-JavaScript backend, always available, ~30× slower.
 * - `"tensorflow"`, `"tensorflow-gpu"`, `"webgpu"`: imported on demand from
 *   `@tensorflow/tfjs-node`, `-node-gpu` and `@tensorflow/tfjs-backend-webgpu`, which must be
 *   in the import map (they are not by default: the error names the fix).
 *
 * @param name the backend
 * @returns the backend's name, once `tf.getBackend()` reports it
 * @throws {TypeError} when `name` is not a known backend
 * @throws {BackendUnavailableError} when the backend cannot load, or tfjs ended on another one
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { initBackend } from "./tfjs_backend.ts";
 *
 * assert.equal(await initBackend("cpu"), "cpu");
 * ```
 */
export function initBackend(name: BackendName = "wasm"): Promise<BackendName> {
  if (!BACKEND_NAMES.includes(name)) {
    return Promise.reject(
      new TypeError(
        `Cannot initialise TensorFlow.js backend: name must be one of ${
          BACKEND_NAMES.join(", ")
        }, received ${JSON.stringify(name)}`,
      ),
    );
  }
  if (initialised === undefined || initialisedName !== name) {
    initialisedName = name;
    initialised = load(name);
    initialised.catch(() => {
      if (initialisedName === name) initialised = initialisedName = undefined;
    });
  }
  return initialised;
}

/** Loads, selects and checks one backend. */
async function load(name: BackendName): Promise<BackendName> {
  let tfName: string = name;
  if (name === "wasm") {
    setWasmPaths(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm")).href);
    registerWasmConvFilterGradient();
    registerWasmFastMatMul();
    registerWasmSharedIdentity();
    registerWasmSlices();
    registerWasmBackprop();
    registerWasmBias();
  } else if (name !== "cpu") {
    tfName = OPTIONAL[name].registers;
    await loadOptional(name);
  }
  let switched = false;
  try {
    switched = await tf.setBackend(tfName);
    await tf.ready();
  } catch (error) {
    throw new BackendUnavailableError(name, (error as Error).message, { cause: error });
  }
  if (name === "cpu") silenceFirstWriteNotice();
  if (name === "webgpu") await checkAsynchronousReads();
  else checkSynchronousReads(name);
  const active = tf.getBackend();
  if (!switched || active !== tfName) {
    throw new BackendUnavailableError(
      name,
      `tfjs is running "${active}" instead${
        name === "wasm"
          ? " (is the folder of tfjs-backend-wasm's .wasm files readable? grant --allow-read on Deno's npm cache)"
          : ""
      }`,
    );
  }
  return name;
}

/**
 * gossim's gradient path reads results synchronously (`dataSync`) on every backend but WebGPU;
 * a backend that cannot is refused up front.
 */
function checkSynchronousReads(name: BackendName): void {
  try {
    // Large enough that a GPU backend computes it on the device rather than on the CPU.
    tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).dataSync());
  } catch (error) {
    throw new BackendUnavailableError(
      name,
      `it cannot read results synchronously here (${
        (error as Error).message
      }), which gossim's gradient computation needs; use "wasm" or "cpu"`,
      { cause: error },
    );
  }
}

/** The device computes a product (WebGPU, which reads only asynchronously in Deno). */
async function checkAsynchronousReads(): Promise<void> {
  try {
    await checkDeviceComputes();
  } catch (error) {
    throw new BackendUnavailableError(
      "webgpu",
      `the device did not compute a product (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * Runs `body` with tfjs's active backend switched to `name`, then switches back. The switch is
 * synchronous for a backend that {@linkcode initBackend} has initialised; tensors created in
 * `body` live on `name`. A WebGPU neural problem evaluates on wasm this way, since evaluations
 * read results synchronously.
 *
 * @param name the backend to run on, already initialised
 * @param body the computation
 * @returns what `body` returns
 * @throws {Error} when `name` was not initialised in this process or Worker
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import * as tf from "@tensorflow/tfjs-core";
 * import { initBackend, onBackend } from "./tfjs_backend.ts";
 *
 * await initBackend("cpu");
 * await initBackend("wasm");
 * assert.equal(onBackend("cpu", () => tf.getBackend()), "cpu");
 * assert.equal(tf.getBackend(), "wasm");
 * ```
 */
export function onBackend<T>(name: BackendName, body: () => T): T {
  const previous = tf.getBackend();
  if (previous === name) return body();
  const tfName = name === "tensorflow-gpu" ? "tensorflow" : name;
  if (tf.engine().registry[tfName] === undefined) {
    throw new Error(
      `Cannot switch to TensorFlow.js backend "${name}": it must be initialised first (initBackend), received a switch from "${previous}"`,
    );
  }
  void tf.setBackend(tfName); // synchronous: the backend is registered and initialised
  try {
    return body();
  } finally {
    void tf.setBackend(previous);
  }
}

/** Imports an optional backend's package, or explains why it cannot run and how to fix it. */
async function loadOptional(name: "tensorflow" | "tensorflow-gpu" | "webgpu"): Promise<void> {
  const { specifier, hint } = OPTIONAL[name];
  if (name === "webgpu") {
    const adapter = await findWebGpuAdapter();
    if (adapter === undefined) {
      throw new BackendUnavailableError(
        name,
        `no WebGPU adapter is available here (navigator.gpu.requestAdapter() answered null or navigator.gpu is undefined); without a GPU, install Mesa's software drivers (Debian: apt-get install libegl-mesa0 libgl1-mesa-dri, or mesa-vulkan-drivers); ${hint}`,
      );
    }
  }
  try {
    await import(specifier);
  } catch (error) {
    throw new BackendUnavailableError(
      name,
      `${specifier} could not be loaded (${(error as Error).message}); ${hint}`,
      { cause: error },
    );
  }
  if (name === "webgpu" && (await findWebGpuAdapter())?.software) tuneForSoftwareAdapter();
}

/**
 * The cpu backend prints "Hi, looks like you are running TensorFlow.js in Node.js…" on its first
 * tensor; gossim chooses backends on purpose, so that first write happens here, silenced.
 */
function silenceFirstWriteNotice(): void {
  const flags = tf.env();
  const wasTest = flags.getBool("IS_TEST");
  flags.set("IS_TEST", true);
  try {
    tf.tensor1d([0]).dispose();
  } finally {
    flags.set("IS_TEST", wasTest);
  }
}
