import type { Vector } from "../mod.ts";
import assert from "node:assert/strict";
import { CommandReader, CommandWriter, OP } from "../actors/command_codec.ts";
import { ChannelKind, PayloadBatchWriter, readPayloadBatch } from "../actors/payload_batch.ts";
import type { Command } from "../actors/protocol.ts";
import { checkPayload, SendCopies } from "../algorithms/payload.ts";
import { NodeFailureError } from "../algorithms/node_failure.ts";
import { EventQueue } from "../actors/event_queue.ts";

Deno.test("payload batches: one transferable buffer per Worker, the same vectors back as views", () => {
  const payload = { x: Float64Array.of(1, 2, 3), u: Float64Array.of(4, 5, 6) };
  const other = { x: Float64Array.of(7, 8, 9), u: Float64Array.of(0, -1, -2) };
  const writer = new PayloadBatchWriter();
  writer.add([7, 9], ChannelKind.Exchange, payload, ["x", "u"]);
  writer.add([11], ChannelKind.Exchange, other, ["x", "u"]);
  const data = writer.take(3);
  assert.ok(writer.empty);
  // Header; then per payload: id count, ids, kind, and each vector's length, bits and entries.
  assert.equal(data.length, 2 + (2 + 2 + 2 * 5) + (2 + 1 + 2 * 5), "each payload written once");
  assert.notEqual(data.buffer, payload.x.buffer);
  const got = new Map<number, Record<string, Vector>>();
  const epoch = readPayloadBatch(data, () => ["x", "u"], (id, p) => got.set(id, p));
  assert.equal(epoch, 3);
  assert.deepEqual(got.get(7), payload);
  assert.equal(got.get(9), got.get(7), "receivers on one Worker share the views");
  assert.deepEqual(got.get(11), other);
  assert.equal(got.get(11)!.x.buffer, data.buffer, "views of the batch, not copies");
});

Deno.test("payload batches: float32 vectors travel two entries to a slot and come back float32", () => {
  const payload = { x: Float32Array.of(0.1, -2.5, 3e-7), u: Float64Array.of(0.1, 2) };
  const writer = new PayloadBatchWriter();
  writer.add([4], ChannelKind.Exchange, payload, ["x", "u"]);
  writer.add([5], ChannelKind.Exchange, { x: Float32Array.of(1, 2), u: Float64Array.of(3) }, [
    "x",
    "u",
  ]);
  const data = writer.take(1);
  assert.equal(data.length, 2 + (2 + 1 + 2 + 2 + 2 + 2) + (2 + 1 + 2 + 1 + 2 + 1));
  const got = new Map<number, Record<string, Vector>>();
  readPayloadBatch(data, () => ["x", "u"], (id, p) => got.set(id, p));
  const x = got.get(4)!.x;
  assert.ok(x instanceof Float32Array && x.buffer === data.buffer, "a float32 view of the batch");
  assert.deepEqual(got.get(4), payload);
  assert.deepEqual(got.get(5), { x: Float32Array.of(1, 2), u: Float64Array.of(3) });
});

