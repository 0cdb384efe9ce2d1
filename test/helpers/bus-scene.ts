import { writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { EventInput } from "../../bus/build-event.js";
import { emitEvent } from "../../bus/emit.js";
import { newEventId } from "../../bus/event-name.js";
import { expirePending } from "../../bus/maintenance.js";
import type { BusPaths } from "../../bus/paths.js";
import { ackClaimed, claimBatch, claimFile } from "../../bus/queue.js";
import { ensureBusDirs } from "../../bus/secure-fs.js";

const MINUTE = 60_000;

/** Publishes an event as a writer did `ageMs` ago (its name carries that time); returns its file name. */
export function emitNamed(paths: BusPaths, input: EventInput, ageMs = 0): string {
  const ctx = { environment: "test", host: hostname(), pid: process.pid, now: Date.now() - ageMs, app: "scene-app" };
  return `${emitEvent(paths, input, ctx).id}.json`;
}

/** A server error with a stack and a (redacted) request, as the example app writes them. */
export function serverErrorInput(message = "Cannot read properties of undefined (reading 'name')"): EventInput {
  const error = new TypeError(message);
  error.stack = `TypeError: ${message}\n    at createUser (/app/features/create-user.js:14:30)`;
  return {
    type: "server-error",
    feature: "create-user",
    route: "POST /users",
    status: 500,
    error,
    request: { input: { email: "a@example.com", password: "hunter2" } },
  };
}

/** Drops a file that is not an event into `events/` under a protocol name; returns the name. */
export function dropInvalid(paths: BusPaths, body = "{not json", type = "server-error"): string {
  ensureBusDirs(paths);
  const name = `${newEventId(type)}.json`;
  writeFileSync(join(paths.events, name), body, { mode: 0o600 });
  return name;
}

/** Moves one pending file to `rejected/` the way a consumer does (with its real reason). */
export function rejectByClaim(paths: BusPaths, name: string): string {
  const { rejected } = claimBatch(paths, "consumer-reject", { names: [name] });
  if (rejected.length !== 1) throw new Error(`${name} was not rejected`);
  return (rejected[0] as { reason: string }).reason;
}

/** One file in every state, each a different type so listings can be told apart. */
export interface BusScene {
  pending: string;
  claimed: string;
  delivered: string;
  rejected: string;
  expired: string;
}

/** Builds a bus with one event in each state, through the bus functions writers and consumers use. */
export function busScene(paths: BusPaths): BusScene {
  const expired = emitNamed(paths, { type: "deploy-done", message: "v1 is out" }, 10 * MINUTE);
  expirePending(paths, 5 * MINUTE);
  const delivered = emitNamed(paths, {
    type: "process-error",
    command: "npm test",
    exitCode: 1,
    error: new Error("1 failing"),
  });
  claimFile(paths, "consumer-a", delivered);
  ackClaimed(paths, "consumer-a", [delivered]);
  const rejected = dropInvalid(paths, "{not json", "unhandled-error");
  rejectByClaim(paths, rejected);
  const claimed = emitNamed(paths, { type: "notification", message: "build finished" });
  claimFile(paths, "consumer-a", claimed);
  const pending = emitNamed(paths, serverErrorInput());
  return { pending, claimed, delivered, rejected, expired };
}
