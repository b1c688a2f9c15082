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

/**
 * Flat, row-major data: sample s of node i is row i·samplesPerNode + s. Rows are drawn on
 * first use, node by node, so a Worker that hosts a few nodes draws only their samples; the
 * values never depend on the order of use (each node has its own stream).
 */
export interface SyntheticData {
  /** Training features (rows of nodes not yet drawn are zero). */
  readonly features: Float64Array;
  /** Training labels. */
  readonly labels: Float64Array;
  /** Draws node `node`'s rows if not drawn yet. */
  ensureNode(node: number): void;
  /** Draws every node's rows. */
  ensureAll(): void;
  /** The held-out set, drawn on first use. */
  test(): { features: Float64Array; labels: Float64Array };
}

/** Prepares every node's samples and the held-out set, bit-identically for the same request. */
export function generateData(request: DataRequest): SyntheticData {
  const { kind, nodes, dim, samplesPerNode: m, seed } = request;
  const truthRng = new Rng(seed, `problem/${kind}/truth`);
  const truth = Float64Array.from({ length: dim }, () => truthRng.normal());
  const features = new Float64Array(nodes * m * dim);
  const labels = new Float64Array(nodes * m);
  const streams: Rng[] = [];
  const distributions: NodeDistribution[] = [];
  for (let i = 0; i < nodes; i++) {
    streams.push(new Rng(seed, `problem/${kind}/node/${i}`));
    distributions.push(nodeDistribution(truth, request.heterogeneity, streams[i]));
  }
  const drawn = new Uint8Array(nodes);
  const ensureNode = (i: number) => {
    if (drawn[i]) return;
    drawn[i] = 1;
    for (let s = i * m; s < (i + 1) * m; s++) {
      drawSample(distributions[i], request, streams[i], { features, labels, s });
    }
  };
  let test: { features: Float64Array; labels: Float64Array } | undefined;
  return {
    features,
    labels,
    ensureNode,
    ensureAll() {
      for (let i = 0; i < nodes; i++) ensureNode(i);
    },
    test() {
      if (test) return test;
      test = {
        features: new Float64Array(request.testSamples * dim),
        labels: new Float64Array(request.testSamples),
      };
      const testRng = new Rng(seed, `problem/${kind}/test`);
      for (let s = 0; s < request.testSamples; s++) {
        const node = distributions[testRng.int(nodes)];
        drawSample(node, request, testRng, { ...test, s });
      }
      return test;
    },
  };
}

/** One node's distribution: feature mean h·μ_i and ground-truth weights w* + h·δ_i. */
interface NodeDistribution {
  mean: Float64Array;
  weights: Float64Array;
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
