/**
 * The training images' nonzeros for the dense kernels (`dense_kernels.wat`), written once at the
 * start of the kernels' memory: each image's entries (column index, value) in order, image r's at
 * [starts[r], starts[r + 1]).
 *
 * When the first layer is narrow (softmax regression: its products are mostly these reads) and
 * the nonzero pixels take at most 256 values (MNIST's take 255: byte / 255), an entry is 3 bytes
 * instead of 8: its index a u16 and its value a u8 code into a table of the 256 float32 values.
 * The same values, so the same products bit for bit; fewer cache misses on a minibatch's 32
 * random images.
 *
 * @module
 */

/** Where the images' nonzeros are in the kernels' memory. */
export interface ImageRows {
  /** Image r's entries are [starts[r], starts[r + 1]). */
  readonly starts: Int32Array;
  /** Byte offset of the indices (i32, or u16 with a table). */
  readonly index: number;
  /** Byte offset of the values (f32, or u8 codes with a table). */
  readonly value: number;
  /** Byte offset of the 256 float32 values of the u8 codes, or 0: indices i32, values f32. */
  readonly table: number;
  /** The first byte after them. */
  readonly end: number;
}

/** A u8 code for each distinct nonzero value of `images`, or null when there are more than 256. */
function byteCodes(images: Float32Array): Map<number, number> | null {
  const codes = new Map<number, number>();
  for (let i = 0; i < images.length; i++) {
    const value = images[i];
    if (value === 0 || codes.has(value)) continue;
    if (codes.size === 256) return null;
    codes.set(value, codes.size);
  }
  return codes;
}

/** How the nonzeros of `images` are stored: in bytes (with `codes`) or not, and their sizes. */
function layoutOf(images: Float32Array, size: number, narrow: boolean) {
  let nonzeros = 0;
  for (let i = 0; i < images.length; i++) if (images[i] !== 0) nonzeros++;
  const codes = narrow && size <= 65_536 && nonzeros > 0 ? byteCodes(images) : null;
  const indexBytes = Math.ceil((nonzeros * (codes ? 2 : 4)) / 16) * 16;
  const valueBytes = Math.ceil((nonzeros * (codes ? 1 : 4)) / 16) * 16;
  const bytes = indexBytes + valueBytes + (codes ? 1024 : 0);
  return { nonzeros, codes, indexBytes, valueBytes, bytes };
}

/**
 * Writes the nonzeros of `images` (`size` entries each) at the start of `memory`, growing it as
 * needed, in bytes when `narrow` (the first layer's products are narrow) and the values allow.
 *
 * @returns where they are
 */
export function writeImageRows(
  images: Float32Array,
  size: number,
  narrow: boolean,
  memory: WebAssembly.Memory,
): ImageRows {
  const count = images.length / size;
  const { nonzeros, codes, indexBytes, valueBytes, bytes: end } = layoutOf(images, size, narrow);
  const pages = Math.ceil(end / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const valueAt = indexBytes;
  const index = codes
    ? new Uint16Array(memory.buffer, 0, nonzeros)
    : new Int32Array(memory.buffer, 0, nonzeros);
  const value = codes
    ? new Uint8Array(memory.buffer, valueAt, nonzeros)
    : new Float32Array(memory.buffer, valueAt, nonzeros);
  const starts = new Int32Array(count + 1);
  let n = 0;
  for (let r = 0; r < count; r++) {
    starts[r] = n;
    for (let k = 0, at = r * size; k < size; k++, at++) {
      if (images[at] !== 0) {
        index[n] = k;
        value[n++] = codes ? codes.get(images[at])! : images[at];
      }
    }
  }
  starts[count] = n;
  let table = 0;
  if (codes) {
    table = valueAt + valueBytes;
    const values = new Float32Array(memory.buffer, table, 256);
    for (const [entry, code] of codes) values[code] = entry;
  }
  return { starts, index: 0, value: valueAt, table, end };
}
