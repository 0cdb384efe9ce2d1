// What an app pays for Spark in production: `npm install --omit=dev` of a fresh app that follows
// the README (manifest-spark from the packed tarball, the sidecar's tools as dev dependencies),
// its disk usage and package count beside the package's own files; and the emitter's import
// time in that app (disabled, enabled, enabled with a config/spark.ts) beside `node -e 0`.
// Each sample is a fresh process; the variants alternate so drift hits them all alike.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { diskUsage, footprint, installApp, npmFreeEnv, packRepo } from "../test/helpers/app-install.mjs";
import { makeTempDir, median, mib, now, percentile, REPO_ROOT, result } from "./_lib.mjs";

export const name = "install";

const IMPORT = 'import { spark } from "manifest-spark";\nspark.enabled; // loads the core when enabled\n';

export async function run(ctx) {
  const samples = ctx.quick ? 8 : 20;
  const work = makeTempDir("install");
  const tarball = packRepo(REPO_ROOT, work);
  const { dir: app, ms: installMs } = installApp(REPO_ROOT, tarball, join(work, "app"));
  const installed = footprint(join(app, "node_modules"));
  const own = diskUsage(join(app, "node_modules", "manifest-spark"));
  ctx.log(`installed: ${installed.packages.join(", ")}`);

  const project = (folder, config) => {
    const dir = join(app, folder);
    mkdirSync(join(dir, "config"), { recursive: true });
    writeFileSync(join(dir, "package.json"), '{ "name": "shop", "type": "module" }\n');
    writeFileSync(join(dir, "app.mjs"), IMPORT);
    if (config) writeFileSync(join(dir, "config", "spark.ts"), "export default { debounce: { windowMs: 300 } };\n");
    return dir;
  };
  const plain = project("plain", false);
  const configured = project("configured", true);
  const env = npmFreeEnv({ SPARK_ROOT: "", SPARK_ENV: "", SPARK_ENABLED: "" });
  const variants = {
    floor: { args: ["-e", "0"], cwd: plain, env },
    off: { args: ["app.mjs"], cwd: plain, env: { ...env, SPARK_ENABLED: "0" } },
    on: { args: ["app.mjs"], cwd: plain, env },
    config: { args: ["app.mjs"], cwd: configured, env },
  };
  const time = ({ args, cwd, env }) => {
    const t0 = now();
    const r = spawnSync(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const ms = now() - t0;
    if (r.status !== 0 || r.stderr.length > 0) throw new Error(`node ${args.join(" ")}: ${r.status} ${r.stderr}`);
    return ms;
  };
  for (const v of Object.values(variants)) time(v); // warm-up (page cache)
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const order = Object.keys(variants);
  for (let i = 0; i < samples; i++) {
    // Rotate the order each sample, so no variant always runs first or last.
    for (let j = 0; j < order.length; j++) {
      const key = order[(i + j) % order.length];
      times[key].push(time(variants[key]));
    }
  }
  const floorMs = median(times.floor);
  const p90 = (k) => `p90 ${percentile(times[k], 90).toFixed(0)} ms`;
  return [
    result("production install, disk usage", mib(installed.bytes), "MiB", mib(own), {
      target: { of: "value", max: 12 },
      note: `floor: manifest-spark's own files; npm install --omit=dev took ${(installMs / 1000).toFixed(1)} s`,
    }),
    result("production install, packages", installed.packages.length, "packages", 1, {
      target: { of: "value", max: 20 },
      note: installed.packages.join(", "),
    }),
    result("import emitter, SPARK_ENABLED=0 (median)", median(times.off), "ms", floorMs, {
      note: `fresh process vs \`node -e 0\`; ${samples} samples; ${p90("off")}`,
    }),
    result("import emitter, enabled (median)", median(times.on), "ms", floorMs, {
      note: `loads the core (spark.enabled), no config file; ${p90("on")}`,
    }),
    result("import emitter, enabled, config/spark.ts (median)", median(times.config), "ms", floorMs, {
      note: `the same with a TypeScript config (loaded by jiti); ${p90("config")}`,
    }),
  ];
}
