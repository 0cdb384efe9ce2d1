// The sidecar dashboard's cost: `manifest sidecar` (built CLI, watch-only: no model, so it
// claims nothing and every event stays on screen) runs in a real tmux pane.
//
// Idle: its CPU time (utime + stime from /proc/<pid>/stat) over 30 s of nothing happening,
// beside, in the same 30 s, an idle `node` (the floor), a bare blessed screen and the same
// sidecar headless (no screen: what the Pi host and Spark's consumer cost by themselves).
// Storm: 10,000 events from 4 writer processes; CPU from "go" until the screen shows all of
// them and the process is quiet again, and the peak RSS (VmHWM, reset before the storm), vs
// the floor: a bare `fs.watch` + `readdir` process taking the same storm. Also how long a key takes to reach the screen,
// at rest and in the middle of the storm.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { forkChild, makeTempDir, median, mib, nextMessage, now, REPO_ROOT, result, sleep } from "./_lib.mjs";

export const name = "dashboard";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const WRITER = fileURLToPath(new URL("./_storm-writer.mjs", import.meta.url));
const BARE_WATCHER = fileURLToPath(new URL("./_bare-watcher.mjs", import.meta.url));
const BARE_BLESSED = fileURLToPath(new URL("./_bare-blessed.mjs", import.meta.url));
const WRITERS = 4;
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() || 100);

export async function run(ctx) {
  const idleMs = ctx.quick ? 10_000 : 30_000;
  const total = ctx.quick ? 2_000 : 10_000;
  const n = total.toLocaleString("en-US");
  const tmux = startTmuxServer();
  const headless = [];
  try {
    // ── Start: the dashboard, its floors, and the same sidecar headless ──────────
    const dash = project("dash");
    tmux.run(
      "new-session",
      "-d",
      "-s",
      "b",
      "-x",
      "80",
      "-y",
      "24",
      "-c",
      dash.root,
      "-e",
      `PI_CODING_AGENT_DIR=${dash.agentDir}`,
      process.execPath,
      CLI,
      "sidecar",
    );
    await waitScreen(tmux, "b:0", (s) => /Agents +1 live/.test(s), 60_000, "the dashboard to start");
    tmux.run("new-window", "-d", "-t", "b", process.execPath, "-e", "setInterval(() => {}, 1e9)");
    tmux.run("new-window", "-d", "-t", "b", process.execPath, BARE_BLESSED);
    const side = project("headless");
    const head = startHeadless(side);
    headless.push(head);
    await head.waitFor((line) => line.includes('"type":"ready"'), "the headless sidecar");
    const pids = { dash: tmux.pid("b:0"), node: tmux.pid("b:1"), blessed: tmux.pid("b:2"), headless: head.child.pid };
    await sleep(3000);

    // ── Idle ─────────────────────────────────────────────────────────────────────
    ctx.log(`  idle for ${idleMs / 1000} s…`);
    const before = mapValues(pids, cpuMs);
    await sleep(idleMs);
    const idle = mapValues(pids, (pid, key) => cpuMs(pid) - before[key]);
    const keyIdle = [];
    for (let i = 0; i < 5; i++) keyIdle.push(await keyToScreen(tmux));

    // ── Storm on the dashboard ──────────────────────────────────────────────────
    ctx.log(`  ${n} events into the dashboard's project…`);
    const dashStorm = await storm(dash.root, total, pids.dash, async () => {
      const keyMs = await keyToScreen(tmux);
      const shown = (s) =>
        // The sidecar's agent-start notice is listed apart ("· 1 notice"), not counted as held.
        new RegExp(`Events +${total.toLocaleString("en-US")} held`).test(s) && !/reading [\d,]+…/.test(s);
      await waitScreen(tmux, "b:0", shown, 120_000, `the screen to show all ${n} events`);
      return { keyMs };
    });

    // ── The same storm into the headless sidecar, and into the bare watcher ─────
    ctx.log("  the same storm, headless and bare…");
    const headStorm = await storm(side.root, total, pids.headless, () =>
      head.waitFor(
        (line) => line.includes(`holding ${total} events`),
        "the headless sidecar to hold them all",
        120_000,
      ),
    );
    const bare = project("bare");
    mkdirSync(join(bare.root, ".spark", "events"), { recursive: true });
    const watcher = forkChild(BARE_WATCHER, [join(bare.root, ".spark", "events")]);
    await nextMessage(watcher.child, (m) => m?.kind === "ready");
    await sleep(500);
    // The key floor: `?` to a bare blessed screen (window 2) while the machine takes the same storm.
    const bareStorm = await storm(bare.root, total, watcher.child.pid, async () => {
      const all = nextMessage(watcher.child, (m) => m?.kind === "count" && m.count >= total, 120_000);
      const keyMs = await keyToScreen(tmux, "b:2");
      await all;
      return { keyMs };
    });
    watcher.child.send("stop");
    await watcher.exited;

    const idleNote =
      `same ${idleMs / 1000} s: bare blessed screen ${fmt(idle.blessed)} ms, headless sidecar ${fmt(idle.headless)} ms ` +
      `(the Pi host and Spark's consumer without a screen); CPU clock resolution ${TICK_MS} ms`;
    return [
      result(`dashboard idle CPU (${idleMs / 1000} s)`, idle.dash, "ms", idle.node, {
        target: { of: "value", max: idleMs / 100 },
        note: `floor = an idle node process; target ≤ 1% of one core. ${idleNote}`,
      }),
      result(`dashboard CPU, ${n}-event storm`, dashStorm.cpuMs, "ms", bareStorm.cpuMs, {
        note:
          `from "go" until the screen shows all ${n} (${fmt(dashStorm.settleMs)} ms; writers done after ${fmt(dashStorm.writtenMs)} ms) and the process is quiet; ` +
          `floor = bare fs.watch + readdir (${fmt(bareStorm.settleMs)} ms); headless sidecar: ${fmt(headStorm.cpuMs)} ms CPU`,
      }),
      result(
        `dashboard peak RSS, ${n}-event storm`,
        mib(dashStorm.peakKb * 1024),
        "MiB",
        mib(bareStorm.peakKb * 1024),
        {
          note:
            `VmHWM over the storm (reset before it: ${dashStorm.reset ? "yes" : "no, whole life"}); RSS before ${fmt(mib(dashStorm.rssBeforeKb * 1024))} MiB; ` +
            `headless sidecar peak ${fmt(mib(headStorm.peakKb * 1024))} MiB; floor = the bare watcher's peak`,
        },
      ),
      result("dashboard key → screen, mid-storm", dashStorm.keyMs, "ms", bareStorm.keyMs, {
        target: { of: "value", max: 500 },
        note: `\`?\` sent with tmux send-keys until the help box is on the captured screen; floor = the same key to a bare blessed screen during the same storm; the dashboard at rest: ${fmt(median(keyIdle))} ms (median of 5)`,
      }),
    ];
  } finally {
    for (const h of headless) await h.stop();
    await tmux.stop();
  }
}

