import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { TOOLS } from "../cli/_tools.js";
import { startMockModel } from "./fakes/mock-openai.js";
import { type Footprint, footprint, installApp, npmFreeEnv, packRepo } from "./helpers/app-install.mjs";
import { CLEAN_ENV } from "./helpers/cli.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { collectOutput, finished, jsonLines, waitFor } from "./helpers/processes.js";
import { REPO, requireBuild } from "./helpers/repo.js";

// One production install per run (npm pack, then `npm install --omit=dev` of an app that
// follows the README), shared by every test here; each test works in its own project folder
// inside that app, so node resolves `manifest-spark` from the app's node_modules.
let work: string;
let app: string;
let installed: Footprint;
let emptyPrefix: string;

beforeAll(() => {
  requireBuild();
  work = realpathSync(mkdtempSync(join(tmpdir(), "spark-app-install-")));
  const tarball = packRepo(REPO, work);
  app = installApp(REPO, tarball, join(work, "app")).dir;
  installed = footprint(join(app, "node_modules"));
  // A global npm folder with nothing in it, so a Pi installed on this machine cannot answer.
  emptyPrefix = join(work, "empty-prefix");
  mkdirSync(join(emptyPrefix, "lib", "node_modules"), { recursive: true });
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true, maxRetries: 5 });
});

const running: ChildProcess[] = [];
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await finished(child).catch(() => undefined);
    }
  }
});

