import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { realProcesses } from "../cli/up/stop.js";
import { CLI, manifest } from "./helpers/cli.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux, startTmux, type Tmux } from "./helpers/tmux.js";

beforeAll(requireBuild);

const started: Tmux[] = [];
const servers: string[] = [];
afterEach(async () => {
  const sockets = [...servers.splice(0), ...started.splice(0).map((t) => t.socket)];
  // Each pane's program leads its process group: wait for the groups to empty, so the temp
  // project is not removed while the demo's sidecar still writes in it.
  const groups = sockets.flatMap((socket) => {
    try {
      const pids = on(socket, "list-panes", "-a", "-F", "#{pane_pid}").split("\n").filter(Boolean).map(Number);
      on(socket, "kill-server");
      return pids;
    } catch {
      return [];
    }
  });
  await waitFor(() => !groups.some((pid) => realProcesses.alive(pid)), "the panes' programs to end", 20_000).catch(
    () => undefined,
  );
});

/** Runs tmux on the server the demo's layout is made on. */
const on = (socket: string, ...args: string[]) =>
  execFileSync("tmux", ["-L", socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

const sessionsOn = (socket: string) => {
  try {
    return on(socket, "list-sessions", "-F", "#{session_name}").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

/** A pane of the layout, by its role. */
const paneOf = (socket: string, role: string) =>
  on(socket, "list-panes", "-a", "-F", "#{pane_id} #{@spark_role} #{pane_width} #{pane_height}")
    .split("\n")
    .map((l) => l.split(" "))
    .find((p) => p[1] === role) ?? [];

/**
 * `manifest demo --replay` in a person's 80×24 terminal outside tmux (a pane of another tmux
 * server, TMUX unset), its layout on a private server: the demo attaches to it as it would
 * for a person. After the demo, the terminal keeps a shell, as a person's would.
 */
function demoInTerminal() {
  const { root } = tempProject();
  const agent = join(root, "pi-agent");
  mkdirSync(agent);
  const layout = `spark-demo-test-${Math.random().toString(16).slice(2, 10)}`;
  servers.push(layout);
  const env = [`SPARK_TMUX_SOCKET=${layout}`, `TMPDIR=${root}`, `PI_CODING_AGENT_DIR=${agent}`, "NO_COLOR=1"];
  const script = `"${process.execPath}" "${CLI}" demo --replay; echo "DEMO-EXIT $?"; exec sh`;
  const terminal = startTmux(["env", "-u", "TMUX", "-u", "NODE_ENV", ...env, "sh", "-c", script], {
    cwd: root,
    width: 80,
    height: 24,
  });
  started.push(terminal);
  return { root, layout, terminal };
}

/** Waits for the layout to be on the person's screen and the replayed fix in the dashboard. */
async function layoutShowsTheFix(layout: string, terminal: Tmux): Promise<string> {
  // The session exists a moment before its panes have their roles.
  const sidecar = await waitFor(
    () => sessionsOn(layout).length === 1 && paneOf(layout, "sidecar")[0],
    "the layout's dashboard pane",
    60_000,
  );
  // The dashboard breaks its own lines: read them joined.
  const text = () => on(layout, "capture-pane", "-p", "-t", sidecar).replace(/\s*\n\s*/g, " ");
  await waitFor(() => /replayed from a script/.test(text()), "the replayed fix in the dashboard", 90_000).catch(
    (error: Error) => {
      throw new Error(`${error.message}\n--- the person's screen:\n${terminal.screen()}\n--- the dashboard: ${text()}`);
    },
  );
  return terminal.screen();
}

describe.runIf(hasTmux())("manifest demo in a person's terminal (80×24)", () => {
  it("shows a readable layout, Pi without its start-up noise, and q in the dashboard closes it all and removes the folder", {
    timeout: 240_000,
  }, async () => {
    const { root, layout, terminal } = demoInTerminal();
    const screen = await layoutShowsTheFix(layout, terminal);
    const [session = ""] = sessionsOn(layout);
    // The small-screen layout: pi and the dashboard side by side, each half the width.
    const [, , width = "0", height = "0"] = paneOf(layout, "sidecar");
    expect(Number(width)).toBeGreaterThanOrEqual(39);
    expect(Number(height)).toBeGreaterThanOrEqual(15);
    expect(screen).toContain("── you: pi ");
    expect(screen).not.toMatch(/you: '\//);
    // The status bar names the whole session, not "[spark-dem".
    expect(screen).toContain(`[${session}]`);
    const [pi = ""] = paneOf(layout, "human");
    const piText = on(layout, "capture-pane", "-p", "-J", "-S", "-", "-t", pi);
    expect(piText).not.toContain("extended-keys");
    expect(piText).not.toMatch(/Downloading|Failed to download/);
    // Pi's status line says the work ended and how, not "Spark is on it".
    const status = await waitFor(
      () => /✔ Spark fixed it: create-user/.exec(on(layout, "capture-pane", "-p", "-t", pi))?.[0],
      "Pi's status line to say the fix is in",
      30_000,
    );
    expect(status).toBeDefined();
    expect(on(layout, "capture-pane", "-p", "-t", pi)).not.toContain("Spark is on it");

    const [sidecar = ""] = paneOf(layout, "sidecar");
    on(layout, "send-keys", "-t", sidecar, "q");
    const after = await terminal.waitForScreen(/DEMO-EXIT \d+/, undefined, 60_000);
    expect(after).toContain("DEMO-EXIT 0");
    expect(after.replace(/\n/g, "")).toMatch(/The demo is closed and its folder \S+ removed\./);
    expect(after).not.toContain("keeps running");
    expect(sessionsOn(layout)).toEqual([]);
    const dir = /copied to (\S+)/.exec(after.replace(/\n/g, ""))?.[1] ?? join(root, "spark-demo-");
    await waitFor(() => !existsSync(dir), "the demo folder to be removed", 20_000);
  });

  it("after Ctrl+B d prints a close command that works from the folder, which then no longer says it keeps running", {
    timeout: 240_000,
  }, async () => {
    const { layout, terminal } = demoInTerminal();
    await layoutShowsTheFix(layout, terminal);
    const [session = ""] = sessionsOn(layout);
    on(layout, "detach-client", "-s", session);
    const left = (await terminal.waitForScreen(/DEMO-EXIT \d+/, undefined, 30_000)).replace(/\n/g, "");
    expect(left).toContain("You left the demo layout; it keeps running.");
    const close = /Close it \(and remove its folder\): (cd \S+ && npx manifest-spark down)/.exec(left)?.[1];
    expect(close).toBeDefined();
    const dir = /cd (\S+) &&/.exec(close ?? "")?.[1] ?? "";

    // The person types it into their shell, as printed.
    terminal.keys(terminal.session, "-l", `clear; ${close}; echo "DOWN-EXIT $?"`);
    terminal.keys(terminal.session, "Enter");
    const closed = (await terminal.waitForScreen(/DOWN-EXIT \d+/, undefined, 60_000)).replace(/\n/g, "");
    expect(closed).toContain("DOWN-EXIT 0");
    expect(closed).toContain(`Spark session ${session} closed.`);
    expect(closed).toContain("was removed");
    expect(sessionsOn(layout)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});

describe.runIf(hasTmux())("manifest demo in tmux", () => {
  it("opens the layout, sends the failing request, and the replayed fix makes it pass", {
    timeout: 180_000,
  }, async () => {
    const { root } = tempProject();
    const agent = join(root, "pi-agent");
    mkdirSync(agent);
    const tmux = startTmux([process.execPath, CLI, "demo", "--replay"], {
      cwd: root,
      width: 120,
      height: 40,
      env: { TMPDIR: root, PI_CODING_AGENT_DIR: agent, PI_OFFLINE: "1" },
    });
    started.push(tmux);
    const outer = await tmux.waitForScreen(/the failing request has been sent/, tmux.session, 60_000);
    const dir = /copied to (\S+)/.exec(outer)?.[1] as string;
    const url = /POST (http:\/\/127\.0\.0\.1:\d+)\/users/.exec(outer)?.[1] as string;
    expect(dir).toContain(root);

    // No client is attached in a test, so the demo cannot switch to its session: it says how.
    expect(outer).toMatch(/Open it: tmux switch-client -t spark-demo-/);
    const session = /switch-client -t (\S+)/.exec(outer)?.[1] as string;
    const panes = tmux.tmux("list-panes", "-t", session, "-F", "#{pane_id}").trim().split("\n");
    expect(panes).toHaveLength(3);
    // The dashboard shows the replayed fix, labelled as such; the app answers 200 again. The
    // panes are narrow until someone attaches: read their text with the wrapping undone.
    const text = (p: string) => tmux.screen(p).replace(/\s*\n\s*/g, " ");
    await waitFor(() => panes.some((p) => /replayed from a script/.test(text(p))), "the replayed fix", 60_000);
    const ok = await waitFor(
      async () => {
        // Bounded: a request that hangs must fail this wait, not the whole test at its timeout.
        const r = await fetch(`${url}/users`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"name":"Ada"}',
          signal: AbortSignal.timeout(5000),
        }).catch(() => undefined);
        return r?.status === 200 ? r : undefined;
      },
      "the fixed app",
      60_000,
    );
    expect(ok.status).toBe(200);

    const down = await manifest(["down", "--json"], dir, { SPARK_TMUX_SOCKET: tmux.socket });
    expect(down.code).toBe(0);
    expect(down.json()).toMatchObject({ closed: true, demoFolderRemoved: true });
    expect(tmux.tmux("list-sessions", "-F", "#{session_name}")).not.toContain(session);
    expect(existsSync(dir)).toBe(false);
  });
});
