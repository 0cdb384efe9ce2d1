// Cold start of the `manifest` command: `manifest spark status` in a project that has a
// config/spark.ts (so the TypeScript config is loaded, as in real use) vs `node -e 0`, the
// floor every Node CLI pays. Each sample is a fresh process; the two alternate (ABBA) so
// drift hits both alike. Also shown, without a target: the same status with no config file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, median, now, percentile, REPO_ROOT, result } from "./_lib.mjs";

export const name = "cli-start";

const CLI = join(REPO_ROOT, "dist", "cli.js");

const CONFIG = `import { defineSparkConfig } from "manifest-spark";

export default defineSparkConfig({
  environments: { staging: { tools: "read-only", behavior: "investigate" } },
  watch: { serverErrors: true, processErrors: true },
  redact: { keys: ["internalRef"] },
  run: { keepLogs: 20 },
});
`;

export async function run(ctx) {
  const samples = ctx.quick ? 8 : 20;
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build`");

  const withConfig = makeTempDir("cli-start");
  mkdirSync(join(withConfig, "config"));
  writeFileSync(join(withConfig, "config", "spark.ts"), CONFIG);
  const bare = makeTempDir("cli-start-bare");
  mkdirSync(join(bare, ".spark"));

  const env = { ...process.env, SPARK_ROOT: "", SPARK_ENV: "", SPARK_ENABLED: "", NO_COLOR: "1" };
  const time = (args, cwd) => {
    const t0 = now();
    const r = spawnSync(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const ms = now() - t0;
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
    return { ms, stdout: r.stdout.toString() };
  };
  const status = [CLI, "spark", "status", "--json"];
  const floor = ["-e", "0"];

  // Warm-up (page cache) and a check that the config really loads.
  const first = JSON.parse(time(status, withConfig).stdout);
  if (first.ok !== true) throw new Error("spark status did not succeed");
  time(floor, withConfig);
  time(status, bare);

  const statusTimes = [];
  const floorTimes = [];
  const noConfigTimes = [];
  for (let i = 0; i < samples; i++) {
    // ABBA: status first on even samples, the floor first on odd ones.
    if (i % 2 === 0) {
      statusTimes.push(time(status, withConfig).ms);
      floorTimes.push(time(floor, withConfig).ms);
    } else {
      floorTimes.push(time(floor, withConfig).ms);
      statusTimes.push(time(status, withConfig).ms);
    }
    noConfigTimes.push(time(status, bare).ms);
  }

  const floorMs = median(floorTimes);
  return [
    result("manifest spark status, with config/spark.ts (median)", median(statusTimes), "ms", floorMs, {
      target: { of: "ratio", max: 2.5 },
      note: `fresh process each time vs \`node -e 0\`; ${samples} alternating samples; p90 ${percentile(statusTimes, 90).toFixed(0)} ms`,
    }),
    result("manifest spark status, no config file (median)", median(noConfigTimes), "ms", floorMs, {
      note: "the same without a config to load: the difference is the TypeScript config loader (jiti)",
    }),
  ];
}
