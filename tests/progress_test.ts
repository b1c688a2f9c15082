import assert from "node:assert/strict";
import { createProgress, type ProgressOptions } from "../metrics/progress.ts";

/** A stream that keeps what it is given, and a clock the test moves by hand. */
function fakeWorld() {
  const writes: string[] = [];
  const decoder = new TextDecoder();
  const stream = {
    writeSync(bytes: Uint8Array): number {
      writes.push(decoder.decode(bytes));
      return bytes.length;
    },
  };
  const clock = { ms: 0 };
  return { writes, stream, clock, now: () => clock.ms };
}

function reporter(world: ReturnType<typeof fakeWorld>, options: Partial<ProgressOptions> = {}) {
  return createProgress({
    total: 1000,
    label: "dgd",
    stream: world.stream,
    terminal: true,
    now: world.now,
    ...options,
  });
}

Deno.test("createProgress() rewrites the line at most once per 100 ms", () => {
  const world = fakeWorld();
  const progress = reporter(world);
  // 1000 updates over 1 s of fake wall time, one per millisecond.
  for (let done = 1; done <= 1000; done++) {
    world.clock.ms = done;
    progress.update(done, { loss: 1 / done });
  }
  progress.finish();
  const lines = world.writes.filter((text) => text.startsWith("\r"));
  // The first update, one per 100 ms after it, and the final one.
  assert.ok(lines.length >= 10 && lines.length <= 12, `${lines.length} rewrites`);
  assert.equal(world.writes.at(-1), "\n");
});

Deno.test("createProgress() ends on 100% with the loss and the virtual time", () => {
  const world = fakeWorld();
  const progress = reporter(world);
  world.clock.ms = 2_000;
  progress.update(500, { virtualTime: 12.5, loss: 0.25 });
  world.clock.ms = 2_050;
  progress.update(1000, { virtualTime: 25, loss: 0.125 });
  progress.finish();
  const last = world.writes.at(-2)!;
  assert.match(
    last,
    /^\rdgd {2}1000\/1000 {2}100\.0% {2}t=25\.00s {2}took 0:02 {2}loss 0\.1250 *$/,
  );
  assert.match(world.writes[0], /50\.0% {2}t=12\.50s {2}ETA 0:02 {2}loss 0\.2500/);
});

Deno.test("createProgress() finish() writes the update the throttle held back", () => {
  const world = fakeWorld();
  const progress = reporter(world);
  progress.update(10);
  world.clock.ms = 5;
  progress.update(20);
  assert.equal(world.writes.length, 1);
  progress.finish();
  progress.finish();
  assert.deepEqual(world.writes.slice(1).map((text) => text.trim()), [
    "dgd  20/1000  2.0%  ETA 0:00",
    "",
  ]);
  progress.update(30);
  assert.equal(world.writes.length, 3);
});

Deno.test("createProgress() pads a shorter line over a longer one", () => {
  const world = fakeWorld();
  const progress = reporter(world);
  progress.update(1, { loss: 123456789 });
  world.clock.ms = 1_000;
  progress.update(2);
  assert.equal(world.writes[1].length, world.writes[0].length);
});

Deno.test("createProgress() prints nothing when quiet or not a terminal", () => {
  for (const options of [{ quiet: true }, { terminal: false }]) {
    const world = fakeWorld();
    const progress = reporter(world, options);
    for (let done = 0; done <= 1000; done += 100) {
      world.clock.ms += 500;
      progress.update(done, { loss: 1 });
    }
    progress.finish();
    assert.deepEqual(world.writes, []);
  }
  // A stream of the caller's own is not taken for a terminal unless it says so.
  const world = fakeWorld();
  const progress = createProgress({ total: 5, label: "x", stream: world.stream });
  progress.update(5);
  progress.finish();
  assert.deepEqual(world.writes, []);
});

Deno.test("createProgress() rejects a total that is not a positive integer", () => {
  for (const total of [0, -3, 2.5, NaN]) {
    assert.throws(
      () => createProgress({ total, label: "x" }),
      RangeError,
      `total ${total}`,
    );
  }
});
