import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorSchema } from "../cli/schemas.js";
import { downResultSchema, upResultSchema } from "../cli/schemas-up.js";
import { sessionName } from "../cli/up/session-name.js";
import { realProcesses } from "../cli/up/stop.js";
import { CLI, manifest } from "./helpers/cli.js";
import { hasNatsServer, startNats } from "./helpers/nats.js";
import { hermeticPiArgs, PI } from "./helpers/pi-cli.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux, startTmux } from "./helpers/tmux.js";

beforeAll(requireBuild);

// Every test talks to its own tmux server (SPARK_TMUX_SOCKET), never to the user's.
const servers: string[] = [];
afterEach(async () => {
  for (const socket of servers.splice(0)) await stopServer(socket);
});

/**
 * Kills a server and waits until its panes' programs have ended (the sidecar still writes
 * in .spark/ while it shuts down), so the temp project can be removed after this.
 */
async function stopServer(socket: string): Promise<void> {
  try {
    const pids = tmuxOn(socket, "list-panes", "-a", "-F", "#{pane_pid}").split("\n").filter(Boolean).map(Number);
    tmuxOn(socket, "kill-server");
    // Each pane's program leads its process group; zombies waiting for init to reap them do not count.
    await waitFor(() => !pids.some((pid) => realProcesses.alive(pid)), "the panes' programs to end", 15_000);
  } catch {
    // Never started, already gone, or slow to end: the socket goes all the same.
  }
  // tmux leaves its socket file behind, also when the server exits by itself (after `down`).
  rmSync(join(process.env.TMUX_TMPDIR || "/tmp", `tmux-${process.getuid?.() ?? 0}`, socket), { force: true });
}

function privateServer(): string {
  const socket = `spark-up-${randomBytes(4).toString("hex")}`;
  servers.push(socket);
  return socket;
}

