// The Spark Pi extension, measured in a real Pi session:
// (1) latency from an event file's rename to the Spark message starting in the sidecar
//     session (SDK, faux model, debounce 0), vs the floor: a bare fs.watch seeing the rename;
// (2) CPU of an idle `pi --mode rpc` with the extension loaded (sidecar role) over 30 s, vs the
//     same pi without it, both measured over the same window.
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, watch, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { fauxAssistantMessage } from "@mariozechner/pi-ai";
import { buildEvent, busPaths } from "../dist/bus.js";
import { createSparkExtension } from "../dist/pi-extension.js";
import { startFauxPiSession } from "../test/helpers/faux-pi-session.mjs";
import { makeTempDir, makeTempProject, median, now, percentile, REPO_ROOT, result, sleep, waitFor } from "./_lib.mjs";

export const name = "extension";

const writer = { environment: "bench", host: hostname(), pid: process.pid };

export async function run(ctx) {
  const latency = await measureLatency(ctx.quick ? 40 : 150);
  const cpu = await measureIdleCpu(ctx.quick ? 10_000 : 30_000);
  return [...latency, ...cpu];
}

async function measureLatency(samples) {
  const project = makeTempProject("ext-latency");
  mkdirSync(join(project.root, "config"), { recursive: true });
  writeFileSync(
    join(project.root, "config", "spark.ts"),
    "export default { debounce: { windowMs: 0 }, watcher: { backstopMs: 60000 } };\n",
  );
  const paths = busPaths(project.root);
  const { session, close } = await startFauxPiSession({
    cwd: project.root,
    provider: "bench-faux",
    responses: Array.from({ length: samples + 50 }, () => fauxAssistantMessage("ok")),
    extensionFactories: [createSparkExtension({ role: "sidecar" })],
  });
  await session.bindExtensions({ onError: () => {} });
  const started = new Map(); // event id → time its Spark message started
  session.subscribe((event) => {
    if (event.type !== "message_start" || event.message.customType !== "spark-events") return;
    for (const id of event.message.details?.ids ?? []) started.set(id, now());
  });

  const floorDir = makeTempProject("ext-floor").events;
  let floorArmed;
  const floorWatcher = watch(floorDir, (_e, file) => {
    if (floorArmed && file === floorArmed.name) {
      floorArmed.resolve(now());
      floorArmed = undefined;
    }
  });

  const ours = [];
  const floor = [];
  try {
    await sleep(300); // the extension finishes starting (its watches, its first scan)
    for (let i = 0; i < samples + 5; i++) {
      // Ours: rename into the sidecar's bus, wait for the message to start, then for idle.
      const built = buildEvent({ type: "server-error", route: "GET /bench", error: { message: `bench ${i}` } }, writer);
      const name = `${built.event.id}.json`;
      writeFileSync(join(paths.tmp, name), built.json, { mode: 0o600 });
      await sleep(2);
      const t0 = now();
      renameSync(join(paths.tmp, name), join(paths.events, name));
      await waitFor(() => started.has(built.event.id), { timeoutMs: 10_000, everyMs: 1, what: "the Spark message" });
      if (i >= 5) ours.push(started.get(built.event.id) - t0);
      await session.agent.waitForIdle();

      // Floor: the same bytes renamed into a folder watched by bare fs.watch.
      const floorName = `floor-${i}.json`;
      writeFileSync(join(floorDir, ".tmp", floorName), built.json);
      await sleep(2);
      const seen = new Promise((resolve) => {
        floorArmed = { name: floorName, resolve };
      });
      const f0 = now();
      renameSync(join(floorDir, ".tmp", floorName), join(floorDir, floorName));
      const f1 = await seen;
      if (i >= 5) floor.push(f1 - f0);
      await sleep(10);
    }
  } finally {
    floorWatcher.close();
    await close();
  }
  const n = `${samples} samples, debounce 0, faux model`;
  return [
    result("rename → Spark message p50", median(ours), "ms", median(floor), {
      note: `rename → message_start of the injected message in the sidecar session, vs bare fs.watch; ${n}`,
    }),
    result("rename → Spark message p99", percentile(ours, 99), "ms", percentile(floor, 99), { note: n }),
  ];
}

async function measureIdleCpu(windowMs) {
  const pi = join(REPO_ROOT, "node_modules", ".bin", "pi");
  const ext = join(REPO_ROOT, "dist", "pi-extension.js");
  const start = (label, extra) => {
    const root = makeTempProject(label).root;
    const agentDir = makeTempDir(`${label}-agent`);
    const child = spawn(pi, ["--mode", "rpc", "--no-session", "--no-extensions", "--no-skills", "-nc", ...extra], {
      cwd: root,
      env: { ...process.env, PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: "1", SPARK_ROLE: "sidecar" },
      stdio: ["pipe", "ignore", "ignore"],
    });
    return { child, root };
  };
  const withSpark = start("idle-spark", ["-e", ext]);
  const bare = start("idle-bare", []);
  try {
    await waitFor(() => safeCpu(withSpark.child.pid) !== undefined && safeCpu(bare.child.pid) !== undefined, {
      timeoutMs: 20_000,
      what: "both pi processes",
    });
    await sleep(5_000); // start-up done, watchers in place
    const a0 = safeCpu(withSpark.child.pid);
    const b0 = safeCpu(bare.child.pid);
    await sleep(windowMs);
    const a1 = safeCpu(withSpark.child.pid);
    const b1 = safeCpu(bare.child.pid);
    const seconds = windowMs / 1000;
    // CPU ms over the window → % of one core (1 s of CPU per s = 100 %).
    const ours = ((a1 - a0) / (seconds * 1000)) * 100;
    const floor = ((b1 - b0) / (seconds * 1000)) * 100;
    return [
      result(`idle pi with Spark, CPU over ${seconds} s`, ours, "% of a core", floor, {
        note: `pi --mode rpc, sidecar role (watchers, 2 s backstop rescans, 10 s heartbeat) vs the same pi without Spark, same window; ${a1 - a0} ms vs ${b1 - b0} ms of CPU (10 ms clock ticks)${floor === 0 ? "; floor is 0: ratio undefined" : ""}`,
      }),
    ];
  } finally {
    for (const { child } of [withSpark, bare]) {
      child.stdin.end();
      child.kill("SIGTERM");
    }
  }
}

/** utime+stime of a process in ms, from /proc (Linux). */
function safeCpu(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return (ticks * 1000) / 100; // CLK_TCK is 100 on Linux
  } catch {
    return undefined;
  }
}
