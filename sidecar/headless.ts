import type { HostItem, SidecarHost } from "./host.js";

/** Writes one NDJSON line per thing that happens (text deltas are left out: the full text follows). */
export function ndjsonLine(item: HostItem | Record<string, unknown>, now = new Date()): string | undefined {
  if ("kind" in item && item.kind === "assistant-delta") return undefined;
  const { kind, ...rest } = item as { kind?: string };
  return `${JSON.stringify({ t: now.toISOString(), type: kind ?? (item as { type?: string }).type, ...rest })}\n`;
}

/**
 * Runs the sidecar with no screen: NDJSON status lines on stdout (for services and cloud
 * VMs) until SIGINT or SIGTERM, then a clean shutdown. Resolves with the exit code.
 */
export async function runHeadless(host: SidecarHost, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const write = (item: HostItem | Record<string, unknown>) => {
    const line = ndjsonLine(item);
    if (line) out.write(line);
  };
  write({
    type: "ready",
    root: host.loaded.root,
    environment: host.loaded.config.environment,
    model: host.model ?? null,
    watchOnly: host.watchOnly ?? null,
    session: host.sessionFile ?? null,
    pi: `${host.pi.name}@${host.pi.version}`,
  });
  const unsubscribe = host.subscribe(write);
  // Spark's watchers and timers never keep a process alive (pi -p must exit): the sidecar
  // holds the event loop open itself until it is told to stop.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  clearInterval(keepAlive);
  write({ type: "stopping", signal });
  await host.shutdown();
  unsubscribe();
  write({ type: "stopped" });
  return 0;
}

/**
 * stdout is NDJSON for machines: a console.log from any extension in the session would break
 * it, so the console writes to stderr while the sidecar runs headless (from before it starts).
 */
export function consoleToStderr(): void {
  console.log = console.error;
  console.info = console.error;
}
