// The app emitter's cost per event (`spark.emit` from dist/index.js, what apps import) vs
// the floor: a bare writeFileSync + renameSync of the same bytes, events/.tmp → events/.
// Rounds alternate (ABBA) between the two so drift (page cache, CPU clock, GC) cancels out.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gc, makeTempProject, median, moveFiles, now, percentile, result } from "./_lib.mjs";

export const name = "emit";

/** A stack of ~1.5 KB, the shape a TypeScript server's stack has. */
function realisticError(i) {
  const error = new TypeError("Cannot read properties of undefined (reading 'email')");
  const frames = [
    "at normalizeContact (/srv/app/src/features/users/contact.ts:88:31)",
    "at UserService.create (/srv/app/src/features/users/user-service.ts:142:17)",
    "at async CreateUserHandler.handle (/srv/app/src/features/users/create-user.handler.ts:37:22)",
    "at async runFeature (/srv/app/src/core/feature-runner.ts:61:20)",
    "at async /srv/app/src/http/router.ts:212:9",
    "at async dispatch (/srv/app/node_modules/hono/dist/compose.js:29:17)",
    "at async cors (/srv/app/node_modules/hono/dist/middleware/cors/index.js:74:5)",
    "at async dispatch (/srv/app/node_modules/hono/dist/compose.js:29:17)",
    "at async requestId (/srv/app/src/http/middleware/request-id.ts:19:3)",
    "at async dispatch (/srv/app/node_modules/hono/dist/compose.js:29:17)",
    "at async logger (/srv/app/node_modules/hono/dist/middleware/logger/index.js:38:5)",
    "at async dispatch (/srv/app/node_modules/hono/dist/compose.js:29:17)",
    "at async Hono.dispatch (/srv/app/node_modules/hono/dist/hono-base.js:188:17)",
    "at async Server.<anonymous> (/srv/app/node_modules/@hono/node-server/dist/listener.js:65:23)",
    "at async withTransaction (/srv/app/src/db/transaction.ts:54:14)",
    "at async AuditTrail.record (/srv/app/src/features/audit/audit-trail.ts:77:5)",
    "at async RateLimiter.consume (/srv/app/src/http/middleware/rate-limit.ts:118:11)",
    "at async processTicksAndRejections (node:internal/process/task_queues:95:5)",
  ];
  error.stack = `TypeError: Cannot read properties of undefined (reading 'email')\n    ${frames.join("\n    ")}`;
  return {
    type: "server-error",
    traceId: `req-${i.toString(36).padStart(8, "0")}-7f3a`,
    feature: "create-user",
    route: "POST /users",
    status: 500,
    error,
    request: {
      input: {
        body: {
          name: "Ada Lovelace",
          email: "ada@example.com",
          password: "correct horse battery staple",
          profile: {
            bio: "Mathematician and writer, chiefly known for her work on the Analytical Engine.",
            address: { street: "12 St James's Square", city: "London", postcode: "SW1Y 4JH", country: "GB" },
            preferences: { newsletter: true, theme: "dark", locale: "en-GB", credentials: { pin: "4321" } },
          },
          tags: ["early-access", "beta", "math"],
          inviteCode: "INV-2024-0042",
        },
        query: { ref: "landing", utm_source: "newsletter" },
      },
    },
  };
}

