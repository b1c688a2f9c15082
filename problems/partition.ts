/**
 * Seeded partitions of a labelled data set over N nodes (ALGORITHMS.md §5): i.i.d., label skew
 * ("k classes per node"), Dirichlet(α) over labels, and unbalanced sizes. A partition is one
 * sorted array of sample indices per node; {@linkcode classHistogram} reports it.
 *
 * Every function draws from its own named {@linkcode Rng} stream (`"partition/iid"`, …) of the
 * seed, so the same labels, options and seed give the same partition in any process.
 *
 * @module
 */
import { Rng } from "../random.ts";
import { checkFinite, checkIntegerIn, checkPositiveInteger, fail } from "./_validate.ts";

/** One sorted array of sample indices per node. */
export type Partition = readonly Int32Array[];

/** Options shared by every partitioner. */
export interface PartitionOptions {
  /** Number of nodes N, a positive integer, at most the number of samples. */
  readonly nodes: number;
  /** Seed of the partition's random stream. */
  readonly seed: number;
  /** Number of classes C; labels must lie in [0, C). Default: the largest label + 1. */
  readonly classes?: number;
}

/** A partition scheme as plain data, for {@linkcode partitionLabels}. */
export type PartitionSpec =
  | { readonly scheme: "iid" }
  | { readonly scheme: "classes"; readonly classesPerNode: number }
  | { readonly scheme: "dirichlet"; readonly alpha: number }
  | { readonly scheme: "unbalanced" };

const WHAT = "partition";

/** Validates the shared options against the labels; returns N, the seed and C. */
function checkOptions(
  labels: ArrayLike<number>,
  options: PartitionOptions,
): { nodes: number; seed: number; classes: number } {
  const nodes = checkPositiveInteger(WHAT, "nodes", options.nodes);
  if (nodes > labels.length) {
    fail(WHAT, "nodes", `at most the number of samples (${labels.length})`, nodes);
  }
  let largest = 0;
  for (let s = 0; s < labels.length; s++) {
    const label = labels[s];
    if (!Number.isInteger(label) || label < 0) {
      fail(WHAT, `labels[${s}]`, "a non-negative integer", label);
    }
    largest = Math.max(largest, label);
  }
  const classes = options.classes ?? largest + 1;
  checkPositiveInteger(WHAT, "classes", classes);
  if (largest >= classes) fail(WHAT, "labels", `in [0, ${classes})`, largest);
  return { nodes, seed: checkFinite(WHAT, "seed", options.seed), classes };
}

/** A sorted Int32Array of the given indices. */
function sorted(indices: readonly number[]): Int32Array {
  return Int32Array.from(indices).sort();
}

/** Cuts `items` into consecutive pieces of the given sizes. */
function cut(items: readonly number[], sizes: readonly number[]): number[][] {
  const pieces: number[][] = [];
  let start = 0;
  for (const size of sizes) {
    pieces.push(items.slice(start, start + size));
    start += size;
  }
  return pieces;
}

/** Sizes of `total` split as evenly as possible into `parts` (the first ones one larger). */
function evenSizes(total: number, parts: number): number[] {
  return Array.from(
    { length: parts },
    (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0),
  );
}

/** The sample indices of each class. */
function byClass(labels: ArrayLike<number>, classes: number): number[][] {
  const groups: number[][] = Array.from({ length: classes }, () => []);
  for (let s = 0; s < labels.length; s++) groups[labels[s]].push(s);
  return groups;
}

/**
 * i.i.d.: shuffles all samples and splits them evenly (node sizes differ by at most one).
 *
 * @param labels one label per sample
 * @param options N and the seed
 * @returns the partition; every sample is in exactly one node
 * @throws {RangeError} when N is not in [1, samples] or a label is not a non-negative integer
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iidPartition } from "./partition.ts";
 *
 * const parts = iidPartition([0, 1, 0, 1, 0, 1, 0], { nodes: 3, seed: 1 });
 * assert.deepEqual(parts.map((p) => p.length), [3, 2, 2]);
 * ```
 */
export function iidPartition(labels: ArrayLike<number>, options: PartitionOptions): Partition {
  const { nodes, seed } = checkOptions(labels, options);
  const rng = new Rng(seed, "partition/iid");
  const order = rng.shuffle(Array.from({ length: labels.length }, (_, s) => s));
  return cut(order, evenSizes(labels.length, nodes)).map(sorted);
}

