import { describe, expect, it, vi } from "vitest";
import { findProjectRoot, loadConfig, SparkConfigError } from "../bus/config-load.js";
import { parseSparkConfig, profileFor, resolveEnvironment } from "../bus/config-schema.js";
import { enabledFromEnv } from "../bus/env-switch.js";
import { tempProject } from "./helpers/temp-project.js";

describe("config values", () => {
  it("fill every seed option with its default", () => {
    const parsed = parseSparkConfig({}, {});
    expect(parsed.ok && parsed.config).toMatchObject({
      enabled: true,
      environment: "development",
      eventsDir: ".spark/events",
      agentsDir: ".spark/agents",
      watch: { unhandledErrors: true, serverErrors: true, processErrors: true },
      environments: { development: { tools: "full", behavior: "fix" }, production: { tools: "full", behavior: "fix" } },
      pause: { staleThresholdMinutes: 30 },
      debounce: { windowMs: 1000 },
      events: { expireMinutes: 5 },
      batch: { maxEvents: 100, maxMessageBytes: 16384 },
      sidecar: { redactToolOutput: true },
      approvals: { timeoutMinutes: 10 },
    });
  });

  it("merge a partial section over the defaults", () => {
    const parsed = parseSparkConfig(
      { watch: { serverErrors: false }, environments: { production: { tools: "read-only" } } },
      {},
    );
    expect(parsed.ok && parsed.config.watch).toEqual({
      unhandledErrors: true,
      serverErrors: false,
      processErrors: true,
    });
    expect(parsed.ok && parsed.config.environments.production).toEqual({ tools: "read-only", behavior: "fix" });
    expect(parsed.ok && parsed.config.environments.development).toEqual({ tools: "full", behavior: "fix" });
  });

  it("resolve the environment from SPARK_ENV, then the config, then NODE_ENV, then development", () => {
    expect(resolveEnvironment("staging", { SPARK_ENV: "ci", NODE_ENV: "production" })).toBe("ci");
    expect(resolveEnvironment("staging", { NODE_ENV: "production" })).toBe("staging");
    expect(resolveEnvironment(undefined, { NODE_ENV: "production" })).toBe("production");
    expect(resolveEnvironment(undefined, {})).toBe("development");
  });

  it("use a default profile for an environment the config does not list", () => {
    const parsed = parseSparkConfig({}, { SPARK_ENV: "staging" });
    expect(parsed.ok && profileFor(parsed.config)).toEqual({ tools: "full", behavior: "fix" });
  });

  it("let SPARK_ENABLED override the config", () => {
    expect(enabledFromEnv({ SPARK_ENABLED: "0" })).toBe(false);
    expect(enabledFromEnv({ SPARK_ENABLED: "off" })).toBe(false);
    expect(enabledFromEnv({ SPARK_ENABLED: "true" })).toBe(true);
    expect(enabledFromEnv({ SPARK_ENABLED: "maybe" })).toBeUndefined();
    const parsed = parseSparkConfig({ enabled: true }, { SPARK_ENABLED: "no" });
    expect(parsed.ok && parsed.config.enabled).toBe(false);
  });
});

describe("loading config/spark.ts", () => {
  it("loads a TypeScript config with types, env reads and an import of manifest-spark", () => {
    const { root } = tempProject({
      "config/spark.ts": `import { defineSparkConfig } from "manifest-spark";
type Ms = number;
const windowMs: Ms = 250;
export default defineSparkConfig({
  environment: process.env.APP_STAGE ?? "qa",
  debounce: { windowMs },
  eventsDir: ".bus/events",
});
`,
    });
    vi.stubEnv("APP_STAGE", "review");
    const loaded = loadConfig(root, {});
    vi.unstubAllEnvs();
    expect(loaded.file).toBe(`${root}/config/spark.ts`);
    expect(loaded.config.environment).toBe("review");
    expect(loaded.config.debounce.windowMs).toBe(250);
    expect(loaded.paths.events).toBe(`${root}/.bus/events`);
  });

  it("uses the defaults when the project has no config", () => {
    const { root } = tempProject();
    expect(loadConfig(root, {}).config.debounce.windowMs).toBe(1000);
  });

  it("names the bad field and the file, and says what to do", () => {
    const { root } = tempProject({
      "config/spark.ts": `export default { debounce: { windowMs: "fast" }, environments: { production: { tools: "none" } }, approvals: { timeoutMinutes: 0 } };\n`,
    });
    const error = captureError(() => loadConfig(root, {}));
    expect(error).toBeInstanceOf(SparkConfigError);
    expect(error.message).toContain("config/spark.ts");
    expect(error.message).toContain("`debounce.windowMs` must be a number");
    expect(error.message).toContain('`environments.production.tools` must be one of "full", "approve", "read-only"');
    expect(error.message).toContain("`approvals.timeoutMinutes`");
    expect(error.message).toContain("manifest doctor");
  });

  it("refuses a heartbeat that would let live agents read as dead between beats", () => {
    const { root } = tempProject({
      "config/spark.ts": "export default { presence: { heartbeatMs: 20000, ttlMs: 30000 } };\n",
    });
    expect(captureError(() => loadConfig(root, {})).message).toContain(
      "`presence.heartbeatMs`: must be less than half of `presence.ttlMs`",
    );
  });

  it("names an unknown option (a typo) instead of ignoring it", () => {
    const { root } = tempProject({ "config/spark.ts": "export default { debouce: { windowMs: 5 } };\n" });
    expect(captureError(() => loadConfig(root, {})).message).toContain("unknown option `debouce`");
  });

  it("reports a config that throws or exports nothing usable", () => {
    const throwing = tempProject({ "config/spark.ts": 'throw new Error("kaboom");\nexport default {};\n' });
    expect(captureError(() => loadConfig(throwing.root, {})).message).toMatch(/could not be loaded: kaboom/);
    const empty = tempProject({ "config/spark.ts": "export default 42;\n" });
    expect(captureError(() => loadConfig(empty.root, {})).message).toMatch(/must default-export an object/);
  });

  it("finds the project root from a subfolder", () => {
    const { root } = tempProject({ "config/spark.ts": "export default {};\n", "src/deep/file.ts": "" });
    expect(findProjectRoot(`${root}/src/deep`, {})).toBe(root);
    expect(findProjectRoot(`${root}/src/deep`, { SPARK_ROOT: "/elsewhere" })).toBe("/elsewhere");
  });
});

function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}