Deno.test("command records: every kind written and read back in place, in order", () => {
  const targets = [{ id: 5, to: 2, worker: 1 }, { id: 6, to: 3, worker: 0 }];
  const commands: Command[] = [
    { op: "step", node: 4, t: 17 },
    { op: "send", node: 4, round: 1, to: targets },
    { op: "mix", node: 4, round: 1, from: [-1, 5, 6], weights: [0.5, 0.25, 0.25] },
    { op: "release", ids: [5, 6] },
    { op: "snapshot", node: 4 },
    { op: "broadcast", node: 9, to: targets },
    { op: "client", node: 2, round: 3, from: 5, steps: 4, to: targets[1] },
    { op: "client", node: 3, round: 3, from: 6, steps: 4, to: null },
    { op: "aggregate", node: 9, round: 3, from: [12, 13], weights: [0.75, 0.25], clients: [2, 0] },
    { op: "mix", node: 4, round: 0, from: [-1, 5], weights: [0.5, 0.5], senders: [4, 7] },
  ];
  const writer = new CommandWriter();
  for (const command of commands) writer.write(command);
  assert.equal(writer.count, commands.length);
  const reader = new CommandReader(writer.take());
  assert.equal(writer.count, 0);
  const kinds: number[] = [];
  while (reader.next()) {
    kinds.push(reader.op);
    if (reader.op === OP.mix) {
      assert.deepEqual([reader.field(1), reader.field(2), reader.field(3)], [4, 1, 3]);
      assert.deepEqual([4, 5, 6, 7, 8, 9].map((k) => reader.field(k)), [-1, 5, 6, 0.5, 0.25, 0.25]);
    }
    if (reader.op === OP.client && reader.field(1) === 3) assert.equal(reader.field(5), -1);
    if (reader.op === OP.mix) assert.equal(reader.senders(), null);
    if (reader.op === OP.aggregate) {
      assert.deepEqual([reader.node, reader.round, reader.count], [9, 3, 2]);
      assert.deepEqual([...reader.weights()], [0.75, 0.25]);
      assert.deepEqual([...reader.senders()!], [2, 0]);
    }
    if (reader.op === OP.mixFrom) {
      assert.deepEqual([reader.source(0), reader.source(1)], [-1, 5]);
      assert.deepEqual([...reader.senders()!], [4, 7]);
    }
  }
  assert.deepEqual(kinds, [1, 2, 3, 4, 5, 6, 7, 7, 8, 9]);
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
    /x must be a Float64Array or Float32Array of length 3, received Float64Array of length 2/,
  );
  // Either precision's vectors pass (a float32 run sends Float32Arrays); other arrays do not.
  checkPayload({ x: new Float32Array(3) }, ["x"], 3, "node 2");
  assert.throws(
    () => checkPayload({ x: new Int32Array(3) as never }, ["x"], 3, "node 2"),
    /received Int32Array/,
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

Deno.test("send copies: a buffer is reused only once every holder has dropped it; small copies are never", () => {
  const copies = new SendCopies();
  const d = 4096; // 2 × 16 KiB + the probe: past the small-copy limit
  const payload = () => ({
    x: new Float32Array(d).map((_, k) => k),
    u: new Float64Array(d).fill(0.5),
    probe: Float64Array.of(1, 2, 3),
  });
  const source = payload();
  const a = copies.copy(source);
  source.x[0] = -1;
  assert.equal(a.x[0], 0, "the copy does not follow its source");
  assert.ok(a.x instanceof Float32Array && a.u instanceof Float64Array);
  assert.equal(a.x.buffer, a.probe.buffer, "one buffer holds every vector");
  assert.equal(a.u.byteOffset % 16, 0);
  // An inbox keeps it, through a payload holding its vectors after one of its own.
  copies.hold({ fresh: new Float64Array(2), ...a });
  copies.drop(a); // the sender's next send
  const b = copies.copy(payload());
  assert.notEqual(b.x.buffer, a.x.buffer, "a's buffer is still held");
  assert.deepEqual([...a.x.subarray(0, 3)], [0, 1, 2]);
  copies.drop(a); // the inbox releases it
  const c = copies.copy(payload());
  assert.equal(c.x.buffer, a.x.buffer, "the freed buffer is reused");
  copies.drop({ x: new Float32Array(d) }); // not a copy: nothing happens
  const d2 = copies.copy(payload());
  assert.notEqual(d2.x.buffer, c.x.buffer);
  // Small payloads share slabs and are not counted: dropping them frees nothing.
  const small = copies.copy({ x: new Float64Array(8).fill(2) });
  copies.drop(small);
  const next = copies.copy({ x: new Float64Array(8).fill(3) });
  assert.equal(next.x.buffer, small.x.buffer, "one slab");
  assert.notEqual(next.x.byteOffset, small.x.byteOffset, "carved one after another");
  assert.deepEqual([...small.x], new Array(8).fill(2));
});
