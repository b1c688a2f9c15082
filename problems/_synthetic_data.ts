/**
 * Seeded synthetic linear-model data. Node i draws features a ~ N(h·μ_i, I) and labels from the
 * score (w* + h·δ_i)·a, with μ_i, δ_i ~ N(0, I); h = 0 makes every node draw from one
 * distribution. Streams: `"problem/<kind>/truth"` (w*), `"problem/<kind>/node/<i>"` (μ_i, δ_i,
 * then the node's samples), `"problem/<kind>/test"` (the held-out mixture).
 *
 * @module
 */
import { Rng } from "../random.ts";

/** Turns a noiseless score w·a into a label, drawing any label noise from `rng`. */
export type Labeller = (score: number, rng: Rng) => number;

/** What to generate. */
export interface DataRequest {
  /** Stream prefix, e.g. `"logistic"`. */
  readonly kind: string;
  readonly nodes: number;
  readonly dim: number;
  readonly samplesPerNode: number;
  readonly testSamples: number;
  readonly heterogeneity: number;
  readonly seed: number;
  readonly label: Labeller;
}

/** Flat, row-major data: sample s of node i is row i·samplesPerNode + s. */
export interface SyntheticData {
  readonly features: Float64Array;
  readonly labels: Float64Array;
  readonly testFeatures: Float64Array;
  readonly testLabels: Float64Array;
}

/** One node's distribution: feature mean h·μ_i and ground-truth weights w* + h·δ_i. */
interface NodeDistribution {
  mean: Float64Array;
  weights: Float64Array;
}

/** Generates every node's samples and the held-out set, bit-identically for the same request. */
export function generateData(request: DataRequest): SyntheticData {
  const { kind, nodes, dim, samplesPerNode: m, seed } = request;
  const truthRng = new Rng(seed, `problem/${kind}/truth`);
  const truth = Float64Array.from({ length: dim }, () => truthRng.normal());
  const features = new Float64Array(nodes * m * dim);
  const labels = new Float64Array(nodes * m);
  const distributions: NodeDistribution[] = [];
  for (let i = 0; i < nodes; i++) {
    const rng = new Rng(seed, `problem/${kind}/node/${i}`);
    const node = nodeDistribution(truth, request.heterogeneity, rng);
    distributions.push(node);
    for (let s = i * m; s < (i + 1) * m; s++) {
      drawSample(node, request, rng, { features, labels, s });
    }
  }
  const testFeatures = new Float64Array(request.testSamples * dim);
  const testLabels = new Float64Array(request.testSamples);
  const testRng = new Rng(seed, `problem/${kind}/test`);
  for (let s = 0; s < request.testSamples; s++) {
    const node = distributions[testRng.int(nodes)];
    drawSample(node, request, testRng, { features: testFeatures, labels: testLabels, s });
  }
  return { features, labels, testFeatures, testLabels };
}

/** Draws μ_i then δ_i (always, so h only scales them) and returns node i's distribution. */
function nodeDistribution(truth: Float64Array, h: number, rng: Rng): NodeDistribution {
  const mean = truth.map(() => h * rng.normal());
  const weights = truth.map((w) => w + h * rng.normal());
  return { mean, weights };
}

/** Writes one sample (features then label) into row `s` of the target arrays. */
function drawSample(
  node: NodeDistribution,
  request: DataRequest,
  rng: Rng,
  target: { features: Float64Array; labels: Float64Array; s: number },
): void {
  const { dim, label } = request;
  let score = 0;
  for (let k = 0, at = target.s * dim; k < dim; k++, at++) {
    const feature = node.mean[k] + rng.normal();
    target.features[at] = feature;
    score += node.weights[k] * feature;
  }
  target.labels[target.s] = label(score, rng);
}
