/**
 * The hub's address, pure: which transport, whether TLS is required, what to show. Anything
 * that leaves this machine is encrypted: a hub that is not on loopback is reached over TLS
 * (`tls://`, `wss://`, or `nats://`, which then requires TLS), and `ws://` is refused there.
 */

export type HubTransport = "tcp" | "websocket";

/** A hub URL that passed the checks. */
export interface HubAddress {
  /** What the client dials (credentials taken out of it). */
  url: string;
  transport: HubTransport;
  /** The connection must be TLS (the client refuses a server that does not offer it). */
  tls: boolean;
  loopback: boolean;
  /** The host name (or IP) the hub's certificate must name. */
  hostname: string;
  /** For messages and status: the URL without any credentials. */
  shown: string;
}

/** A URL problem, with the next step. */
export interface HubUrlProblem {
  message: string;
  next: string;
}

/** `localhost`, 127.0.0.0/8 and ::1: traffic that never leaves this machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(?:\.\d{1,3}){3}$/.test(h);
}

/** Checks a hub URL and says how to dial it. */
export function parseHubUrl(raw: string): { ok: true; address: HubAddress } | { ok: false; problem: HubUrlProblem } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad(`"${raw}" is not a URL.`);
  }
  const scheme = url.protocol.replace(/:$/, "");
  if (!["nats", "tls", "ws", "wss"].includes(scheme) || url.hostname === "") {
    return bad(`"${shown(url)}" is not a nats://, tls://, ws:// or wss:// URL with a host.`);
  }
  if (url.username !== "" || url.password !== "") {
    return {
      ok: false,
      problem: {
        message: "The hub URL holds credentials; they would show in status output and process lists.",
        next: "Take them out of the URL and put them in a 0600 file named by hub.credsFile (or SPARK_HUB_CREDS).",
      },
    };
  }
  const loopback = isLoopbackHost(url.hostname);
  const transport: HubTransport = scheme === "ws" || scheme === "wss" ? "websocket" : "tcp";
  if (scheme === "ws" && !loopback) {
    return {
      ok: false,
      problem: {
        message: `${shown(url)} is not on this machine, and ws:// is not encrypted.`,
        next: `Use wss://${url.host}${url.pathname === "/" ? "" : url.pathname} (the relay talks to a remote hub over TLS only).`,
      },
    };
  }
  const tls = scheme === "tls" || scheme === "wss" || (scheme === "nats" && !loopback);
  // The TCP client takes host:port; the WebSocket client takes the whole URL.
  const dial =
    transport === "tcp"
      ? `${scheme === "tls" ? "tls" : "nats"}://${url.host}`
      : `${scheme}://${url.host}${url.pathname}`;
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  return { ok: true, address: { url: dial, transport, tls, loopback, hostname, shown: shown(url) } };
}

function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname === "/" ? "" : url.pathname}`;
}

function bad(message: string): { ok: false; problem: HubUrlProblem } {
  return {
    ok: false,
    problem: { message, next: "Set hub.url in config/spark.ts (or --hub), e.g. tls://hub.example.com:4222." },
  };
}
