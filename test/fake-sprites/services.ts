import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { exitCodeOf, type SpriteRuntime, signalGroup, startInSprite } from "./processes.js";

/** A service definition as the API takes it (snake_case body of `PUT …/services/{name}`). */
export interface ServiceDef {
  name: string;
  cmd: string;
  args: string[];
  env: Record<string, string>;
  dir: string | null;
  needs: string[];
  http_port: number | null;
}

/** One line of a service's NDJSON stream. */
export interface ServiceEvent {
  type: "started" | "stdout" | "stderr" | "exit" | "error" | "complete" | "stopping" | "stopped";
  data?: string;
  exit_code?: number;
  timestamp: number;
  log_files?: Record<string, string>;
}

interface Service {
  def: ServiceDef;
  child: ChildProcess | undefined;
  status: "stopped" | "starting" | "running" | "stopping" | "failed";
  startedAt: string | null;
  error: string | null;
  restartCount: number;
  history: ServiceEvent[];
  listeners: Set<(event: ServiceEvent) => void>;
  /** Killed by the Sprite going cold while it ran: it starts again on wake. */
  resumeOnWake: boolean;
}

const HISTORY = 1000;

/**
 * The services of one Sprite: real processes started from their definitions, their output
 * kept (and appended to `/.sprite/logs/services/<name>.log`, where the real runtime keeps it)
 * and fanned out to whoever streams it. The fake does not restart a crashed service.
 */
export class ServiceTable {
  private readonly services = new Map<string, Service>();

  constructor(
    private readonly sprite: SpriteRuntime,
    private readonly onActivity: () => void = () => {},
  ) {}

  has(name: string): boolean {
    return this.services.has(name);
  }

  /** Another service already holds the one HTTP port a Sprite routes to. */
  portTaken(def: ServiceDef): boolean {
    if (def.http_port === null) return false;
    return [...this.services.values()].some((s) => s.def.name !== def.name && s.def.http_port !== null);
  }

  /** Creates or replaces the definition (a running old version is stopped first). */
  async put(def: ServiceDef): Promise<void> {
    const old = this.services.get(def.name);
    if (old?.child) await this.stop(def.name, 2000);
    this.services.set(def.name, {
      def,
      child: undefined,
      status: "stopped",
      startedAt: null,
      error: null,
      restartCount: old ? old.restartCount + 1 : 0,
      history: old?.history ?? [],
      listeners: old?.listeners ?? new Set(),
      resumeOnWake: false,
    });
  }

  delete(name: string): boolean {
    const service = this.services.get(name);
    if (!service) return false;
    if (service.child) signalGroup(service.child, "SIGKILL");
    this.services.delete(name);
    return true;
  }

  /** Starts the service's process unless it runs already. */
  start(name: string): void {
    const service = this.services.get(name);
    if (!service || service.child) return;
    this.onActivity();
    const { def } = service;
    const child = startInSprite(this.sprite, { argv: [def.cmd, ...def.args], dir: def.dir, env: def.env });
    child.stdin?.end();
    service.child = child;
    service.status = "running";
    service.startedAt = new Date().toISOString();
    service.error = null;
    this.emit(service, { type: "started", timestamp: Date.now() });
    child.stdout?.on("data", (d: Buffer) =>
      this.emit(service, { type: "stdout", data: d.toString(), timestamp: Date.now() }),
    );
    child.stderr?.on("data", (d: Buffer) =>
      this.emit(service, { type: "stderr", data: d.toString(), timestamp: Date.now() }),
    );
    child.on("close", (code, signal) => {
      if (service.child !== child) return;
      service.child = undefined;
      const stopping = service.status === "stopping";
      service.status = stopping ? "stopped" : "failed";
      if (!stopping) {
        service.error = `exited with code ${exitCodeOf(code, signal)}`;
        this.emit(service, { type: "exit", exit_code: exitCodeOf(code, signal), timestamp: Date.now() });
      }
    });
  }

