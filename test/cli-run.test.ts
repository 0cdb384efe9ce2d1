import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { eventSchema, type SparkEvent } from "../bus/event-schema.js";
import { errorSchema, runResultSchema } from "../cli/schemas.js";
import { CLEAN_ENV, CLI, manifest } from "./helpers/cli.js";
import { type Finished, finished, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/** Child programs the tests run through `manifest run`, written into each temp project. */
const CHILDREN = {
  // node exit.js <code> <lines>: numbered lines on stdout (line 55 holds a secret), a token on stderr.
  "exit.js": `
    const [code = "0", count = "3"] = process.argv.slice(2);
    process.stderr.write("auth header: Bearer abcdef0123456789secret\\n");
    for (let i = 1; i <= Number(count); i++) {
      process.stdout.write(i === 55 ? "line 55 DB_PASSWORD=hunter2\\n" : "line " + i + "\\n");
    }
    process.exitCode = Number(code);
  `,
  // node trap.js <how>: records each signal it gets, then dies of it (or exits 143 itself).
  "trap.js": `
    const fs = require("node:fs");
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
      process.on(signal, () => {
        fs.writeFileSync("got-" + signal, String(process.pid));
        if (process.argv[2] === "exit-itself") process.exit(143);
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      });
    }
    fs.writeFileSync("ready", String(process.pid));
    setInterval(() => {}, 1000);
  `,
  // node gen.js <MiB>: whole log-like lines, then "<bytes> <sha256>" in gen.done; exits when stdin ends.
  "gen.js": `
    const { createHash } = require("node:crypto");
    const fs = require("node:fs");
    const total = Number(process.argv[2]) * 1024 * 1024;
    const hash = createHash("sha256");
    let written = 0, i = 0;
    function pump() {
      while (written < total) {
        let s = "";
        while (s.length < 65536) s += "2026-01-02T03:04:05.678Z INFO [worker " + (i % 7) + "] request " + i++ + " GET /api/users 200 12.3ms\\n";
        const b = Buffer.from(s);
        written += b.length;
        hash.update(b);
        if (!process.stdout.write(b)) return process.stdout.once("drain", pump);
      }
      fs.writeFileSync("gen.done", written + " " + hash.digest("hex"));
      process.stdin.resume();
      process.stdin.on("end", () => process.exit(0));
    }
    pump();
  `,
  "argv.js": "console.log(process.argv.slice(2).join(' '));\n",
  // node count-sigint.js: appends a mark per SIGINT, exits 130 a moment after the first.
  "count-sigint.js": `
    const fs = require("node:fs");
    process.on("SIGINT", () => {
      fs.appendFileSync("sigints", "x");
      setTimeout(() => process.exit(130), 300);
    });
    fs.writeFileSync("ready", String(process.pid));
    setInterval(() => {}, 1000);
  `,
};

interface Project {
  root: string;
  events: () => SparkEvent[];
  logs: () => string[];
  file: (name: string) => string;
}

/** A temp project (anchored by its `.spark/`) holding the child programs and `files`. */
function project(files: Record<string, string> = {}): Project {
  const { root } = tempProject({ ...CHILDREN, ...files });
  mkdirSync(join(root, ".spark"), { recursive: true });
  const eventsDir = join(root, ".spark/events");
  const logsDir = join(root, ".spark/logs");
  return {
    root,
    events: () =>
      existsSync(eventsDir)
        ? readdirSync(eventsDir)
            .filter((n) => n.endsWith(".json"))
            .sort()
            .map((n) => eventSchema.parse(JSON.parse(readFileSync(join(eventsDir, n), "utf8"))))
        : [],
    logs: () => (existsSync(logsDir) ? readdirSync(logsDir).sort() : []),
    file: (name) => join(root, name),
  };
}

interface Running {
  child: ChildProcess;
  pid: number;
  done: Promise<Finished>;
}

const running = new Set<Running>();

// A failed test must not leave a runner (and the child it forwards to) behind.
afterEach(async () => {
  const left = [...running];
  running.clear();
  for (const r of left) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill("SIGTERM");
  await Promise.all(left.map((r) => r.done.catch(() => undefined)));
});

/** Starts `manifest <args>` in the background, as a user's shell would (no terminal). */
function start(args: string[], cwd: string, options: { stdout?: "pipe" | "ignore" } = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, ...CLEAN_ENV },
    stdio: ["pipe", options.stdout ?? "pipe", "pipe"],
  });
  const r = { child, pid: child.pid ?? -1, done: finished(child) };
  running.add(r);
  void r.done.finally(() => running.delete(r));
  return r;
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

