import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { CLI, manifest } from "./helpers/cli.js";
import { DASHBOARD_ENV } from "./helpers/dashboard-tmux.js";
import { copyHelloApp, createUser } from "./helpers/hello-app.js";
import { hermeticPiArgs, piAgentDir, piEnv, type RpcPi, startRpcPi } from "./helpers/pi-cli.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";
import { hasTmux, startTmux, type Tmux } from "./helpers/tmux.js";

const FAST = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";
const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };
const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * `manifest sidecar` (the dashboard) in a detached 80×24 tmux session, as a person runs it.
 * A shell around it prints its exit status once it has given the terminal back: tmux 3.3
 * sometimes leaves an exited pane process unreaped, so the pane's own exit status is not
 * reliable.
 */
function startDashboard(root: string, agentDir: string, args: string[] = [], term?: string): Tmux {
  // TERM: as the pane's own when unset (tmux's default-terminal); set, a terminal of that kind.
  const script = `${term ? `TERM=${term} ` : ""}"${process.execPath}" "$0" sidecar "$@"; echo "exit status $?"; exec sleep 3600`;
  const tmux = startTmux(["sh", "-c", script, CLI, ...args], {
    cwd: root,
    width: 80,
    height: 24,
    env: {
      PI_CODING_AGENT_DIR: agentDir,
      ...DASHBOARD_ENV,
    },
  });
  cleanups.push(async () => {
    // Closing the panes sends SIGHUP, and the dashboard then shuts down cleanly: wait for it
    // (and whatever else ran in a pane), so the temp project is not removed under it.
    const pids = tmux
      .tmux("list-panes", "-a", "-F", "#{pane_pid}")
      .split("\n")
      .filter(Boolean)
      .flatMap((pid) => [Number(pid), ...childrenOf(pid)]);
    tmux.kill();
    await waitFor(() => pids.every((pid) => !alive(pid)), "the panes' processes to end", 20_000);
  });
  return tmux;
}

/** Whether a process runs (a zombie does not: tmux may be slow to reap what it started). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

/** The dashboard's exit status, once the shell around it has printed it. */
async function exitStatus(tmux: Tmux): Promise<number> {
  const screen = await tmux.waitForScreen(/exit status \d+/, undefined, 20_000);
  return Number(/exit status (\d+)/.exec(screen)?.[1]);
}

