import type { BusEntry, EventState } from "../../bus/browse.js";
import { buildEvent, type EventInput } from "../../bus/build-event.js";
import type { SparkEvent } from "../../bus/event-schema.js";

let clock = Date.UTC(2026, 10, 21, 9, 0, 0);

/** A built event, one second after the previous one. */
export function makeEvent(input: EventInput, environment = "development"): SparkEvent {
  clock += 1000;
  return buildEvent(input, { environment, host: "test-host", pid: 4242, app: "hello-app", now: clock }).event;
}

/** A server error from the example app's feature. */
export function serverError(message = "Cannot read properties of undefined (reading 'name')"): SparkEvent {
  const error = new TypeError(message);
  error.stack = `TypeError: ${message}\n    at createUser (/app/features/create-user.js:14:30)\n    at handle (/app/server.js:40:12)`;
  return makeEvent({
    type: "server-error",
    feature: "create-user",
    route: "POST /users",
    status: 500,
    traceId: "req-1",
    error,
    request: { input: { email: "a@example.com", password: "hunter2" } },
  });
}

/** A listing entry as `listBus` gives it, for a file `name` in `state` (under a made-up `/bus`). */
export const busEntry = (name: string, state: EventState = "pending", consumer?: string): BusEntry => ({
  name,
  id: name.replace(/\.json$/, ""),
  state,
  path: `/bus/${state}/${name}`,
  ...(consumer ? { consumer } : {}),
});