  /** Stops the service: SIGTERM to its group, SIGKILL after `timeoutMs`. */
  async stop(name: string, timeoutMs = 10_000): Promise<void> {
    const service = this.services.get(name);
    const child = service?.child;
    if (!service || !child) return;
    service.status = "stopping";
    this.emit(service, { type: "stopping", timestamp: Date.now() });
    const gone = new Promise<void>((resolve) => child.once("close", () => resolve()));
    signalGroup(child, "SIGTERM");
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), timeoutMs);
    await gone;
    clearTimeout(timer);
    this.emit(service, { type: "stopped", timestamp: Date.now() });
  }

  isRunning(name: string): boolean {
    return this.services.get(name)?.child !== undefined;
  }

  stopAll(): void {
    for (const service of this.services.values()) if (service.child) signalGroup(service.child, "SIGKILL");
  }

  /** Whether `child` is one of the services' processes (not an exec'd command). */
  owns(child: ChildProcess): boolean {
    return [...this.services.values()].some((s) => s.child === child);
  }

  /**
   * The Sprite goes cold: every running service is killed at once (memory is dropped, no
   * signal to clean up on) and remembered for the wake. A stopped one stays stopped.
   */
  async sleepAll(): Promise<void> {
    const gone: Array<Promise<void>> = [];
    for (const service of this.services.values()) {
      const child = service.child;
      if (!child) continue;
      service.resumeOnWake = true;
      // "stopping": the close that follows is not a crash (no exit event, no "failed").
      service.status = "stopping";
      gone.push(new Promise((resolve) => child.once("close", () => resolve())));
      signalGroup(child, "SIGKILL");
    }
    await Promise.all(gone);
  }

  /** The Sprite wakes: the services the sleep killed start again, as after a cold boot. */
  wakeAll(): void {
    for (const service of this.services.values()) {
      if (!service.resumeOnWake) continue;
      service.resumeOnWake = false;
      this.start(service.def.name);
    }
  }

  /** The last `lines` events of the service. */
  history(name: string, lines = 100): ServiceEvent[] {
    return (this.services.get(name)?.history ?? []).slice(-lines);
  }

  /** Calls `listener` with every new event of the service until the returned function is called. */
  subscribe(name: string, listener: (event: ServiceEvent) => void): () => void {
    const service = this.services.get(name);
    service?.listeners.add(listener);
    return () => service?.listeners.delete(listener);
  }

  /** The port the Sprite's URL routes to: the service that declared `http_port`. */
  httpPort(): number | undefined {
    return [...this.services.values()].find((s) => s.def.http_port !== null)?.def.http_port ?? undefined;
  }

  /** The service as the API returns it. */
  json(name: string): Record<string, unknown> | undefined {
    const s = this.services.get(name);
    if (!s) return undefined;
    return {
      ...s.def,
      state: {
        name: s.def.name,
        status: s.status,
        pid: s.child?.pid ?? null,
        started_at: s.startedAt,
        error: s.error,
        restart_count: s.restartCount,
      },
    };
  }

  list(): Array<Record<string, unknown>> {
    return [...this.services.keys()].map((name) => this.json(name) as Record<string, unknown>);
  }

  /** Where the real runtime keeps a service's combined log, inside the Sprite. */
  static logFiles(name: string): Record<string, string> {
    const dir = "/.sprite/logs/services";
    return { combined: `${dir}/${name}.log`, stdout: `${dir}/${name}.stdout.log`, stderr: `${dir}/${name}.stderr.log` };
  }

  private emit(service: Service, event: ServiceEvent): void {
    service.history.push(event);
    if (service.history.length > HISTORY) service.history.splice(0, service.history.length - HISTORY);
    if (event.data !== undefined) {
      const dir = join(this.sprite.root, ".sprite", "logs", "services");
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, `${service.def.name}.log`), event.data);
    }
    for (const listener of service.listeners) listener(event);
  }
}
