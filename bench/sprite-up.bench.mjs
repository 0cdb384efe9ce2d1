// `manifest sprite up` and `push` (bootstrap/up) against the fake Sprites server, with real
// processes in the fake Sprite, each next to the bare SDK calls that reach the same outcome
// (bench/_sprite-up-driver.mjs, in one process through tsx: the code under test is TypeScript
// that the CLI bundles). Warm `up` is the figure that matters: a re-run with nothing to do.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { REPO_ROOT, result } from "./_lib.mjs";

export const name = "sprite-up";

export async function run(ctx) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "bench", "_sprite-up-driver.mjs"), String(ctx.quick ? 4 : 12)],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
  );
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  const [code] = await once(child, "close");
  if (code !== 0) throw new Error(`the sprite-up driver exited ${code}`);
  const { cold, warm, push } = JSON.parse(stdout.trim().split("\n").at(-1));
  return [
    result("sprite up, warm: nothing changed (median)", warm.ms, "ms", warm.floorMs, {
      target: { of: "value", max: 1000 },
      note: `${warm.apiCalls} Sprites API calls (target ≤ 3) + 1 GET of the bridge; floor: the same reads with the bare SDK (get, one node -e, list services, GET state)`,
    }),
    result("sprite up, warm: Sprites API calls", warm.apiCalls, "calls", null, {
      target: { of: "value", max: 3 },
      note: "the 3 reads a warm run cannot skip: the Sprite, its state (one command), its services",
    }),
    result("sprite up, cold: new Sprite to a bridge that answers", cold.ms, "ms", cold.floorMs, {
      note: `${(cold.uploadedBytes / 1024).toFixed(0)} KiB uploaded; floor: bare SDK create, the same two archives, one unpack+npm install+spark init+inspect DB, two services, wait for the bridge (no checks, no stamp, no log)`,
    }),
    result("sprite push of a one-file change (median)", push.ms, "ms", push.floorMs, {
      note: "floor: bare SDK upload of the same archive, tar -xzf, restart of the app (no check of what changed, no kept files)",
    }),
  ];
}