/**
 * Label skew: every node holds samples of exactly `classesPerNode` distinct classes (seed 000
 * uses 2 of 10, seed 003 uses 1 of 10). The N·k class slots cycle through a seeded permutation
 * of the classes, node i taking slots ik … ik + k − 1; each class's samples are shuffled and
 * split evenly among the nodes holding it. When N·k < C the classes no node holds are left out.
 *
 * @param labels one label per sample
 * @param options N, the seed, C and k
 * @returns the partition
 * @throws {RangeError} when k is not in [1, C], or a class has fewer samples than nodes holding it
 *
 * @example Two classes per node
 * ```ts
 * import assert from "node:assert/strict";
 * import { classesPerNodePartition } from "./partition.ts";
 *
 * const labels = Array.from({ length: 40 }, (_, s) => s % 4);
 * const parts = classesPerNodePartition(labels, { nodes: 4, seed: 2, classesPerNode: 2 });
 * for (const part of parts) assert.equal(new Set([...part].map((s) => labels[s])).size, 2);
 * ```
 */
export function classesPerNodePartition(
  labels: ArrayLike<number>,
  options: PartitionOptions & { readonly classesPerNode: number },
): Partition {
  const { nodes, seed, classes } = checkOptions(labels, options);
  const k = checkIntegerIn(WHAT, "classesPerNode", options.classesPerNode, [1, classes]);
  const rng = new Rng(seed, "partition/classes");
  const permutation = rng.shuffle(Array.from({ length: classes }, (_, c) => c));
  const holders: number[][] = Array.from({ length: classes }, () => []);
  for (let slot = 0; slot < nodes * k; slot++) {
    holders[permutation[slot % classes]].push(Math.floor(slot / k));
  }
  const parts: number[][] = Array.from({ length: nodes }, () => []);
  byClass(labels, classes).forEach((samples, c) => {
    const owners = holders[c];
    if (owners.length === 0) return;
    if (samples.length < owners.length) {
      fail(WHAT, "labels", `at least ${owners.length} samples of class ${c}`, samples.length);
    }
    const pieces = cut(rng.shuffle(samples), evenSizes(samples.length, owners.length));
    owners.forEach((node, j) => parts[node].push(...pieces[j]));
  });
  return parts.map(sorted);
}

/**
 * Dirichlet label skew: for each class, proportions p ~ Dir(α·1_N) over the nodes decide how
 * many of its (shuffled) samples each node gets. Small α concentrates each class on few nodes;
 * large α approaches i.i.d. Draws are repeated (at most 100 times) until every node holds at
 * least one sample.
 *
 * @param labels one label per sample
 * @param options N, the seed, C and α > 0
 * @returns the partition; every sample is in exactly one node
 * @throws {RangeError} when α ≤ 0, or no draw in 100 gives every node a sample
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { dirichletPartition } from "./partition.ts";
 *
 * const labels = Array.from({ length: 100 }, (_, s) => s % 10);
 * const parts = dirichletPartition(labels, { nodes: 5, seed: 3, alpha: 0.5 });
 * assert.equal(parts.reduce((n, p) => n + p.length, 0), 100);
 * ```
 */
export function dirichletPartition(
  labels: ArrayLike<number>,
  options: PartitionOptions & { readonly alpha: number },
): Partition {
  const { nodes, seed, classes } = checkOptions(labels, options);
  const alpha = options.alpha;
  if (typeof alpha !== "number" || !(alpha > 0) || !Number.isFinite(alpha)) {
    fail(WHAT, "alpha", "a finite number > 0", alpha);
  }
  const rng = new Rng(seed, "partition/dirichlet");
  const groups = byClass(labels, classes);
  for (let attempt = 0; attempt < 100; attempt++) {
    const parts: number[][] = Array.from({ length: nodes }, () => []);
    for (const samples of groups) {
      const proportions = rng.dirichlet(alpha, nodes);
      const shuffled = rng.shuffle([...samples]);
      let start = 0;
      let cumulative = 0;
      for (let i = 0; i < nodes; i++) {
        cumulative += proportions[i];
        const end = i === nodes - 1 ? shuffled.length : Math.round(cumulative * shuffled.length);
        parts[i].push(...shuffled.slice(start, Math.max(start, end)));
        start = Math.max(start, end);
      }
    }
    if (parts.every((part) => part.length > 0)) return parts.map(sorted);
  }
  throw new RangeError(
    `Cannot build partition: alpha = ${alpha} left a node without samples in 100 draws of ${labels.length} samples over ${nodes} nodes`,
  );
}

