import type { Sprite, SpritesClient } from "@fly/sprites";
import { argvArgs, scriptArgs } from "./command-script.js";
import { DEFAULT_RETRY, type RetryPolicy, type Sleep, withRetry } from "./retry.js";
import { runOnce } from "./run-command.js";
import { loadsSecrets, withSecrets } from "./secrets-file.js";
import { classifyError, SpriteError, toSpriteError } from "./sprite-error.js";
import type {
  RunOptions,
  RunResult,
  ServiceLogLine,
  ServiceSpec,
  ServiceSummary,
  SpriteSummary,
  SpritesApi,
} from "./sprites-api.js";

/** How long a new service must stay up to count as started. */
const SERVICE_SETTLE = "2s";

/**
 * `SpritesApi` over the real `@fly/sprites` client. Reads (get, list, files, services) and
 * writes that are the same when repeated (file writes, deletes) are retried on transient
 * failures; a command only when the caller says it is idempotent; a create only in the sense
 * that "already exists" after a failed first try means the first try worked.
 */
export class SdkSprites implements SpritesApi {
  constructor(
    private readonly client: SpritesClient,
    /** Never shown in any message: the token, and whatever else the caller knows is secret. */
    private readonly secrets: readonly string[],
    private readonly retry: { policy?: RetryPolicy; sleep?: Sleep } = { policy: DEFAULT_RETRY },
  ) {}

  async list(prefix?: string): Promise<SpriteSummary[]> {
    const sprites = await this.call("listing Sprites", undefined, true, () => this.client.listAllSprites(prefix));
    return sprites.map(summary);
  }

  async get(name: string): Promise<SpriteSummary> {
    return summary(await this.call("looking up the Sprite", name, true, () => this.client.getSprite(name)));
  }

  async create(name: string): Promise<SpriteSummary> {
    let attempts = 0;
    try {
      return summary(
        await this.call("creating the Sprite", name, true, () => {
          attempts++;
          return this.client.createSprite(name);
        }),
      );
    } catch (error) {
      // A retried create that finds the name taken: the try that "failed" made it.
      if (attempts > 1 && error instanceof SpriteError && error.kind === "exists") return this.get(name);
      throw error;
    }
  }

  async delete(name: string): Promise<void> {
    let attempts = 0;
    try {
      await this.call("deleting the Sprite", name, true, () => {
        attempts++;
        return this.client.deleteSprite(name);
      });
    } catch (error) {
      if (attempts > 1 && error instanceof SpriteError && error.kind === "not-found") return;
      throw error;
    }
  }

  async setUrlAuth(name: string, auth: "sprite" | "public"): Promise<void> {
    await this.call("setting who may open the URL", name, true, () => this.client.updateURLSettings(name, { auth }));
  }

  run(name: string, script: string, options: RunOptions = {}): Promise<RunResult> {
    return this.runArgs(name, scriptArgs(script), options);
  }

  exec(name: string, argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.runArgs(name, argvArgs(argv), options);
  }

  async readFile(name: string, path: string): Promise<Buffer> {
    const data = await this.call(`reading ${path}`, name, true, () => this.sprite(name).filesystem("/").readFile(path));
    return Buffer.isBuffer(data) ? data : Buffer.from(data);
  }

  async writeFile(name: string, path: string, data: Buffer | string, options: { mode?: number } = {}): Promise<void> {
    await this.call(`writing ${path}`, name, true, () =>
      this.sprite(name)
        .filesystem("/")
        .writeFile(path, data, { mode: options.mode ?? 0o644 }),
    );
  }

  async services(name: string): Promise<ServiceSummary[]> {
    const list = await this.call("listing services", name, true, () => this.sprite(name).listServices());
    return list.map((s) => ({
      name: s.name,
      status: s.state?.status ?? "unknown",
      pid: s.state?.pid,
      httpPort: s.httpPort,
      error: s.state?.error,
      loadsSecrets: loadsSecrets({ cmd: s.cmd, args: s.args ?? [] }),
    }));
  }

