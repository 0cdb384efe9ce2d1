import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import type { BusPaths } from "../bus/paths.js";
import { type ChatRequest, startMockModel } from "./fakes/mock-openai.js";
import { startManifest } from "./helpers/manifest-process.js";
import { piAgentDir, piEnv } from "./helpers/pi-cli.js";
import { jsonLines, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

// The production sidecar (`manifest sidecar --headless`, its own Pi host and session handling)
// killed by SIGKILL at each fault point between claim and ack, then restarted: the event must
// reach the agent's session exactly once. The model is the scripted mock on 127.0.0.1.

const CONFIG = "export default { debounce: { windowMs: 50 }, watcher: { backstopMs: 200 } };\n";
/** Each case starts two sidecars, each loading the Pi SDK: seconds apiece on 2 busy cores. */
const STARTUP_MS = 30_000;

beforeAll(requireBuild);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Project = ReturnType<typeof tempProject> & { env: NodeJS.ProcessEnv; model: { requests: ChatRequest[] } };

async function project(): Promise<Project> {
  const made = tempProject({ "config/spark.ts": CONFIG });
  const model = await startMockModel();
  cleanups.push(() => model.close());
  // Every turn ends the run with text: the default reply once the (empty) script is used up.
  return { ...made, model, env: piEnv(piAgentDir(made.root, model)) };
}

function sidecar(p: Project, fault = "") {
  const run = startManifest(["sidecar", "--headless", "--model", "mock/mock-model"], p.root, {
    ...p.env,
    SPARK_FAULT: fault,
  });
  const lines = () => jsonLines({ lines: run.lines, stdout: () => "", stderr: run.stderr });
  return { ...run, lines, ready: () => waitFor(() => lines().find((l) => l.type === "ready"), "ready", STARTUP_MS) };
}

function emit(paths: BusPaths, feature: string): string {
  return emitEvent(
    paths,
    { type: "server-error", feature, error: new Error(`boom in ${feature}`) },
    { environment: "development", host: "t", pid: 1 },
  ).id;
}

const jsonFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".json")) : []);
const claimedNames = (paths: BusPaths) =>
  existsSync(paths.claimed) ? readdirSync(paths.claimed).flatMap((owner) => jsonFiles(join(paths.claimed, owner))) : [];

/** Every spark-events message holding `id`, across all of the sidecar's session files. */
function sessionMessagesWith(paths: BusPaths, id: string): string[] {
  const dir = join(paths.spark, "sessions");
  const files = existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith(".jsonl")) : [];
  return files.flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as { type: string; customType?: string; details?: { ids?: string[] } })
      .filter((e) => e.type === "custom_message" && e.customType === "spark-events" && e.details?.ids?.includes(id))
      .map(() => file),
  );
}

/** How many user-side messages of `request` mention `id`: what the model was shown. */
const mentions = (request: ChatRequest, id: string) =>
  request.messages.filter((m) => m.role === "user" && JSON.stringify(m.content).includes(id)).length;

/** Runs a sidecar until `id` is delivered (its run over), then stops it cleanly. */
async function deliverAndStop(p: Project, id: string) {
  const run = sidecar(p);
  await run.ready();
  await waitFor(() => jsonFiles(p.paths.delivered).includes(`${id}.json`), `${id} in delivered/`, STARTUP_MS);
  run.child.kill("SIGTERM");
  const exit = await run.exit;
  expect({ code: exit.code, stderr: exit.stderr }).toMatchObject({ code: 0 });
  return run;
}

describe("manifest sidecar killed (SIGKILL) between claim and ack, then restarted", () => {
  it.each([
    ["after-claim", "an ongoing session", true],
    ["after-inject", "an ongoing session", true],
    // Pi writes a session file only once it holds an assistant message: a crash before that
    // leaves nothing on disk, so the restart must inject the batch again (not ack it unseen).
    // (A crash at after-claim in a new session is the same story with less on disk.)
    ["after-inject", "a brand-new session", false],
  ])(
    "at %s, in %s: the event reaches the agent exactly once",
    async (fault, _what, seeded) => {
      const p = await project();
      // An ongoing session: the same sidecar first delivers another event (so its session is
      // on disk with an exchange), and dies the second time it reaches the fault point.
      const crashing = sidecar(p, seeded ? `${fault}:2` : fault);
      await crashing.ready();
      if (seeded) {
        const warmUp = emit(p.paths, "warm-up");
        await waitFor(() => jsonFiles(p.paths.delivered).includes(`${warmUp}.json`), "the warm-up", STARTUP_MS);
      }
      const requestsBefore = p.model.requests.length;
      const id = emit(p.paths, "create-user");
      const crash = await crashing.exit;
      expect(crash.signal).toBe("SIGKILL");
      // Killed holding the claim: nothing acked, nothing released.
      expect(claimedNames(p.paths)).toContain(`${id}.json`);
      expect(jsonFiles(p.paths.delivered)).not.toContain(`${id}.json`);

      const restarted = await deliverAndStop(p, id);
      expect(claimedNames(p.paths)).toEqual([]);
      expect(jsonFiles(p.paths.events).filter((n) => n.includes("-server-error-"))).toEqual([]);
      // Once in the session, whichever process put it there.
      expect(sessionMessagesWith(p.paths, id)).toHaveLength(1);
      // The model saw it, and never twice in one conversation.
      const shown = p.model.requests.slice(requestsBefore).map((r) => mentions(r, id));
      expect(shown.length).toBeGreaterThan(0);
      expect(Math.max(...shown)).toBe(1);
      // The restarted sidecar sent it again only if the first never got it into a session.
      const resent = restarted.lines().filter((l) => l.type === "spark" && String(l.text).includes(id));
      expect(resent).toHaveLength(fault === "after-inject" && seeded ? 0 : 1);
    },
    4 * STARTUP_MS,
  );
});
