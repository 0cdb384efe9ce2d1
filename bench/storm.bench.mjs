// A storm: 8 writer processes publish 10,000 events (5 kinds of error) through the bus
// writer as fast as they can, while one consumer in this process (startConsumer, debounce
// 50 ms, batches of 100, each batch formatted into the prompt message and acked) drains them.
// Checks that nothing is lost or delivered twice, and reports the drain time against the
// bare floor (readdir + rename of the same 10,000 files), the largest message, and the
// consumer's memory. Then: 10,000 identical errors claimed as one batch become one message,
// and 10,000 events full of injection attempts go through the safe prompt build.
import { readdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  busPaths,
  claimBatch,
  formatBatchPrompt,
  groupEvents,
  listClaimed,
  listPending,
  startConsumer,
} from "../dist/bus.js";
import { forkChild, gc, makeTempDir, makeTempProject, mib, nextMessage, now, result } from "./_lib.mjs";

export const name = "storm";

const WRITER = fileURLToPath(new URL("./_storm-writer.mjs", import.meta.url));
const WRITERS = 8;
const MESSAGE_CAP = 16 * 1024;
const DRAIN_TIMEOUT_MS = 300_000;

export async function run(ctx) {
  const perWriter = ctx.quick ? 250 : 1250;
  const total = WRITERS * perWriter;
  const results = [];

  // ── The storm ────────────────────────────────────────────────────────────────
  const paths = busPaths(makeTempProject("storm").root);
  const writers = await startWriters(paths.root, perWriter, "mixed");

  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 10);

  const seen = new Set();
  const duplicates = [];
  let batches = 0;
  let largestMessage = 0;
  let largestBatch = 0;
  let failure;
  let drainedAt;
  let onDrained;
  const drained = new Promise((resolve) => {
    onDrained = resolve;
  });
  const consumer = startConsumer({
    paths,
    consumerId: "bench-storm",
    debounceMs: 50,
    hold: () => ({ held: false }),
    deliver: (batch) => {
      const message = formatBatchPrompt(batch.groups, { held: batch.held });
      largestMessage = Math.max(largestMessage, Buffer.byteLength(message));
      largestBatch = Math.max(largestBatch, batch.claimed.length);
      batches++;
      for (const { event } of batch.claimed) {
        if (seen.has(event.id)) duplicates.push(event.id);
        seen.add(event.id);
      }
      // The ack happens right after deliver returns: mark the end once it has.
      if (seen.size >= total && drainedAt === undefined) {
        setImmediate(() => {
          drainedAt = now();
          onDrained();
        });
      }
      return "ack";
    },
    onRejected: (files) => {
      failure ??= new Error(`consumer rejected ${files.length} file(s), e.g. ${files[0]?.name}: ${files[0]?.reason}`);
    },
    onError: (error) => {
      failure ??= error;
    },
  });

  const t0 = now();
  for (const w of writers) w.child.send("go");
  const written = await collectIds(writers);
  const writtenAt = now();
  let timer;
  await Promise.race([
    drained,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`drain incomplete after ${DRAIN_TIMEOUT_MS} ms: ${seen.size}/${total} delivered`)),
        DRAIN_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  await consumer.stop();
  clearInterval(sampler);
  const after = process.memoryUsage();
  gc();
  const retained = process.memoryUsage();
  if (failure) throw failure;

  // Nothing lost, nothing twice: every id written was delivered exactly once, and the
  // folders agree.
  if (written.length !== total || new Set(written).size !== total) {
    throw new Error(`writers reported ${written.length} ids (${new Set(written).size} distinct), expected ${total}`);
  }
  if (duplicates.length > 0) throw new Error(`${duplicates.length} event(s) delivered twice, e.g. ${duplicates[0]}`);
  const lost = written.filter((id) => !seen.has(id));
  if (lost.length > 0 || seen.size !== total) {
    throw new Error(`${lost.length} event(s) never delivered (e.g. ${lost[0]}); ${seen.size}/${total} seen`);
  }
  const inDelivered = readdirSync(paths.delivered).filter((f) => f.endsWith(".json"));
  const leftovers = {
    pending: listPending(paths).length,
    claimed: listClaimed(paths, "bench-storm").length,
    rejected: readdirSync(paths.rejected).length,
  };
  if (inDelivered.length !== total || Object.values(leftovers).some((n) => n > 0)) {
    throw new Error(
      `delivered/ holds ${inDelivered.length} of ${total}; left: ${leftovers.pending} pending, ${leftovers.claimed} claimed, ${leftovers.rejected} rejected`,
    );
  }

  // The floor: move the same files the bare way (one readdir, one rename each).
  const bareDir = makeTempDir("storm-floor");
  const f0 = now();
  for (const file of readdirSync(paths.delivered)) renameSync(join(paths.delivered, file), join(bareDir, file));
  const floorMs = now() - f0;

  const drainMs = drainedAt - t0;
  ctx.log(
    `  ${total} events from ${WRITERS} writers in ${(writtenAt - t0).toFixed(0)} ms; drained in ${drainMs.toFixed(0)} ms, ${batches} batches (largest ${largestBatch})`,
  );
  results.push(
    result(`storm drain ${total.toLocaleString("en-US")} events`, drainMs, "ms", floorMs, {
      note: `${WRITERS} writer processes → 1 consumer (debounce 50 ms, batches of ≤100: ${batches} batches, ~${((batches * 50) / 1000).toFixed(1)} s of it is debounce waiting); writers done after ${(writtenAt - t0).toFixed(0)} ms; floor = readdir + rename of the same files; all ${total} delivered exactly once`,
    }),
    // No floor, so no ratio: the cap is a target, not the same work done a bare way; nor is
    // this process's own RSS before the storm.
    result("storm largest batch message", largestMessage, "bytes", null, {
      target: { of: "value", max: MESSAGE_CAP },
      note: "target: the 16 KiB message cap",
    }),
    result("storm consumer peak RSS", mib(peakRss), "MiB", null, {
      note: `sampled every 10 ms; ${mib(before.rss).toFixed(1)} MiB before the storm`,
    }),
    result("storm consumer RSS growth", mib(after.rss - before.rss), "MiB", null),
    result("storm consumer heap growth", mib(after.heapUsed - before.heapUsed), "MiB", null, {
      note: `before → after the drain; ${mib(retained.heapUsed - before.heapUsed).toFixed(2)} MiB still held after a full GC`,
    }),
  );

  // ── 10,000 identical errors, one batch, one message ──────────────────────────
  const single = busPaths(makeTempProject("storm-single").root);
  const identicalWriters = await startWriters(single.root, perWriter, "identical");
  for (const w of identicalWriters) w.child.send("go");
  const identical = await collectIds(identicalWriters);
  if (identical.length !== total) throw new Error(`identical writers wrote ${identical.length} of ${total}`);
  const s0 = now();
  const claim = claimBatch(single, "bench-single", { maxEvents: total });
  const groups = groupEvents(claim.claimed.map((c) => c.event));
  const message = formatBatchPrompt(groups);
  const singleMs = now() - s0;
  if (claim.claimed.length !== total || claim.rejected.length > 0) {
    throw new Error(`one batch claimed ${claim.claimed.length} of ${total} (${claim.rejected.length} rejected)`);
  }
  if (groups.length !== 1) throw new Error(`10,000 identical errors made ${groups.length} groups, expected 1`);
  // Floor: the bare way to take the same files: readdir, rename each, read and parse it.
  const claimedDir = join(single.claimed, "bench-single");
  const bareSingle = makeTempDir("storm-single-floor");
  const b0 = now();
  const parsed = [];
  for (const file of readdirSync(claimedDir)) {
    const to = join(bareSingle, file);
    renameSync(join(claimedDir, file), to);
    parsed.push(JSON.parse(readFileSync(to, "utf8")));
  }
  const bareSingleMs = now() - b0;
  if (parsed.length !== total) throw new Error(`floor read ${parsed.length} of ${total}`);
  results.push(
    result("10k identical errors → message", Buffer.byteLength(message), "bytes", null, {
      target: { of: "value", max: MESSAGE_CAP },
      note: `claimBatch(maxEvents ${total}) → groupEvents → formatBatchPrompt: ${groups.length} group (×${groups[0].count})`,
    }),
    result("10k identical: claim+group+format", singleMs, "ms", bareSingleMs, {
      note: "floor = readdir + rename + readFileSync + JSON.parse of the same files",
    }),
  );
  results.push(...(await hostileStorm(perWriter, total)));
  return results;
}

