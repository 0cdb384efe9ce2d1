/**
 * The Sprites client Spark uses: a small interface over the user's Sprites. The CLI, the Pi
 * tools and `sprite up` call only this; the SDK adapter behind it (sdk-adapter.ts) absorbs
 * the SDK's quirks, retries what is safe to retry, and turns every failure into a
 * `SpriteError` that names the Sprite and the next step, with no URL or secret in it.
 */

/** A Sprite as Spark shows it. */
export interface SpriteSummary {
  name: string;
  /** cold, warm or running (whatever the API says). */
  status: string;
  url: string | undefined;
  /** Who may open the URL: "sprite" (your org's login, the default) or "public". */
  urlAuth: string | undefined;
  createdAt: string | undefined;
}

/** A service in a Sprite and its state. */
export interface ServiceSummary {
  name: string;
  /** stopped, starting, running, stopping or failed. */
  status: string;
  pid: number | undefined;
  httpPort: number | undefined;
  error: string | undefined;
  /** Whether it loads the Sprite's secrets file when it starts. */
  loadsSecrets: boolean;
}

/** A service to create and start. */
export interface ServiceSpec {
  name: string;
  cmd: string;
  args?: string[];
  /** Working directory inside the Sprite. */
  dir?: string;
  /** The port the Sprite's URL routes to (one service per Sprite). */
  httpPort?: number;
  /** Plain settings only: secrets belong in the secrets file, which the service loads. */
  env?: Record<string, string>;
  /** Other env files of `~/.config/manifest/` it loads after the secrets file (the bridge's `bridge.env`). */
  envFiles?: string[];
}

/** One line of a service's log stream. */
export interface ServiceLogLine {
  service: string;
  type: string;
  data: string | undefined;
  exitCode: number | undefined;
  timestamp: number | undefined;
}

export interface RunOptions {
  /** Working directory inside the Sprite. */
  cwd?: string;
  /** Kill the command after this long (default: no limit). */
  timeoutMs?: number;
  /** Streams output as it arrives; without them output is collected into the result. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Aborting interrupts the remote command (SIGINT, then SIGKILL after `killGraceMs`). */
  signal?: AbortSignal;
  killGraceMs?: number;
  /** Collected output is cut at this many bytes per stream (default 10 MiB). */
  maxBuffer?: number;
  /** The command may run twice: a lost exit frame or a refused connection is retried. */
  idempotent?: boolean;
}

export interface RunResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  /** Collected output went past `maxBuffer` and was cut. */
  truncated: boolean;
  /** Ended by `signal`. */
  interrupted: boolean;
}

export interface SpritesApi {
  list(prefix?: string): Promise<SpriteSummary[]>;
  get(name: string): Promise<SpriteSummary>;
  create(name: string): Promise<SpriteSummary>;
  delete(name: string): Promise<void>;
  /** Sets who may open the Sprite's URL. */
  setUrlAuth(name: string, auth: "sprite" | "public"): Promise<void>;
  /** Runs a bash script with `bash -lc`: Spark's own, or an agent's (as Pi's bash tool does); never one assembled from other input. */
  run(name: string, script: string, options?: RunOptions): Promise<RunResult>;
  /** Runs an argument vector as it is (no shell parsing of its words). */
  exec(name: string, argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  readFile(name: string, path: string): Promise<Buffer>;
  /** Writes (uploads) a file through the filesystem API, parents created. */
  writeFile(name: string, path: string, data: Buffer | string, options?: { mode?: number }): Promise<void>;
  services(name: string): Promise<ServiceSummary[]>;
  /** Creates (or replaces) and starts a service that loads the secrets file; fails if it exits at once. */
  startService(name: string, spec: ServiceSpec): Promise<ServiceSummary>;
  restartService(name: string, service: string): Promise<void>;
  /** A service's recent log lines; with `follow`, new ones until `signal` aborts. */
  serviceLogs(
    name: string,
    service: string,
    options: { lines?: number; follow?: boolean; signal?: AbortSignal; onLine: (line: ServiceLogLine) => void },
  ): Promise<void>;
}