function childrenOf(pid: string | number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(" ").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The dashboard's own pid: the child of the shell in the first pane. */
function dashboardPid(tmux: Tmux): number {
  const [pid] = childrenOf(tmux.tmux("display-message", "-p", "-t", `${tmux.session}:0`, "#{pane_pid}").trim());
  if (pid === undefined) throw new Error("the dashboard is not running");
  return pid;
}

const serverError = (paths: BusPaths, message = "Cannot read properties of undefined (reading 'toUpperCase')") =>
  emitEvent(
    paths,
    { type: "server-error", feature: "create-user", route: "POST /users", status: 500, error: new TypeError(message) },
    writer,
  );

/** The number in the events title: "Events  3 held". */
const heldInTitle = (screen: string) => Number(/Events +(\d+) held/.exec(screen)?.[1] ?? Number.NaN);

beforeAll(requireBuild);

describe.skipIf(!hasTmux())("the dashboard in tmux", () => {
  it("without a model explains how to configure one, shows an app's event held, survives the app being killed, p pauses and resumes, q quits cleanly", async () => {
    const { root, paths } = tempProject();
    copyHelloApp(root);
    writeFileSync(join(root, "config/spark.ts"), FAST);
    const tmux = startDashboard(root, piAgentDir(root));
    const first = await tmux.waitForScreen(/Agents +1 live/, undefined, 30_000);
    expect(first).toContain("no model: watch-only");
    expect(first).toContain("No model: the sidecar only watches.");
    expect(first).toContain("/login");
    expect(first).toContain("manifest sidecar --model");
    expect(first).toMatch(/held: watch-only: no model/);

    // The app runs in a second window, as `manifest up` lays it out.
    const port = await freePort();
    tmux.tmux(
      "new-window",
      "-d",
      "-t",
      tmux.session,
      "-c",
      root,
      "-e",
      `PORT=${port}`,
      "-e",
      "HOST=127.0.0.1",
      process.execPath,
      "server.js",
    );
    await tmux.waitForScreen(/listening on/, `${tmux.session}:1`);
    // The sidecar's own join notice stays pending too, but as a notice: it waits for nobody.
    const before = heldInTitle(await tmux.waitForScreen(/notice +agent-start/));
    expect(before).toBe(0);
    expect((await createUser(`http://127.0.0.1:${port}`, { name: "Ada" }, "req-dash")).status).toBe(500);
    await tmux.waitForScreen(/held +server-error create-user POST/);
    await waitFor(() => heldInTitle(tmux.screen()) === before + 1, "one more held event");

    const appPid = Number(tmux.tmux("display-message", "-p", "-t", `${tmux.session}:1`, "#{pane_pid}").trim());
    process.kill(appPid, "SIGKILL");
    await waitFor(() => !alive(appPid), `the app (pid ${appPid}) to die`);

    // Still answering: a new event shows up, and p toggles the pause.
    serverError(paths, "db timeout after 30s");
    await waitFor(() => heldInTitle(tmux.screen()) === before + 2, "the new event");
    tmux.keys(tmux.session, "p");
    const paused = await tmux.waitForScreen(/paused by \S+/);
    expect(paused).toContain("Spark paused");
    expect(existsSync(paths.pause)).toBe(true);
    tmux.keys(tmux.session, "p");
    await tmux.waitForScreen(/Spark resumed/);
    expect(existsSync(paths.pause)).toBe(false);
    expect(tmux.screen()).not.toMatch(/paused by/);

    tmux.keys(tmux.session, "q");
    expect(await exitStatus(tmux)).toBe(0);
    expect(jsonFiles(paths.agents)).toEqual([]);
    // Watch-only claimed nothing: both failures are still pending.
    expect(jsonFiles(paths.events).filter((n) => n.includes("-server-error-"))).toHaveLength(2);
  });

  it("at 80×24: no ANSI black for gray (dark themes), the runs the title counts as failed are the rows shown, notices are not waiting", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"x"}\n', "config/spark.ts": FAST });
    // Four failed runs, then three newer ones that passed: the pane has room for three rows.
    for (let i = 0; i < 4; i++) await manifest(["run", "--name", "broken", "node", "-e", "process.exit(3)"], root);
    for (let i = 0; i < 3; i++) await manifest(["run", "--name", "fine", "node", "-e", ""], root);
    for (const term of [undefined, "screen"]) {
      const tmux = startDashboard(root, piAgentDir(root), [], term);
      const shown = await tmux.waitForScreen(/Agents +1 live/, undefined, 30_000);
      expect(shown).toMatch(/Runs +4 failed/);
      const rows = shown.split("\n").flatMap((l) => /[│|]([✔✖] \S+.*)$/.exec(l)?.[1] ?? []);
      expect(rows.length, shown).toBe(3);
      expect(
        rows.every((r) => r.startsWith("✖ exit 3")),
        shown,
      ).toBe(true);
      // The failures wait; the pending notices of the sidecar's start (and stop) do not.
      const work = () => jsonFiles(paths.events).filter((n) => !/-agent-(start|stop)-/.test(n)).length;
      expect(jsonFiles(paths.events).length).toBeGreaterThan(work());
      await tmux.waitForScreen(new RegExp(`held: watch-only: no model · ${work()} waiting`));
      serverError(paths);
      await tmux.waitForScreen(new RegExp(`held: watch-only: no model · ${work()} waiting`));
      const colours = tmux.tmux("capture-pane", "-p", "-e", "-t", tmux.session);
      // ESC[30m (or 30 among other attributes): the foreground set to black.
      const black = new RegExp(`${String.fromCharCode(27)}\\[(?:[0-9;]*;)?30(?:;[0-9;]*)?m`);
      expect(colours, `TERM=${term ?? "tmux's own"}`).not.toMatch(black);
      tmux.keys(tmux.session, "q");
      expect(await exitStatus(tmux)).toBe(0);
    }
  });

  it("shows a human Pi session join and turn working, the held count rise, then the sidecar's answer once the human is done", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const sidecarModel: MockModel = await startMockModel([{ text: "On it: create-user fails for a one-word name." }]);
    cleanups.push(() => sidecarModel.close());
    const release = join(root, "release");
    const humanModel: MockModel = await startMockModel([
      { tool: "bash", args: { command: `while [ ! -f ${release} ]; do sleep 0.05; done; echo done` } },
      { text: "Tidied up." },
    ]);
    cleanups.push(() => humanModel.close());

    const tmux = startDashboard(root, piAgentDir(root, sidecarModel), ["--model", "mock/mock-model"]);
    const first = await tmux.waitForScreen(/Agents +1 live/, undefined, 30_000);
    expect(first).toContain("model mock/mock-model");
    expect(first).toMatch(/not paused/);

    const humanDir = join(root, ".human");
    mkdirSync(humanDir);
    const human: RpcPi = startRpcPi(root, hermeticPiArgs(), piEnv(piAgentDir(humanDir, humanModel)));
    cleanups.push(() => human.stop());
    await tmux.waitForScreen(/human +idle/, undefined, 30_000);
    await tmux.waitForScreen(/Agents +2 live/);

    human.send({ type: "prompt", message: "tidy up the repo" });
    await tmux.waitForScreen(/human +working/, undefined, 20_000);
    const holding = await tmux.waitForScreen(/held: a human agent is working/);
    const before = heldInTitle(holding);
    serverError(paths);
    await waitFor(() => heldInTitle(tmux.screen()) === before + 1, "the held count to rise by one");
    serverError(paths, "db timeout after 30s");
    await waitFor(() => heldInTitle(tmux.screen()) === before + 2, "the held count to rise by two");
    expect(jsonFiles(paths.events).filter((n) => n.includes("-server-error-"))).toHaveLength(2);
    expect(sidecarModel.requests).toHaveLength(0);

    writeFileSync(release, "");
    await tmux.waitForScreen(/human +idle/, undefined, 20_000);
    const answered = await tmux.waitForScreen(/On it: create-user fails for a one-word name\./, undefined, 30_000);
    expect(answered).toMatch(/\* events Spark: 2 events/);
    await tmux.waitForScreen(/Events +0 pending/);
    expect(sidecarModel.requests).toHaveLength(1);

    await human.stop();
    await tmux.waitForScreen(/Agents +1 live/);
    tmux.keys(tmux.session, "q");
    expect(await exitStatus(tmux)).toBe(0);
    expect(jsonFiles(paths.agents)).toEqual([]);
    expect(jsonFiles(paths.delivered).filter((n) => n.includes("-server-error-"))).toHaveLength(2);
  });

  it("sends what is typed in the input line to the agent, opens an event whole with Enter, and stops cleanly on SIGTERM", async () => {
    const { root, paths } = tempProject({ "config/spark.ts": FAST });
    const model: MockModel = await startMockModel([{ text: "Hello from the scripted model." }]);
    cleanups.push(() => model.close());
    const tmux = startDashboard(root, piAgentDir(root, model), ["--model", "mock/mock-model"]);
    await tmux.waitForScreen(/Agents +1 live/, undefined, 30_000);

    tmux.keys(tmux.session, "i");
    await tmux.waitForScreen(/Enter send/);
    tmux.keys(tmux.session, "-l", "say hello");
    await tmux.waitForScreen(/› say hello/);
    tmux.keys(tmux.session, "Enter");
    await tmux.waitForScreen(/Hello from the scripted model\./, undefined, 20_000);
    expect(JSON.stringify(model.requests[0]?.messages)).toContain("say hello");

    // Back to the events pane (Escape alone, as a person presses it), then open the newest event.
    tmux.keys(tmux.session, "Escape");
    await tmux.waitForScreen(/Enter open/);
    await tmux.waitForScreen(/delivered +agent-start/);
    tmux.keys(tmux.session, "Enter");
    const box = await tmux.waitForScreen(/an agent joining +delivered/);
    expect(box).toMatch(/Event \d{13}-\d{6}-agent-start/);
    tmux.keys(tmux.session, "Escape");
    await tmux.waitForScreen(/Enter open/);
    process.kill(dashboardPid(tmux), "SIGTERM");
    expect(await exitStatus(tmux)).toBe(0);
    expect(jsonFiles(paths.agents)).toEqual([]);
  });
});
