// The relay bench's moving parts: a real `nats-server` on loopback (ports the server picks, a
// temp store), "machines" (temp projects whose config names the hub), `manifest relay --json`
// (the built CLI, as a user runs it) on each, and a sidecar stand-in: the bus's own consumer
// under a live sidecar presence of this process, which is what makes a relay take events in.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { busPaths, newPresence, removePresence, startConsumer, writePresence } from "../dist/bus.js";
import { makeTempDir, makeTempProject, monoMs, REPO_ROOT, sleep, waitFor } from "./_lib.mjs";

const CLI = join(REPO_ROOT, "dist", "cli.js");

/** Whether `nats-server` is installed (the Debian package). */
export function hasNatsServer() {
  return spawnSync("nats-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** A JetStream server on 127.0.0.1 with a temp store. */
export async function startHub() {
  const dir = makeTempDir("relay-hub");
  const conf = join(dir, "server.conf");
  writeFileSync(
    conf,
    [`listen: "127.0.0.1:-1"`, `jetstream { store_dir: "${join(dir, "js")}" }`, `ports_file_dir: "${dir}"`].join("\n"),
  );
  const child = spawn("nats-server", ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  process.once("exit", () => child.kill());
  let log = "";
  child.stderr.on("data", (d) => {
    log += d.toString();
  });
  await waitFor(() => log.includes("Server is ready") || child.exitCode !== null, {
    timeoutMs: 20_000,
    what: "nats-server",
  });
  if (child.exitCode !== null) throw new Error(`nats-server exited:\n${log}`);
  // The ports file lands just after the "ready" line, and may be seen empty for a moment.
  let url;
  await waitFor(
    () => {
      url = readPorts(dir)?.nats?.[0];
      return url !== undefined;
    },
    { what: "nats-server's ports file" },
  );
  return { url, pid: child.pid, stop: () => stopChild(child) };
}

function readPorts(dir) {
  const file = readdirSync(dir).find((f) => f.endsWith(".ports"));
  try {
    return file ? JSON.parse(readFileSync(join(dir, file), "utf8")) : undefined;
  } catch {
    return undefined; // still being written
  }
}

/** A temp project that is machine `name` of project "bench" on the hub at `url`. */
export function machine(name, url) {
  const { root } = makeTempProject(`relay-${name}`);
  mkdirSync(join(root, "config"));
  writeFileSync(join(root, "package.json"), '{ "name": "bench-shop", "private": true }\n');
  const hub = { url, machine: name, project: "bench" };
  writeFileSync(
    join(root, "config", "spark.ts"),
    `export default { hub: ${JSON.stringify(hub)}, debounce: { windowMs: 0 } };\n`,
  );
  return { name, root, paths: busPaths(root) };
}

/**
 * `manifest relay --json` on a machine; `waitFor(type)` resolves on a record of that type.
 * Its output goes to a log file, as a service's does: a pipe would wake this process (the
 * sidecar's stand-in) for every record, in the middle of the latency it measures.
 */
export function startRelay(m) {
  const log = join(makeTempDir(`relay-log-${m.name}`), "relay.log");
  const out = openSync(log, "a", 0o600);
  const child = spawn(process.execPath, [CLI, "relay", "--json"], {
    cwd: m.root,
    env: { ...process.env, SPARK_ROOT: "", SPARK_ENV: "", SPARK_ENABLED: "", NODE_ENV: "", NO_COLOR: "1" },
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  // It logs to a file, so nothing ends it when this process does: end it then.
  process.once("exit", () => child.kill());
  /** The record types logged so far (`inbound:true` for an inbound record that is active). */
  const seen = () => {
    const types = new Set();
    for (const line of readFileSync(log, "utf8").split("\n")) {
      if (!line.startsWith("{")) continue;
      try {
        const record = JSON.parse(line);
        types.add(record.type === "inbound" ? `inbound:${record.active}` : record.type);
      } catch {
        // the last line, still being written
      }
    }
    return types;
  };
  return {
    pid: child.pid,
    waitFor: (type) =>
      waitFor(() => seen().has(type) || child.exitCode !== null, {
        timeoutMs: 30_000,
        everyMs: 50,
        what: `${m.name}'s relay: ${type}`,
      }).then(() => {
        if (child.exitCode !== null)
          throw new Error(`${m.name}'s relay exited (${child.exitCode}):\n${readFileSync(log, "utf8")}`);
      }),
    stop: () => stopChild(child),
  };
}

/**
 * A live sidecar presence on `m` and the bus's consumer (debounce 0, as the sidecar when told
 * to be quick), calling `onDelivered(name, at)` for each event it is given (`at` on the
 * machine's monotonic clock, `monoMs`).
 */
export function sidecarStandIn(m, onDelivered) {
  const presence = newPresence({ id: `sidecar-bench-${m.name}`, role: "sidecar", cwd: m.root });
  writePresence(m.paths, { ...presence, host: hostname() });
  const beat = setInterval(() => writePresence(m.paths, { ...presence, heartbeatAt: new Date().toISOString() }), 1000);
  let failure;
  const consumer = startConsumer({
    paths: m.paths,
    consumerId: presence.id,
    debounceMs: 0,
    backstopMs: 60_000, // only a real watcher event may tell it
    maxEvents: 1000,
    hold: () => ({ held: false }),
    deliver: (batch) => {
      const at = monoMs();
      for (const c of batch.claimed) onDelivered(c.name, at);
      return "ack";
    },
    onError: (error) => {
      failure ??= error;
    },
  });
  return {
    failure: () => failure,
    async stop() {
      clearInterval(beat);
      await consumer.stop();
      removePresence(m.paths, presence.id);
    },
  };
}

/** CPU time a process has used so far (user + system), in ms (Linux: 100 ticks a second). */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await Promise.race([gone, sleep(12_000)]);
  clearTimeout(timer);
}
