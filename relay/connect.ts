/**
 * Dialling the hub: NATS over TCP (TLS when required) or over WebSocket (`ws` provides the
 * socket, so a private CA works on every Node). Once connected, the client reconnects on its
 * own, forever; the relay only decides what to say while it cannot.
 */
import { readFileSync } from "node:fs";
import type { ConnectionOptions, NatsConnection, TlsOptions } from "@nats-io/transport-node";
import { connect, credsAuthenticator, nkeyAuthenticator, wsconnect } from "@nats-io/transport-node";
import { type HubCredentials, readCredentials } from "./credentials.js";
import type { HubSettings } from "./settings.js";

/** A hub that cannot be used, and whether waiting could help. */
export class HubError extends Error {
  override readonly name = "HubError";
  constructor(
    message: string,
    readonly next: string,
    /** A wrong setting (credentials, TLS): retrying the same thing cannot help. */
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

/**
 * Connects once (throws a `HubError` saying why it could not). `reconnect: false` for a command
 * that asks once and ends (`fleet status`).
 */
export async function connectHub(
  settings: HubSettings,
  name: string,
  { reconnect = true }: { reconnect?: boolean } = {},
): Promise<NatsConnection> {
  const options: ConnectionOptions = {
    servers: settings.address.url,
    name,
    reconnect,
    maxReconnectAttempts: reconnect ? -1 : 0,
    reconnectTimeWait: 1000,
    // A hub that stops answering (a frozen VM) is noticed in seconds, not after the default 2 min.
    pingInterval: 5000,
    maxPingOut: 3,
    timeout: 5000,
    // No stack captured for every request (two Error objects per publish): a relayed event
    // spent 0.08 ms on them in a relay that woke for it. Errors still say what failed.
    noAsyncTraces: true,
    ...authOptions(settings),
  };
  if (settings.address.tls && settings.address.transport === "tcp") {
    // `host`: the client upgrades a plain socket to TLS, and Node then checks the certificate
    // against "localhost" unless told the name dialled (an IP address included).
    const check = { host: settings.address.hostname } as TlsOptions;
    options.tls = settings.caFile ? { ...check, caFile: settings.caFile } : check;
  }
  try {
    if (settings.address.transport === "tcp") return await connect(options);
    const { WebSocket } = await import("ws");
    const ca = settings.caFile ? readFileSync(settings.caFile) : undefined;
    return await wsconnect({
      ...options,
      wsFactory: async (url: string) => ({
        socket: new WebSocket(url, ca ? { ca } : {}) as unknown as globalThis.WebSocket,
        encrypted: url.startsWith("wss:"),
      }),
    });
  } catch (error) {
    throw describeConnectError(error, settings);
  }
}

function authOptions(settings: HubSettings): Partial<ConnectionOptions> {
  if (!settings.credsFile) return {};
  const read = readCredentials(settings.credsFile);
  if (!read.ok) throw new HubError(read.problem.message, read.problem.next, true);
  return credentialOptions(read.credentials);
}

function credentialOptions(credentials: HubCredentials): Partial<ConnectionOptions> {
  switch (credentials.kind) {
    case "creds":
      return { authenticator: credsAuthenticator(credentials.bytes) };
    case "nkey":
      return { authenticator: nkeyAuthenticator(new TextEncoder().encode(credentials.seed)) };
    case "user":
      return { user: credentials.user, pass: credentials.pass };
    case "token":
      return { token: credentials.token };
  }
}

/** Turns what the client threw into words: what happened and what to do. Pure but for `settings`. */
export function describeConnectError(error: unknown, settings: HubSettings): HubError {
  if (error instanceof HubError) return error;
  const text = errorText(error);
  const hub = settings.address.shown;
  if (/authori[sz]ation|authentication|user.*expired|permissions? violation/i.test(text)) {
    return new HubError(
      `The hub at ${hub} refused this relay's credentials (${firstLine(text)}).`,
      settings.credsFile
        ? `Check the credentials in ${settings.credsFile} with the hub's operator.`
        : "The hub wants credentials: put them in a 0600 file and name it in hub.credsFile (or SPARK_HUB_CREDS).",
      true,
    );
  }
  if (/jetstream is not enabled|no responders: '\$JS\.API/i.test(text)) {
    return new HubError(
      `The server at ${hub} answers but offers no JetStream, which the relay needs.`,
      "Start the hub with JetStream (nats-server -js, or jetstream {} in its config); a leaf node in front of it needs default_js_domain.",
      false,
    );
  }
  if (/certificate|self[- ]signed|tls|ssl|altname|handshake/i.test(text)) {
    return new HubError(
      `The TLS connection to ${hub} failed (${firstLine(text)}).`,
      settings.caFile
        ? `Check that ${settings.caFile} is the CA that signed the hub's certificate, and that the certificate names the host you dial.`
        : "If a private CA signed the hub's certificate, name its PEM file in hub.caFile.",
      true,
    );
  }
  return new HubError(
    `Cannot reach the hub at ${hub} (${firstLine(text)}). Events stay pending here and go when it answers.`,
    "Check hub.url and that the hub is running; the relay keeps trying.",
    false,
  );
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const code = (error as NodeJS.ErrnoException).code;
  return [error.message, code, cause instanceof Error ? cause.message : undefined].filter(Boolean).join(": ");
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? text).slice(0, 200);
}
