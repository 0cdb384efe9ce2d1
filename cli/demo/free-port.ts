import { createServer } from "node:net";

/**
 * Ports to pick from: below the range the kernel hands out by itself (Linux 32768–60999,
 * macOS 49152–65535). A port found free there stays free until the app listens on it, unless
 * another program names it: an outgoing connection never takes it. One picked by the kernel
 * (`listen(0)`) could go to any connection in between, and the demo's app would not start.
 */
const LOW = 20_000;
const HIGH = 32_767;
const TRIES = 50;

/** A TCP port on 127.0.0.1 that was free a moment ago, below the ephemeral range if it can. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if ((await probe(port)) !== undefined) return port;
  }
  const any = await probe(0); // that whole range busy: the kernel's pick is better than none
  if (any === undefined) throw new Error("no free TCP port on 127.0.0.1");
  return any;
}

/** The port `port` gave (the kernel's pick for 0) if it could be listened on, else undefined. */
function probe(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(undefined));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const got = typeof address === "object" && address ? address.port : undefined;
      server.close(() => resolve(got));
    });
  });
}
