/**
 * W's spectrum without freezing the main thread: small matrices are decomposed inline (a few
 * milliseconds), larger ones in a Worker of their own, so that Ctrl-C, timers and progress
 * output are served while Lanczos runs for seconds on 100,000 nodes, and an abort ends it at
 * once.
 *
 * @module
 */
import type { MixingMatrix } from "../topologies/mixing.ts";
import {
  DENSE_SPECTRUM_MAX_NODES,
  type SpectralAnalysis,
  spectralAnalysis,
} from "../topologies/spectral.ts";
import { promptsPossible } from "../actors/worker_permissions.ts";

/**
 * {@linkcode spectralAnalysis} of W, off the main thread above
 * {@linkcode DENSE_SPECTRUM_MAX_NODES} nodes (on it where a permission prompt could appear).
 *
 * @param matrix W
 * @param signal aborts the computation (the Worker is terminated); its reason is thrown
 * @returns λ2, λN, λ, the gap, the method and its tolerance
 */
export async function spectrumOf(
  matrix: MixingMatrix,
  signal?: AbortSignal,
): Promise<SpectralAnalysis> {
  signal?.throwIfAborted();
  // Where a permission prompt could appear, no Worker is started (answering it would grant the
  // Worker what "none" refuses; see actors/worker_permissions.ts): the main thread computes.
  if (matrix.nodes <= DENSE_SPECTRUM_MAX_NODES || promptsPossible()) {
    return spectralAnalysis(matrix);
  }
  const worker = new Worker(new URL("./_spectrum_worker.ts", import.meta.url), {
    type: "module",
    name: "gossim-spectrum",
    deno: { permissions: "none" },
  });
  try {
    return await new Promise<SpectralAnalysis>((resolve, reject) => {
      const abort = () => reject(signal!.reason);
      signal?.addEventListener("abort", abort, { once: true });
      worker.onmessage = (event: MessageEvent<{ result?: SpectralAnalysis; error?: string }>) => {
        signal?.removeEventListener("abort", abort);
        if (event.data.result) resolve(event.data.result);
        else reject(new RangeError(event.data.error));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        signal?.removeEventListener("abort", abort);
        reject(new Error(`Cannot analyse W: the spectrum Worker failed: ${event.message}`));
      };
      worker.postMessage({ nodes: matrix.nodes, rows: matrix.rows });
    });
  } finally {
    worker.terminate();
  }
}
