import { connect } from "node:net";

/** Where a local dev server may listen: IPv4 or IPv6 loopback (or any interface, which includes them). */
const LOOPBACKS = ["127.0.0.1", "::1"] as const;

/** Whether something accepts a TCP connection on `port` on a loopback address. */
export async function portAnswers(port: number, timeoutMs = 500): Promise<boolean> {
  return (await answeringLoopback(port, timeoutMs)) !== undefined;
}

/** The loopback address something accepts connections on at `port` (IPv4 first), if any. */
export async function answeringLoopback(port: number, timeoutMs = 500): Promise<string | undefined> {
  const answers = await Promise.all(LOOPBACKS.map((host) => connects(host, port, timeoutMs)));
  return LOOPBACKS.find((_, i) => answers[i]);
}

function connects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Probes until the port answers or `attempts` run out: a dev server often prints its URL a
 * moment before it accepts connections, or the output is read while it is still starting.
 */
export async function waitUntilAnswers(
  port: number,
  options: { attempts?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<boolean> {
  const attempts = options.attempts ?? 20;
  for (let i = 0; i < attempts; i++) {
    if (options.signal?.aborted) return false;
    if (await portAnswers(port)) return true;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 500).unref());
  }
  return false;
}
