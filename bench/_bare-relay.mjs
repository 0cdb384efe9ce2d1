// A bare relay for the relay bench: the same job as `manifest relay` done the shortest way,
// with the same checks, so the bench can say what Spark's relay adds to the job itself.
// "out <root> <url>": watches the project's events/, claims each file by rename, reads it,
// validates and redacts it (Spark's own parseEventBytes and redactValue) and publishes it with
// its name as the message id; on the hub's ack the file moves to delivered/.
// "in <root> <url>": takes each message, validates and redacts it the same way, skips a name
// the project already has (events/, claimed/*/, delivered/, rejected/, expired/), writes it
// through a temp file into events/ and acks.
// Left out on purpose: the checks that no bus folder is a symlink, the staged spare, reports,
// presence, pause, reconnects, quarantine with a reason. Its own stream (BARE_RELAY).
import { existsSync, readdirSync, readFileSync, renameSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { busPaths, ensureBusDirs, ensurePrivateDir, parseEventBytes, redactValue } from "../dist/bus.js";
import { consumeWorkQueue } from "./_jetstream.mjs";

// The bench gone (finished or crashed): nothing is left running.
process.on("disconnect", () => process.exit(0));
const [role, root, url] = process.argv.slice(2);
const paths = busPaths(root);
ensureBusDirs(paths);
const nc = await connect({ servers: url, noAsyncTraces: true });
const js = jetstream(nc);
const stem = (name) => name.slice(0, -".json".length);

if (role === "in") {
  await consumeWorkQueue(nc, {
    stream: "BARE_RELAY",
    subjects: ["bare-relay.>"],
    durable: "in",
    callback: (m) => {
      const name = m.headers?.get("Nats-Msg-Id") ?? "";
      const read = parseEventBytes(m.data, stem(name));
      if (read.ok && !hasLocally(name)) {
        const tmp = join(paths.tmp, `.${name}.${process.pid}.tmp`);
        writeFileSync(tmp, `${JSON.stringify(redactValue(read.event), null, 2)}\n`, { mode: 0o600 });
        renameSync(tmp, join(paths.events, name));
      }
      m.ack();
    },
  });
} else {
  const claimed = join(paths.claimed, "bare-relay");
  ensurePrivateDir(claimed);
  const pass = () => {
    const names = readdirSync(paths.events)
      .filter((n) => n.endsWith(".json") && !n.startsWith("."))
      .sort();
    for (const name of names) {
      const at = join(claimed, name);
      try {
        renameSync(join(paths.events, name), at);
      } catch {
        continue; // someone else took it
      }
      const read = parseEventBytes(readFileSync(at), stem(name));
      if (!read.ok) continue; // left in its claim: the bench never writes a bad one
      const data = JSON.stringify({ ...redactValue(read.event), relay: { from: "bare" } });
      js.publish(`bare-relay.${read.event.type}`, data, { msgID: name }).then(() =>
        renameSync(at, join(paths.delivered, name)),
      );
    }
  };
  watch(paths.events, pass);
}
process.send({ kind: "ready" });

/** Whether this project has the event already, in any state. */
function hasLocally(name) {
  const places = [paths.events, paths.delivered, paths.rejected, paths.expired];
  if (places.some((dir) => existsSync(join(dir, name)))) return true;
  let owners = [];
  try {
    owners = readdirSync(paths.claimed);
  } catch {
    // no claims yet
  }
  return owners.some((owner) => existsSync(join(paths.claimed, owner, name)));
}
