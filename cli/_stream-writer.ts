/**
 * Writes chunks to `stream` the way `pipe()` would: straight through while it keeps up, and
 * once it pushes back, gathered until it drains and then written as one buffer. Output that
 * arrives faster than a pipe reads it then goes out in a few large writes, not thousands of
 * small queued ones.
 */
export function streamWriter(stream: NodeJS.WritableStream): (chunk: Buffer) => void {
  let waiting: Buffer[] | undefined;
  const flush = () => {
    const chunks = waiting ?? [];
    waiting = undefined;
    if (chunks.length > 0 && !stream.write(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks))) hold();
  };
  const hold = () => {
    waiting = [];
    stream.once("drain", flush);
  };
  return (chunk) => {
    if (waiting) waiting.push(chunk);
    else if (!stream.write(chunk)) hold();
  };
}
