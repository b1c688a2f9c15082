/**
 * The bindings of `dense_kernels.wat` (the float32 products of a dense network over its inputs'
 * nonzeros, and a dropout's mask), and the dropout mask of the tfjs program drawn without tfjs.
 *
 * @module
 */
// @ts-types="@types/seedrandom"
import seedrandom from "seedrandom";
import { DENSE_KERNELS_WASM } from "./_dense_kernels_wasm.ts";

/** `spmm`'s signature (see dense_kernels.wat); `units` is the row length of `b` and `out`. */
type Spmm = (
  begins: number,
  ends: number,
  index: number,
  value: number,
  rows: number,
  b: number,
  units: number,
  out: number,
  transpose: number,
) => void;

/** The kernels' exports; addresses are byte offsets into their memory. */
export interface DenseKernels {
  readonly memory: WebAssembly.Memory;
  spmm: Spmm;
  spmmNarrow: Spmm;
  /** spmmNarrow over inputs in bytes: u16 indices, u8 codes into `table` (256 float32s). */
  spmmNarrowBytes(...args: [...Parameters<Spmm>, table: number]): void;
  compress(
    x: number,
    rows: number,
    cols: number,
    starts: number,
    index: number,
    value: number,
  ): number;
  fillRows(out: number, row: number, rows: number, units: number): void;
  sumRows(x: number, rows: number, units: number, out: number): void;
  transpose(x: number, rows: number, cols: number, out: number): void;
  relu(x: number, n: number): void;
  scale(x: number, m: number, n: number): void;
  backMask(dh: number, h: number, m: number, n: number, relu: number, hasMask: number): void;
  dropoutMask(
    out: number,
    n: number,
    s0: number,
    s1: number,
    s2: number,
    c: number,
    keep: number,
    scale: number,
  ): void;
}

let compiled: WebAssembly.Module | undefined;

/** A fresh instance of the dense kernels, with a memory of its own. */
export function denseKernels(): DenseKernels {
  compiled ??= new WebAssembly.Module(Uint8Array.fromBase64(DENSE_KERNELS_WASM));
  return new WebAssembly.Instance(compiled).exports as unknown as DenseKernels;
}

/**
 * Writes the multiplier ⌊u + keep⌋ / keep of a dropout with `rate` into `out`, u drawn as
 * `tf.randomUniform(shape, 0, 1, "float32", seed)` draws it (seedrandom's Alea seeded with the
 * seed's decimal string, each draw rounded to float32) and the sum and quotient rounded to
 * float32 as tfjs's float32 ops round them: the mask of the tfjs program, bit for bit.
 * `kernels` (the dense kernels, with `out` in their memory) draw the same numbers in WebAssembly.
 */
export function dropoutMask(
  rate: number,
  seed: number,
  out: Float32Array,
  kernels?: Pick<DenseKernels, "dropoutMask" | "memory">,
): void {
  const keep = Math.fround(1 - rate), scale = Math.fround(1 / keep);
  if (kernels && out.buffer === kernels.memory.buffer) {
    // Alea's state after seeding: its three fractions and its carry.
    const { s0, s1, s2, c } = seedrandom.alea(String(seed), { state: true })
      .state() as unknown as Record<"s0" | "s1" | "s2" | "c", number>;
    kernels.dropoutMask(out.byteOffset, out.length, s0, s1, s2, c, keep, scale);
    return;
  }
  const random = seedrandom.alea(String(seed));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.fround(Math.fround(random()) + keep) >= 1 ? scale : 0;
  }
}
