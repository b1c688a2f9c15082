/**
 * Vector memory: the vectors of the nodes one engine hosts (their algorithm state, the
 * gradient and mix buffers; a federated client's state for one round), allocated in one
 * WebAssembly memory where SIMD kernels (`vector_kernels.wat`; two float64 or four float32
 * entries per instruction) run the algorithms' hot loops: weighted sums, the finiteness check,
 * AMSGrad's local step, the adaptive framework's mix, FedAvg's and local AMSGrad's client steps.
 *
 * The kernels are bit-identical to the JavaScript loops they replace (the same IEEE operations
 * in the same order, no fused multiply-add; tested), so where a vector lives changes speed,
 * never results. A weighted sum whose vectors are not all in the memory (a copy made on send,
 * a payload received from another Worker) copies them into the memory's staging slots first
 * when they have its type ({@linkcode staged}: same values, so the same bits); any other loop
 * whose vectors are not all in one memory (a custom algorithm's own arrays), or that is short,
 * simply runs in JavaScript.
 *
 * A memory holds one precision's vectors (`vector.ts`): float64, or float32 with the float32
 * twin of the kernels (the same loops computed in float32, each operation rounded, four entries
 * an instruction: `tools/wat_float32.ts`); the JavaScript twins of those loops round every
 * operation with `Math.fround` over `Float32Array`s, so they agree bit for bit.
 *
 * The memory is sized once, from a dry run of the algorithm's `init`, and never grows (growing
 * would detach every view); allocations beyond it are plain `Float64Array`s.
 *
 * @module
 */
import { VECTOR_KERNELS_WASM } from "./_vector_kernels_wasm.ts";
import { VECTOR_KERNELS_F32_WASM } from "./_vector_kernels_f32_wasm.ts";
import { type Precision, type Vector, vectorOf, vectorView } from "../vector.ts";

/**
 * The kernels' exports; vectors are byte offsets into the memory, n an entry count that is a
 * multiple of `lanes` ({@linkcode kernelPart}).
 */
export interface VectorKernels {
  /** Entries per instruction: 2 (float64) or 4 (float32). */
  readonly lanes: 2 | 4;
  /** out = 0 + wa·a */
  sum1(out: number, a: number, n: number, wa: number): void;
  /** out = (0 + wa·a) + wb·b */
  sum2(out: number, a: number, b: number, n: number, wa: number, wb: number): void;
  /** out = ((0 + wa·a) + wb·b) + wc·c */
  sum3(
    out: number,
    a: number,
    b: number,
    c: number,
    n: number,
    wa: number,
    wb: number,
    wc: number,
  ): void;
  /** out += w·a */
  addScaled(out: number, a: number, n: number, w: number): void;
  /** 1 when every |x_k| ≤ bound (NaN fails), else 0. */
  withinBound(x: number, n: number, bound: number): number;
  /** AMSGrad's fused local step (see `amsgradRule`). */
  amsgradStep(
    m: number,
    v: number,
    vhat: number,
    previous: number,
    g: number,
    n: number,
    beta1: number,
    beta2: number,
  ): void;
  /** out ← out − w·a */
  subtractScaled(out: number, a: number, n: number, w: number): void;
  /**
   * A local-AMSGrad client step (see `localAms` in federated.ts); `mode` 0, 1, 2 is the v
   * bias correction "paper", "none", "from-zero".
   */
  localAmsStep(
    m: number,
    v: number,
    vhat: number,
    vStart: number,
    p: number,
    theta: number,
    g: number,
    n: number,
    beta1: number,
    beta2: number,
    correct1: number,
    correct2: number,
    decay2: number,
    epsilon: number,
    alpha: number,
    mode: number,
    keepMax: number,
    fused: number,
  ): void;
  /** The adaptive framework's mix (see `decentralize`). */
  adaptiveMix(
    x: number,
    u: number,
    utilde: number,
    mixedX: number,
    mixedU: number,
    m: number,
    previous: number,
    vhat: number,
    n: number,
    alpha: number,
    epsilon: number,
  ): void;
}

/** Shorter vectors run in JavaScript: a kernel call would cost more than it saves. */
const MIN_LENGTH = 64;
/** The largest memory a run asks for (wasm32 addresses 4 GiB; leave headroom). */
const MAX_BYTES = 3 * 2 ** 30;
const PAGE = 65_536;

/**
 * Bytes a vector of `length` entries takes: a multiple of 16, so every vector is aligned.
 */
function stride(length: number, precision: Precision): number {
  return precision === "float32" ? Math.ceil(length / 4) * 16 : Math.ceil(length / 2) * 16;
}

/**
 * Vectors from elsewhere (a payload copied on send, one received from another Worker) that a
 * mix may copy into the memory's staging slots, so that the kernels run it.
 */
const STAGING_SLOTS = 4;

const compiled = new Map<Precision, WebAssembly.Module>();
const memoryByBuffer = new WeakMap<ArrayBufferLike, VectorMemory>();

function kernelModule(precision: Precision): WebAssembly.Module {
  let module = compiled.get(precision);
  if (!module) {
    const base64 = precision === "float32" ? VECTOR_KERNELS_F32_WASM : VECTOR_KERNELS_WASM;
    module = new WebAssembly.Module(Uint8Array.fromBase64(base64));
    compiled.set(precision, module);
  }
  return module;
}

