/**
 * The `torus` topology type: a 2-D grid with wrap-around.
 *
 * @module
 */
import { z } from "zod";
import { torusTopology } from "../generators.ts";
import { required, type TopologyDefinition } from "../topology_definition.ts";

/** `torus`: a `rows × cols` grid with wrap-around (rows × cols nodes). */
export const torus: TopologyDefinition<{ rows?: number; cols?: number }> = {
  name: "torus",
  description: "a rows × cols grid with wrap-around",
  parameters: z.strictObject({
    rows: z.number().int().min(1).optional().describe("rows of the grid (required)"),
    cols: z.number().int().min(1).optional().describe("columns of the grid (required)"),
  }),
  create: ({ rows, cols }) =>
    torusTopology(required("torus", "rows", rows), required("torus", "cols", cols)),
};
