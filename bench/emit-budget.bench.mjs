// The emitter's budget under a storm: a real app (node:http + spark.wrapNodeHandler, the built
// package) answers 100,000 requests to one failing endpoint, each with a different id
// (/users/2 … /users/100001), and we count the files and bytes it leaves in events/. The floor
// is the same storm with the budget off: every failing request written as a file.

import { fork } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempProject, mib, REPO_ROOT, result } from "./_lib.mjs";

export const name = "emit-budget";

const OFF = "export default { budget: { perProblem: 0, maxPendingFiles: 0, maxPendingBytes: 0 } };\n";

/** Runs the storm in a child process (the emitter's state is per process); returns what it left. */
async function storm(requests, config) {
  const app = makeTempProject("storm-app", { withBusDirs: false });
  writeFileSync(join(app.root, "package.json"), '{ "name": "storm-app" }\n');
  if (config) {
    mkdirSync(join(app.root, "config"));
    writeFileSync(join(app.root, "config", "spark.mjs"), config);
  }
  const child = fork(join(REPO_ROOT, "bench", "_request-storm.mjs"), [app.root, String(requests), "32"], {
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.resume();
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the storm app exited with ${code}`);
  const { ms, cpuMs, failed } = JSON.parse(stdout);
  if (failed !== requests) throw new Error(`${failed} of ${requests} requests failed; expected all`);
  const names = readdirSync(app.events).filter((n) => n.endsWith(".json"));
  const bytes = names.reduce((sum, n) => sum + statSync(join(app.events, n)).size, 0);
  rmSync(app.root, { recursive: true, force: true });
  return { files: names.length, bytes, ms, cpuMs };
}

export async function run(ctx) {
  const requests = ctx.quick ? 10_000 : 100_000;
  const bare = await storm(requests, OFF);
  ctx.log(
    `  budget off: ${bare.files} files, ${mib(bare.bytes).toFixed(1)} MiB, ${Math.round(bare.ms)} ms (CPU ${Math.round(bare.cpuMs)} ms)`,
  );
  const budgeted = await storm(requests, undefined);
  ctx.log(
    `  budget on (defaults): ${budgeted.files} files, ${budgeted.bytes} bytes, ${Math.round(budgeted.ms)} ms (CPU ${Math.round(budgeted.cpuMs)} ms)`,
  );
  const label = `${requests.toLocaleString("en-US")} failing requests`;
  return [
    result(`budget: files for ${label}`, budgeted.files, "files", bare.files, {
      note: "defaults (10 per problem per minute, then one summary with the count); floor: the budget off",
    }),
    result(`budget: bytes for ${label}`, mib(budgeted.bytes), "MiB", mib(bare.bytes), {
      target: { of: "value", max: 4 },
      note: "events/ after the storm (the summary included)",
    }),
    result(`budget: CPU of the request loop, ${label}`, budgeted.cpuMs, "ms", bare.cpuMs, {
      note: `the app process (server and client, 32 requests at a time, keep-alive) with the budget vs writing every event; wall ${Math.round(budgeted.ms)} vs ${Math.round(bare.ms)} ms`,
    }),
  ];
}