/** Runs a storm of `total` events into `root` while measuring `pid`; `settled` resolves when it has caught up. */
async function storm(root, total, pid, settled) {
  const writers = [];
  for (let w = 0; w < WRITERS; w++) {
    const writer = forkChild(WRITER, [root, String(total / WRITERS), String(w), "mixed"]);
    writer.done = nextMessage(writer.child, (m) => m?.kind === "done", 120_000);
    await nextMessage(writer.child, (m) => m?.kind === "ready");
    writers.push(writer);
  }
  const reset = resetPeak(pid);
  const rssBeforeKb = procStatus(pid, "VmRSS");
  let sampledPeak = rssBeforeKb;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, procStatus(pid, "VmRSS"));
  }, 20);
  const cpu0 = cpuMs(pid);
  const t0 = now();
  for (const w of writers) w.child.send("go");
  const during = settled();
  const ids = (await Promise.all(writers.map((w) => w.done))).flatMap((m) => m.ids);
  const writtenMs = now() - t0;
  if (ids.length !== total) throw new Error(`writers wrote ${ids.length} of ${total} events`);
  const extra = (await during) ?? {};
  const settleMs = now() - t0;
  // Work the storm leaves behind (watchers' trailing rescans, the last reads) counts too:
  // the process is measured until its CPU time stops moving.
  await quiet(pid);
  const cpu = cpuMs(pid) - cpu0;
  clearInterval(sampler);
  await Promise.all(writers.map((w) => w.exited));
  const peakKb = reset ? procStatus(pid, "VmHWM") : sampledPeak;
  return { cpuMs: cpu, settleMs, writtenMs, peakKb, rssBeforeKb, reset, ...extra };
}

