/**
 * The Worker behind `spectrumOf`: receives W's rows, answers with its spectral analysis (or
 * the error's message).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { MixingMatrix } from "../topologies/mixing.ts";
import { spectralAnalysis } from "../topologies/spectral.ts";

self.onmessage = (event: MessageEvent<MixingMatrix>) => {
  try {
    self.postMessage({ result: spectralAnalysis(event.data) });
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
};
