/**
 * The float32 twin of gossim's vector kernels, derived from their float64 text
 * (`algorithms/vector_kernels.wat`) so that one source holds each algorithm's loop.
 *
 * The float32 kernels compute in float32: four entries an instruction, every operation rounded
 * to float32 (round to nearest even), in the float64 kernels' order, no fused multiply-add. A
 * scalar parameter (a weight, a step size, β, ε) is rounded to float32 once, as it is splat.
 * The JavaScript twin of each loop does the same over `Float32Array`s with `Math.fround` around
 * every operation (for +, −, ×, ÷ and √ on float32 inputs, computing in float64 and rounding
 * once gives the float32 result exactly), so a float32 kernel is bit-identical to its loop, as
 * the float64 kernels are to theirs.
 *
 * The rewrite, on the parsed S-expressions:
 * - `(f64x2.splat E)` → `(f32x4.splat (f32.demote_f64 E))` (E stays a float64 expression);
 * - every other `f64x2.op` → `f32x4.op`, `(v128.const f64x2 0 0)` → `(v128.const f32x4 0 0 0 0)`,
 *   `i64x2.all_true` → `i32x4.all_true`, and a mask `(i64x2.splat (i64.extend_i32_s E))` →
 *   `(i32x4.splat E)`;
 * - an entry's bytes: `(i32.shl (local.get $n) (i32.const 3))` → `… (i32.const 2)`; loads,
 *   stores and the loop's step stay 16 bytes (four entries now, two before).
 *
 * @module
 */

/** An S-expression: an atom or a list. */
type Node = string | Node[];

/** Parses WebAssembly text into S-expressions (comments dropped). */
function parse(text: string): Node[] {
  const tokens = text.replace(/;;[^\n]*/g, "").match(/\(|\)|"(?:[^"\\]|\\.)*"|[^\s()]+/g) ?? [];
  const stack: Node[][] = [[]];
  for (const token of tokens) {
    if (token === "(") stack.push([]);
    else if (token === ")") {
      const list = stack.pop()!;
      stack.at(-1)!.push(list);
    } else stack.at(-1)!.push(token);
  }
  if (stack.length !== 1) throw new SyntaxError("unbalanced parentheses in the kernels' text");
  return stack[0];
}

/** Prints S-expressions back as text. */
function print(node: Node): string {
  return typeof node === "string" ? node : `(${node.map(print).join(" ")})`;
}

const is = (node: Node, text: string) => print(node) === text;

/** Rewrites one S-expression (see the module doc). */
function rewrite(node: Node): Node {
  if (typeof node === "string") return node;
  const list = node.map(rewrite);
  const [head] = list;
  if (head === "f64x2.splat" && list.length === 2) {
    return ["f32x4.splat", ["f32.demote_f64", list[1]]];
  }
  if (head === "i64x2.splat" && list.length === 2 && list[1][0] === "i64.extend_i32_s") {
    return ["i32x4.splat", (list[1] as Node[])[1]];
  }
  if (head === "v128.const" && list[1] === "f64x2") {
    return ["v128.const", "f32x4", ...list.slice(2), ...list.slice(2)];
  }
  if (typeof head === "string" && head.startsWith("f64x2.")) {
    return [head.replace("f64x2.", "f32x4."), ...list.slice(1)];
  }
  if (head === "i64x2.all_true") return ["i32x4.all_true", ...list.slice(1)];
  if (head === "i32.shl" && is(list[1], "(local.get $n)") && is(list[2], "(i32.const 3)")) {
    return ["i32.shl", list[1], ["i32.const", "2"]];
  }
  return list;
}

/**
 * The float32 kernels' text from the float64 kernels' text.
 *
 * @param wat the float64 kernels (`vector_kernels.wat`)
 * @returns the same module over float32 vectors
 */
export function float32Kernels(wat: string): string {
  const rewritten = parse(wat).map(rewrite);
  const text = rewritten.map(print).join("\n");
  for (const stale of ["f64x2", "i64x2", "(i32.const 3)"]) {
    if (text.includes(stale)) {
      throw new Error(`float32Kernels: "${stale}" left after the rewrite; extend the rules`);
    }
  }
  return `;; Generated from algorithms/vector_kernels.wat by tools/wat_float32.ts.\n${text}\n`;
}
