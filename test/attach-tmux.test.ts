import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { busPaths } from "../bus/paths.js";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { call, newToken } from "./helpers/bridge.js";
import { CLI } from "./helpers/cli.js";
import { DASHBOARD_ENV } from "./helpers/dashboard-tmux.js";
import { spritesScene } from "./helpers/fake-sprites.js";
import { piAgentDir } from "./helpers/pi-cli.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { hasTmux, startTmux, type Tmux } from "./helpers/tmux.js";

/**
 * `manifest attach` in real tmux, beside the sidecar's own dashboard: project A runs
 * `manifest sidecar --web` (its dashboard in one tmux session, the mock model), and from
 * another folder `manifest attach` opens the same dashboard over the bridge. What a person
 * does in the attached one (pause, prompt) must show in both, and on A's disk.
 */

const FAST = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";
const SIZE = { width: 100, height: 30 };

/** `manifest <args>` in a tmux session; a shell around it prints its exit status when it ends. */
function startManifest(cwd: string, args: string[], env: Record<string, string>): Tmux {
  const script = `"${process.execPath}" "$0" "$@"; echo "exit status $?"; exec sleep 3600`;
  return startTmux(["sh", "-c", script, CLI, ...args], { cwd, ...SIZE, env: { ...DASHBOARD_ENV, ...env } });
}

describe.skipIf(!hasTmux())("manifest attach", () => {
  const dirs: string[] = [];
  const sessions: Tmux[] = [];
  let model: MockModel;
  let root: string;
  let elsewhere: string;
  let url: string;
  const token = newToken();

  beforeAll(async () => {
    requireBuild();
    for (let i = 0; i < 2; i++) dirs.push(realpathSync(mkdtempSync(join(tmpdir(), "spark-attach-"))));
    [root, elsewhere] = dirs as [string, string];
    writeFileSync(join(root, "package.json"), '{"name":"app"}');
    mkdirSync(join(root, "config"));
    writeFileSync(join(root, "config/spark.ts"), FAST);
    model = await startMockModel();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    sessions.push(
      startManifest(root, ["sidecar", "--web", "--port", String(port), "--model", "mock/mock-model"], {
        PI_CODING_AGENT_DIR: piAgentDir(root, model),
        SPARK_WEB_TOKEN: token,
        SPARK_ROOT: root,
      }),
    );
    await waitFor(
      async () => (await call({ url, token }, "GET", "/starter/state").catch(() => undefined))?.status === 200,
      "the bridge to answer",
      60_000,
      200,
    );
  }, 90_000);

  afterAll(async () => {
    for (const tmux of sessions) tmux.kill();
    await model?.close();
    // The sidecar shuts down on SIGHUP: give it a moment before its project goes.
    await new Promise((r) => setTimeout(r, 1000));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a wrong token with a message that says what to do", async () => {
    const tmux = startManifest(elsewhere, ["attach", url], { SPARK_WEB_TOKEN: "not-the-token-000000000000000000" });
    sessions.push(tmux);
    const screen = await tmux.waitForScreen(/exit status \d+/, undefined, 20_000);
    expect(screen).toContain(`the bridge at ${url} refused the token`);
    expect(screen).toContain("exit status 2");
  });

  it("shows the remote sidecar's events, pause and conversation, as its own dashboard does", async () => {
    const local = sessions[0] as Tmux;
    const tokenFile = join(elsewhere, "token");
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const attached = startManifest(elsewhere, ["attach", url, "--token-file", tokenFile], {});
    sessions.push(attached);
    onTestFailed(() => console.error(`local:\n${local.screen()}\nattached:\n${attached.screen()}`));
    await attached.waitForScreen(/attached to http/, undefined, 30_000);
    await attached.waitForScreen(/model mock\/mock-model/);

    // Pause from the attached dashboard: the pause file is written in A, both screens say so.
    attached.keys(attached.session, "p");
    await waitFor(() => existsSync(join(root, ".spark/pause")), "A's .spark/pause", 15_000);
    for (const tmux of [attached, local]) await tmux.waitForScreen(/paused by/, undefined, 15_000);

    // An event in A: held while paused, shown on both.
    emitEvent(
      busPaths(root),
      {
        type: "server-error",
        feature: "create-user",
        route: "POST /users",
        status: 500,
        error: new TypeError("Cannot read properties of undefined (reading 'toUpperCase')"),
      },
      { environment: "development", host: "test", pid: process.pid, redactKeys: [] },
    );
    for (const tmux of [attached, local])
      await tmux.waitForScreen(/held +server-error create-user POST/, undefined, 15_000);

    // A prompt typed in the attached dashboard: the scripted reply streams into both.
    model.push({ text: "Attached and answering: all good here." });
    attached.keys(attached.session, "i");
    attached.keys(attached.session, "how are you");
    attached.keys(attached.session, "Enter");
    // Enter keeps the input line open for more; Escape gives the keys back to the panes.
    attached.keys(attached.session, "Escape");
    for (const tmux of [attached, local])
      await tmux.waitForScreen(/Attached and answering: all good here\./, undefined, 30_000);

    // Resume from the attached dashboard: the file goes, and the held event goes to the agent.
    model.push({ text: "Looked at the create-user error." });
    attached.keys(attached.session, "p");
    await waitFor(() => !existsSync(join(root, ".spark/pause")), "A's .spark/pause removed", 15_000);
    for (const tmux of [attached, local])
      await tmux.waitForScreen(/delivered +server-error create-user/, undefined, 30_000);

    // q leaves the attached dashboard only: the remote sidecar keeps serving.
    attached.keys(attached.session, "q");
    await attached.waitForScreen(/exit status 0/, undefined, 20_000);
    expect((await call({ url, token }, "GET", "/starter/state")).status).toBe(200);
  });

  it("manifest sprite attach finds the Sprite's URL and opens the same dashboard through it", async () => {
    // The fake Sprite's URL forwards to its http_port service: here, the bridge of project A.
    const scene = await spritesScene();
    try {
      await scene.api.create("demo-app");
      await scene.api.startService("demo-app", {
        name: "spark",
        cmd: "sleep",
        args: ["3600"],
        httpPort: Number(new URL(url).port),
      });
      const spriteUrl = (await scene.api.get("demo-app")).url as string;
      const xdg = join(elsewhere, "xdg");
      mkdirSync(xdg);
      const tmux = startManifest(elsewhere, ["sprite", "attach", "demo-app"], {
        SPRITES_TOKEN: scene.fake.token,
        SPRITES_API_URL: scene.fake.url,
        XDG_CONFIG_HOME: xdg,
        SPARK_WEB_TOKEN: token,
      });
      sessions.push(tmux);
      onTestFailed(() => console.error(tmux.screen()));
      await tmux.waitForScreen(new RegExp(`attached to ${spriteUrl.replace(/[.]/g, "\\.")}`), undefined, 30_000);
      await tmux.waitForScreen(/server-error create-user POST/);
      tmux.keys(tmux.session, "q");
      await tmux.waitForScreen(/exit status 0/, undefined, 20_000);
    } finally {
      await scene.fake.close();
    }
  });
});