function tmuxOn(socket: string, ...args: string[]): string {
  return execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Sessions on the server; none once it has exited. */
function sessionsOn(socket: string): string[] {
  try {
    return tmuxOn(socket, "list-sessions", "-F", "#{session_name}").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}

/** Each Spark pane's id, liveness and start command, by role. */
function panesOn(socket: string, sessionId: string) {
  const format = "#{@spark_role}\t#{pane_id}\t#{pane_dead}\t#{pane_start_command}";
  const rows = tmuxOn(socket, "list-panes", "-s", "-t", sessionId, "-F", format).split("\n").filter(Boolean);
  return Object.fromEntries(
    rows.map((row) => {
      const [role = "", id = "", dead = "", command = ""] = row.split("\t");
      return [role, { id, dead: dead === "1", command }];
    }),
  );
}

/**
 * Waits until `pattern` has been shown in the pane, scrolled off or not: a small pane (the
 * relay's is a few lines) can scroll a line out of sight between two looks.
 */
function waitForPane(socket: string, pane: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  const screen = () => tmuxOn(socket, "capture-pane", "-p", "-J", "-S", "-", "-t", pane);
  return waitFor(
    () => {
      const text = screen();
      return pattern.test(text) ? text : undefined;
    },
    `pane ${pane} to show ${pattern}`,
    timeoutMs,
    50,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- screen:\n${screen()}`);
  });
}

/**
 * Runs `argv` as a person would in a terminal and records its exit status in `file`: the
 * harness's tmux does not always notice at once that its pane's program has ended.
 */
function recordingExit(file: string, argv: string[]): string[] {
  return ["sh", "-c", 'out="$1"; shift; "$@"; echo "$?" > "$out"', "sh", file, ...argv];
}

function exitStatus(file: string): Promise<string> {
  return waitFor(() => existsSync(file) && readFileSync(file, "utf8").trim(), `${file} to be written`, 20_000);
}

/**
 * A stand-in that prints a marker and, on one of `signals`, takes a moment to clean up and
 * leaves a file saying so. Like Pi, the human one also stops on SIGHUP: its shell wrapper
 * dies of SIGTERM at once, and the terminal then hangs up on it.
 */
function standIn(marker: string, signals: NodeJS.Signals[]): string {
  const stop = `() => setTimeout(() => { writeFileSync(${JSON.stringify(`${marker}.stopped`)}, ""); process.exit(0); }, 300)`;
  const handlers =
    signals.length === 0
      ? 'process.on("SIGINT", () => console.log("ignoring SIGINT")); process.on("SIGTERM", () => {});'
      : signals.map((s) => `process.once(${JSON.stringify(s)}, ${stop});`).join("\n");
  return `import { writeFileSync } from "node:fs";\n${handlers}\nconsole.log(${JSON.stringify(`${marker}-READY`)});\nsetInterval(() => {}, 1 << 30);\n`;
}

/** A project whose `up` runs cheap stand-ins: no model, no Pi. */
function upProject(up: { human?: string; app?: string }, files: Record<string, string> = {}) {
  const project = tempProject({
    "config/spark.ts": `export default ${JSON.stringify({ up })};\n`,
    "human.mjs": standIn("HUMAN", ["SIGTERM", "SIGHUP"]),
    "app.mjs": standIn("APP", ["SIGINT"]),
    ...files,
  });
  const agentDir = join(project.root, ".test-pi-agent");
  mkdirSync(agentDir, { recursive: true });
  const socket = privateServer();
  // TMUX cleared: the test runner itself may be inside tmux.
  const env = { SPARK_TMUX_SOCKET: socket, PI_CODING_AGENT_DIR: agentDir, PI_OFFLINE: "1", TMUX: "" };
  return { ...project, socket, env };
}

const STAND_INS = { human: "node human.mjs || exit 1", app: "manifest run node app.mjs" };

const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);

const sidecarPresence = (agents: string) =>
  existsSync(agents) ? readdirSync(agents).filter((n) => n.startsWith("sidecar-") && n.endsWith(".json")) : [];

/** Waits until the sidecar dashboard runs in its pane: its presence file is there and the pane is alive. */
function sidecarRunning(socket: string, sessionId: string, agents: string): Promise<true> {
  return waitFor(
    () => sidecarPresence(agents).length > 0 && panesOn(socket, sessionId).sidecar?.dead === false,
    "the sidecar dashboard to run (presence file in .spark/agents)",
    30_000,
    50,
  );
}

describe.skipIf(!hasTmux())("manifest up / down (real tmux, private server)", () => {
  it("creates the session with the three configured panes, and a second up reuses it", async () => {
    const { root, socket, env } = upProject(STAND_INS);
    const first = await manifest(["up", "--json"], root, env);
    expect(first.code, first.stderr).toBe(0);
    const doc = upResultSchema.parse(first.json());
    expect(doc).toMatchObject({ root, session: sessionName(undefined, root), created: true, attached: false });
    expect(doc.notAttachedBecause).toBe("--json");
    expect(doc.attach).toBe(`tmux -L ${socket} attach -t ${doc.session}`);
    const byRole = Object.fromEntries(doc.panes.map((p) => [p.role, p]));
    expect(byRole.human).toMatchObject({ command: STAND_INS.human, argv: null, notice: null, state: "started" });
    expect(byRole.sidecar?.argv).toEqual([process.execPath, CLI, "sidecar"]);
    expect(byRole.app?.argv).toEqual([process.execPath, CLI, "run", "node", "app.mjs"]);

    const panes = panesOn(socket, doc.sessionId);
    expect(Object.keys(panes).sort()).toEqual(["app", "human", "sidecar"]);
    expect(panes.sidecar?.command).toContain(`${CLI} sidecar`);
    await waitForPane(socket, byRole.human?.id ?? "", /HUMAN-READY/);
    await waitForPane(socket, byRole.app?.id ?? "", /APP-READY/);
    // No terminal to size it: tmux makes it 80×24, so the small layout, where the dashboard
    // is readable (40 wide beside Pi, not 32×11), the app a strip below; the status bar has
    // room for the whole name.
    const sizes = tmuxOn(
      socket,
      "list-panes",
      "-t",
      byRole.human?.id ?? "",
      "-F",
      "#{@spark_role} #{pane_width}x#{pane_height}",
    );
    expect(sizes).toMatch(/human (39|40)x1[5-7]/);
    expect(sizes).toMatch(/sidecar (39|40)x1[5-7]/);
    expect(sizes).toMatch(/app 80x[4-6]/);
    expect(tmuxOn(socket, "show-options", "-v", "-t", doc.sessionId, "status-left-length").trim()).toBe(
      String(doc.session.length + 3),
    );

    const again = await manifest(["up", "--json"], root, env);
    expect(again.code, again.stderr).toBe(0);
    const second = upResultSchema.parse(again.json());
    expect(second).toMatchObject({ created: false, sessionId: doc.sessionId, session: doc.session });
    expect(second.panes.find((p) => p.role === "human")).toMatchObject({ id: byRole.human?.id, state: "running" });
    expect(second.panes.find((p) => p.role === "app")).toMatchObject({ id: byRole.app?.id, state: "running" });
    expect(sessionsOn(socket)).toEqual([doc.session]);
    expect(Object.keys(panesOn(socket, doc.sessionId))).toHaveLength(3);
    // Without a terminal (and without --json) it does not attach either, and says how to.
    const readable = await manifest(["up"], root, env);
    expect(readable.stdout).toContain(`Spark session ${doc.session} is running`);
    expect(readable.stdout).toContain(`Attach: ${doc.attach}  (no terminal)`);
  });

  it.runIf(hasNatsServer())(
    "with a hub in the config, runs `manifest relay` under the app; down stops it cleanly",
    async () => {
      const hub = await startNats();
      const config = { up: STAND_INS, hub: { url: hub.url, machine: "laptop", project: "shop" } };
      const { root, paths, socket, env } = upProject(STAND_INS, {
        "config/spark.ts": `export default ${JSON.stringify(config)};\n`,
      });
      const up = await manifest(["up", "--json"], root, env);
      expect(up.code, up.stderr).toBe(0);
      const relay = upResultSchema.parse(up.json()).panes.find((p) => p.role === "relay");
      expect(relay?.argv).toEqual([process.execPath, CLI, "relay"]);
      await waitForPane(socket, relay?.id ?? "", /connected to nats:\/\/127\.0\.0\.1:\d+/);
      expect(existsSync(join(paths.spark, "relay.json"))).toBe(true);
      const down = await manifest(["down", "--json"], root, env);
      expect(down.code, down.stderr).toBe(0);
      // Its heartbeat file goes only when the relay stops cleanly (SIGTERM), not when it is killed.
      expect(existsSync(join(paths.spark, "relay.json"))).toBe(false);
    },
  );

  it.runIf(hasNatsServer())(
    "a session made before the hub was configured gets the relay pane at the next up; one closed by hand stays closed",
    async () => {
      const hub = await startNats();
      const { root, socket, env } = upProject(STAND_INS);
      const first = await manifest(["up", "--json"], root, env);
      expect(first.code, first.stderr).toBe(0);
      const doc = upResultSchema.parse(first.json());
      expect(Object.keys(panesOn(socket, doc.sessionId)).sort()).toEqual(["app", "human", "sidecar"]);
      const before = await manifest(["spark", "status"], root, env);
      expect(before.stdout).not.toContain("Relay");

      const config = { up: STAND_INS, hub: { url: hub.url, machine: "laptop", project: "shop" } };
      writeFileSync(join(root, "config", "spark.ts"), `export default ${JSON.stringify(config)};\n`);
      // Until the next up, status says why nothing leaves this machine and what to run.
      const told = await manifest(["spark", "status"], root, env);
      expect(told.stdout).toMatch(/Relay +not running: config\/spark\.ts names a hub.*`manifest up` adds its pane/);

      const again = await manifest(["up", "--json"], root, env);
      expect(again.code, again.stderr).toBe(0);
      const second = upResultSchema.parse(again.json());
      expect(second.sessionId).toBe(doc.sessionId);
      const relay = second.panes.find((p) => p.role === "relay");
      expect(relay).toMatchObject({ state: "added", argv: [process.execPath, CLI, "relay"] });
      expect(panesOn(socket, doc.sessionId).relay?.id).toBe(relay?.id);
      // Its pane is a few lines high: later lines scroll the connection out of view.
      const history = () => tmuxOn(socket, "capture-pane", "-p", "-J", "-S", "-100", "-t", relay?.id ?? "");
      await waitFor(
        () => /connected to nats:\/\/127\.0\.0\.1:\d+/.test(history()),
        "the added relay connected",
        20_000,
      );
      // The person's pane keeps the focus.
      expect(tmuxOn(socket, "display-message", "-p", "-t", doc.sessionId, "#{@spark_role}").trim()).toBe("human");

      // Closed by hand: the next up leaves it closed and says so.
      tmuxOn(socket, "kill-pane", "-t", relay?.id ?? "");
      const third = upResultSchema.parse((await manifest(["up", "--json"], root, env)).json());
      expect(third.panes.find((p) => p.role === "relay")).toMatchObject({ id: null, state: "closed" });
      expect(panesOn(socket, doc.sessionId).relay).toBeUndefined();
      expect((await manifest(["down", "--json"], root, env)).code).toBe(0);
    },
  );

  it("down stops the sidecar, the app and pi cleanly, waits for them, and removes the session", async () => {
    const { root, paths, socket, env } = upProject(STAND_INS);
    const up = await manifest(["up", "--detach"], root, env);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(`Attach: tmux -L ${socket} attach -t ${sessionName(undefined, root)}  (--detach)`);
    const [sessionId = ""] = tmuxOn(socket, "list-sessions", "-F", "#{session_id}").split("\n");
    const panes = panesOn(socket, sessionId);
    await waitForPane(socket, panes.human?.id ?? "", /HUMAN-READY/);
    await waitForPane(socket, panes.app?.id ?? "", /APP-READY/);
    await sidecarRunning(socket, sessionId, paths.agents);

    const down = await manifest(["down", "--json"], root, env);
    expect(down.code, down.stdout).toBe(0);
    const doc = downResultSchema.parse(down.json());
    expect(doc).toMatchObject({ ok: true, closed: true, clean: true });
    const stops = Object.fromEntries(doc.panes.map((p) => [p.role, p]));
    expect(stops.human).toMatchObject({ signal: "SIGTERM", stopped: true });
    expect(stops.app).toMatchObject({ signal: "SIGINT", stopped: true });
    expect(stops.sidecar).toMatchObject({ signal: "SIGTERM", stopped: true });
    // They were waited for: each had finished its clean-up when `down` returned.
    expect(existsSync(join(root, "HUMAN.stopped"))).toBe(true);
    expect(existsSync(join(root, "APP.stopped"))).toBe(true);
    expect(sidecarPresence(paths.agents)).toEqual([]);
    expect(sessionsOn(socket)).toEqual([]);
    // Ctrl+C is an interruption, not a failure: `manifest run` wrote no event for it.
    const events = existsSync(paths.events) ? readdirSync(paths.events) : [];
    expect(events.filter((n) => n.includes("process-error"))).toEqual([]);

    const again = await manifest(["down"], root, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("Nothing to close");
  });

  it("down with nothing running exits 0, also without tmux", async () => {
    const { root, env } = upProject(STAND_INS);
    const down = await manifest(["down", "--json"], root, env);
    expect(down.code).toBe(0);
    expect(downResultSchema.parse(down.json())).toMatchObject({ closed: false, session: null, panes: [] });
    const noTmux = await manifest(["down"], root, { ...env, PATH: join(root, "empty-bin") });
    expect(noTmux.code).toBe(0);
    expect(noTmux.stdout).toContain("tmux is not installed");
  });

  it("down says which program did not stop in time, kills it with the session and exits 1", async () => {
    const { root, socket, env } = upProject(
      { human: "node human.mjs", app: "node stubborn.mjs" },
      { "stubborn.mjs": standIn("STUBBORN", []) },
    );
    const up = upResultSchema.parse((await manifest(["up", "--json"], root, env)).json());
    await waitForPane(socket, up.panes.find((p) => p.role === "app")?.id ?? "", /STUBBORN-READY/);
    const down = await manifest(["down", "--timeout", "0.5"], root, env);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/app\s+did not stop within 0\.5s \(SIGINT\): killed with the session/);
    expect(sessionsOn(socket)).toEqual([]);
  });

  it("shows what to do in the app pane when there is no dev script, and restarts it once there is one", async () => {
    const { root, socket, env } = upProject({ human: "node human.mjs" }, { "package.json": '{"name":"x"}\n' });
    const first = upResultSchema.parse((await manifest(["up", "--json"], root, env)).json());
    const app = first.panes.find((p) => p.role === "app");
    expect(app?.command).toBe("manifest run dev");
    expect(app?.notice).toContain('Add a "dev" script to package.json.');
    await waitForPane(socket, app?.id ?? "", /Add a "dev" script to package\.json\./);

    writeFileSync(join(root, "package.json"), JSON.stringify({ name: "x", scripts: { dev: "node app.mjs" } }));
    const second = upResultSchema.parse((await manifest(["up", "--json"], root, env)).json());
    expect(second.panes.find((p) => p.role === "app")).toMatchObject({ id: app?.id, notice: null, state: "restarted" });
    await waitForPane(socket, app?.id ?? "", /APP-READY/);
  });

  it("leaves alone a session of the same name that is not this project's", async () => {
    const { root, socket, env } = upProject(STAND_INS);
    const name = sessionName(undefined, root);
    tmuxOn(socket, "new-session", "-d", "-s", name, "--", process.execPath, "-e", "setInterval(() => {}, 1 << 30)");
    const up = await manifest(["up", "--json"], root, env);
    expect(up.code).toBe(1);
    expect(errorSchema.parse(up.json()).error).toMatchObject({ code: "E_SESSION_TAKEN" });
    expect(up.stderr).toContain("up.session");
    expect(sessionsOn(socket)).toEqual([name]);
  });

  it("outside tmux with a terminal, attaches it; detaching ends `up` with 0", async () => {
    const { root, socket, env } = upProject(STAND_INS);
    // The person's terminal: a pane of another private server, with TMUX unset as in a plain terminal.
    const vars = Object.entries({ ...env, NO_COLOR: "1" })
      .filter(([name]) => name !== "TMUX")
      .map(([name, value]) => `${name}=${value}`);
    const status = join(root, "up.exit");
    const up = recordingExit(status, [process.execPath, CLI, "up"]);
    const terminal = startTmux(["env", "-u", "TMUX", ...vars, ...up], { cwd: root, width: 160, height: 48 });
    servers.push(terminal.socket);
    const name = sessionName(undefined, root);
    await waitFor(
      () =>
        sessionsOn(socket).includes(name) && tmuxOn(socket, "list-clients", "-F", "#{client_session}").trim() === name,
      "the attach",
      20_000,
    );
    await terminal.waitForScreen(/HUMAN-READY/);
    // A roomy terminal gets the wide layout: Pi on the left 60%, at its full height.
    const sizes = tmuxOn(socket, "list-panes", "-s", "-t", name, "-F", "#{@spark_role} #{pane_width}x#{pane_height}");
    expect(sizes).toMatch(/human 9[5-7]x4[5-7]/);

    tmuxOn(socket, "detach-client", "-s", name);
    expect(await exitStatus(status)).toBe("0");
    expect(sessionsOn(socket)).toEqual([name]);
  });

  it("from inside tmux, switches the client to the session instead of nesting", async () => {
    const { root, env } = upProject(STAND_INS);
    // Server B holds the person's tmux: a client on it runs inside a pane of server A.
    const b = startTmux([process.execPath, "-e", "setInterval(() => {}, 1 << 30)"], { cwd: root });
    servers.push(b.socket); // `up` makes its session there: stopped and waited for after the test.
    const a = startTmux(["env", "-u", "TMUX", "tmux", "-L", b.socket, "attach", "-t", b.session], { cwd: root });
    servers.push(a.socket);
    await waitFor(() => b.tmux("list-clients", "-F", "#{client_session}").trim() === b.session, "the client");

    // The person runs `manifest up` in their pane (TMUX is set there by tmux itself).
    const vars = { ...env, SPARK_TMUX_SOCKET: b.socket, NO_COLOR: "1", SPARK_ROOT: "" };
    const envArgs = Object.entries(vars)
      .filter(([name]) => name !== "TMUX")
      .flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    const status = join(root, "up.exit");
    const up = recordingExit(status, [process.execPath, CLI, "up"]);
    b.tmux("respawn-pane", "-k", "-t", b.session, "-c", root, ...envArgs, "--", ...up);

    const name = sessionName(undefined, root);
    await waitFor(() => b.tmux("list-clients", "-F", "#{client_session}").trim() === name, "the switch", 20_000);
    // `up` ended at once (status 0) rather than running a nested tmux client in the pane.
    expect(await exitStatus(status)).toBe("0");
    expect(b.tmux("list-clients", "-F", "#{client_session}").trim().split("\n")).toEqual([name]);
    expect(b.tmux("list-sessions", "-F", "#{session_name}").trim().split("\n").sort()).toEqual(
      [name, b.session].sort(),
    );

    // `down` closes the layout and sends the person back to the session they came from.
    const down = await manifest(["down", "--json"], root, { ...env, SPARK_TMUX_SOCKET: b.socket });
    expect(down.code, down.stderr).toBe(0);
    expect(downResultSchema.parse(down.json())).toMatchObject({ closed: true, clientsReturned: 1 });
    expect(b.tmux("list-clients", "-F", "#{client_session}").trim().split("\n")).toEqual([b.session]);
  });

  it("down leaves no presence file behind for the real Pi in the human pane", async () => {
    const pi = [PI, ...hermeticPiArgs()].filter((a) => a !== "--model" && a !== "mock/mock-model").join(" ");
    const { root, paths, socket, env } = upProject({ human: pi, app: "manifest run node app.mjs" });
    const up = upResultSchema.parse((await manifest(["up", "--json"], root, env)).json());
    const human = up.panes.find((p) => p.role === "human")?.id ?? "";
    const humanPresence = () => jsonFiles(paths.agents).filter((n) => n.startsWith("human-"));
    await waitFor(() => humanPresence().length === 1, "Pi's presence file", 30_000);
    // Pi is up: its footer is drawn.
    await waitForPane(socket, human, /\(auto\)/, 30_000);

    const down = await manifest(["down", "--json"], root, env);
    expect(down.code, down.stdout).toBe(0);
    expect(downResultSchema.parse(down.json()).panes.find((p) => p.role === "human")).toMatchObject({
      signal: "SIGTERM",
      stopped: true,
    });
    expect(jsonFiles(paths.agents)).toEqual([]);
  });
});

describe("manifest up without tmux", () => {
  it("without tmux: exit 1 with the install command", async () => {
    const { root, env } = upProject(STAND_INS);
    const up = await manifest(["up", "--json"], root, { ...env, PATH: join(root, "empty-bin") });
    expect(up.code).toBe(1);
    expect(errorSchema.parse(up.json()).error.code).toBe("E_NO_TMUX");
    expect(up.stderr).toContain("sudo apt-get install tmux");
    expect(up.stderr).toContain("brew install tmux");
  });
});