let projects = 0;
/** A fresh project folder inside the app (its own package.json, so its own `.spark/`). */
function project(files: Record<string, string> = {}): string {
  const dir = join(app, "projects", `p${++projects}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{ "name": "shop", "private": true, "type": "module" }\n');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The environment of a user's shell in the app: no npm_* from the test runner, no SPARK_*. */
function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return npmFreeEnv({ ...CLEAN_ENV, NPM_CONFIG_PREFIX: emptyPrefix, PI_OFFLINE: "1", ...extra });
}

function npx(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync("npx", args, { cwd, env: userEnv(env), encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EMIT = `import { spark } from "manifest-spark";
const id = spark.captureServerError({ feature: "checkout", route: "POST /pay", status: 500, error: new Error("card declined"), input: { card: "4242", internalRef: "r-77" } });
console.log(JSON.stringify({ id: id ?? null, enabled: spark.enabled }));
`;

const pendingEvents = (dir: string) =>
  readdirSync(join(dir, ".spark", "events"))
    .filter((n) => n.endsWith(".json"))
    .map((n) => JSON.parse(readFileSync(join(dir, ".spark", "events", n), "utf8")) as Record<string, unknown>);

describe("an app's production install (npm install --omit=dev of an app that follows the README)", () => {
  it("is at most 12 MiB and 20 packages, with no install script and nothing native", () => {
    expect(installed.bytes / 2 ** 20).toBeLessThanOrEqual(12);
    expect(installed.packages.length).toBeLessThanOrEqual(20);
    expect(installed.installScripts).toEqual([]);
    expect(installed.native).toEqual([]);
    expect(installed.packages.map((p) => p.slice(0, p.lastIndexOf("@"))).sort()).toEqual(["jiti", "manifest-spark"]);
  });

  it("carries none of the tools, though the app has them as dev dependencies", () => {
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { devDependencies: object };
    expect(Object.keys(pkg.devDependencies)).toContain("@mariozechner/pi-coding-agent");
    for (const spec of Object.values(TOOLS).flatMap((t) => t.install)) {
      const name = spec.slice(0, spec.lastIndexOf("@"));
      expect(existsSync(join(app, "node_modules", name)), name).toBe(false);
    }
  });

  it("writes an event from the emitter, redacted as the TypeScript config says", () => {
    const dir = project({
      "app.mjs": EMIT,
      "config/spark.ts": 'export default { redact: { keys: ["internalRef"] } } satisfies Record<string, unknown>;\n',
    });
    const r = spawnSync(process.execPath, ["app.mjs"], { cwd: dir, env: userEnv(), encoding: "utf8" });
    expect(r.stderr).toBe("");
    const { id, enabled } = JSON.parse(r.stdout) as { id: string; enabled: boolean };
    expect(enabled).toBe(true);
    const [event] = pendingEvents(dir);
    expect(event).toMatchObject({ id, type: "server-error", feature: "checkout", source: { app: "shop" } });
    expect(JSON.stringify(event)).toContain('"internalRef":"[REDACTED]"');
  });

  it("type-checks config/spark.ts with defineSparkConfig, and names a wrong field, without zod installed", () => {
    const header = 'import { defineSparkConfig } from "manifest-spark";\nexport default defineSparkConfig(';
    const wrong = '{ debounce: { windowMs: "soon" } });';
    const dir = project({
      "good/spark.ts": `${header}{ debounce: { windowMs: 300 }, redact: { keys: ["ref"] } });\n`,
      "bad/spark.ts": `${header}${wrong}\n`,
    });
    const tsc = join(REPO, "node_modules", "typescript", "bin", "tsc");
    // skipLibCheck as most apps have it: a type that failed to resolve would then be `any`,
    // and the wrong field would pass unnoticed. One tsc run for both files (it is slow to start).
    const args = ["--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--target", "es2022"];
    const types = ["--typeRoots", join(REPO, "node_modules", "@types"), "--types", "node"];
    const r = spawnSync(process.execPath, [tsc, ...args, ...types, "good/spark.ts", "bad/spark.ts"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).not.toBe(0);
    // Exactly one error, at `windowMs` (line 2, after the import line).
    const column = "export default defineSparkConfig(".length + wrong.indexOf("windowMs") + 1;
    expect(r.stdout.trim()).toBe(
      `bad/spark.ts(2,${column}): error TS2322: Type 'string' is not assignable to type 'number'.`,
    );
  });
});

/** Files a node process opened under the app's node_modules, from an strace of it. */
function filesLoaded(dir: string, env: NodeJS.ProcessEnv): string[] {
  const log = join(dir, "strace.log");
  const traced = spawnSync(
    "strace",
    ["-f", "-qq", "-e", "trace=open,openat", "-e", "status=successful", "-o", log, process.execPath, "app.mjs"],
    { cwd: dir, env: userEnv(env), encoding: "utf8" },
  );
  if (traced.error)
    throw new Error(`strace did not run (${traced.error.message}): install strace (apt-get install strace)`);
  expect(traced.status, traced.stderr).toBe(0);
  const modules = join(app, "node_modules");
  const opened = readFileSync(log, "utf8")
    .split("\n")
    .map((line) => /"([^"]+)"/.exec(line)?.[1])
    .filter((path): path is string => path?.startsWith(`${modules}/`) === true)
    .map((path) => relative(modules, path));
  return [...new Set(opened)].sort();
}

/** The source modules a built file was made of (from its source map, which ships with it). */
function sourcesOf(file: string): string[] {
  const map = JSON.parse(readFileSync(join(app, "node_modules", `${file}.map`), "utf8")) as { sources: string[] };
  return map.sources.map((s) => s.replace(/^(\.\.\/)+/, "").replace(/^.*node_modules\//, "node_modules/"));
}

describe.runIf(process.platform === "linux")("what importing the emitter loads (module-load trace)", () => {
  it("SPARK_ENABLED=0: the package's entry file, nothing else", () => {
    const dir = project({ "app.mjs": EMIT });
    expect(filesLoaded(dir, { SPARK_ENABLED: "0" })).toEqual([
      "manifest-spark/dist/index.js",
      "manifest-spark/package.json",
    ]);
    expect(existsSync(join(dir, ".spark"))).toBe(false);
  });

  it("enabled: only the bus code that writes an event (no CLI, watcher, sidecar or Pi), and jiti only for a config file", () => {
    const plain = project({ "app.mjs": EMIT });
    const loaded = filesLoaded(plain, {});
    expect(loaded).toContain("manifest-spark/dist/emitter-core.js");
    expect(loaded.filter((f) => !f.startsWith("manifest-spark/"))).toEqual([]);
    const sources = loaded.filter((f) => f.endsWith(".js")).flatMap(sourcesOf);
    expect(sources).toContain("bus/write-event.ts");
    const allowed = /^(bus\/|emitter\/|node_modules\/zod\/)/;
    expect(sources.filter((s) => !allowed.test(s))).toEqual([]);
    expect(sources.filter((s) => /watcher|observe|consumer|chokidar/.test(s))).toEqual([]);
    expect(pendingEvents(plain)).toHaveLength(1);

    const configured = project({ "app.mjs": EMIT, "config/spark.ts": "export default {};\n" });
    const withConfig = filesLoaded(configured, {});
    expect(withConfig.filter((f) => !f.startsWith("manifest-spark/") && !f.startsWith("jiti/"))).toEqual([]);
    expect(withConfig.some((f) => f.startsWith("jiti/"))).toBe(true);
  });
});

// Each test below starts npm (npx) or a Pi session, several seconds apiece on a busy machine.
const PROCESS_HEAVY = { timeout: 180_000 };

describe("the tools, from an app that has none of them", PROCESS_HEAVY, () => {
  it("`npx manifest sidecar` names the packages and the one command that adds them, exit 1, no stack", () => {
    const dir = project();
    const r = npx(["manifest", "sidecar"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "`manifest sidecar` needs the sidecar (a Pi session) (@mariozechner/pi-coding-agent@0.73.1)",
    );
    expect(r.stderr).toContain("npm install -D @mariozechner/pi-coding-agent@0.73.1 blessed@0.1.81");
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const headless = npx(["manifest", "sidecar", "--headless"], dir);
    expect(headless.code).toBe(1);
    expect(headless.stderr).toContain("npm install -D @mariozechner/pi-coding-agent@0.73.1");
    expect(headless.stderr).not.toContain("blessed");
  });

  it("`manifest doctor` fails the tools check with the same words", () => {
    const dir = project();
    const r = npx(["manifest", "doctor", "--json"], dir);
    expect(r.code).toBe(1);
    const tools = (
      JSON.parse(r.stdout) as { checks: Array<{ id: string; status: string; detail: string; next?: string }> }
    ).checks.find((c) => c.id === "tools");
    expect(tools).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("`manifest sidecar` needs the sidecar (a Pi session)"),
      next: "Add them to the project: npm install -D @mariozechner/pi-coding-agent@0.73.1 blessed@0.1.81",
    });
  });

  it("`manifest up` and `manifest demo` stop before starting anything, with the same words", () => {
    const dir = project();
    for (const [command, ...args] of [
      ["up", "--detach"],
      ["demo", "--headless"],
    ] as const) {
      const r = npx(["manifest", command, ...args], dir);
      expect(r.code, command).toBe(1);
      expect(r.stderr, command).toContain(`\`manifest ${command}\` needs the sidecar (a Pi session)`);
      expect(r.stderr, command).not.toMatch(/^\s+at /m);
    }
  });
});