/**
 * Unbalanced sizes (seed 004): random unequal shares, each node holding at least half the
 * equal share ⌈M/(2N)⌉; the remaining samples are split by Dirichlet(1) proportions. Samples
 * are shuffled first, so labels stay i.i.d.
 *
 * @param labels one label per sample
 * @param options N and the seed
 * @returns the partition; every sample is in exactly one node
 * @throws {RangeError} when N is not in [1, samples]
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unbalancedPartition } from "./partition.ts";
 *
 * const parts = unbalancedPartition(new Uint8Array(1000), { nodes: 4, seed: 5 });
 * assert.ok(parts.every((p) => p.length >= 125));
 * ```
 */
export function unbalancedPartition(
  labels: ArrayLike<number>,
  options: PartitionOptions,
): Partition {
  const { nodes, seed } = checkOptions(labels, options);
  const rng = new Rng(seed, "partition/unbalanced");
  const total = labels.length;
  const floor = Math.ceil(total / (2 * nodes));
  const rest = total - floor * nodes;
  const shares = rng.dirichlet(1, nodes);
  const sizes = shares.map((share) => floor + Math.floor(share * rest));
  let missing = total - sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0; i = (i + 1) % nodes, missing--) sizes[i]++;
  const order = rng.shuffle(Array.from({ length: total }, (_, s) => s));
  return cut(order, sizes).map(sorted);
}

/**
 * Partitions by a scheme given as plain data.
 *
 * @param labels one label per sample
 * @param spec the scheme and its parameter
 * @param options N, the seed and C
 * @returns the partition
 * @throws {RangeError} when an option is out of range
 * @throws {TypeError} when the scheme is unknown
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionLabels } from "./partition.ts";
 *
 * const parts = partitionLabels([0, 1, 1, 0], { scheme: "iid" }, { nodes: 2, seed: 0 });
 * assert.equal(parts.length, 2);
 * ```
 */
export function partitionLabels(
  labels: ArrayLike<number>,
  spec: PartitionSpec,
  options: PartitionOptions,
): Partition {
  switch (spec?.scheme) {
    case "iid":
      return iidPartition(labels, options);
    case "classes":
      return classesPerNodePartition(labels, { ...options, classesPerNode: spec.classesPerNode });
    case "dirichlet":
      return dirichletPartition(labels, { ...options, alpha: spec.alpha });
    case "unbalanced":
      return unbalancedPartition(labels, options);
    default:
      throw new TypeError(
        `Cannot build partition: scheme must be one of iid, classes, dirichlet, unbalanced, received ${
          JSON.stringify((spec as { scheme?: unknown } | undefined)?.scheme)
        }`,
      );
  }
}

/**
 * Counts each node's samples per class.
 *
 * @param partition one index array per node
 * @param labels one label per sample, in [0, classes)
 * @param classes the number of classes C
 * @returns an N × C table of counts
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { classHistogram } from "./partition.ts";
 *
 * const table = classHistogram([Int32Array.of(0, 1), Int32Array.of(2)], [1, 1, 0], 2);
 * assert.deepEqual(table, [[0, 2], [1, 0]]);
 * ```
 */
export function classHistogram(
  partition: Partition,
  labels: ArrayLike<number>,
  classes: number,
): number[][] {
  return partition.map((part) => {
    const counts = new Array<number>(classes).fill(0);
    for (const s of part) counts[labels[s]]++;
    return counts;
  });
}

/**
 * A seeded split of `count` samples into a training and a test set, e.g. to train and evaluate
 * on the 10,000 labelled images alone.
 *
 * @param count the number of samples
 * @param testCount how many go to the test set, an integer in [0, count]
 * @param seed the split's seed (stream `"partition/split"`)
 * @returns the sorted indices of both sets; together they hold every sample exactly once
 * @throws {RangeError} when `testCount` is out of range
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { trainTestSplit } from "./partition.ts";
 *
 * const { train, test } = trainTestSplit(10, 3, 1);
 * assert.equal(train.length, 7);
 * assert.equal(test.length, 3);
 * ```
 */
export function trainTestSplit(
  count: number,
  testCount: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  checkIntegerIn("train/test split", "count", count, [0, 2 ** 31 - 1]);
  checkIntegerIn("train/test split", "testCount", testCount, [0, count]);
  const rng = new Rng(checkFinite("train/test split", "seed", seed), "partition/split");
  const order = rng.shuffle(Array.from({ length: count }, (_, s) => s));
  return { test: sorted(order.slice(0, testCount)), train: sorted(order.slice(testCount)) };
}
