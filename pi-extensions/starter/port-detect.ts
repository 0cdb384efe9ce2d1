/**
 * Which port a dev server says it listens on, from the text it printed (the output of a
 * `bash` tool call). A match is only a hint: the extension confirms it with a connect probe
 * before the proxy switches. Pure.
 */

/** A port some output says a server listens on. */
export interface PortHint {
  port: number;
  /** Which server's wording matched. */
  kind: string;
  /** The line it came from (trimmed, at most 200 characters). */
  line: string;
}

// Hosts a local dev server prints: its own machine, any interface, or a LAN address.
const HOST = String.raw`(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]|\[::\]|(?:\d{1,3}\.){3}\d{1,3}|[a-z0-9-]+\.local)`;

/** Wordings, most specific first: the first that matches a line names its kind. */
const PATTERNS: ReadonlyArray<readonly [string, RegExp]> = [
  // VITE v5 ready … ➜  Local:   http://localhost:5173/  (also Astro, SvelteKit, Nuxt: "Local:")
  ["vite", new RegExp(String.raw`\bLocal:\s+https?://${HOST}:(\d{2,5})`, "i")],
  // Next.js: "- Local:        http://localhost:3000", older "started server on 0.0.0.0:3000"
  ["next", new RegExp(String.raw`started server on ${HOST}:(\d{2,5})`, "i")],
  // Django: "Starting development server at http://127.0.0.1:8000/"
  ["django", new RegExp(String.raw`Starting development server at https?://${HOST}:(\d{2,5})`, "i")],
  // Flask / Werkzeug: " * Running on http://127.0.0.1:5000"
  ["flask", new RegExp(String.raw`Running on https?://${HOST}:(\d{2,5})`, "i")],
  // Rails (Puma): "* Listening on http://127.0.0.1:3000", "Listening on tcp://0.0.0.0:3000"
  ["rails", new RegExp(String.raw`(?:\*\s*Listening on (?:https?|tcp)|Listening on tcp)://${HOST}:(\d{2,5})`, "i")],
  // python -m http.server: "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/)"
  ["python-http", /Serving HTTP on \S+ port (\d{2,5})/i],
  // Fastify: "Server listening at http://127.0.0.1:3000"
  ["fastify", new RegExp(String.raw`listening at https?://${HOST}:(\d{2,5})`, "i")],
  // Express and friends: "listening on port 3000", "Example app listening on port 3000"
  ["listening-port", /\blisten(?:ing)?\s+(?:on\s+)?(?:port\s*:?\s*)(\d{2,5})\b/i],
  // Anything that says it listens or runs on a local URL ("hello-app listening on http://…").
  [
    "listening-url",
    new RegExp(String.raw`\b(?:listen\w*|running|serving|started|ready|available)\b.*?https?://${HOST}:(\d{2,5})`, "i"),
  ],
];

/** Lines beyond this many (from the end) are not looked at: a dev server prints its URL early, logs come later. */
const MAX_LINES = 400;

/**
 * Every port the text announces, newest last, one hint per port (its latest line). Ports
 * below 1024 are left out: a dev server does not bind them, so a match there is noise.
 */
export function detectAppPorts(text: string): PortHint[] {
  const lines = text.split(/\r?\n/).slice(-MAX_LINES);
  const byPort = new Map<number, PortHint>();
  for (const raw of lines) {
    // Colour codes sit between "Local:" and the URL in Vite's output.
    const line = stripAnsi(raw).trim();
    if (line === "" || line.length > 2000) continue;
    for (const [kind, pattern] of PATTERNS) {
      const m = pattern.exec(line);
      const port = Number(m?.[1]);
      if (!m || !Number.isInteger(port) || port < 1024 || port > 65535) continue;
      byPort.delete(port);
      byPort.set(port, { port, kind, line: line.slice(0, 200) });
      break;
    }
  }
  return [...byPort.values()];
}

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point.
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "");
}
