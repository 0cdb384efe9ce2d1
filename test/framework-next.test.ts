import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, eventsWhere, eventWith, pendingEvents } from "./helpers/framework-app.js";
import { collectOutput, finished, freePort, type Output, waitFor } from "./helpers/processes.js";
import { REPO, requireBuild } from "./helpers/repo.js";

/**
 * A real `next build` and `next start` of a minimal app-router project whose instrumentation
 * file is the README's one line. The project sits under the repository (in .tmp/, ignored),
 * so Next and React resolve from its node_modules and Turbopack's root holds both.
 */
const NEXT = join(REPO, "node_modules/next/dist/bin/next");
const BUILD_MS = 240_000;

const PROJECT: Record<string, string> = {
  "package.json": JSON.stringify({ name: "next-shop", private: true, type: "module" }),
  // The build cache is for the next build of the same project; a test builds once.
  "next.config.mjs": "export default { experimental: { turbopackFileSystemCacheForBuild: false } };\n",
  "instrumentation.js": 'export { onRequestError } from "manifest-spark/next";\n',
  "app/layout.js":
    "export default function Layout({ children }) {\n  return <html><body>{children}</body></html>;\n}\n",
  "app/users/[id]/page.js": `export const dynamic = "force-dynamic";
const findUser = () => null;
export default async function User({ params }) {
  const { id } = await params;
  return <p>{findUser(id).name}</p>;
}
`,
  "app/missing/[id]/page.js": `import { notFound } from "next/navigation";
export const dynamic = "force-dynamic";
export default async function Missing() {
  notFound();
}
`,
  "app/api/orders/route.js": `export async function POST(request) {
  await request.json();
  throw new RangeError("payment service refused the order");
}
`,
};

let root: string;
let server: { child: ChildProcess; output: Output; url: string } | undefined;
const started: ChildProcess[] = [];

async function startNext(env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; output: Output; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [NEXT, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, SPARK_ENABLED: "", SPARK_ENV: "", NODE_ENV: "", SPARK_ROOT: root, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const output = collectOutput(child);
  await waitFor(() => /Ready in/.test(output.stdout()), "next start to be ready", 60_000);
  return { child, output, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  requireBuild();
  mkdirSync(join(REPO, ".tmp"), { recursive: true });
  root = mkdtempSync(join(REPO, ".tmp", "next-"));
  for (const [name, content] of Object.entries(PROJECT)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  // As `npm install manifest-spark` would: the app's node_modules holds the package.
  mkdirSync(join(root, "node_modules"));
  symlinkSync(REPO, join(root, "node_modules/manifest-spark"), "dir");
  const build = spawn(process.execPath, [NEXT, "build"], {
    cwd: root,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const built = await finished(build);
  if (built.code !== 0) throw new Error(`next build failed:\n${built.stdout}\n${built.stderr}`);
  buildOutput = `${built.stdout}${built.stderr}`;
  server = await startNext();
}, BUILD_MS);

let buildOutput = "";

afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await finished(child).catch(() => undefined);
    }
  }
  if (root) rmSync(root, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
});

describe('Next.js: export { onRequestError } from "manifest-spark/next"', () => {
  it("builds without a warning about Node modules on the edge runtime", () => {
    expect(buildOutput).not.toMatch(/Edge Runtime|node-module-in-edge-runtime/i);
  });

  it("records a page's render error with the route path, the app's request id and Next's facts", async () => {
    const url = server?.url as string;
    const answer = await ask(url, "/users/12?tab=orders", "n-12");
    expect(answer.status).toBe(500);
    const [event] = await eventsWhere(root, (e) => e.error.name === "TypeError", "of the page's TypeError");
    expect(event).toMatchObject({
      type: "server-error",
      route: "GET /users/[id]",
      status: 500,
      traceId: "n-12",
      error: { name: "TypeError", message: "Cannot read properties of null (reading 'name')" },
      request: { input: { params: { id: "12" }, query: { tab: "orders" } } },
      framework: { name: "next", routerKind: "App Router", routeType: "render" },
    });
    expect(event?.error.stack).toContain("TypeError");
    expect(event?.framework?.digest).toMatch(/^\d+$/);
  });

  it("gives three ids of one page one fingerprint", async () => {
    const url = server?.url as string;
    await ask(url, "/users/13", "n-13");
    await ask(url, "/users/14", "n-14");
    const events = await eventsWhere(root, (e) => e.error.name === "TypeError", "of the page's TypeError", 3);
    expect(events.map((e) => e.traceId).sort()).toEqual(["n-12", "n-13", "n-14"]);
    expect(new Set(events.map((e) => e.fingerprint)).size).toBe(1);
  });

  it("records a route handler's throw with its method and route type", async () => {
    const url = server?.url as string;
    const answer = await ask(url, "/api/orders", "n-o", { method: "POST", json: { item: "book" } });
    expect(answer.status).toBe(500);
    const [event] = await eventWith(root, "payment service refused the order");
    expect(event).toMatchObject({
      route: "POST /api/orders",
      status: 500,
      traceId: "n-o",
      error: { name: "RangeError" },
      framework: { name: "next", routeType: "route" },
    });
  });

  it("records nothing for notFound() or an unknown page", async () => {
    const url = server?.url as string;
    expect((await ask(url, "/missing/5", "n-d1")).status).toBe(404);
    expect((await ask(url, "/nowhere", "n-d2")).status).toBe(404);
    await ask(url, "/users/77", "n-sentinel");
    await eventsWhere(root, (e) => e.traceId === "n-sentinel", "of the last request");
    expect(pendingEvents(root).filter((e) => e.traceId.startsWith("n-d"))).toEqual([]);
    // Next calls the hook after it answered, and ignores what it returns: the page is Next's own.
    expect(server?.output.stderr()).not.toContain("manifest-spark");
  });

  it("with SPARK_ENABLED=0 writes nothing", async () => {
    const before = pendingEvents(root).length;
    const off = await startNext({ SPARK_ENABLED: "0", SPARK_ROOT: join(root, "off") });
    expect((await ask(off.url, "/users/1", "n-off")).status).toBe(500);
    await ask(off.url, "/api/orders", "n-off2", { method: "POST", json: {} });
    expect(existsSync(join(root, "off"))).toBe(false);
    expect(pendingEvents(root)).toHaveLength(before);
  });
});