describe("manifest run: exits and events", () => {
  it("passes a clean run through: exit 0, output shown and logged in full, no event", async () => {
    const p = project();
    const result = await manifest(["run", "node", "exit.js", "0", "60"], p.root);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(60);
    expect(p.events()).toEqual([]);
    const [log] = p.logs();
    expect(log).toMatch(/^node-\d{4}-\d{2}-\d{2}-\d{6}\.log$/);
    const logged = readFileSync(join(p.root, ".spark/logs", log as string), "utf8");
    expect(lines(logged).filter((l) => l.startsWith("line "))).toHaveLength(60);
    expect(statSync(join(p.root, ".spark/logs")).mode & 0o777).toBe(0o700);
    expect(statSync(join(p.root, ".spark/logs", log as string)).mode & 0o777).toBe(0o600);
    expect(existsSync(join(p.root, ".spark/.gitignore"))).toBe(true);
  });

  it("turns exit 3 into one process-error with the command, the log and the redacted last 50 lines", async () => {
    const p = project();
    const result = await manifest(["run", "node", "exit.js", "3", "60"], p.root);
    expect(result.code).toBe(3);
    // The terminal is the user's own: it shows the output as it came.
    expect(result.stdout).toContain("line 55 DB_PASSWORD=hunter2");
    expect(result.stderr).toContain("manifest run: node exit.js 3 60 exited with code 3");

    const events = p.events();
    expect(events).toHaveLength(1);
    const event = events[0] as SparkEvent;
    expect(event).toMatchObject({
      type: "process-error",
      command: "node exit.js 3 60",
      exitCode: 3,
      error: { name: "ProcessError", message: "node exit.js 3 60 exited with code 3" },
    });
    expect(event.signal).toBeUndefined();
    expect(event.logFile).toMatch(/^\.spark\/logs\/node-.*\.log$/);
    const logText = readFileSync(join(p.root, event.logFile as string), "utf8");

    // The tail is the end of the log: 50 lines, the secret redacted in both.
    const tail = (event.tail as string).split("\n");
    expect(tail).toHaveLength(50);
    expect(tail).toEqual(lines(logText).slice(-50));
    expect(tail.at(-1)).toBe("line 60");
    expect(tail).toContain("line 55 DB_PASSWORD=[REDACTED]");

    // The log holds every line, stdout's in order, and nothing unredacted.
    const expected = Array.from({ length: 60 }, (_, i) =>
      i === 54 ? "line 55 DB_PASSWORD=[REDACTED]" : `line ${i + 1}`,
    );
    expect(lines(logText).filter((l) => l.startsWith("line "))).toEqual(expected);
    expect(logText).toContain("auth header: Bearer [REDACTED]");
    for (const secret of ["hunter2", "abcdef0123456789secret"]) {
      expect(logText).not.toContain(secret);
      expect(JSON.stringify(event)).not.toContain(secret);
    }
  });

  it("fails a command that does not exist with 127, a clear message and an event", async () => {
    const p = project({ "package.json": JSON.stringify({ scripts: { dev: "node exit.js" } }) });
    const result = await manifest(["run", "no-such-command-xyz", "--flag"], p.root);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain(
      "`no-such-command-xyz` not found: it is not a program on PATH nor a script in package.json",
    );
    expect(result.stderr).toContain("Scripts in package.json: dev");
    expect(p.events()).toMatchObject([
      { type: "process-error", command: "no-such-command-xyz --flag", exitCode: 127, error: { code: "ENOENT" } },
    ]);
    expect(p.logs()).toEqual([]);
  });

  it("fails a file that is not executable with 127 and says how to fix it", async () => {
    const p = project({ "tool.sh": "#!/bin/sh\necho hi\n" });
    chmodSync(p.file("tool.sh"), 0o644);
    const result = await manifest(["run", "--json", "./tool.sh"], p.root);
    expect(result.code).toBe(127);
    expect(errorSchema.parse(result.json()).error.code).toBe("E_NOT_EXECUTABLE");
    expect(result.stderr).toContain("is not executable");
    expect(result.stderr).toContain("chmod +x");
    expect(p.events()).toMatchObject([{ exitCode: 127, error: { code: "EACCES" } }]);
  });

  it("reports a child killed by SIGKILL from outside: event with the signal, exit 137", async () => {
    const p = project();
    const runner = start(["run", "node", "trap.js"], p.root);
    const childPid = Number(
      await waitFor(() => existsSync(p.file("ready")) && readFileSync(p.file("ready"), "utf8"), "the child"),
    );
    process.kill(childPid, "SIGKILL");
    const result = await runner.done;
    expect(result.code).toBe(137);
    const [event] = p.events();
    expect(event).toMatchObject({ signal: "SIGKILL", error: { message: "node trap.js was killed by SIGKILL" } });
    expect(event?.exitCode).toBeUndefined();
  });

  it("does not wait forever for a process the command left behind that keeps printing", async () => {
    const p = project();
    const script = 'sh -c "while true; do echo tick; sleep 0.2; done" & echo "orphan=$!"; exit 3';
    const runner = start(["run", "sh", "-c", script], p.root);
    let orphan = 0;
    try {
      const result = await runner.done;
      orphan = Number(/orphan=(\d+)/.exec(result.stdout)?.[1] ?? 0);
      expect(result.code).toBe(3);
      expect(p.events()).toMatchObject([{ type: "process-error", exitCode: 3 }]);
    } finally {
      if (orphan > 0) process.kill(orphan, "SIGKILL");
    }
  });
});

