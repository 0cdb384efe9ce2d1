// The app of the relay bench: a process of its own, as an app is, that emits one server error
// into the project each message names (`{ root }`) and answers with the file's name and the
// moments just before and after the emit, on the machine's monotonic clock.
import { hostname } from "node:os";
import { busPaths, emitEvent } from "../dist/bus.js";
import { monoMs } from "./_lib.mjs";

// The bench gone (finished or crashed): nothing is left running.
process.on("disconnect", () => process.exit(0));

const writer = { environment: "bench", host: hostname(), pid: process.pid, app: "bench-app" };
const REPLY_AFTER_MS = 20;

process.on("message", (message) => {
  const t0 = monoMs();
  const event = { type: "server-error", route: "POST /orders", status: 500, error: new Error("relay bench") };
  const file = `${emitEvent(busPaths(message.root), event, writer).id}.json`;
  const t1 = monoMs();
  // Told later, not now: the bench process is also the sidecar, and on C this message would
  // reach it in the same instant as the event, making the local bus look slower than it is.
  setTimeout(() => process.send({ kind: "emitted", file, t0, t1 }), REPLY_AFTER_MS);
});
process.send({ kind: "ready" });
