/**
 * The minibatch gradient of a network of dense layers (with ReLU and dropout) in float32, by
 * gossim's own kernels (`dense_kernels.wat`) rather than a tfjs program: the forward and
 * backward products run over the nonzeros of each layer's input (an MNIST image is ~80% zeros,
 * a ReLU layer's output about half), the weights and the gradient are one copy each into and
 * out of the kernels' memory, and nothing is staged through tensors. The loss and its gradient
 * at the logits (softmax cross-entropy, the batch mean) are computed in JavaScript, in float64
 * per entry.
 *
 * The minibatch, the dropout seeds and the dropout masks are those of the tfjs program
 * (`_neural_program.ts`; {@linkcode dropoutMask} draws tf.randomUniform's numbers, a tested
 * equality), so a
 * node's gradient is the tfjs gradient up to float32 rounding, and its bits depend only on the
 * node's inputs: the same on both engines, in any Worker, in any block.
 *
 * @module
 */
import { type DenseKernels, denseKernels, dropoutMask } from "./_dense_kernels.ts";
import { type ImageRows, writeImageRows } from "./_image_rows.ts";
import type { Stage } from "./_neural_program.ts";
import type { LayerSpec } from "./problem.ts";

/** One dense layer of the chain. */
interface Layer {
  readonly inputs: number;
  readonly units: number;
  /** Entry offsets of the kernel [inputs, units] and the bias [units] in the flat parameters. */
  readonly kernel: number;
  readonly bias: number;
  readonly relu: boolean;
  /** The dropout that follows the layer, if any. */
  readonly dropout: (Stage & { kind: "dropout" }) | null;
}

/** Byte offsets of one batch size's buffers in the kernels' memory. */
interface Plan {
  readonly batch: number;
  readonly params: number;
  readonly grad: number;
  /**
   * Per layer: its input's compressed rows (row r at entries [begins[r], ends[r]); layer 0's
   * point into the training images' nonzeros), its output, its dropout multiplier.
   */
  readonly begins: number[];
  readonly ends: number[];
  readonly index: number[];
  readonly value: number[];
  readonly output: number[];
  readonly mask: number[];
  /** Two [batch, widest] buffers for the backward pass, and a transposed kernel. */
  readonly back: [number, number];
  /** The compressed rows of the backward pass's gradient. */
  readonly backRows: { starts: number; index: number; value: number };
  readonly transposed: number;
}

/** What the kernels need of the model and the data (`GradientData` extends it). */
export interface DenseData {
  /** The forward pass, as stages. */
  readonly stages: readonly Stage[];
  /** The model's variables as slices of the flat parameters. */
  readonly layers: readonly LayerSpec[];
  /** Each variable's shape. */
  readonly shapes: readonly (readonly number[])[];
  /** One sample's shape, e.g. `[784]` or `[28, 28, 1]`. */
  readonly inputShape: readonly number[];
  /** Number of classes. */
  readonly classes: number;
  /** Training images, `size` floats each. */
  readonly images: Float32Array;
  /** Training labels. */
  readonly labels: Uint8Array;
}

/** One node's call: its weights, where its gradient goes, its minibatch and dropout seeds. */
export interface DenseJob {
  readonly point: Float32Array;
  readonly out: Float32Array;
  readonly rows: Int32Array;
  readonly seeds: readonly number[];
  readonly flipped: boolean;
}

/** The dense layers of `data`'s stages, or null when the model has other layers. */
function denseChain(data: DenseData): Layer[] | null {
  if (data.inputShape.length !== 1) return null;
  const layers: Layer[] = [];
  for (const stage of data.stages) {
    if (stage.kind === "dense") {
      const [inputs, units] = data.shapes[stage.variable];
      layers.push({
        inputs,
        units,
        kernel: data.layers[stage.variable].offset,
        bias: data.layers[stage.variable + 1].offset,
        relu: stage.relu,
        dropout: null,
      });
    } else if (stage.kind === "dropout") {
      const last = layers.at(-1);
      if (!last || last.dropout) return null;
      layers[layers.length - 1] = { ...last, dropout: stage };
    } else if (stage.kind !== "flatten") return null;
  }
  return layers.length && layers.at(-1)!.units === data.classes ? layers : null;
}

