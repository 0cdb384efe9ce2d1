// Run by bench/sprite-up.bench.mjs as `node --import tsx bench/_sprite-up-driver.mjs <samples>`:
// `sprite up` and `push` (bootstrap/up, through the real SDK) against the fake Sprites server
// in this process, next to the bare SDK calls the same outcome needs, in the same run. The
// package installed is the tests' stand-in (the real CLI, a small bridge: test/helpers/sprite-up.ts),
// so nothing comes from a registry. Prints one JSON document of figures on stdout.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SdkSprites } from "../bootstrap/sdk-adapter.ts";
import { withSecrets } from "../bootstrap/secrets-file.ts";
import { archiveTree } from "../bootstrap/up/code-snapshot.ts";
import { FACTS_SCRIPT } from "../bootstrap/up/facts.ts";
import { packPackage } from "../bootstrap/up/package-source.ts";
import { appSpec, bridgeSpec } from "../bootstrap/up/service-specs.ts";
import { startFakeSprites } from "../test/fake-sprites/server.ts";
import { commitAll } from "../test/helpers/git.ts";
import {
  localState,
  messageSource,
  removeProject,
  runPush,
  runUp,
  STANDIN,
  STANDIN_ENV,
  upOptions,
  upProject,
} from "../test/helpers/sprite-up.ts";

const samples = Number(process.argv[2] ?? 8);
// How long a service must run to count as started: the same wait as Spark's client (sdk-adapter.ts).
const SETTLE = "2s";
if (typeof globalThis.WebSocket === "undefined") globalThis.WebSocket = (await import("ws")).WebSocket;
const { SpritesClient } = await import("@fly/sprites");
const fake = await startFakeSprites({ baseEnv: STANDIN_ENV });
const client = new SpritesClient(fake.token, { baseURL: fake.url, controlMode: false });
const api = new SdkSprites(client, [fake.token]);
const root = await upProject();
const ms = async (work) => {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const out = {};

try {
  // Cold: a new Sprite to a bridge that answers.
  const opts = await upOptions("bench", root);
  let cold;
  const coldMs = await ms(async () => {
    cold = (await runUp(api, opts)).result;
  });
  if (!cold.ok) throw new Error(`cold up failed: ${JSON.stringify(cold.failure)}`);
  const coldFloorMs = await bareCold(await upOptions("floor", root));
  out.cold = { ms: coldMs, floorMs: coldFloorMs, uploadedBytes: cold.uploadedBytes };

  // Warm: nothing changed. ABBA against the bare reads that verify the same things.
  const local = await localState(root);
  const warm = [];
  const warmFloor = [];
  const calls = [];
  for (let i = 0; i < samples; i++) {
    const up = async () => {
      const before = fake.requests.length;
      let result;
      warm.push(await ms(async () => (result = (await runUp(api, opts, local)).result)));
      if (result.changed.length > 0) throw new Error(`a warm up changed ${result.changed}`);
      calls.push(fake.requests.length - before);
    };
    const floor = async () => warmFloor.push(await ms(() => bareWarm(opts)));
    for (const f of i % 2 === 0 ? [up, floor] : [floor, up]) await f();
  }
  out.warm = { ms: median(warm), floorMs: median(warmFloor), apiCalls: Math.max(...calls) };

  // Push of a one-file change, against the bare upload, unpack and restart.
  const push = [];
  const pushFloor = [];
  for (let i = 0; i < Math.max(2, samples / 2); i++) {
    writeFileSync(join(root, "src/message.mjs"), messageSource(`push ${i}`));
    await commitAll(root, `push ${i}`);
    let result;
    push.push(await ms(async () => (result = (await runPush(api, opts)).result)));
    if (!result.ok || !result.changed.includes("code")) throw new Error(`push did not send: ${JSON.stringify(result)}`);
    pushFloor.push(await bareSendAndRestart(opts));
  }
  out.push = { ms: median(push), floorMs: median(pushFloor), uploadedBytes: 0 };
  process.stdout.write(`${JSON.stringify(out)}\n`);
} finally {
  await fake.close();
  removeProject(root);
}

/** The reads a warm `up` must make, done bare: the Sprite, its state in one command, its services, the bridge. */
async function bareWarm(opts) {
  const sprite = client.sprite(opts.sprite);
  await client.getSprite(opts.sprite);
  await sprite.execFile("node", ["-e", FACTS_SCRIPT], { cwd: "/home/sprite" });
  await sprite.listServices();
  const url = fake.sprite(opts.sprite).url;
  const res = await fetch(`${url}/starter/state`, { headers: { authorization: `Bearer ${opts.token}` } });
  await res.json();
}

/** A cold `up` with no checks: create, upload both archives, unpack, install, init, two services, wait for the bridge. */
async function bareCold(opts) {
  const t0 = performance.now();
  await client.createSprite(opts.sprite);
  await client.updateURLSettings(opts.sprite, { auth: "public" });
  const sprite = client.sprite(opts.sprite);
  const tree = execFileSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: root }).toString().trim();
  const fs = sprite.filesystem("/");
  await fs.writeFile("/home/sprite/code.tgz", await archiveTree(root, tree));
  const packed = await packPackage(STANDIN);
  await fs.writeFile("/home/sprite/pkg.tgz", readFileSync(packed.tarball));
  const env = `export SPARK_WEB_TOKEN='${opts.token}'\nexport ${opts.key.name}='${opts.key.value}'\n`;
  await fs.writeFile("/home/sprite/.config/manifest/bridge.env", env, { mode: 0o600 });
  await sprite.execFile("bash", [
    "-c",
    "mkdir -p app && cd app && tar -xzf ../code.tgz && npm install --no-save --no-audit --no-fund --loglevel=error --prefer-offline ../pkg.tgz && node_modules/.bin/manifest spark init --json && node_modules/.bin/manifest inspect list --json",
  ]);
  const inputs = { ...opts, appCommand: opts.appCommand };
  for (const spec of [appSpec(inputs), bridgeSpec(inputs)]) {
    const { cmd, args } = withSecrets(spec.cmd, spec.args ?? [], spec.envFiles);
    await sprite.createService(spec.name, { cmd, args, dir: spec.dir, env: spec.env, httpPort: spec.httpPort }, SETTLE);
  }
  const url = fake.sprite(opts.sprite).url;
  for (;;) {
    const res = await fetch(`${url}/starter/state`, { headers: { authorization: `Bearer ${opts.token}` } }).catch(
      () => undefined,
    );
    if (res?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return performance.now() - t0;
}

/** What a push must do, bare: upload the files, unpack them, restart the app. */
async function bareSendAndRestart(opts) {
  const tree = execFileSync("git", ["rev-parse", "HEAD^{tree}"], { cwd: root }).toString().trim();
  const t0 = performance.now();
  const sprite = client.sprite(opts.sprite);
  const name = `floor-${randomBytes(4).toString("hex")}.tgz`;
  await sprite.filesystem("/").writeFile(`/home/sprite/${name}`, await archiveTree(root, tree));
  await sprite.execFile("bash", ["-c", `cd app && tar -xzf ../${name} && rm ../${name}`]);
  for await (const _ of await sprite.restartService("app", SETTLE));
  return performance.now() - t0;
}
