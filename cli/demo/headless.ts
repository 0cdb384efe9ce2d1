import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { type DemoProject, manifestArgv } from "./project.js";
import { type StoryStep, story } from "./story.js";

export interface HeadlessDemoOptions {
  project: DemoProject;
  port: number;
  replay: boolean;
  /** How long to wait for the agent's fix (a real model can take minutes). */
  timeoutMs: number;
  print: (step: StoryStep) => void;
}

interface Child {
  process: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * The demo without tmux: starts the app and the headless sidecar as the user's commands
 * would, triggers the bug, and prints each step as it happens (reading the sidecar's NDJSON).
 * Resolves with the exit code: 0 when the story ran, also without a model (watch-only is a
 * normal ending), 1 when something broke on the way.
 */
export async function runHeadlessDemo(o: HeadlessDemoOptions): Promise<number> {
  const { dir } = o.project;
  const children: Child[] = [];
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, SPARK_ROOT: "", SPARK_ENV: "", SPARK_REPLAY: "" };
    // With --replay the sidecar serves the scripted fix itself, labelled REPLAY.
    const sidecarArgs = ["sidecar", "--headless", ...(o.replay ? ["--replay"] : [])];
    const app = start([...manifestArgv(), "run", "dev"], dir, { ...env, PORT: String(o.port), HOST: "127.0.0.1" });
    children.push(app);
    const url = await until(
      () => /listening on (http:\/\/\S+)/.exec(app.output())?.[1],
      30_000,
      "the app to listen",
      app,
    );
    o.print(story.appUp(url));

    const sidecar = start([...manifestArgv(), ...sidecarArgs], dir, env);
    children.push(sidecar);
    const lines = () => parseLines(sidecar.output());
    const ready = await until(() => lines().find((l) => l.type === "ready"), 60_000, "the sidecar to start", sidecar);
    o.print(story.sidecarUp((ready.model as string | null) ?? null, o.replay));

    const body = '{"name":"Ada","password":"s3cret"}';
    const first = await post(url, body);
    o.print(story.request(body, first));
    const event = await until(() => findServerError(dir), 30_000, "the app's event on the bus", app);
    const captured = story.captured(event);
    const eventId = captured.eventId ?? "";
    o.print(captured);

    if (!ready.model) {
      const watchOnly = ready.watchOnly as { reason: string; howTo: string[] };
      o.print(story.held(eventId, [watchOnly.reason, ...watchOnly.howTo]));
      return 0;
    }
    await until(
      () => lines().find((l) => l.type === "spark" && l.customType === "spark-events"),
      60_000,
      "the batch message",
      sidecar,
    );
    o.print(story.injected(eventId));
    let shown = 0;
    const endOfFix = await until(
      () => {
        const all = lines();
        for (const line of all.slice(shown)) {
          if (line.type === "assistant" && typeof line.text === "string" && line.text.trim() !== "") {
            o.print(story.agent(String(line.text).split("\n")[0] ?? ""));
          }
          if (line.type === "tool-start") o.print(story.agent(`→ ${String(line.name)} ${String(line.summary)}`));
        }
        shown = all.length;
        return all.find((l, i) => l.type === "run-end" && all.slice(0, i).some((x) => x.customType === "spark-events"));
      },
      o.timeoutMs,
      "the agent to finish",
      sidecar,
    );
    void endOfFix;
    // The app runs under node --watch: an edit restarts it. Wait for the restart (bounded:
    // an agent that changed nothing leaves the old process answering), then ask again.
    const listening = () => (app.output().match(/listening on/g) ?? []).length;
    await until(() => (listening() >= 2 ? true : undefined), 10_000, "the app to restart").catch(() => undefined);
    const second = await until(
      async () => (await post(url, '{"name":"Ada"}').catch(() => undefined)) ?? undefined,
      30_000,
      "the app to answer again",
    );
    o.print(story.fixed(second));
    return second === 200 ? 0 : 1;
  } finally {
    for (const child of children.reverse()) await child.stop();
  }
}

/** The server-error event the app wrote, wherever it is now (pending, claimed or delivered). */
function findServerError(dir: string): string | undefined {
  const events = join(dir, ".spark", "events");
  const folders = [events, join(events, "delivered"), ...subfolders(join(events, "claimed"))];
  for (const folder of folders) {
    const name = safeList(folder).find((n) => n.includes("-server-error-") && n.endsWith(".json"));
    if (name) return relative(dir, join(folder, name));
  }
  return undefined;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function subfolders(dir: string): string[] {
  return safeList(dir).map((n) => join(dir, n));
}

function start(argv: string[], cwd: string, env: NodeJS.ProcessEnv): Child {
  const child = spawn(process.execPath, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    process: child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

function parseLines(text: string): Array<Record<string, unknown>> {
  return text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

async function post(url: string, body: string): Promise<number> {
  const response = await fetch(`${url}/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** Polls until `check` gives a value; on timeout, says what it waited for and what the child printed. */
async function until<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  child?: Child,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (child && child.process.exitCode !== null)
      throw new Error(`${what}: the process ended early:\n${child.output().slice(-2000)}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${child ? `:\n${child.output().slice(-2000)}` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
