// The NATS transport's wire without a server: control messages keep their float64s bit for
// bit (NaN, −0, ±Infinity too) and frames split and join any message; the NATS flags reject
// bad values with the flag, the value and what was expected (exit 2).
import assert from "node:assert/strict";
import { decodeMessage, encodeMessage, FrameJoiner, frames } from "../actors/nats_codec.ts";
import { runCli } from "./_cli.ts";

Deno.test("NATS codec: control messages keep every float64 and number", () => {
  const params = new Float64Array([1.5, -0, NaN, Infinity, -Infinity, 2 ** -1074]);
  const value = {
    ok: true,
    value: [{ node: 3, params, rate: null, probe: new Float64Array(0), weight: -0, inf: NaN }],
  };
  const back = decodeMessage(encodeMessage(value)) as typeof value;
  const got = back.value[0];
  assert.deepEqual(new Uint8Array(got.params.buffer), new Uint8Array(params.buffer));
  assert.equal(got.params.byteOffset, 0);
  assert.ok(Object.is(got.weight, -0) && Number.isNaN(got.inf));
  assert.equal(got.rate, null);
  assert.equal(got.probe.length, 0);
  const single = new Float32Array([1.5, -0, NaN, 3e38, 1e-45]);
  const mixed = decodeMessage(encodeMessage({ single, params })) as typeof value & {
    single: Float32Array;
    params: Float64Array;
  };
  assert.ok(mixed.single instanceof Float32Array && mixed.params instanceof Float64Array);
  assert.deepEqual(new Uint8Array(mixed.single.buffer), new Uint8Array(single.buffer));
  assert.deepEqual(new Uint8Array(mixed.params.buffer), new Uint8Array(params.buffer));
  assert.throws(() => encodeMessage({ ints: new Int32Array(2) }), /Int32Array/);
});

Deno.test("NATS codec: frames split a message and join it again, per subject", () => {
  const body = new Uint8Array(1000).map((_, i) => i % 251);
  for (const max of [9, 64, 999, 1008, 1009, 4096]) {
    const joiner = new FrameJoiner();
    const parts = frames(body, max);
    assert.ok(parts.every((part) => part.length <= max));
    const other = frames(new Uint8Array([7]), max)[0];
    let whole: Uint8Array | null = null;
    for (const part of parts) {
      assert.equal(whole, null);
      assert.deepEqual(joiner.add("b", other), new Uint8Array([7])); // interleaved subject
      whole = joiner.add("a", part);
    }
    assert.deepEqual(whole, body);
  }
  assert.deepEqual(new FrameJoiner().add("a", frames(new Uint8Array(0), 64)[0]), new Uint8Array());
});

Deno.test("NATS flags: bad values name the flag, the value and what was expected", async () => {
  const actors = ["--engine", "actors", "--steps", "2", "--quiet"];
  const cases: [string[], RegExp][] = [
    [
      [...actors, "--transport", "http://127.0.0.1:4222"],
      /--transport: expected nats:\/\/HOST:PORT/,
    ],
    [[...actors, "--transport", "nats://me:secret@127.0.0.1:4222"], /holds a credential/],
    [["--steps", "2", "--transport", "nats://127.0.0.1:4222"], /add --engine actors/],
    [[...actors, "--transport", "nats://127.0.0.1:4222", "--hosts", "0"], /--hosts: expected/],
    [[...actors, "--hosts", "2"], /--hosts: only with --transport/],
    [[...actors, "--transport", "nats://127.0.0.1:4222", "--host-timeout", "0"], /0\.5–3600/],
    [
      [...actors, "--transport", "nats://127.0.0.1:4222", "--nats-token-file", "/nonexistent"],
      /--nats-token-file: cannot read/,
    ],
  ];
  for (const [args, message] of cases) {
    const run = await runCli(...args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.err}`);
    assert.match(run.err, message);
  }
});
