import { describe, expect, it } from "vitest";
import { detectAppPorts } from "../pi-extensions/starter/port-detect.js";

const ports = (text: string) => detectAppPorts(text).map((h) => [h.port, h.kind]);

describe("app-port detection from a dev server's output", () => {
  it.each([
    [
      "Vite (with colour codes)",
      "\n  \x1b[32m\x1b[1mVITE\x1b[22m v5.4.2\x1b[39m  ready in 312 ms\n\n  \x1b[32m➜\x1b[39m  \x1b[1mLocal\x1b[22m:   \x1b[36mhttp://localhost:\x1b[1m5173\x1b[22m/\x1b[39m\n  ➜  Network: use --host to expose",
      5173,
      "vite",
    ],
    ["Next.js 14", "  ▲ Next.js 14.2.3\n  - Local:        http://localhost:3000\n\n ✓ Ready in 1838ms", 3000, "vite"],
    ["Next.js 12", "ready - started server on 0.0.0.0:3001, url: http://localhost:3001", 3001, "next"],
    ["Express", "Example app listening on port 4000", 4000, "listening-port"],
    ["Fastify", '{"level":30,"msg":"Server listening at http://127.0.0.1:3002"}', 3002, "fastify"],
    ["Flask", " * Serving Flask app 'app'\n * Debug mode: on\n * Running on http://127.0.0.1:5000", 5000, "flask"],
    [
      "Django",
      "System check identified no issues (0 silenced).\nStarting development server at http://127.0.0.1:8000/\nQuit the server with CONTROL-C.",
      8000,
      "django",
    ],
    ["Rails (Puma)", "Puma starting in single mode...\n* Listening on http://127.0.0.1:3000", 3000, "rails"],
    ["Puma on tcp", "* Listening on tcp://0.0.0.0:9292", 9292, "rails"],
    ["python -m http.server", "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...", 8000, "python-http"],
    ["the example app", "hello-app listening on http://127.0.0.1:41234", 41234, "listening-url"],
    ["IPv6 loopback", "server running at http://[::1]:8787/", 8787, "listening-url"],
  ])("%s", (_name, output, port, kind) => {
    expect(ports(output)).toEqual([[port, kind]]);
  });

  it("finds nothing in ordinary output, and ignores privileged ports and URLs nobody listens on", () => {
    expect(ports("3 passing (12ms)\nBuild finished in 1.2s")).toEqual([]);
    expect(ports("Listening on http://0.0.0.0:80")).toEqual([]);
    expect(ports("fetching https://example.com:8443/api")).toEqual([]);
    expect(ports("curl http://localhost:3000/health → 200")).toEqual([]);
  });

  it("lists each port once, the one announced last at the end", () => {
    const out = "listening on port 3000\nlistening on port 3001\nlistening on port 3000";
    expect(ports(out)).toEqual([
      [3001, "listening-port"],
      [3000, "listening-port"],
    ]);
    expect(detectAppPorts(out).at(-1)?.line).toBe("listening on port 3000");
  });
});
