/**
 * gossim's version, read from `deno.json` (the one place it is written).
 *
 * @module
 */
import denoJson from "../deno.json" with { type: "json" };

/** gossim's version, recorded in every run's outputs. */
export const VERSION: string = denoJson.version;
