import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { SpritesApi } from "../../bootstrap/sprites-api.js";
import { snapshotCode } from "../../bootstrap/up/code-snapshot.js";
import type { UpOptions } from "../../bootstrap/up/context.js";
import type { LocalState } from "../../bootstrap/up/converge.js";
import type { StepEvent, UpResult } from "../../bootstrap/up/events.js";
import { converge, push } from "../../bootstrap/up/index.js";
import { readPackageSource } from "../../bootstrap/up/package-source.js";
import { freePort } from "../../cli/demo/free-port.js";
import { CLI } from "./cli.js";
import { commitAll, initRepo } from "./git.js";
import { REPO } from "./repo.js";

/**
 * `manifest-spark` as `up` installs it in the tests' fake Sprites: the real CLI of this
 * checkout for everything but the bridge (test/fixtures/sprite-standin), so a run needs
 * no registry and no Pi, and the bridge of issue 12 is not depended on.
 */
export const STANDIN = join(REPO, "test", "fixtures", "sprite-standin");

/** What every fake Sprite of these tests sees: where the real CLI is. */
export const STANDIN_ENV = { SPARK_TEST_REAL_CLI: CLI };

/**
 * A small app in a git repository: `npm run dev` serves src/message.mjs's text on PORT (the
 * entry, which `spark init` adjusts, stays unchanged when the message changes); a `.env` is
 * tracked (and must not travel).
 */
export async function upProject(): Promise<string> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "spark-up-app-")));
  const files: Record<string, string> = {
    "package.json": `${JSON.stringify({ name: "up-app", private: true, type: "module", scripts: { dev: "node server.mjs" } }, null, 2)}\n`,
    "server.mjs": `import { createServer } from "node:http";
import { message } from "./src/message.mjs";
createServer((req, res) => res.end(message)).listen(Number(process.env.PORT), "127.0.0.1");
`,
    "src/message.mjs": messageSource("hello v1"),
    ".env": "DATABASE_PASSWORD=tracked-by-mistake-7f3a\n",
    "src/notes.txt": "one\n",
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  await initRepo(root);
  await commitAll(root, "the app");
  return root;
}

/** The app's message module, answering `text` (a new text is a code change). */
export function messageSource(text: string): string {
  return `export const message = ${JSON.stringify(text)};\n`;
}

// A port nothing listens on now (the fake's services run on this host).
export { freePort };

/** Options for a Sprite named `sprite`: loopback ports, a key, a fresh token. */
export async function upOptions(sprite: string, root: string, extra: Partial<UpOptions> = {}): Promise<UpOptions> {
  return {
    sprite,
    root,
    includeDirty: false,
    model: "scripted/fixer",
    modelUrl: undefined,
    key: { name: "SPARK_TEST_API_KEY", value: `sk-test-${randomBytes(12).toString("hex")}` },
    token: randomBytes(24).toString("base64url"),
    bridgePort: await freePort(),
    bridgeHost: "127.0.0.1",
    appPort: await freePort(),
    appCommand: "manifest run dev",
    readyTimeoutMs: 60_000,
    tools: [],
    ...extra,
  };
}

/** The project's files and the stand-in package, as the CLI would prepare them. */
export async function localState(root: string, includeDirty = false): Promise<LocalState> {
  const pkg = readPackageSource(STANDIN);
  return {
    code: await snapshotCode(root, { includeDirty }),
    pkg,
    expected: { bridge: pkg.version, busProtocol: 1 },
  };
}

/** One `up`, with its step events. */
export async function runUp(
  api: SpritesApi,
  opts: UpOptions,
  local?: LocalState,
): Promise<{ result: UpResult; events: StepEvent[] }> {
  const events: StepEvent[] = [];
  const result = await converge(api, opts, local ?? (await localState(opts.root)), (e) => events.push(e));
  return { result, events };
}

/** One `push`, with its step events. */
export async function runPush(api: SpritesApi, opts: UpOptions): Promise<{ result: UpResult; events: StepEvent[] }> {
  const events: StepEvent[] = [];
  const result = await push(api, opts, (await localState(opts.root)).code, (e) => events.push(e));
  return { result, events };
}

/** Files left in a Sprite's upload folder (none once a run is over, failed or not). */
export function leftoverUploads(spriteRoot: string): string[] {
  try {
    return readdirSync(join(spriteRoot, "home/sprite/.cache/manifest/uploads"));
  } catch {
    return [];
  }
}

/** Removes a project made by upProject. */
export function removeProject(root: string): void {
  rmSync(root, { recursive: true, force: true });
}
