import assert from "node:assert/strict";
import { pack, unpack } from "../actors/protocol.ts";
import { checkPayload } from "../algorithms/payload.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { EventQueue } from "../actors/event_queue.ts";

Deno.test("pack/unpack: one transferable buffer, the same vectors back", () => {
  const payload = { x: Float64Array.of(1, 2, 3), u: Float64Array.of(4, 5, 6) };
  const message = pack(1, 7, payload);
  assert.equal(message.id, 7);
  assert.equal(message.data.length, 6);
  assert.notEqual(message.data.buffer, payload.x.buffer);
  assert.deepEqual(unpack(message), payload);
});

Deno.test("typed channels: a payload must carry exactly the declared vectors, of length d", () => {
  const good = { x: new Float64Array(3), u: new Float64Array(3) };
  checkPayload(good, ["x", "u"], 3, "node 1");
  assert.throws(
    () => checkPayload({ x: new Float64Array(3) }, ["x", "u"], 3, "node 1"),
    /Cannot send from node 1: the channel carries \{x, u\}, received \{x\}/,
  );
  assert.throws(
    () => checkPayload({ x: new Float64Array(2), u: new Float64Array(3) }, ["x", "u"], 3, "node 2"),
    /x must be a Float64Array of length 3, received Float64Array of length 2/,
  );
  assert.throws(
    () => checkPayload({ x: new Float32Array(3) as never }, ["x"], 3, "node 2"),
    /received Float32Array/,
  );
});

Deno.test("a node failure carries the node, the step and the cause", () => {
  const failure = new NodeFailureError(4, 12, new Error("boom"));
  assert.equal(failure.node, 4);
  assert.equal(failure.step, 12);
  assert.match(failure.message, /^node 4 failed at step 12: Error: boom/);
});

Deno.test("the agenda orders events by (time, scheduling order)", () => {
  const agenda = new EventQueue<string>();
  const times = [3, 1, 2, 1, 3, 0.5, 2];
  times.forEach((time, k) => agenda.push(time, `${time}#${k}`));
  const order: string[] = [];
  while (agenda.size) order.push(agenda.pop()!.event);
  assert.deepEqual(order, ["0.5#5", "1#1", "1#3", "2#2", "2#6", "3#0", "3#4"]);
  assert.throws(() => agenda.push(Infinity, "never"), /Cannot schedule event at time Infinity/);
});
