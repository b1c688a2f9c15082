/**
 * Which MNIST images a neural problem uses: seeded subsets of the training and test sets, and
 * a validation split held out of the training set (disjoint from the training subset).
 *
 * @module
 */
import { Rng } from "../random.ts";
import type { MnistPixels } from "./idx.ts";

/** Images as floats in [0, 1] (`size` per image), with their labels. */
export interface ImageSet {
  /** The images, one after the other. */
  readonly images: Float32Array;
  /** One label per image. */
  readonly labels: Uint8Array;
  /** Pixels per image. */
  readonly size: number;
}

/** A seeded subset of `count` of a set's images, as floats in [0, 1], with their labels. */
export function subset(set: MnistPixels, count: number, rng: Rng): ImageSet {
  return imagesAt(set, rng.sample(set.count, Math.min(count, set.count)));
}

/**
 * A seeded subset of `count` of the training set's images that the training subset (drawn as
 * {@linkcode subset} draws it, from the same seed) does not hold.
 */
export function heldOut(
  set: MnistPixels,
  trainSamples: number,
  count: number,
  seed: number,
): ImageSet {
  const taken = new Uint8Array(set.count);
  const train = new Rng(seed, "problem/neural/train").sample(set.count, trainSamples);
  for (const s of train) taken[s] = 1;
  const rest = [...taken.keys()].filter((s) => taken[s] === 0);
  const picked = new Rng(seed, "problem/neural/validation").sample(rest.length, count);
  return imagesAt(set, picked.map((p) => rest[p]));
}

/** The images at `picked`, as floats in [0, 1], with their labels. */
function imagesAt(set: MnistPixels, picked: readonly number[]): ImageSet {
  const size = set.rows * set.cols;
  const images = new Float32Array(picked.length * size);
  const labels = new Uint8Array(picked.length);
  picked.forEach((s, row) => {
    labels[row] = set.labels[s];
    for (let k = 0; k < size; k++) images[row * size + k] = set.pixels[s * size + k] / 255;
  });
  return { images, labels, size };
}