export async function run(ctx) {
  // Short rounds, alternating ABBA: both sides see the same disk and CPU state, even on a
  // machine whose file system slows down and speeds up while the benchmark runs.
  const perRound = 25;
  const rounds = ctx.quick ? 40 : 160;
  const warmupRounds = ctx.quick ? 8 : 20;

  const app = makeTempProject("emit-app", { withBusDirs: false });
  // Every emit must write here (this measures the write path): the budget, which counts a
  // storm of one problem instead of writing it, is off. emit-budget.bench.mjs measures it.
  mkdirSync(join(app.root, "config"));
  writeFileSync(
    join(app.root, "config", "spark.mjs"),
    "export default { budget: { perProblem: 0, maxPendingFiles: 0, maxPendingBytes: 0 } };\n",
  );
  const bare = makeTempProject("emit-floor");
  const { spark } = await import("../dist/index.js");
  spark.configure({ root: app.root, app: "bench-app" });
  if (!spark.enabled) throw new Error("spark.enabled is false: is SPARK_ENABLED=0 set in the environment?");

  // One event, to learn the bytes the floor writes and check that the emitter really writes.
  const firstId = spark.emit(realisticError(0));
  if (!firstId) throw new Error("spark.emit returned no id: the emitter did not write the event");
  const json = readFileSync(join(app.events, `${firstId}.json`), "utf8");
  const parsed = JSON.parse(json);
  if (parsed.request?.input?.body?.password !== "[REDACTED]") throw new Error("password was not redacted");
  ctx.log(`  event file: ${Buffer.byteLength(json)} bytes, stack ${parsed.error.stack.length} chars`);

  let floorCounter = 0;
  const floorWrite = () => {
    const file = `${Date.now()}-${String(++floorCounter).padStart(6, "0")}-server-error-${process.pid}-0000beef.json`;
    const staged = join(bare.tmp, file);
    writeFileSync(staged, json, { mode: 0o600, flag: "wx" });
    renameSync(staged, join(bare.events, file));
  };
  // Inputs are built before timing: building the error is the app's cost, not ours.
  const inputs = Array.from({ length: perRound }, (_, i) => realisticError(i + 1));

  const emitRound = (times) => {
    for (const input of inputs) {
      const t0 = now();
      const id = spark.emit(input);
      times.push(now() - t0);
      if (id === undefined) throw new Error("spark.emit failed during the benchmark (see stderr)");
    }
  };
  const floorRound = (times) => {
    for (let i = 0; i < perRound; i++) {
      const t0 = now();
      floorWrite();
      times.push(now() - t0);
    }
  };
  // Now and then (untimed) the files move out, as a consumer would move them: events/ stays
  // small, and no file is deleted while measuring (deletes churn inode allocation, which on
  // some file systems slows every later create, ours and the floor's alike).
  const drained = { app: join(app.root, "drained"), bare: join(bare.root, "drained") };
  mkdirSync(drained.app);
  mkdirSync(drained.bare);
  let published = 0;
  const drain = () => {
    published += readdirSync(app.events).filter((f) => f.endsWith(".json")).length;
    moveFiles(app.events, drained.app);
    moveFiles(bare.events, drained.bare);
  };

  for (let round = 0; round < warmupRounds; round++) {
    emitRound([]);
    floorRound([]);
  }
  drain();
  published = 0;
  gc();
  const emitTimes = [];
  const floorTimes = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      emitRound(emitTimes);
      floorRound(floorTimes);
    } else {
      floorRound(floorTimes);
      emitRound(emitTimes);
    }
    if (round % 10 === 9) drain();
  }
  drain();
  if (published !== emitTimes.length) {
    throw new Error(`the emitter published ${published} files for ${emitTimes.length} events`);
  }

  const us = (ms) => ms * 1000;
  const p50 = { emit: us(median(emitTimes)), floor: us(median(floorTimes)) };
  // Event k of a round against write k of the same round: robust to the disk's mood swings.
  const overhead = us(median(emitTimes.map((t, k) => t - floorTimes[k])));
  const samples = `${emitTimes.length} events each in ${rounds} alternating rounds of ${perRound}`;
  const slowFloor =
    p50.floor > 100
      ? `; the disk is slow right now (${p50.floor.toFixed(0)} µs per bare create+rename), so the ratio flatters the emitter: see the overhead row`
      : "";
  return [
    result("emit per event (p50)", p50.emit, "µs", p50.floor, {
      target: { of: "ratio", max: 2 },
      note: `spark.emit vs bare writeFileSync+renameSync of the same ${Buffer.byteLength(json)} bytes; ${samples}${slowFloor}`,
    }),
    result("emit per event (p99)", us(percentile(emitTimes, 99)), "µs", us(percentile(floorTimes, 99))),
    result("emit overhead over floor (p50)", overhead, "µs", null, {
      note: "median of (emit − bare write) over paired events: what spark.emit adds (naming, redaction, limits, fingerprint, JSON); CPU, not disk",
    }),
  ];
}
