import * as z from "zod/mini";
import { enabledFromEnv } from "./env-switch.js";
import { HEARTBEAT_INTERVAL_MS, PRESENCE_TTL_MS } from "./liveness.js";

export { enabledFromEnv };

const nonNegative = () => z.number().check(z.gte(0));
const positiveInt = () => z.int().check(z.gte(1));
const nonNegativeInt = () => z.int().check(z.gte(0));
// Every section may be omitted: `prefault` parses `{}` through it, so inner defaults apply.
const section = <T extends z.core.$ZodLooseShape>(shape: T) => z.prefault(z.strictObject(shape), {} as never);

/** A hub URL: NATS over TCP (`nats://`, `tls://`) or over WebSocket (`ws://`, `wss://`). */
export const HUB_URL_PATTERN = /^(nats|tls|ws|wss):\/\/[^\s/?#]+(?:\/\S*)?$/;
/** A project or machine name on the hub: one NATS subject token, also valid in stream names. */
export const HUB_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const hubName = (what: string) =>
  z.string().check(
    z.refine((v) => HUB_NAME_PATTERN.test(v), {
      message: `must be 1 to 64 letters, digits, \`_\` or \`-\` (it names the ${what} on the hub)`,
    }),
  );

/** `hub`: where `manifest relay` mirrors this project's bus (see README, "Many machines"). */
const hubSchema = z.strictObject({
  url: z.string().check(
    z.refine((v) => HUB_URL_PATTERN.test(v), {
      message: "must be a nats://, tls://, ws:// or wss:// URL (host and port, e.g. tls://hub.example.com:4222)",
    }),
  ),
  /** Credentials (a NATS .creds file, an nkey seed, `user:password` or a token), mode 0600. */
  credsFile: z.optional(z.string().check(z.minLength(1))),
  /** A CA certificate (PEM) for a hub whose TLS certificate a private CA signed. */
  caFile: z.optional(z.string().check(z.minLength(1))),
  /** Default: the package.json name (scope dropped), else the folder name. */
  project: z.optional(hubName("project")),
  /** Default: this host's name. */
  machine: z.optional(hubName("machine")),
  /** A relay that takes an event and neither acks nor dies within this gets it redelivered elsewhere. */
  ackWaitSeconds: z._default(z.int().check(z.gte(1), z.lte(3600)), 30),
  /** The hub drops a second publish of the same event within this window. */
  duplicateWindowMinutes: z._default(z.int().check(z.gte(1), z.lte(24 * 60)), 10),
  retention: section({
    maxEvents: z._default(positiveInt(), 100_000),
    maxAgeDays: z._default(z.number().check(z.gt(0)), 7),
    maxMegabytes: z._default(positiveInt(), 256),
  }),
});

/** What Spark does about an event: fix it, or only investigate and report. */
export const BEHAVIORS = ["fix", "investigate"] as const;
/**
 * Which tools the agent may use: all; all, but write/edit/bash (and any other tool that is not
 * read-only) wait for a person's yes; or read-only (the others blocked).
 */
export const TOOL_LEVELS = ["full", "approve", "read-only"] as const;
export type ToolLevel = (typeof TOOL_LEVELS)[number];

const environmentProfile = z.strictObject({
  tools: z._default(z.enum(TOOL_LEVELS), "full"),
  behavior: z._default(z.enum(BEHAVIORS), "fix"),
});

/** Default profiles; a config's `environments` entries are merged over these. */
export const DEFAULT_ENVIRONMENTS = {
  development: { tools: "full", behavior: "fix" },
  production: { tools: "full", behavior: "fix" },
} as const;

/** The schema of `config/spark.ts` (its default export). Every field has a default. */
export const sparkConfigSchema = z.strictObject({
  /** Master switch. `SPARK_ENABLED=0` overrides it without loading the config at all. */
  enabled: z._default(z.boolean(), true),
  /** Resolved as `SPARK_ENV`, then this field, then `NODE_ENV`, then `development`. */
  environment: z.optional(z.string().check(z.minLength(1))),
  eventsDir: z._default(z.string().check(z.minLength(1)), ".spark/events"),
  agentsDir: z._default(z.string().check(z.minLength(1)), ".spark/agents"),
  watch: section({
    unhandledErrors: z._default(z.boolean(), true),
    serverErrors: z._default(z.boolean(), true),
    processErrors: z._default(z.boolean(), true),
  }),
  environments: z._default(z.record(z.string(), environmentProfile), {}),
  pause: section({ staleThresholdMinutes: z._default(nonNegative(), 30) }),
  debounce: section({ windowMs: z._default(nonNegative(), 1000) }),
  events: section({ expireMinutes: z._default(nonNegative(), 5) }),
  /** The emitter's budget: a storm of one problem becomes a few files and a count. 0 turns a limit off. */
  budget: section({
    /** Events of one problem written per window; the rest are counted into one summary event. */
    perProblem: z._default(nonNegativeInt(), 10),
    windowMs: z._default(positiveInt(), 60_000),
    /** Beyond these in `events/`, new events of a problem already pending are counted, not written. */
    maxPendingFiles: z._default(nonNegativeInt(), 500),
    maxPendingBytes: z._default(nonNegativeInt(), 5 * 1024 * 1024),
  }),
  batch: section({
    maxEvents: z._default(positiveInt(), 100),
    maxMessageBytes: z._default(z.int().check(z.gte(2048)), 16 * 1024),
  }),
  /** A batch whose run ends in an error before the agent answers goes back to the queue. */
  delivery: section({
    /** Failed attempts after which an event is rejected (with the reason) instead. */
    maxAttempts: z._default(positiveInt(), 3),
    /** How long a consumer rests after a failed attempt before it hands anything over again. */
    retryDelayMs: z._default(nonNegative(), 30_000),
  }),
  retention: section({
    maxFiles: z._default(positiveInt(), 1000),
    maxAgeDays: z._default(nonNegative(), 7),
  }),
  watcher: section({ backstopMs: z._default(z.int().check(z.gte(100)), 2000) }),
  presence: z.prefault(
    z
      .strictObject({
        heartbeatMs: z._default(z.int().check(z.gte(100)), HEARTBEAT_INTERVAL_MS),
        ttlMs: z._default(z.int().check(z.gte(1000)), PRESENCE_TTL_MS),
      })
      .check(
        // A beat must land well inside the time-to-live, or live agents read as dead between beats.
        z.refine((p) => p.heartbeatMs * 2 < p.ttlMs, {
          message: "must be less than half of `presence.ttlMs`",
          path: ["heartbeatMs"],
        }),
      ),
    {} as never,
  ),
  redact: section({ keys: z._default(z.array(z.string()), []) }),
  human: section({ autoInject: z._default(z.boolean(), false) }),
  run: section({ keepLogs: z._default(positiveInt(), 50) }),
  hooks: z._default(z.record(z.string(), z.array(z.string())), {}),
  up: section({
    session: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_.-]+$/))),
    human: z._default(z.string(), "pi"),
    app: z._default(z.string(), "manifest run dev"),
  }),
  sidecar: section({
    model: z.optional(z.string().check(z.regex(/^[^/\s]+\/\S+$/))),
    /** Tool output goes through the event redactor before Pi stores it or sends it to the model. */
    redactToolOutput: z._default(z.boolean(), true),
  }),
  /** `tools: "approve"`: how long a tool call waits for a person's answer before it is denied. */
  approvals: section({ timeoutMinutes: z._default(z.number().check(z.gt(0)), 10) }),
  /** `manifest sidecar --web`: where the bridge listens, and the app's port for `--proxy-app`. */
  web: section({
    port: z._default(z.int().check(z.gte(0), z.lte(65535)), 8081),
    host: z._default(z.string().check(z.minLength(1)), "127.0.0.1"),
    appPort: z.optional(z.int().check(z.gte(1), z.lte(65535))),
  }),
  hub: z.optional(hubSchema),
});