describe("the user's own Pi", PROCESS_HEAVY, () => {
  /**
   * A global npm folder with Pi in it, laid out as `npm install -g <folder>` leaves it: a link
   * to the package (here the repository's copy, whose dependencies resolve beside it).
   */
  function globalPrefixWithPi(): string {
    const prefix = join(work, `global-prefix-${++projects}`);
    const scope = join(prefix, "lib", "node_modules", "@mariozechner");
    mkdirSync(scope, { recursive: true });
    const pi = join(REPO, "node_modules", "@mariozechner", "pi-coding-agent");
    symlinkSync(pi, join(scope, "pi-coding-agent"), "dir");
    mkdirSync(join(prefix, "bin"));
    symlinkSync(join(pi, "dist", "cli.js"), join(prefix, "bin", "pi"));
    return prefix;
  }

  it("runs the headless sidecar with a globally installed Pi when the project has none", async () => {
    const prefix = globalPrefixWithPi();
    const dir = project();
    const env = userEnv({ NPM_CONFIG_PREFIX: prefix, PI_CODING_AGENT_DIR: join(dir, ".pi-agent") });
    expect(spawnSync("npm", ["root", "-g"], { env, encoding: "utf8" }).stdout.trim()).toBe(
      join(prefix, "lib", "node_modules"),
    );
    // The bin npx runs, started directly (npx was tested above; npm is slow to start).
    const bin = join(app, "node_modules", ".bin", "manifest");
    const doctor = spawnSync(bin, ["doctor", "--json"], { cwd: dir, env, encoding: "utf8" });
    const tools = (
      JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string; detail: string }> }
    ).checks.find((c) => c.id === "tools");
    // The dashboard (blessed) is still missing; Pi is found globally.
    expect(tools?.detail).toContain("the sidecar's terminal dashboard (blessed@0.1.81)");
    expect(tools?.detail).not.toContain("a Pi session");

    const child = spawn(bin, ["sidecar", "--headless", "--replay"], { cwd: dir, env });
    running.push(child);
    const output = collectOutput(child);
    const ready = await waitFor(
      () => jsonLines(output).find((l) => l.type === "ready") ?? (child.exitCode !== null && output.stderr()),
      "the sidecar to be ready",
      60_000,
      50,
    );
    expect(ready, output.stderr()).toMatchObject({ type: "ready" });
    child.kill("SIGTERM");
    const done = await finished(child, output);
    expect(done.code, done.stderr).toBe(0);
    expect(jsonLines(output).some((l) => l.type === "stopped")).toBe(true);
  });

  it("loads the package's Pi extensions inside a Pi that lives outside the app, with nothing else installed", async () => {
    const dir = project();
    const model = await startMockModel([{ text: "pong" }]);
    try {
      // Every extension of the package's `pi` key, as `pi install npm:manifest-spark` loads them.
      const pkgDir = join(app, "node_modules", "manifest-spark");
      const { pi: piKey } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as {
        pi: { extensions: string[] };
      };
      expect(piKey.extensions).toContain("./dist/pi-extension.js");
      const exts = piKey.extensions.flatMap((e) => ["-e", join(pkgDir, e)]);
      const pi = join(REPO, "node_modules", ".bin", "pi");
      const args = ["-p", "--no-session", "--no-extensions", "--no-skills", "-nc", ...exts];
      const child = spawn(pi, [...args, "--model", "mock/mock-model", "ping"], {
        cwd: dir,
        env: piEnv(piAgentDir(dir, model)),
        stdio: ["ignore", "pipe", "pipe"],
      });
      running.push(child);
      const result = await finished(child);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe("pong");
      expect(result.stderr).not.toContain("Extension error");
      expect(result.stderr).not.toContain("Failed to load extension");
      const names = readdirSync(join(dir, ".spark", "events"));
      expect(names.some((n) => n.includes("-agent-start-"))).toBe(true);
    } finally {
      await model.close();
    }
  });
});
