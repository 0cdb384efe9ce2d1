// `manifest run` on a command that prints 200 MiB of log lines, vs the same command run bare.
// The runner tees every byte to the terminal (/dev/null here) and, redacted line by line, to
// .spark/logs: the figure is the wall time of the whole run, and the runner's peak memory
// (VmHWM from /proc, sampled until it exits). Floors, each the command run in the same rounds:
// its output drained through a pipe by `cat` (the target's floor: any tee makes the command
// write into a pipe, as a terminal does), shown and logged by `tee` (the same work, bare), and
// by a dozen-line Node tee (what any runner written in Node pays; its peak memory is the
// memory row's floor). Rounds alternate their order so drift (page cache, CPU clock, other
// load) hits all alike.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { makeTempDir, median, now, REPO_ROOT, result } from "./_lib.mjs";

export const name = "run-pipe";

const CLI = join(REPO_ROOT, "dist", "cli.js");

// The floor for any runner written in Node: spawn the command, copy its stdout to ours and to a
// log file, nothing else.
const NODE_TEE = `import { spawn } from "node:child_process";
import { openSync, writeSync } from "node:fs";
const log = openSync("tee.log", "w");
const child = spawn(process.execPath, process.argv.slice(2), { stdio: ["ignore", "pipe", "inherit"] });
child.stdout.on("data", (chunk) => { writeSync(1, chunk); writeSync(log, chunk); });
child.on("close", (code) => process.exit(code ?? 1));
`;

// What a busy server prints: formatted lines, so the command does real work per byte (a
// command that only copies one buffer would measure the pipe, not a command).
const GENERATOR = `
const { writeFileSync } = require("node:fs");
const total = Number(process.argv[2]) * 1024 * 1024;
let written = 0, i = 0;
function pump() {
  while (written < total) {
    let s = "";
    while (s.length < 65536) {
      s += "2026-01-02T03:04:05.678Z INFO [worker " + (i % 7) + "] request " + i + " GET /api/users/" + (i % 977) + " 200 " + (i % 90) + "ms\\n";
      i++;
    }
    const b = Buffer.from(s);
    written += b.length;
    if (!process.stdout.write(b)) return process.stdout.once("drain", pump);
  }
  writeFileSync(process.argv[3], String(written));
}
pump();
`;

export async function run(ctx) {
  const mb = ctx.quick ? 50 : 200;
  const rounds = ctx.quick ? 2 : 4;
  if (!existsSync(CLI)) throw new Error("dist/cli.js is missing: run `npm run build`");
  if (process.platform !== "linux") throw new Error("run-pipe reads /proc for the runner's memory: Linux only");

  const root = makeTempDir("run-pipe");
  mkdirSync(join(root, ".spark"));
  writeFileSync(join(root, "gen.js"), GENERATOR);
  writeFileSync(join(root, "tee.mjs"), NODE_TEE);
  const logs = join(root, ".spark", "logs");
  const sizeFile = join(root, "written");
  const gen = [join(root, "gen.js"), String(mb), sizeFile];
  const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

  // Four ways to run the same command, each with the final output going to /dev/null:
  const command = [process.execPath, ...gen].map(shellQuote).join(" ");
  const ways = {
    // bare, its output taken through a pipe by `cat` (what any tee, or a terminal, does to it);
    pipe: { file: "/bin/sh", args: ["-c", `${command} | cat`], times: [] },
    // bare, shown and logged by coreutils `tee` (the runner's job, without redaction or events);
    tee: { file: "/bin/sh", args: ["-c", `${command} | tee tee.log`], times: [] },
    // a bare Node tee (no redaction, no events): what any Node runner pays to read a pipe.
    nodeTee: { file: process.execPath, args: [join(root, "tee.mjs"), ...gen], times: [], peaks: [] },
    // through `manifest run`: shown (to /dev/null here) and logged, redacted, to .spark/logs.
    run: { file: process.execPath, args: [CLI, "run", "node", ...gen], times: [], peaks: [] },
  };
  const once = async (key) => {
    const way = ways[key];
    rmSync(logs, { recursive: true, force: true });
    rmSync(sizeFile, { force: true });
    const { ms, peakKiB, code } = await timed(way.file, way.args, root, Boolean(way.peaks));
    if (code !== 0) throw new Error(`${key} exited with ${code}`);
    const written = Number(readFileSync(sizeFile, "utf8"));
    if (key === "run") {
      const [log] = readdirSync(logs);
      const logged = statSync(join(logs, log)).size;
      if (logged !== written) throw new Error(`the log holds ${logged} bytes of ${written}`);
    }
    way.peaks?.push(peakKiB / 1024);
    way.times.push(ms);
  };

  for (const key of Object.keys(ways)) await once(key); // warm-up: page cache, start-up
  for (const way of Object.values(ways)) {
    way.times.length = 0;
    if (way.peaks) way.peaks.length = 0;
  }
  const orders = [
    ["pipe", "tee", "nodeTee", "run"],
    ["run", "nodeTee", "tee", "pipe"],
  ];
  for (let round = 0; round < rounds; round++) for (const key of orders[round % 2]) await once(key);

  const m = Object.fromEntries(Object.entries(ways).map(([key, way]) => [key, median(way.times)]));
  for (const [key, way] of Object.entries(ways))
    ctx.log(`  ${key}: ${way.times.map((t) => t.toFixed(0)).join(", ")} ms`);
  const rate = `${(mb / (m.run / 1000)).toFixed(0)} MiB/s through the runner`;
  return [
    result(`manifest run, ${mb} MiB of output (wall, median)`, m.run, "ms", m.pipe, {
      target: { of: "ratio", max: 1.3 },
      note: `vs the command alone with its output drained through a pipe (\`cmd | cat\`); ${rounds} alternating rounds; log verified complete; ${rate}`,
    }),
    result(`manifest run, ${mb} MiB, vs a bare Node tee`, m.run, "ms", m.nodeTee, {
      note: "floor: a dozen-line Node script that reads the pipe and writes stdout and a log (no redaction): the part of the cost that is Node reading a pipe, not Spark",
    }),
    result(`manifest run, ${mb} MiB, vs coreutils tee`, m.run, "ms", m.tee, {
      note: "floor: the same work done the bare way (shown and logged by coreutils tee), without redaction or events",
    }),
    result(
      "manifest run, runner peak memory (VmHWM)",
      Math.max(...ways.run.peaks),
      "MiB",
      Math.max(...ways.nodeTee.peaks),
      {
        target: { of: "value", max: 150 },
        note: `highest of the runs, vs the bare Node tee's; output is read one chunk at a time with backpressure, so memory does not grow with the ${mb} MiB`,
      },
    ),
  ];
}

/** Runs `file <args>` in `cwd`, stdout to /dev/null; with `sample`, tracks its VmHWM until it exits. */
function timed(file, args, cwd, sample) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(file, args, { cwd, stdio: ["ignore", "ignore", "inherit"] });
    let peakKiB = 0;
    const read = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m) peakKiB = Math.max(peakKiB, Number(m[1]));
      } catch {
        // Gone: the last sample stands.
      }
    };
    const timer = sample ? setInterval(read, 20) : undefined;
    child.once("error", reject);
    child.once("exit", () => read());
    child.once("close", (code) => {
      const ms = now() - t0;
      clearInterval(timer);
      resolve({ ms, peakKiB, code });
    });
  });
}
