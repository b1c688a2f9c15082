// The live view's event stream as a test reads it: every server-sent event until one says so.

/**
 * Reads the server-sent events at `url` + `events` until `until` is true of one (or the
 * stream ends).
 *
 * @param url the view's address
 * @param until whether the event read is the last one wanted
 * @returns the events read, in order, each with its name and parsed data
 */
export async function readEvents(
  url: string,
  until: (name: string, data: unknown) => boolean,
): Promise<{ name: string; data: unknown }[]> {
  const response = await fetch(`${url}events`);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const seen: { name: string; data: unknown }[] = [];
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const [head, body] = buffer.slice(0, end).split("\n");
      buffer = buffer.slice(end + 2);
      const event = { name: head.slice(7), data: JSON.parse(body.slice(6)) };
      seen.push(event);
      if (until(event.name, event.data)) {
        await reader.cancel();
        return seen;
      }
    }
  }
  return seen;
}
