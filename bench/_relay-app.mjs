// The app of the relay bench: a process of its own, as an app is, that emits one server error
// into the project each message names (`{ root }`) and answers with the file's name and the
// moment just before the emit, on the machine's monotonic clock.
import { hostname } from "node:os";
import { busPaths, emitEvent } from "../dist/bus.js";
import { monoMs } from "./_lib.mjs";

const writer = { environment: "bench", host: hostname(), pid: process.pid, app: "bench-app" };

process.on("message", (message) => {
  const t0 = monoMs();
  const event = { type: "server-error", route: "POST /orders", status: 500, error: new Error("relay bench") };
  const file = `${emitEvent(busPaths(message.root), event, writer).id}.json`;
  process.send({ kind: "emitted", file, t0, t1: monoMs() });
});
// The bench gone (finished or crashed): nothing is left running.
process.on("disconnect", () => process.exit(0));
process.send({ kind: "ready" });