/** One engine's vector memory: hands out zeroed vectors, 16-byte aligned, never freed one by one. */
export class VectorMemory {
  readonly #buffer: ArrayBufferLike;
  #end: number;
  #next = 0;
  /** The staging slots, at the end of the buffer: where the first starts, and their length. */
  readonly #staging: number;
  readonly #slotLength: number;
  /** The precision of every vector handed out. */
  readonly precision: Precision;
  /** The kernels instantiated on this memory. */
  readonly kernels: VectorKernels;

  private constructor(
    memory: WebAssembly.Memory,
    bytes: number,
    precision: Precision,
    slotLength: number,
  ) {
    this.#buffer = memory.buffer;
    this.#end = bytes;
    this.precision = precision;
    this.#slotLength = slotLength;
    this.#staging = this.#buffer.byteLength - STAGING_SLOTS * stride(slotLength, precision);
    const instance = new WebAssembly.Instance(kernelModule(precision), { env: { memory } });
    const lanes = precision === "float32" ? 4 : 2;
    this.kernels = { ...instance.exports, lanes } as unknown as VectorKernels;
    memoryByBuffer.set(this.#buffer, this);
  }

  /**
   * A memory for `count` vectors of `length` entries, or null when vectors that short are not
   * worth it, the memory would be too large, or the runtime refuses it (then everything stays
   * in plain arrays, as correct and slower).
   */
  static create(
    count: number,
    length: number,
    precision: Precision = "float64",
  ): VectorMemory | null {
    const bytes = count * stride(length, precision);
    const staging = STAGING_SLOTS * stride(length, precision);
    if (length < MIN_LENGTH || count <= 0 || bytes + staging > MAX_BYTES) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: Math.ceil((bytes + staging) / PAGE) });
      return new VectorMemory(memory, bytes, precision, length);
    } catch {
      return null;
    }
  }

  /**
   * Empties the memory and zeroes what was handed out: the start of a federated client's round,
   * whose state lives for that round only. Every vector handed out before becomes another's.
   */
  reset(): void {
    new Uint8Array(this.#buffer, 0, this.#next).fill(0);
    this.#next = 0;
  }

  /**
   * This memory again, emptied and zeroed, when it can hold `count` vectors of `length`
   * entries; else a new one ({@linkcode VectorMemory.create}). Reusing spares a run the first
   * touch of fresh pages (a Worker's memory for 32 MLP nodes is ~330 MB). Every vector handed
   * out before becomes another's: only an engine that owns all of them may recycle.
   */
  recycle(count: number, length: number, precision: Precision = "float64"): VectorMemory | null {
    const bytes = count * stride(length, precision);
    if (
      length < MIN_LENGTH || count <= 0 || bytes > this.#staging ||
      precision !== this.precision
    ) {
      return VectorMemory.create(count, length, precision);
    }
    this.reset();
    this.#end = bytes;
    return this;
  }

  /** See {@linkcode staged}. */
  stage(vectors: readonly Vector[]): Vector[] | null {
    const type = this.precision === "float32" ? Float32Array : Float64Array;
    const slotBytes = stride(this.#slotLength, this.precision);
    let slot = 0;
    const result: Vector[] = [];
    for (const vector of vectors) {
      if (vector.buffer === this.#buffer) {
        result.push(vector);
        continue;
      }
      if (
        !(vector instanceof type) || vector.length > this.#slotLength || slot === STAGING_SLOTS
      ) return null;
      const at = this.#staging + slotBytes * slot++;
      const copy = vectorView(this.precision, this.#buffer, at, vector.length);
      copy.set(vector);
      result.push(copy);
    }
    return result;
  }

  /**
   * A zeroed vector of `length` entries: in the memory while the room asked for at creation
   * lasts, else a plain one; in the memory's precision.
   */
  zeros(length: number): Vector {
    const bytes = stride(length, this.precision);
    if (this.#next + bytes > this.#end) return vectorOf(this.precision, length);
    const vector = vectorView(this.precision, this.#buffer, this.#next, length);
    this.#next += bytes;
    return vector;
  }
}

/**
 * `vectors` with those that live elsewhere copied into the staging slots of `out`'s vector
 * memory (the same values: only vectors of the memory's own type are copied), so the kernels
 * can run over `out` and them together; null when `out` is not in a vector memory or a vector
 * cannot be staged (another type or length, or more than the slots). The copies are
 * overwritten by the next staging: use them at once.
 */
export function staged(out: Vector, vectors: readonly Vector[]): Vector[] | null {
  const memory = out.length < MIN_LENGTH ? undefined : memoryByBuffer.get(out.buffer);
  return memory ? memory.stage(vectors) : null;
}

/**
 * How many of a loop's `length` entries the kernels take (the rest run in JavaScript): the
 * largest multiple of their lanes, or 0 without kernels.
 */
export function kernelPart(kernels: VectorKernels | null, length: number): number {
  return kernels ? length & -kernels.lanes : 0;
}

/**
 * The kernels that can run over `vectors` together: those of their memory when all of them
 * live in the same vector memory and are long enough, else null (run the JavaScript loop).
 */
export function kernelsFor(...vectors: Vector[]): VectorKernels | null {
  const buffer = vectors[0].buffer;
  if (vectors[0].length < MIN_LENGTH) return null;
  const kernels = memoryByBuffer.get(buffer)?.kernels;
  if (!kernels) return null;
  for (let k = 1; k < vectors.length; k++) if (vectors[k].buffer !== buffer) return null;
  return kernels;
}
