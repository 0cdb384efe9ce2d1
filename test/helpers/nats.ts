/**
 * A real `nats-server` per test: loopback only, ports chosen by the server itself (no race for
 * a "free" port), a temp store, stopped after the test. Faults as the issue names them:
 * `freeze`/`thaw` (kill -STOP/-CONT, a warm pause), `restart` (same ports, same store).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { waitFor } from "./processes.js";

export interface NatsOptions {
  /** Also listen for WebSocket clients (and leaf nodes) on loopback, without TLS. */
  websocket?: boolean;
  /** A JetStream domain: needed for a leaf node in front of the hub (see `startLeaf`). */
  domain?: string;
  /** Extra lines of server config (auth, TLS, …). */
  extra?: string;
  /** JetStream on (default); a leaf node runs without it. */
  jetstream?: boolean;
  /** The client port (default: one the server picks). */
  port?: number;
}

export interface NatsServer {
  /** `nats://127.0.0.1:<port>` */
  url: string;
  /** `ws://127.0.0.1:<port>`, with `websocket`. */
  wsUrl: string | undefined;
  readonly pid: number;
  dir: string;
  /** kill -STOP: the server is frozen, its sockets stay open. */
  freeze(): void;
  /** kill -CONT. */
  thaw(): void;
  /** Stops it (SIGTERM, then waits), runs `whileDown`, and starts it again on the same ports and store. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const servers = new Set<NatsServer>();

afterEach(async () => {
  const left = [...servers];
  servers.clear();
  await Promise.all(left.map((s) => s.stop()));
});

/** Whether `nats-server` is installed (the Debian package; `.ci/run` installs it). */
export function hasNatsServer(): boolean {
  return spawnSync("nats-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Starts a JetStream server on 127.0.0.1 with a temp store; stopped after the test. */
export async function startNats(options: NatsOptions = {}): Promise<NatsServer> {
  const dir = mkdtempSync(join(tmpdir(), "spark-nats-"));
  const conf = (ports: { nats: string; ws: string }) =>
    [
      `listen: "127.0.0.1:${ports.nats}"`,
      options.jetstream === false
        ? ""
        : `jetstream { store_dir: "${join(dir, "js")}"${options.domain ? `, domain: ${options.domain}` : ""} }`,
      // Leaf nodes dial the WebSocket port; the hub must also be configured to accept leaf nodes.
      options.websocket
        ? `websocket { listen: "127.0.0.1:${ports.ws}", no_tls: true }\nleafnodes { listen: "127.0.0.1:-1" }`
        : "",
      `ports_file_dir: "${dir}"`,
      options.extra ?? "",
    ].join("\n");
  const first = await launch(dir, conf({ nats: String(options.port ?? -1), ws: "-1" }));
  let child = first.child;
  const ports = first.ports;
  const server: NatsServer = {
    url: ports.nats,
    wsUrl: ports.websocket,
    get pid() {
      return child.pid as number;
    },
    dir,
    freeze: () => child.kill("SIGSTOP"),
    thaw: () => child.kill("SIGCONT"),
    async restart(whileDown) {
      await exit(child);
      await whileDown?.();
      const port = (url: string | undefined) => (url ? new URL(url).port : "-1");
      child = (await launch(dir, conf({ nats: port(ports.nats), ws: port(ports.websocket) }))).child;
    },
    async stop() {
      child.kill("SIGCONT");
      await exit(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  servers.add(server);
  return server;
}

/**
 * A leaf node in front of `hub`, dialling it over WebSocket (as a Sprite would through its
 * HTTPS edge). Clients of the leaf use the hub's JetStream through it (`default_js_domain`).
 */
export function startLeaf(hub: NatsServer, domain: string): Promise<NatsServer> {
  if (!hub.wsUrl) throw new Error("the hub needs websocket: true");
  return startNats({
    jetstream: false,
    extra: `default_js_domain: { "$G": ${domain} }\nleafnodes { remotes: [ { url: "${hub.wsUrl}" } ] }`,
  });
}

async function launch(
  dir: string,
  config: string,
): Promise<{ child: ChildProcess; ports: { nats: string; websocket?: string } }> {
  for (const f of readdirSync(dir)) if (f.endsWith(".ports")) rmSync(join(dir, f));
  const file = join(dir, "server.conf");
  writeFileSync(file, config);
  const child = spawn("nats-server", ["-c", file], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => {
    log += d.toString();
  });
  await waitFor(() => log.includes("Server is ready") || child.exitCode !== null, "nats-server to be ready", 20_000);
  if (child.exitCode !== null) throw new Error(`nats-server exited:\n${log}`);
  // The ports file lands just after the "ready" line, and may be seen empty for a moment.
  const parsed = await waitFor(() => readPorts(dir), "the ports file");
  return {
    child,
    ports: { nats: parsed.nats[0] as string, ...(parsed.websocket ? { websocket: parsed.websocket[0] } : {}) },
  };
}

function readPorts(dir: string): { nats: string[]; websocket?: string[] } | undefined {
  const file = readdirSync(dir).find((f) => f.endsWith(".ports"));
  try {
    return file
      ? (JSON.parse(readFileSync(join(dir, file), "utf8")) as { nats: string[]; websocket?: string[] })
      : undefined;
  } catch {
    return undefined; // still being written
  }
}

async function exit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await gone;
  clearTimeout(timer);
}