  async startService(name: string, spec: ServiceSpec): Promise<ServiceSummary> {
    const { cmd, args } = withSecrets(spec.cmd, spec.args ?? [], spec.envFiles);
    const request = { cmd, args, dir: spec.dir, env: spec.env, httpPort: spec.httpPort };
    const exited = await this.call(`starting service ${spec.name}`, name, true, async () => {
      const stream = await this.sprite(name).createService(spec.name, request, SERVICE_SETTLE);
      let failure: { code: number | undefined; stderr: string } | undefined;
      let stderr = "";
      for await (const event of stream) {
        if (event.type === "stderr") stderr = (stderr + (event.data ?? "")).slice(-2048);
        if (event.type === "exit") failure = { code: event.exitCode, stderr };
      }
      return failure;
    });
    if (exited) {
      throw new SpriteError(
        `Service ${spec.name} in Sprite "${name}" exited at once with code ${exited.code}${exited.stderr ? `: ${exited.stderr.trim()}` : "."}`,
        "other",
        `See its log with \`manifest sprite logs ${name} ${spec.name}\`.`,
      );
    }
    const found = (await this.services(name)).find((s) => s.name === spec.name);
    if (!found) throw new SpriteError(`Service ${spec.name} vanished after it started.`, "other", "Try again.");
    return found;
  }

  async restartService(name: string, service: string): Promise<void> {
    await this.call(`restarting service ${service}`, name, true, async () => {
      const stream = await this.sprite(name).restartService(service, SERVICE_SETTLE);
      for await (const _event of stream) {
        // Drained to its end: the restart is done when the stream is.
      }
    });
  }

  async serviceLogs(
    name: string,
    service: string,
    options: { lines?: number; follow?: boolean; signal?: AbortSignal; onLine: (line: ServiceLogLine) => void },
  ): Promise<void> {
    const stream = await this.call(`reading the log of ${service}`, name, true, () =>
      this.sprite(name).getServiceLogs(service, {
        lines: options.lines ?? 100,
        duration: options.follow ? "24h" : "1s",
      }),
    );
    const stop = () => stream.close();
    options.signal?.addEventListener("abort", stop, { once: true });
    try {
      for await (const event of stream) {
        if (event.type === "complete") continue;
        options.onLine({
          service,
          type: event.type,
          data: event.data,
          exitCode: event.exitCode,
          timestamp: event.timestamp,
        });
      }
    } catch (error) {
      if (!options.signal?.aborted) throw toSpriteError(error, this.context(`reading the log of ${service}`, name));
    } finally {
      options.signal?.removeEventListener("abort", stop);
    }
  }

  private async runArgs(name: string, args: string[], options: RunOptions): Promise<RunResult> {
    const once = async () => {
      const result = await runOnce(this.sprite(name), args, options);
      if (result.exitCode === -1 && !result.interrupted)
        throw Object.assign(new Error("exit frame lost"), { exitCode: -1 });
      return result;
    };
    try {
      // A command that never started (the connection was refused) may always be tried again;
      // one that may have run, only when the caller says running it twice is harmless.
      return await withRetry(once, {
        ...this.retry,
        retryable: (error) => options.idempotent === true || startedNothing(error),
      });
    } catch (error) {
      throw (await this.refusedSocket(error, name)) ?? toSpriteError(error, this.context("running the command", name));
    }
  }

  /**
   * The exec WebSocket failed: Node's own WebSocket (Node 22 and later) hides the HTTP status
   * of a refused upgrade ("non-101 status code" on 22, "TypeError" on 24), so a Sprite that is
   * not there looked like a network failure. The API says whether it is there.
   */
  private async refusedSocket(error: unknown, name: string): Promise<SpriteError | undefined> {
    if (!/^WebSocket error/.test(String((error as { message?: unknown })?.message))) return undefined;
    // A status the error does carry (the ws shim on Node 20) already says what happened.
    const { kind } = classifyError(error);
    if (kind !== "other" && kind !== "network") return undefined;
    try {
      await this.get(name);
      return undefined;
    } catch (lookup) {
      return lookup instanceof SpriteError && lookup.kind === "not-found" ? lookup : undefined;
    }
  }

  private sprite(name: string): Sprite {
    return this.client.sprite(name);
  }

  private context(doing: string, sprite: string | undefined) {
    return { doing, sprite, secrets: this.secrets };
  }

  /** Runs an SDK call, retried when `idempotent`, its failure turned into a SpriteError. */
  private async call<T>(
    doing: string,
    sprite: string | undefined,
    idempotent: boolean,
    step: () => Promise<T>,
  ): Promise<T> {
    try {
      return idempotent ? await withRetry(step, this.retry) : await step();
    } catch (error) {
      throw toSpriteError(error, this.context(doing, sprite));
    }
  }
}

function startedNothing(error: unknown): boolean {
  return (error as { beforeStart?: unknown })?.beforeStart === true;
}

function summary(sprite: {
  name: string;
  status?: string;
  url?: string;
  urlSettings?: { auth?: string };
  createdAt?: Date;
}): SpriteSummary {
  return {
    name: sprite.name,
    status: sprite.status ?? "unknown",
    url: sprite.url,
    urlAuth: sprite.urlSettings?.auth,
    createdAt: sprite.createdAt?.toISOString(),
  };
}
