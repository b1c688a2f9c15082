import assert from "node:assert/strict";
import {
  classesPerNodePartition,
  classHistogram,
  dirichletPartition,
  iidPartition,
  type Partition,
  partitionLabels,
  trainTestSplit,
  unbalancedPartition,
} from "../problems/partition.ts";
import { Rng } from "../random.ts";

/** 1,000 labels in 0–9, unevenly spread. */
const rng = new Rng(9, "labels");
const labels = Uint8Array.from({ length: 1000 }, () => Math.min(9, Math.floor(rng.next() * 11)));

/** Asserts every sample appears in exactly one node. */
function assertCoversOnce(partition: Partition, count: number): void {
  const seen = new Uint8Array(count);
  for (const part of partition) for (const s of part) seen[s]++;
  assert.ok(seen.every((times) => times === 1), "every sample in exactly one node");
}

Deno.test("iidPartition() splits evenly and covers every sample once", () => {
  const parts = iidPartition(labels, { nodes: 7, seed: 1 });
  assert.deepEqual(parts.map((p) => p.length), [143, 143, 143, 143, 143, 143, 142]);
  assertCoversOnce(parts, labels.length);
  for (const part of parts) assert.ok(part.every((s, k) => k === 0 || part[k - 1] < s));
});

Deno.test("classesPerNodePartition() gives each node exactly k classes", () => {
  for (const [nodes, k] of [[10, 2], [10, 1], [5, 2], [3, 4], [20, 3]]) {
    const parts = classesPerNodePartition(labels, { nodes, seed: 4, classesPerNode: k });
    const histogram = classHistogram(parts, labels, 10);
    for (const row of histogram) {
      assert.equal(row.filter((count) => count > 0).length, k, `nodes=${nodes} k=${k}`);
    }
    if (nodes * k >= 10) assertCoversOnce(parts, labels.length);
  }
  const one = classesPerNodePartition(labels, { nodes: 10, seed: 0, classesPerNode: 1 });
  const classes = one.map((part) => labels[part[0]]).sort();
  assert.deepEqual(classes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(
    () => classesPerNodePartition(labels, { nodes: 2, seed: 0, classesPerNode: 11 }),
    /Cannot build partition: classesPerNode must be an integer in \[1, 10\], received 11/,
  );
});

Deno.test("unbalancedPartition() gives every node at least half the equal share", () => {
  for (const nodes of [2, 5, 16, 33]) {
    const parts = unbalancedPartition(labels, { nodes, seed: nodes });
    const half = labels.length / (2 * nodes);
    assert.ok(parts.every((p) => p.length >= half), `nodes=${nodes}`);
    assertCoversOnce(parts, labels.length);
    assert.ok(new Set(parts.map((p) => p.length)).size > 1, "sizes differ");
  }
});

Deno.test("dirichletPartition() covers all samples once; small α skews labels", () => {
  for (const alpha of [0.1, 1, 100]) {
    const parts = dirichletPartition(labels, { nodes: 8, seed: 2, alpha });
    assertCoversOnce(parts, labels.length);
    assert.ok(parts.every((p) => p.length > 0));
  }
  const skewed = classHistogram(
    dirichletPartition(labels, { nodes: 8, seed: 2, alpha: 0.1 }),
    labels,
    10,
  );
  const flat = classHistogram(
    dirichletPartition(labels, { nodes: 8, seed: 2, alpha: 100 }),
    labels,
    10,
  );
  const maxShare = (table: number[][]) =>
    Math.max(...table.map((row) => Math.max(...row) / row.reduce((a, b) => a + b, 0)));
  assert.ok(maxShare(skewed) > 0.5);
  assert.ok(maxShare(flat) < 0.3);
  assert.throws(
    () => dirichletPartition(labels, { nodes: 2, seed: 0, alpha: 0 }),
    /alpha must be a finite number > 0, received 0/,
  );
});

Deno.test("partitions are deterministic in the seed", () => {
  const specs = [
    { scheme: "iid" },
    { scheme: "classes", classesPerNode: 2 },
    { scheme: "dirichlet", alpha: 0.5 },
    { scheme: "unbalanced" },
  ] as const;
  for (const spec of specs) {
    const a = partitionLabels(labels, spec, { nodes: 6, seed: 11 });
    const b = partitionLabels(labels, spec, { nodes: 6, seed: 11 });
    const c = partitionLabels(labels, spec, { nodes: 6, seed: 12 });
    assert.deepEqual(a, b, spec.scheme);
    assert.notDeepEqual(a, c, spec.scheme);
  }
  assert.throws(
    () => partitionLabels(labels, { scheme: "shards" } as never, { nodes: 2, seed: 0 }),
    TypeError,
  );
});

Deno.test("trainTestSplit() splits the 10,000 samples once each, seeded", () => {
  const { train, test } = trainTestSplit(10_000, 2_000, 5);
  assert.equal(train.length, 8_000);
  assert.equal(test.length, 2_000);
  assertCoversOnce([train, test], 10_000);
  assert.deepEqual(trainTestSplit(10_000, 2_000, 5).test, test);
  assert.throws(() => trainTestSplit(10, 11, 0), RangeError);
});