/**
 * The safe prompt build at its worst: 10,000 events full of injection attempts (every value
 * quoted, neutralised, fenced) claimed as one batch, grouped and formatted. Floor: the same
 * files taken the bare way and the batch serialised with JSON.stringify instead.
 */
async function hostileStorm(perWriter, total) {
  const paths = busPaths(makeTempProject("storm-hostile").root);
  const writers = await startWriters(paths.root, perWriter, "hostile");
  for (const w of writers) w.child.send("go");
  const written = await collectIds(writers);
  if (written.length !== total) throw new Error(`hostile writers wrote ${written.length} of ${total}`);
  const t0 = now();
  const claim = claimBatch(paths, "bench-hostile", { maxEvents: total });
  const groups = groupEvents(claim.claimed.map((c) => c.event));
  const message = formatBatchPrompt(groups);
  const ms = now() - t0;
  if (claim.claimed.length !== total) throw new Error(`the hostile batch claimed ${claim.claimed.length} of ${total}`);
  // Inside the data blocks the attempts stay, quoted; outside them, none may be a line of its own.
  const outsideBlocks = message.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, "");
  if (/^## New instructions/m.test(outsideBlocks)) throw new Error("an event value made a heading of its own");
  const claimedDir = join(paths.claimed, "bench-hostile");
  const bare = makeTempDir("storm-hostile-floor");
  const f0 = now();
  const parsed = [];
  for (const file of readdirSync(claimedDir)) {
    const to = join(bare, file);
    renameSync(join(claimedDir, file), to);
    parsed.push(JSON.parse(readFileSync(to, "utf8")));
  }
  const floorText = JSON.stringify(parsed);
  const floorMs = now() - f0;
  return [
    result("10k hostile: claim+group+safe format", ms, "ms", floorMs, {
      note: `${groups.length} groups, message ${Buffer.byteLength(message).toLocaleString("en-US")} bytes (cap 16,384); floor = readdir + rename + readFileSync + JSON.parse of the same files, then JSON.stringify of the batch (${(floorText.length / 1e6).toFixed(1)} MB)`,
    }),
  ];
}

/** Forks the writers and waits until each has loaded the bus and is ready for "go". */
async function startWriters(root, perWriter, mode) {
  const writers = [];
  for (let w = 0; w < WRITERS; w++) {
    const writer = forkChild(WRITER, [root, String(perWriter), String(w), mode]);
    // Listen for "done" from the start: a fast writer can finish (and exit) before the
    // caller gets round to waiting for it.
    writer.done = nextMessage(writer.child, (m) => m?.kind === "done", DRAIN_TIMEOUT_MS);
    writer.done.catch(() => {});
    writers.push(writer);
  }
  await Promise.all(writers.map((w) => nextMessage(w.child, (m) => m?.kind === "ready", 30_000)));
  return writers;
}

/** Waits for every writer to report the ids it wrote and exit cleanly. */
async function collectIds(writers) {
  const replies = await Promise.all(writers.map((w) => w.done));
  const exits = await Promise.all(writers.map((w) => w.exited));
  const bad = exits.find((e) => e.code !== 0);
  if (bad) throw new Error(`a writer exited with ${bad.signal ?? `code ${bad.code}`}`);
  return replies.flatMap((r) => r.ids);
}
