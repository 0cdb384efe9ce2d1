import { killEverythingIn, signalGroup } from "./processes.js";
import type { FakeSprite } from "./sprite-store.js";

/**
 * A Sprite going cold (docs.sprites.dev, lifecycle): when nothing holds it awake, the VM
 * stops, memory and processes are dropped, and on the next request its services start again.
 * The fake sleeps only when told (`FakeSprites.sleep`), and only when the real one could: no
 * task held through the Tasks API, no exec'd command running (an exec session keeps a Sprite
 * awake; services do not). Returns whether it slept.
 */
export async function sleepSprite(sprite: FakeSprite): Promise<boolean> {
  if (sprite.asleep) return true;
  if (sprite.tasksApi?.holding()) return false;
  if ([...sprite.processes].some((child) => !sprite.services.owns(child))) return false;
  sprite.asleep = true;
  await sprite.services.sleepAll();
  // Whatever a service started in its own process group is dropped with the VM too.
  for (const child of sprite.processes) signalGroup(child, "SIGKILL");
  killEverythingIn(sprite);
  return true;
}

/** Wakes a cold Sprite (any API call or URL hit does): its services start again. */
export function wakeSprite(sprite: FakeSprite): void {
  if (!sprite.asleep) return;
  sprite.asleep = false;
  sprite.services.wakeAll();
}

/**
 * The Sprite's VM restarts under it (host maintenance, a crash): everything is killed at
 * once, held task or not, the tasks are gone, and the services start again.
 */
export async function rebootSprite(sprite: FakeSprite): Promise<void> {
  sprite.asleep = true;
  await sprite.services.sleepAll();
  for (const child of sprite.processes) signalGroup(child, "SIGKILL");
  killEverythingIn(sprite);
  sprite.tasksApi?.tasks.clear();
  wakeSprite(sprite);
}
