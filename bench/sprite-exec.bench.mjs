// `manifest sprite exec` against the fake Sprites API (test/fake-sprites, in its own process)
// vs the bare SDK doing the same in a fresh process (bench/_bare-sprite-exec.mjs): a round trip
// of `true`, and 50 MB of stdout streamed through. Both pay node and the SDK's start-up; the
// CLI's own start-up (`manifest --version` over `node -e 0`) is measured and reported apart,
// and taken out of the round-trip figure. Samples alternate (ABBA) so drift hits both alike.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { median, now, percentile, REPO_ROOT, result } from "./_lib.mjs";

export const name = "sprite-exec";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const BARE = join(REPO_ROOT, "bench", "_bare-sprite-exec.mjs");
const STREAM_BYTES = 50 * 1024 * 1024;

export async function run(ctx) {
  const samples = ctx.quick ? 6 : 16;
  const streamSamples = ctx.quick ? 2 : 6;
  const fake = await startFake();
  try {
    const env = { ...process.env, SPRITES_TOKEN: fake.token, SPRITES_API_URL: fake.url, NO_COLOR: "1" };
    const timed = (args) => {
      const t0 = now();
      const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "ignore", "pipe"] });
      const ms = now() - t0;
      if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
      return ms;
    };
    const created = spawnSync(process.execPath, [CLI, "sprite", "create", "bench", "--json"], {
      env,
      encoding: "utf8",
    });
    if (created.status !== 0) throw new Error(`sprite create failed: ${created.stderr}`);

    const cliExec = [CLI, "sprite", "exec", "bench", "--", "true"];
    const bareExec = [BARE, "bench", "true"];
    for (const args of [cliExec, bareExec, [CLI, "--version"], ["-e", "0"]]) timed(args);
    const cli = [];
    const bare = [];
    const startup = [];
    const node = [];
    for (let i = 0; i < samples; i++) {
      const pair = i % 2 === 0 ? [cliExec, bareExec] : [bareExec, cliExec];
      for (const args of pair) (args === cliExec ? cli : bare).push(timed(args));
      startup.push(timed([CLI, "--version"]));
      node.push(timed(["-e", "0"]));
    }
    const cliStartup = Math.max(0, median(startup) - median(node));

    const cliStream = [CLI, "sprite", "exec", "bench", "--", "head", "-c", String(STREAM_BYTES), "/dev/zero"];
    const bareStream = [BARE, "bench", "stream", String(STREAM_BYTES)];
    const streamCli = [];
    const streamBare = [];
    for (let i = 0; i < streamSamples; i++) {
      const pair = i % 2 === 0 ? [cliStream, bareStream] : [bareStream, cliStream];
      for (const args of pair) (args === cliStream ? streamCli : streamBare).push(await streamed(args, env));
    }

    return [
      result(
        "manifest sprite exec round trip, CLI start-up taken out (median)",
        median(cli) - cliStartup,
        "ms",
        median(bare),
        {
          target: { of: "ratio", max: 1.15 },
          note: `fresh process each; whole CLI run ${median(cli).toFixed(0)} ms (p90 ${percentile(cli, 90).toFixed(0)}); bare SDK execFile in a fresh process; ${samples} ABBA samples`,
        },
      ),
      // A difference over node's start-up, not the same work done bare: no floor, no ratio.
      result("manifest CLI start-up (median, over node -e 0)", cliStartup, "ms", null, {
        note: `\`manifest --version\` minus \`node -e 0\` (${median(node).toFixed(0)} ms): reported apart from the round trip`,
      }),
      result("manifest sprite exec, 50 MB of stdout (median)", median(streamCli), "ms", median(streamBare), {
        target: { of: "ratio", max: 1.2 },
        note: `${(STREAM_BYTES / 1024 / 1024 / (median(streamCli) / 1000)).toFixed(0)} MiB/s through the CLI; floor: bare SDK spawn piped to stdout`,
      }),
    ];
  } finally {
    fake.child.kill("SIGTERM");
    await once(fake.child, "exit").catch(() => {});
  }
}

/** Runs `node args`, counting its stdout; the wall time, after checking every byte arrived. */
async function streamed(args, env) {
  const t0 = now();
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "inherit"] });
  let bytes = 0;
  child.stdout.on("data", (d) => {
    bytes += d.length;
  });
  const [code] = await once(child, "close");
  const ms = now() - t0;
  if (code !== 0 || bytes !== STREAM_BYTES) throw new Error(`${args[0]} exited ${code} after ${bytes} bytes`);
  return ms;
}

/** The fake Sprites server in its own process (TypeScript, through tsx). */
async function startFake() {
  const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "test", "fake-sprites", "main.ts")], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = await once(lines, "line");
  const { url, token } = JSON.parse(first);
  return { child, url, token };
}