/** What a user writes in `config/spark.ts`: every field optional. */
export type SparkUserConfig = z.input<typeof sparkConfigSchema>;

type Parsed = z.output<typeof sparkConfigSchema>;
/** The validated `hub` section. */
export type HubConfig = z.output<typeof hubSchema>;
export type EnvironmentProfile = z.output<typeof environmentProfile>;

/** The validated config with defaults filled in and the environment resolved. */
export interface SparkConfig extends Omit<Parsed, "environment"> {
  environment: string;
}

/** Identity helper that gives `config/spark.ts` its types. */
export function defineSparkConfig(config: SparkUserConfig): SparkUserConfig {
  return config;
}

/** `SPARK_ENV`, then the config's own value, then `NODE_ENV`, then `development`. */
export function resolveEnvironment(configured: string | undefined, env: NodeJS.ProcessEnv): string {
  return nonEmpty(env.SPARK_ENV) ?? nonEmpty(configured) ?? nonEmpty(env.NODE_ENV) ?? "development";
}

/** The tools/behaviour profile for the resolved environment (defaults when not listed). */
export function profileFor(config: Pick<SparkConfig, "environments" | "environment">): EnvironmentProfile {
  return config.environments[config.environment] ?? { tools: "full", behavior: "fix" };
}

/** Validation result for a raw config value: the config, or the zod error. */
export function parseSparkConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv,
): { ok: true; config: SparkConfig } | { ok: false; error: z.core.$ZodError } {
  const parsed = sparkConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, error: parsed.error };
  const data = parsed.data;
  return {
    ok: true,
    config: {
      ...data,
      enabled: enabledFromEnv(env) ?? data.enabled,
      environment: resolveEnvironment(data.environment, env),
      environments: { ...DEFAULT_ENVIRONMENTS, ...data.environments },
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value.trim() : undefined;
}