describe("manifest run: signals are passed on", () => {
  it.each([
    ["SIGINT", "dies of it", 130, []],
    ["SIGTERM", "dies of it", 143, []],
    ["SIGTERM", "exits 143 itself", 143, ["exit-itself"]],
    ["SIGHUP", "dies of it", 129, []],
  ] as const)("forwards %s to the child (which %s), emits nothing, exits %i", async (signal, _how, code, extra) => {
    const p = project();
    const runner = start(["run", "node", "trap.js", ...extra], p.root);
    await waitFor(() => existsSync(p.file("ready")), "the child to be ready");
    runner.child.kill(signal);
    const result = await runner.done;
    expect(result.code).toBe(code);
    expect(existsSync(p.file(`got-${signal}`))).toBe(true);
    expect(p.events()).toEqual([]);
    expect(result.stderr).not.toContain("manifest run:");
  });
});

// util-linux `script` runs the runner on a pseudo-terminal: Ctrl+C typed there goes to the
// whole foreground job, as at a real terminal.
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((f) => existsSync(f));

describe.runIf(SCRIPT)("manifest run at a terminal", () => {
  it("lets the terminal deliver Ctrl+C: the child gets it once, the runner exits 130", async () => {
    const p = project();
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const line = [process.execPath, CLI, "run", "node", "count-sigint.js"].map(quote).join(" ");
    const child = spawn(SCRIPT as string, ["-qec", line, "/dev/null"], {
      cwd: p.root,
      env: { ...process.env, SPARK_ROOT: "", NO_COLOR: "1" },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const done = finished(child);
    await waitFor(() => existsSync(p.file("ready")), "the child to be ready");
    child.stdin.write("\u0003");
    const result = await done;
    expect(result.code).toBe(130);
    expect(readFileSync(p.file("sigints"), "utf8")).toBe("x");
    expect(p.events()).toEqual([]);
  });
});

describe("manifest run: 200 MB of output", () => {
  it("logs every byte while the runner's memory stays bounded", async () => {
    const p = project();
    const runner = start(["run", "node", "gen.js", "200"], p.root, { stdout: "ignore" });
    // The child waits for stdin to end after its last byte: the runner's peak memory (VmHWM is
    // a high-water mark) is read once everything has gone through it.
    const done = await waitFor(
      () => existsSync(p.file("gen.done")) && readFileSync(p.file("gen.done"), "utf8"),
      "the child to write 200 MB",
      50_000,
      50,
    );
    const [bytes, sha256] = done.split(" ");
    const logPath = join(p.root, ".spark/logs", p.logs()[0] as string);
    await waitFor(() => statSync(logPath).size === Number(bytes), "the log to hold it all", 20_000, 50);
    const status = readFileSync(`/proc/${runner.pid}/status`, "utf8");
    const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    runner.child.stdin?.end();
    const result = await runner.done;
    expect(result.code).toBe(0);
    expect(peakKiB / 1024).toBeGreaterThan(10);
    expect(peakKiB / 1024).toBeLessThan(150);
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(logPath)) hash.update(chunk as Buffer);
    expect(Number(bytes)).toBeGreaterThanOrEqual(200 * 1024 * 1024);
    expect(hash.digest("hex")).toBe(sha256);
  });
});

describe("manifest run: a reader that goes away (`manifest run … | head`)", () => {
  it("keeps running the command and logging all of it after its stdout is closed, and exits with its code", async () => {
    const p = project();
    const runner = start(["run", "node", "exit.js", "0", "20000"], p.root);
    const out = runner.child.stdout as NonNullable<ChildProcess["stdout"]>;
    await new Promise<void>((resolve) => out.once("data", () => resolve()));
    out.destroy();
    const result = await runner.done;
    expect(result.code).toBe(0);
    const log = readFileSync(join(p.root, ".spark/logs", p.logs()[0] as string), "utf8");
    expect(log).toContain("line 19999");
    expect(p.events()).toEqual([]);
  });
});

describe("manifest run: scripts, schedules, logs, config", () => {
  it("runs a package.json script with npm, and its failure becomes an event", async () => {
    const p = project({
      "package.json": JSON.stringify({ name: "app", scripts: { dev: "node exit.js 4 2" } }),
      "package-lock.json": "{}",
    });
    const result = await manifest(["run", "--json", "dev"], p.root);
    expect(result.code).toBe(4);
    const doc = runResultSchema.parse(result.json());
    expect(doc.resolved).toMatchObject({ kind: "script", script: "dev", packageManager: "npm", args: ["run", "dev"] });
    expect(p.events()).toMatchObject([{ command: "dev", exitCode: 4, error: { message: "dev exited with code 4" } }]);
    expect(p.logs()[0]).toMatch(/^dev-/);
  });

  it("runs the package.json script `test`, not /usr/bin/test, and says which one ran", async () => {
    const p = project({
      "package.json": JSON.stringify({ name: "app", scripts: { test: "node exit.js 0 1" } }),
      "package-lock.json": "{}",
    });
    const result = await manifest(["run", "test"], p.root);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("line 1");
    expect(result.stderr).toContain("`test` is a package.json script and a program on PATH");
    expect(result.stderr).toMatch(/running the script \(npm run test\)\. For the program: manifest run \/\S+\/test/);
    // The script passed: no bogus failure event from /usr/bin/test run without arguments.
    expect(p.events()).toEqual([]);
  });

  it("re-runs with --every, each failure an event with one fingerprint, until Ctrl+C", async () => {
    const p = project();
    const runner = start(["run", "--every", "1s", "--json", "node", "exit.js", "2", "1"], p.root);
    await waitFor(() => p.events().length >= 2, "two scheduled failures", 20_000, 50);
    runner.child.kill("SIGINT");
    const result = await runner.done;
    // 130 unless Ctrl+C landed in the instant after a run exited and before the runner saw it.
    expect([130, 2]).toContain(result.code);
    const events = p.events();
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(new Set(events.map((e) => e.fingerprint)).size).toBe(1);
    const doc = runResultSchema.parse(JSON.parse(result.stdout));
    expect(doc).toMatchObject({ every: "1s", everyMs: 1000, stoppedBy: "SIGINT" });
    const reported = doc.runs.flatMap((r) => (r.event ? [r.event.id] : []));
    expect(reported.sort()).toEqual(events.map((e) => e.id));
    expect(new Set(doc.runs.map((r) => r.logFile)).size).toBe(doc.runs.length);
  });

  it("keeps only the newest run.keepLogs logs of the name, leaving other logs alone", async () => {
    const p = project({
      "config/spark.ts": "export default { run: { keepLogs: 2 } };\n",
      ".spark/logs/node-2020-01-01-000000.log": "old\n",
      ".spark/logs/node-2020-01-02-000000.log": "older\n",
      ".spark/logs/node-2020-01-03-000000.log": "newest old\n",
      ".spark/logs/other-2020-01-01-000000.log": "another command\n",
      ".spark/logs/notes.txt": "not a log\n",
    });
    const result = await manifest(["run", "node", "exit.js"], p.root);
    expect(result.code).toBe(0);
    const logs = p.logs();
    expect(logs.filter((l) => l.startsWith("node-"))).toHaveLength(2);
    expect(logs).toContain("node-2020-01-03-000000.log");
    expect(logs).toContain("other-2020-01-01-000000.log");
    expect(logs).toContain("notes.txt");
  });

  it("writes no event when watch.processErrors is false, and says so", async () => {
    const p = project({ "config/spark.ts": "export default { watch: { processErrors: false } };\n" });
    const result = await manifest(["run", "--json", "node", "exit.js", "5"], p.root);
    expect(result.code).toBe(5);
    expect(p.events()).toEqual([]);
    expect(result.stderr).toContain("not sent to Spark (watch.processErrors is false)");
    const doc = runResultSchema.parse(result.json());
    expect(doc.events).toEqual({ enabled: false, reason: "watch.processErrors is false" });
    expect(doc.runs[0]?.logFile).toBeTruthy();
  });

  it("still runs the command when .spark/logs cannot be made, and the event says so by having no log", async () => {
    const p = project({ ".spark/logs": "a file where the folder should be\n" });
    const result = await manifest(["run", "node", "exit.js", "7", "60"], p.root);
    expect(result.code).toBe(7);
    expect(lines(result.stdout)).toHaveLength(60);
    expect(result.stderr).toContain("no log was written");
    const [event] = p.events();
    expect(event).toMatchObject({ exitCode: 7, tail: expect.stringContaining("line 60") });
    expect(event?.logFile).toBeUndefined();
  });

  it("still runs the command when config/spark.ts is broken, without events", async () => {
    const p = project({ "config/spark.ts": 'export default { run: { keepLogs: "many" } };\n' });
    const result = await manifest(["run", "node", "exit.js", "6"], p.root);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("run.keepLogs");
    expect(result.stderr).toContain("Running without events");
    expect(p.events()).toEqual([]);
  });
});

describe("manifest run --json", () => {
  it("prints one document on stdout and sends the command's own stdout to stderr", async () => {
    const p = project();
    const result = await manifest(["run", "--json", "node", "exit.js", "3", "2"], p.root);
    expect(result.code).toBe(3);
    const doc = runResultSchema.parse(result.json());
    const [event] = p.events();
    expect(doc).toMatchObject({
      ok: false,
      command: "node exit.js 3 2",
      resolved: { kind: "program", args: ["exit.js", "3", "2"], script: null },
      every: null,
      events: { enabled: true, reason: null },
      exitCode: 3,
      stoppedBy: null,
      runs: [
        { outcome: "failed", exitCode: 3, signal: null, event: { id: event?.id, fingerprint: event?.fingerprint } },
      ],
    });
    expect(existsSync(join(p.root, doc.runs[0]?.logFile as string))).toBe(true);
    expect(result.stderr).toContain("line 2");
  });

  it("hands --json written after the command to the command", async () => {
    const p = project();
    const result = await manifest(["run", "node", "argv.js", "--json", "--every", "5m"], p.root);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("--json --every 5m\n");
  });

  it("rejects a bad --every with a usage error", async () => {
    const p = project();
    const result = await manifest(["run", "--every", "soon", "node", "exit.js"], p.root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--every soon is not a duration");
  });
});