/** A dense network's float32 gradients by gossim's kernels. */
export class DenseGradients {
  readonly #data: DenseData;
  readonly #layers: Layer[];
  readonly #dim: number;
  readonly #kernels: DenseKernels;
  #plan: Plan | null = null;
  /** One row of the softmax's exponentials. */
  readonly #exps: Float64Array;
  /** The training images' compressed rows (built on first use). */
  #images: ImageRows | null = null;

  private constructor(data: DenseData, layers: Layer[]) {
    this.#data = data;
    this.#layers = layers;
    this.#dim = data.layers.reduce((sum, layer) => sum + layer.size, 0);
    this.#exps = new Float64Array(data.classes);
    this.#kernels = denseKernels();
  }

  /** The images' byte-code table when layer `l`'s input is the images in bytes, else 0. */
  #tableOf(l: number): number {
    return l === 0 ? this.#imageRows().table : 0;
  }

  /** Layer `l`'s input rows (`begins`, `ends`, `index`, `value`; layer 0's are the images'). */
  #inputRows(plan: Plan, l: number): [number, number, number, number] {
    const images = this.#imageRows();
    return l === 0
      ? [plan.begins[0], plan.ends[0], images.index, images.value]
      : [plan.begins[l], plan.ends[l], plan.index[l], plan.value[l]];
  }

  /**
   * spmm, or spmmNarrow for rows of at most 12 entries (`units`, the 7th argument), over the
   * images in bytes when `table` is theirs (layer 0's input, see `_image_rows.ts`).
   */
  #spmm(table: number, ...args: Parameters<DenseKernels["spmm"]>): void {
    if (table) this.#kernels.spmmNarrowBytes(...args, table);
    else if (args[6] <= 12) this.#kernels.spmmNarrow(...args);
    else this.#kernels.spmm(...args);
  }

  /** The kernels for `data`'s model, or null when it is not a chain of dense layers. */
  static of(data: DenseData): DenseGradients | null {
    const layers = denseChain(data);
    return layers ? new DenseGradients(data, layers) : null;
  }

  /** The buffers for minibatches of `batch`, the memory grown to hold them. */
  #planFor(batch: number): Plan {
    if (this.#plan?.batch === batch) return this.#plan;
    let end = this.#imageRows().end;
    const take = (entries: number) => {
      const at = end;
      end += Math.ceil(entries / 4) * 16; // 16-byte aligned
      return at;
    };
    const widest = Math.max(...this.#layers.flatMap((l) => [l.inputs, l.units]));
    const plan: Plan = {
      batch,
      params: take(this.#dim),
      grad: take(this.#dim),
      begins: this.#layers.map(() => take(batch + 1)),
      ends: this.#layers.map((_, l) => l === 0 ? take(batch) : 0),
      index: this.#layers.map((l, i) => i === 0 ? 0 : take(batch * l.inputs)),
      value: this.#layers.map((l, i) => i === 0 ? 0 : take(batch * l.inputs)),
      output: this.#layers.map((l) => take(batch * l.units)),
      mask: this.#layers.map((l) => l.dropout ? take(batch * l.units) : 0),
      back: [take(batch * widest), take(batch * widest)],
      backRows: {
        starts: take(batch + 1),
        index: take(batch * widest),
        value: take(batch * widest),
      },
      transposed: take(Math.max(...this.#layers.map((l) => l.inputs * l.units))),
    };
    plan.ends.forEach((_, l) => {
      if (l > 0) plan.ends[l] = plan.begins[l] + 4;
    });
    const memory = this.#kernels.memory;
    const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
    if (pages > 0) memory.grow(pages);
    return this.#plan = plan;
  }

  /** The training images' nonzeros in the kernels' memory (written on first use). */
  #imageRows(): ImageRows {
    const narrow = this.#layers[0].units <= 12;
    return this.#images ??= writeImageRows(
      this.#data.images,
      this.#layers[0].inputs,
      narrow,
      this.#kernels.memory,
    );
  }

  /**
   * Writes the node's gradient into `job.out`.
   *
   * @returns the minibatch's mean loss
   */
  gradient(job: DenseJob): number {
    const k = this.#kernels, batch = job.rows.length, plan = this.#planFor(batch);
    const layers = this.#layers, buffer = k.memory.buffer;
    const f32 = new Float32Array(buffer), i32 = new Int32Array(buffer);
    f32.set(job.point, plan.params >> 2);
    // Layer 0's input: the minibatch's images, compressed.
    const images = this.#imageRows();
    const begins = plan.begins[0] >> 2, ends = plan.ends[0] >> 2;
    for (let r = 0; r < batch; r++) {
      i32[begins + r] = images.starts[job.rows[r]];
      i32[ends + r] = images.starts[job.rows[r] + 1];
    }
    // Forward.
    let dropouts = 0;
    layers.forEach((layer, l) => {
      if (l > 0) {
        const previous = layers[l - 1];
        k.compress(
          plan.output[l - 1],
          batch,
          previous.units,
          plan.begins[l],
          plan.index[l],
          plan.value[l],
        );
      }
      const out = plan.output[l];
      k.fillRows(out, plan.params + 4 * layer.bias, batch, layer.units);
      const kernel = plan.params + 4 * layer.kernel;
      this.#spmm(this.#tableOf(l), ...this.#inputRows(plan, l), batch, kernel, layer.units, out, 0);
      if (layer.relu) k.relu(out, batch * layer.units);
      if (layer.dropout) {
        const at = plan.mask[l] >> 2;
        dropoutMask(
          layer.dropout.rate,
          job.seeds[dropouts++],
          f32.subarray(at, at + batch * layer.units),
          k,
        );
        k.scale(out, plan.mask[l], batch * layer.units);
      }
    });
    // The loss and its gradient at the logits.
    const { classes, labels } = this.#data;
    const logits = plan.output[layers.length - 1] >> 2;
    let g = plan.back[0], spare = plan.back[1];
    let loss = 0;
    const exps = this.#exps;
    for (let r = 0; r < batch; r++) {
      const row = logits + r * classes, label = labels[job.rows[r]];
      const y = job.flipped ? classes - 1 - label : label;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, f32[row + c]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += exps[c] = Math.exp(f32[row + c] - max);
      loss += max + Math.log(sum) - f32[row + y];
      const at = (g >> 2) + r * classes;
      for (let c = 0; c < classes; c++) f32[at + c] = (exps[c] / sum - (c === y ? 1 : 0)) / batch;
    }
    // Backward.
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const kernel = plan.grad + 4 * layer.kernel;
      f32.fill(0, kernel >> 2, (kernel >> 2) + layer.inputs * layer.units);
      this.#spmm(this.#tableOf(l), ...this.#inputRows(plan, l), batch, g, layer.units, kernel, 1);
      k.sumRows(g, batch, layer.units, plan.grad + 4 * layer.bias);
      if (l === 0) break;
      // The gradient at layer l's input: g · kernelᵀ, through the previous layer's mask.
      k.transpose(plan.params + 4 * layer.kernel, layer.inputs, layer.units, plan.transposed);
      const rows = plan.backRows;
      k.compress(g, batch, layer.units, rows.starts, rows.index, rows.value);
      f32.fill(0, spare >> 2, (spare >> 2) + batch * layer.inputs);
      this.#spmm(
        0,
        rows.starts,
        rows.starts + 4,
        rows.index,
        rows.value,
        batch,
        plan.transposed,
        layer.inputs,
        spare,
        0,
      );
      const previous = layers[l - 1];
      k.backMask(
        spare,
        plan.output[l - 1],
        plan.mask[l - 1],
        batch * layer.inputs,
        previous.relu ? 1 : 0,
        previous.dropout ? 1 : 0,
      );
      [g, spare] = [spare, g];
    }
    job.out.set(f32.subarray(plan.grad >> 2, (plan.grad >> 2) + this.#dim));
    return loss / batch;
  }
}
