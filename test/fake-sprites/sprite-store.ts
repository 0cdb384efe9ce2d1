import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { killEverythingIn, type SpriteRuntime, signalGroup } from "./processes.js";
import { ServiceTable } from "./services.js";
import { hostPath, SPRITE_HOME } from "./sprite-paths.js";
import type { TasksApi } from "./tasks-api.js";

/** One Sprite of the fake: a folder standing in for its `/`, its processes and services. */
export interface FakeSprite extends SpriteRuntime {
  id: string;
  createdAt: string;
  updatedAt: string;
  labels: string[];
  /** Set by the server once the Sprite's own URL listens. */
  url: string;
  /** Whether anything ever ran (a new Sprite is cold, then warm when idle). */
  woken: boolean;
  /** Gone cold (see sleep.ts): its processes were dropped, its services start on wake. */
  asleep: boolean;
  services: ServiceTable;
  /** Who may open its URL: "sprite" (the default) or "public". */
  urlAuth: string;
  /** Its Tasks API (set once the socket listens). */
  tasksApi: TasksApi | undefined;
  checkpoints: Array<{ id: string; create_time: string; comment: string; dir: string }>;
}

/** The Sprites of one fake server, in creation order, each with its temp folder. */
export class SpriteStore {
  private readonly sprites = new Map<string, FakeSprite>();
  readonly base: string;
  private readonly baseEnv: Record<string, string>;

  constructor(base: string, baseEnv: Record<string, string> = {}) {
    this.base = base;
    this.baseEnv = baseEnv;
  }

  get(name: string): FakeSprite | undefined {
    return this.sprites.get(name);
  }

  all(): FakeSprite[] {
    return [...this.sprites.values()];
  }

  /** Makes the Sprite's folder with a home in it. */
  create(name: string, environment: Record<string, string>, labels: string[]): FakeSprite {
    const root = mkdtempSync(join(this.base, `${name}-`));
    mkdirSync(hostPath(root, SPRITE_HOME) as string, { recursive: true });
    mkdirSync(join(root, "tmp"), { recursive: true });
    const now = new Date().toISOString();
    const sprite: Omit<FakeSprite, "services"> & { services?: ServiceTable } = {
      id: `sprite-${randomUUID()}`,
      name,
      root,
      environment,
      baseEnv: this.baseEnv,
      apiSocket: undefined,
      urlAuth: "sprite",
      tasksApi: undefined,
      labels,
      processes: new Set<ChildProcess>(),
      createdAt: now,
      updatedAt: now,
      url: "",
      woken: false,
      asleep: false,
      checkpoints: [],
    };
    const full = Object.assign(sprite, {
      services: new ServiceTable(sprite, () => {
        full.woken = true;
      }),
    });
    this.sprites.set(name, full);
    return full;
  }

  /** Kills everything running in the Sprite and removes its folder. */
  delete(name: string): boolean {
    const sprite = this.sprites.get(name);
    if (!sprite) return false;
    this.sprites.delete(name);
    for (const child of sprite.processes) signalGroup(child, "SIGKILL");
    sprite.services.stopAll();
    killEverythingIn(sprite);
    void sprite.tasksApi?.close();
    rmSync(sprite.root, { recursive: true, force: true });
    for (const c of sprite.checkpoints) rmSync(c.dir, { recursive: true, force: true });
    return true;
  }
}

/** cold before anything ran, running while something runs or a task holds it, warm when idle after that. */
export function statusOf(sprite: FakeSprite): "cold" | "warm" | "running" {
  if (sprite.asleep) return "cold";
  if (sprite.processes.size > 0 || sprite.tasksApi?.holding()) return "running";
  return sprite.woken ? "warm" : "cold";
}

/** The Sprite as the API returns it (snake_case). */
export function spriteJson(sprite: FakeSprite): Record<string, unknown> {
  return {
    id: sprite.id,
    name: sprite.name,
    organization: "fake-org",
    status: statusOf(sprite),
    url: sprite.url,
    url_settings: { auth: sprite.urlAuth },
    labels: sprite.labels,
    environment: sprite.environment,
    created_at: sprite.createdAt,
    updated_at: sprite.updatedAt,
  };
}
