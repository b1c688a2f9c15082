/**
 * The float32 twin of gossim's vector kernels, derived from their float64 text
 * (`algorithms/vector_kernels.wat`) so that one source holds each algorithm's loop.
 *
 * The float32 kernels keep the float64 kernels' arithmetic: every entry is loaded as a float32
 * and widened to float64 (exactly), every operation runs in float64 in the same order, and every
 * store narrows to float32 (round to nearest even). That is what a JavaScript loop does over a
 * `Float32Array` — its reads widen, its arithmetic is float64, its writes round — so a float32
 * kernel is bit-identical to the loop it replaces, as the float64 kernels are to theirs. Two
 * entries per instruction still (eight bytes a vector a step: memory traffic halves).
 *
 * The rewrite, on the parsed S-expressions:
 * - `(v128.load A)` → `(f64x2.promote_low_f32x4 (v128.load64_zero A))`;
 * - `(v128.store A V)` → `(v128.store64_lane 0 A (f32x4.demote_f64x2_zero V))`;
 * - an entry's bytes: `(i32.shl (local.get $n) (i32.const 3))` → `… (i32.const 2)`, and the
 *   loop's step `(i32.add (local.get $i) (i32.const 16))` → `… (i32.const 8)`.
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
  if (head === "v128.load" && list.length === 2) {
    return ["f64x2.promote_low_f32x4", ["v128.load64_zero", list[1]]];
  }
  if (head === "v128.store" && list.length === 3) {
    return ["v128.store64_lane", "0", list[1], ["f32x4.demote_f64x2_zero", list[2]]];
  }
  if (head === "i32.shl" && is(list[1], "(local.get $n)") && is(list[2], "(i32.const 3)")) {
    return ["i32.shl", list[1], ["i32.const", "2"]];
  }
  if (head === "i32.add" && is(list[1], "(local.get $i)") && is(list[2], "(i32.const 16)")) {
    return ["i32.add", list[1], ["i32.const", "8"]];
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
  for (const stale of ["(v128.load ", "(v128.store ", "(i32.const 16)", "(i32.const 3)"]) {
    if (text.includes(stale)) {
      throw new Error(`float32Kernels: "${stale}" left after the rewrite; extend the rules`);
    }
  }
  return `;; Generated from algorithms/vector_kernels.wat by tools/wat_float32.ts.\n${text}\n`;
}
