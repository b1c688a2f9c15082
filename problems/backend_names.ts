/**
 * The names of TensorFlow.js backends gossim knows, kept apart from the backends themselves
 * so that validating a config does not load TensorFlow.js.
 *
 * @module
 */

/** The names `initBackend` accepts, `"wasm"` (the default) first. */
export const BACKEND_NAMES: readonly ["wasm", "cpu", "tensorflow", "tensorflow-gpu", "webgpu"] =
  Object.freeze(["wasm", "cpu", "tensorflow", "tensorflow-gpu", "webgpu"] as const);

/** The backends `initBackend` knows. */
export type BackendName = typeof BACKEND_NAMES[number];
