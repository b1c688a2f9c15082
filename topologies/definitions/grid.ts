/**
 * The `grid` topology type: a 2-D lattice without wrap-around.
 *
 * @module
 */
import { z } from "zod";
import { gridTopology } from "../generators.ts";
import { required, type TopologyDefinition } from "../topology_definition.ts";

/** `grid`: a `rows × cols` lattice without wrap-around (rows × cols nodes). */
export const grid: TopologyDefinition<{ rows?: number; cols?: number }> = {
  name: "grid",
  description: "a rows × cols grid without wrap-around",
  parameters: z.strictObject({
    rows: z.number().int().min(1).optional().describe("rows of the grid (required)"),
    cols: z.number().int().min(1).optional().describe("columns of the grid (required)"),
  }),
  create: ({ rows, cols }) =>
    gridTopology(required("grid", "rows", rows), required("grid", "cols", cols)),
};
