/**
 * Replacing tfjs-backend-wasm kernels by name, and undoing it: the one mechanism behind
 * gossim's fast wasm kernels (matMul, backprop, slices, the sharing `Identity`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** A set of wasm kernels gossim replaces, with the originals it keeps. */
export class WasmKernelOverride {
  readonly #what: string;
  readonly #kernels: Readonly<Record<string, tf.KernelFunc>>;
  readonly #originals = new Map<string, tf.KernelConfig>();

  /**
   * @param what the set, for the error (e.g. `"fast wasm matMul"`)
   * @param kernels the replacing function of each kernel name
   */
  constructor(what: string, kernels: Readonly<Record<string, tf.KernelFunc>>) {
    this.#what = what;
    this.#kernels = kernels;
  }

  /**
   * Registers the replacements, keeping each original; idempotent.
   *
   * @throws {Error} when tfjs-backend-wasm is not imported (it registers the kernels)
   */
  register(): void {
    for (const [name, kernelFunc] of Object.entries(this.#kernels)) {
      const current = tf.getKernel(name, "wasm");
      if (current === undefined) {
        throw new Error(
          `Cannot register ${this.#what}: tfjs-backend-wasm registers no ${name} kernel, received none for backend "wasm"`,
        );
      }
      if (current.kernelFunc === kernelFunc) continue;
      this.#originals.set(name, current);
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel({ ...current, kernelFunc });
    }
  }

  /** Restores tfjs-backend-wasm's own kernels where replaced; idempotent. */
  restore(): void {
    for (const [name, kernelFunc] of Object.entries(this.#kernels)) {
      const saved = this.#originals.get(name);
      if (saved === undefined || tf.getKernel(name, "wasm")?.kernelFunc !== kernelFunc) continue;
      tf.unregisterKernel(name, "wasm");
      tf.registerKernel(saved);
    }
  }

  /** tfjs-backend-wasm's own kernel `name`, once replaced (the replacements fall back to it). */
  original(name: string): tf.KernelConfig {
    const saved = this.#originals.get(name);
    if (saved === undefined) throw new Error(`Cannot call the original ${name}: never replaced`);
    return saved;
  }
}
