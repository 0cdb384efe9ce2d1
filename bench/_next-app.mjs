// A minimal Next.js app for frameworks.bench.mjs: one dynamic route handler that answers "ok",
// built with or without Spark's instrumentation line, then served by `next start`. The project
// sits in the repository's .tmp/ so Next and React resolve from its node_modules.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { REPO_ROOT, waitFor } from "./_lib.mjs";

const NEXT = join(REPO_ROOT, "node_modules/next/dist/bin/next");

const FILES = {
  "package.json": JSON.stringify({ name: "bench-next", private: true, type: "module" }),
  "next.config.mjs": "export default { experimental: { turbopackFileSystemCacheForBuild: false } };\n",
  "app/layout.js":
    "export default function Layout({ children }) {\n  return <html><body>{children}</body></html>;\n}\n",
  "app/users/[id]/route.js":
    'export const dynamic = "force-dynamic";\nexport function GET() {\n  return new Response("ok");\n}\n',
};

function run(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [NEXT, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`next ${args[0]} failed:\n${out}`))));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Builds the app (with Spark's line when `withSpark`) and starts it: its port, CPU time, stop. */
export async function startNextApp(withSpark, sparkRoot) {
  const port = await freePort();
  mkdirSync(join(REPO_ROOT, ".tmp"), { recursive: true });
  const root = mkdtempSync(join(REPO_ROOT, ".tmp", "bench-next-"));
  const files = withSpark
    ? { ...FILES, "instrumentation.js": 'export { onRequestError } from "manifest-spark/next";\n' }
    : FILES;
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  mkdirSync(join(root, "node_modules"));
  symlinkSync(REPO_ROOT, join(root, "node_modules/manifest-spark"), "dir");
  await run(["build"], root);
  const child = spawn(process.execPath, [NEXT, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: root,
    env: { ...process.env, SPARK_ROOT: sparkRoot, SPARK_ENABLED: "", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // The runner kills a module that overruns with SIGKILL, which no handler of ours sees: the
  // server is stopped when this process ends in any other way, and by `stop`.
  const orphanGuard = () => child.kill("SIGTERM");
  process.once("exit", orphanGuard);
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await waitFor(() => /Ready in/.test(out), { timeoutMs: 60_000, what: "next start" });
  return {
    port,
    /** The server's CPU time so far, in µs (from /proc: clock ticks). */
    cpu: () => {
      const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1].split(" ");
      return ((Number(fields[11]) + Number(fields[12])) / 100) * 1e6;
    },
    stop: async () => {
      process.off("exit", orphanGuard);
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("close", resolve));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