/** Resolves once a process has used (next to) no CPU for two half-seconds in a row. */
async function quiet(pid, timeoutMs = 30_000) {
  const deadline = now() + timeoutMs;
  let last = cpuMs(pid);
  let calm = 0;
  while (calm < 2 && now() < deadline) {
    await sleep(500);
    const cpu = cpuMs(pid);
    calm = cpu - last <= 2 * TICK_MS ? calm + 1 : 0;
    last = cpu;
  }
}

/** Time from `?` to the help box on screen (the dashboard's, or the bare screen's), then closes it again. */
async function keyToScreen(tmux, target = "b:0") {
  const t0 = now();
  tmux.run("send-keys", "-t", target, "?");
  await waitScreen(tmux, target, (s) => s.includes("┌─ Keys"), 30_000, "the help box");
  const ms = now() - t0;
  tmux.run("send-keys", "-t", target, "Escape");
  await waitScreen(tmux, target, (s) => !s.includes("┌─ Keys"), 30_000, "the help box to close");
  return ms;
}

/** A temp project (package.json, default config) and a Pi agent folder with no model. */
function project(label) {
  const root = makeTempDir(`dashboard-${label}`);
  writeFileSync(join(root, "package.json"), '{ "name": "bench-app", "private": true }\n');
  const agentDir = makeTempDir(`dashboard-${label}-agent`);
  writeFileSync(join(agentDir, "settings.json"), JSON.stringify({ retry: { enabled: false } }));
  return { root, agentDir };
}

/** The environment of everything the bench starts: no API keys (so no model), offline Pi. */
function cleanEnv(extra = {}) {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    TMPDIR: process.env.TMPDIR ?? "/tmp",
    LANG: "C.UTF-8",
    PI_OFFLINE: "1",
    ...extra,
  };
}

function startTmuxServer() {
  const socket = `spark-bench-${randomBytes(4).toString("hex")}`;
  // The first command starts the server: it and every pane get this environment only.
  const run = (...args) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], {
      encoding: "utf8",
      env: cleanEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
  return {
    run,
    pid: (target) => Number(run("display-message", "-p", "-t", target, "#{pane_pid}").trim()),
    screen: (target) => run("capture-pane", "-p", "-t", target),
    async stop() {
      let pids = [];
      try {
        pids = run("list-panes", "-a", "-F", "#{pane_pid}").split("\n").filter(Boolean).map(Number);
        run("kill-server");
      } catch {
        return;
      }
      // SIGHUP makes the dashboard shut down cleanly: wait, so its temp dirs outlive it.
      const deadline = now() + 20_000;
      while (pids.some(running) && now() < deadline) await sleep(50);
    },
  };
}

function startHeadless(p) {
  const child = spawn(process.execPath, [CLI, "sidecar", "--headless"], {
    cwd: p.root,
    env: cleanEnv({ PI_CODING_AGENT_DIR: p.agentDir }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let buffer = "";
  const lines = [];
  const waiters = new Set();
  child.stdout.on("data", (d) => {
    buffer += d.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 50) lines.shift();
      for (const w of waiters) if (w.match(line)) w.resolve();
    }
  });
  return {
    child,
    waitFor(match, what, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${what}; last lines:\n${lines.join("\n")}`)),
          timeoutMs,
        );
        const w = {
          match,
          resolve: () => {
            clearTimeout(timer);
            waiters.delete(w);
            resolve();
          },
        };
        waiters.add(w);
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function waitScreen(tmux, target, test, timeoutMs, what) {
  const deadline = now() + timeoutMs;
  for (;;) {
    const screen = tmux.screen(target);
    if (test(screen)) return screen;
    if (now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; screen:\n${screen}`);
    await sleep(10);
  }
}

/** CPU time a process has used so far (user + system), in ms. */
function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** A `Vm*` line of /proc/<pid>/status, in kB. */
function procStatus(pid, field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : 0;
}

/** Resets the peak RSS (VmHWM) of a process (Linux ≥ 4.0); false when not allowed. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

function running(pid) {
  try {
    return !/^\d+ \(.*\) [ZX]/s.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, fn(v, k)]));
}

const fmt = (x) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));
