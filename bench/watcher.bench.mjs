// Watcher latency: from the `rename` that publishes an event to (a) the raw hint path
// (bus `watchFolders` hint, then `listPending` shows the file) and (b) the consumer being
// told (`startConsumer` with debounce 0 calls `deliver`), vs the floor: a bare `fs.watch`
// on a folder of the same layout. Three separate buses, one per path, so every sample is
// measured alone; the samples rotate between them so drift hits all three alike.
import { renameSync, watch, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { buildEvent, busPaths, listPending, startConsumer, watchFolders } from "../dist/bus.js";
import { makeTempDir, makeTempProject, median, moveFiles, now, percentile, result, sleep } from "./_lib.mjs";

export const name = "watcher";

const BACKSTOP_MS = 60_000; // far beyond any sample: only a real watcher event can tell us
const SAMPLE_TIMEOUT_MS = 2_000;

export async function run(ctx) {
  const samples = ctx.quick ? 60 : 200;
  const warmup = 10;
  const writer = { environment: "bench", host: hostname(), pid: process.pid };

  let armed; // { mode, name, resolve }
  let failure;
  const told = (mode, isMatch) => {
    if (!armed || armed.mode !== mode || !isMatch(armed.name)) return;
    const at = now();
    const { resolve } = armed;
    armed = undefined;
    resolve(at);
  };

  // (floor) a bare fs.watch on the folder.
  const bare = makeTempProject("watch-floor");
  const bareWatcher = watch(bare.events, (_event, file) => told("bare", (name) => file === name));

  // (hint) the bus watcher, and the rescan it triggers.
  const hintBus = busPaths(makeTempProject("watch-hint").root);
  const hintWatcher = watchFolders(
    [hintBus.events],
    (source) => {
      if (source !== "watch") return;
      told("hint", (name) => listPending(hintBus).includes(name));
    },
    { backstopMs: BACKSTOP_MS },
  );

  // (consumer) the real consumer, debounce 0: `deliver` is the moment it is told.
  const consumerBus = busPaths(makeTempProject("watch-consumer").root);
  const consumer = startConsumer({
    paths: consumerBus,
    consumerId: "bench-watcher",
    debounceMs: 0,
    backstopMs: BACKSTOP_MS,
    hold: () => ({ held: false }),
    deliver: (batch) => {
      told("consumer", (name) => batch.claimed.some((c) => c.name === name));
      return "ack";
    },
    onError: (error) => {
      failure ??= error;
    },
    onRejected: (files) => {
      failure ??= new Error(`the consumer rejected ${files[0]?.name}: ${files[0]?.reason}`);
    },
  });

  const dirs = { bare: bare.events, hint: hintBus.events, consumer: consumerBus.events };
  // Where measured files go (outside events/) for the two paths that do not consume them.
  const seen = makeTempDir("watch-seen");
  const misses = { bare: 0, hint: 0, consumer: 0 };
  const sample = async (mode) => {
    const dir = dirs[mode];
    if (failure) throw failure;
    const built = buildEvent(
      { type: "server-error", route: "GET /bench", error: { message: "watcher bench" } },
      writer,
    );
    const name = `${built.event.id}.json`;
    const staged = join(dir, ".tmp", name);
    writeFileSync(staged, built.json, { mode: 0o600, flag: "wx" });
    // Let the write settle, so only the rename is being watched for.
    await sleep(2);
    const at = new Promise((resolve) => {
      armed = { mode, name, resolve };
    });
    const t0 = now();
    renameSync(staged, join(dir, name));
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(resolve, SAMPLE_TIMEOUT_MS, undefined);
    });
    const t1 = await Promise.race([at, timeout]);
    clearTimeout(timer);
    if (t1 === undefined) {
      armed = undefined;
      misses[mode]++;
      return SAMPLE_TIMEOUT_MS;
    }
    return t1 - t0;
  };

  const times = { bare: [], hint: [], consumer: [] };
  const order = ["bare", "hint", "consumer"];
  try {
    // Warm up until each path has answered (the first samples pay for cold code).
    for (const mode of order) {
      for (let i = 0; i < warmup; i++) {
        await sample(mode);
        if (mode !== "consumer") moveFiles(dirs[mode], seen);
        await sleep(10);
      }
      if (misses[mode] === warmup) throw new Error(`the ${mode} path never answered (${warmup} renames, none seen)`);
    }
    misses.bare = misses.hint = misses.consumer = 0;
    for (let i = 0; i < samples; i++) {
      // Rotate the order so no path always follows the same one.
      for (let k = 0; k < order.length; k++) {
        const mode = order[(i + k) % order.length];
        times[mode].push(await sample(mode));
        // Move the file out (the consumer moves its own), then space the samples so the
        // claim/ack or move of this one is over before the next rename.
        if (mode !== "consumer") moveFiles(dirs[mode], seen);
        await sleep(8 + (i % 5));
      }
    }
    if (failure) throw failure;
  } finally {
    bareWatcher.close();
    await hintWatcher.close();
    await consumer.stop();
  }

  const missNote = (mode) => (misses[mode] > 0 ? `; ${misses[mode]} missed (counted as ${SAMPLE_TIMEOUT_MS} ms)` : "");
  const n = `${samples} samples each`;
  return [
    result("watcher hint p50", median(times.hint), "ms", median(times.bare), {
      note: `rename → watchFolders hint → listPending shows the file, vs bare fs.watch; ${n}${missNote("hint")}`,
    }),
    result("watcher hint p99", percentile(times.hint, 99), "ms", percentile(times.bare, 99), {
      target: { of: "value", max: 20 },
    }),
    result("consumer told p50", median(times.consumer), "ms", median(times.bare), {
      note: `rename → startConsumer (debounce 0) calls deliver, vs bare fs.watch; ${n}${missNote("consumer")}`,
    }),
    result("consumer told p99", percentile(times.consumer, 99), "ms", percentile(times.bare, 99), {
      target: { of: "value", max: 20 },
      ...(misses.bare > 0 ? { note: `bare fs.watch missed ${misses.bare}` } : {}),
    }),
  ];
}
