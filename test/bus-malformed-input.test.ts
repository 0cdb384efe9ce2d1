import { execFileSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { housekeeping } from "../bus/housekeeping.js";
import type { BusPaths } from "../bus/paths.js";
import { ackClaimed, claimBatch, listClaimed, listPending } from "../bus/queue.js";
import type { RejectReason } from "../bus/reject.js";
import { ensureBusDirs, UnsafeFolderError } from "../bus/secure-fs.js";
import { ageFile, sparkConfig } from "./helpers/bus-state.js";
import { runFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { type Finished, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const CONSUMER = "sidecar-strict";

const NOW = new Date().toISOString();
const json = (body: unknown) => JSON.stringify(body);

/** One kind of bad input: how to put it in events/, and the words its rejection reason must use. */
interface BadInput {
  label: string;
  name: string;
  kind: "file" | "symlink" | "directory" | "fifo";
  reason: RegExp;
  make(path: string): void;
}

const SYMLINKED = "1700000000000-000001-notification-4242-0badc0de.json";

const BAD_INPUTS: BadInput[] = [
  file("malformed JSON", "truncated.json", '{"type":"server-error","timestamp":', /invalid JSON/),
  file("an empty file", "empty.json", "", /invalid JSON/),
  file("a JSON array", "array.json", "[1,2,3]", /must be a JSON object, got an array/),
  file("a JSON number", "number.json", "42", /must be a JSON object, got (a )?number/),
  file("JSON null", "null.json", "null", /must be a JSON object, got null/),
  file("an event without a timestamp", "no-timestamp.json", json({ type: "notification" }), /schema.*`timestamp`/),
  file("an event with a bad type", "bad-type.json", json({ type: "Server Error!", timestamp: NOW }), /schema.*`type`/),
  file(
    "an error event without `error`",
    "error-without-error.json",
    json({ type: "server-error", timestamp: NOW, route: "GET /" }),
    /error events need an `error`/,
  ),
  file(
    "an error without a message",
    "error-without-message.json",
    json({ type: "unhandled-error", timestamp: NOW, error: { stack: "at x" } }),
    /`error\.message` must be a string/,
  ),
  file(
    "an id that is not its file name",
    "id-mismatch.json",
    json({ id: "someone-else", type: "notification", timestamp: NOW }),
    /`id` "someone-else" does not match the file name/,
  ),
  {
    label: "a 5 MB file (valid JSON, far over the limit)",
    name: "huge.json",
    kind: "file",
    reason: /5242880 bytes, over the reader limit/,
    make: (path) => {
      const head = `{"type":"notification","timestamp":"${NOW}","pad":"`;
      writeFileSync(path, `${head}${"x".repeat(5 * 1024 * 1024 - head.length - 2)}"}`);
    },
  },
  {
    label: "invalid UTF-8 bytes",
    name: "invalid-utf8.json",
    kind: "file",
    reason: /not valid UTF-8/,
    make: (path) =>
      writeFileSync(
        path,
        Buffer.concat([
          Buffer.from(`{"type":"notification","timestamp":"${NOW}","message":"`),
          Buffer.from([0xff, 0xfe, 0xc3, 0x28]),
          Buffer.from('"}'),
        ]),
      ),
  },
  {
    label: "a symlink to a valid event elsewhere",
    name: SYMLINKED,
    kind: "symlink",
    reason: /not a regular file.*symlinks/,
    make: () => {
      /* made in beforeAll: it needs the target */
    },
  },
  {
    label: "a directory",
    name: "folder.json",
    kind: "directory",
    reason: /not a regular file/,
    make: (path) => {
      mkdirSync(path);
      writeFileSync(join(path, "inside.json"), "{}");
    },
  },
  {
    label: "a FIFO",
    name: "pipe.json",
    kind: "fifo",
    reason: /not a regular file/,
    make: (path) => execFileSync("mkfifo", [path]),
  },
  file("a file not ending in .json", "notes.txt", "remember the milk", /does not end in \.json/),
];

function file(label: string, name: string, content: string, reason: RegExp): BadInput {
  return { label, name, kind: "file", reason, make: (path) => writeFileSync(path, content) };
}

function kindOf(path: string): BadInput["kind"] | "missing" {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch {
    return "missing";
  }
  if (stat.isSymbolicLink()) return "symlink";
  if (stat.isDirectory()) return "directory";
  if (stat.isFIFO()) return "fifo";
  return "file";
}

describe("a consumer claiming a folder full of bad input", () => {
  const project = suiteProject();
  let valid: string[] = [];
  let run: Finished;
  let target: { path: string; bytes: Buffer };

  beforeAll(async () => {
    const { root, paths } = project;
    const written = await runFixture("write-events.mjs", [root, "--count", "2"], { cwd: root });
    const [first, second] = tagged(written.stdout.split("\n"), "wrote");
    if (!first || !second) throw new Error("the writer wrote nothing");
    // The second event becomes the symlink's target, outside the bus.
    mkdirSync(join(root, "elsewhere"));
    const targetPath = join(root, "elsewhere", SYMLINKED);
    renameSync(join(paths.events, `${second}.json`), targetPath);
    const body = JSON.parse(readFileSync(targetPath, "utf8")) as Record<string, unknown>;
    writeFileSync(targetPath, JSON.stringify({ ...body, id: SYMLINKED.slice(0, -5) }));
    target = { path: targetPath, bytes: readFileSync(targetPath) };
    symlinkSync(targetPath, join(paths.events, SYMLINKED));

    for (const bad of BAD_INPUTS) bad.make(join(paths.events, bad.name));
    // Unknown types are delivered as generic events; an id may come from the file name alone.
    writeFileSync(join(paths.events, "deploy-note.json"), json({ type: "deploy-finished", timestamp: NOW }));
    valid = [first, "deploy-note"];

    run = await runFixture("claim-events.mjs", [root, "--consumer", CONSUMER, "--ack"], { cwd: root });
  });

  it.each(BAD_INPUTS)("moves $label to rejected/ as it was", (bad) => {
    expect(kindOf(join(project.paths.events, bad.name))).toBe("missing");
    expect(kindOf(join(project.paths.rejected, bad.name))).toBe(bad.kind);
  });

  it.each(BAD_INPUTS)("explains why it rejected $label in <name>.reason.json", (bad) => {
    const note = JSON.parse(
      readFileSync(join(project.paths.rejected, `${bad.name}.reason.json`), "utf8"),
    ) as RejectReason;
    expect(note.reason).toMatch(bad.reason);
    expect(note.by).toBe(CONSUMER);
    expect(Number.isNaN(Date.parse(note.at))).toBe(false);
  });

  it("reports every rejected file, and nothing valid among them", () => {
    expect(tagged(run.stdout.split("\n"), "rejected").sort()).toEqual(BAD_INPUTS.map((b) => b.name).sort());
  });

  it("carries on and delivers the valid events that sat among them", () => {
    expect(tagged(run.stdout.split("\n"), "claimed").sort()).toEqual([...valid].sort());
    expect(readdirSync(project.paths.delivered).sort()).toEqual(valid.map((id) => `${id}.json`).sort());
  });

  it("leaves nothing pending and nothing held", () => {
    const left = readdirSync(project.paths.events, { withFileTypes: true }).filter((e) => !e.isDirectory());
    expect(left.map((e) => e.name)).toEqual([]);
    expect(readdirSync(join(project.paths.claimed, CONSUMER))).toEqual([]);
  });

  it("never follows the symlink: its target stays where it was, byte for byte", () => {
    expect(lstatSync(target.path).isFile()).toBe(true);
    expect(readFileSync(target.path).equals(target.bytes)).toBe(true);
    expect(readdirSync(project.paths.delivered)).not.toContain(SYMLINKED);
  });

  it("moves the 5 MB file whole, without cutting it", () => {
    expect(lstatSync(join(project.paths.rejected, "huge.json")).size).toBe(5 * 1024 * 1024);
  });
});

describe("a file whose name is not valid UTF-8", () => {
  // readdir decodes such a name lossily (U+FFFD), and no file has the decoded name: a claim by
  // that name fails like a lost race, so the file must be handled by its raw bytes.
  // Linux only: macOS file systems refuse such names outright.
  it.runIf(process.platform === "linux")(
    "does not stay pending forever: it is rejected with a reason, and the valid event beside it delivered",
    async () => {
      const { root, paths } = tempProject();
      const written = await runFixture("write-events.mjs", [root, "--count", "1"], { cwd: root });
      const rawName = Buffer.concat([Buffer.from("bad-"), Buffer.from([0xff, 0xfe]), Buffer.from(".json")]);
      writeFileSync(
        Buffer.concat([Buffer.from(`${paths.events}/`), rawName]),
        json({ type: "notification", timestamp: NOW }),
      );

      const run = await runFixture("claim-events.mjs", [root, "--consumer", CONSUMER, "--ack"], { cwd: root });
      expect(tagged(run.stdout.split("\n"), "claimed")).toEqual(tagged(written.stdout.split("\n"), "wrote"));
      const stillPending = readdirSync(paths.events, { encoding: "buffer" }).filter((name) => name.equals(rawName));
      expect(stillPending).toHaveLength(0);
      const reasons = readdirSync(paths.rejected)
        .filter((name) => name.endsWith(".reason.json"))
        .map((name) => (JSON.parse(readFileSync(join(paths.rejected, name), "utf8")) as RejectReason).reason);
      expect(reasons).toEqual([expect.stringMatching(/name.*UTF-8|UTF-8.*name/i)]);
    },
  );
});

describe("a bus folder replaced by a symlink to a folder outside the bus", () => {
  // Housekeeping may refuse such a folder (even throw); it must never delete through it.
  function housekeepingOnce(paths: BusPaths): void {
    try {
      housekeeping(paths, sparkConfig());
    } catch {
      // Refusing is fine: what matters is below.
    }
  }

  function elsewhere(root: string, files: string[], ageMs: number): string {
    const dir = join(root, "elsewhere");
    mkdirSync(dir);
    for (const name of files) {
      writeFileSync(join(dir, name), "precious");
      ageFile(join(dir, name), ageMs);
    }
    return dir;
  }

  it("events/.tmp: sweeping leftovers never deletes the files it points at", () => {
    const { root, paths } = tempProject();
    const outside = elsewhere(root, ["thesis.md", "photo.jpg"], 60 * 60_000);
    mkdirSync(paths.events, { recursive: true });
    symlinkSync(outside, paths.tmp);
    housekeepingOnce(paths);
    expect(readdirSync(outside).sort()).toEqual(["photo.jpg", "thesis.md"]);
  });

  it("events/delivered: no event is claimed, and an ack never writes through it", () => {
    const { root, paths } = tempProject();
    ensureBusDirs(paths);
    const ctx = { environment: "test", host: "h", pid: 1 };
    const first = emitEvent(paths, { type: "notification", message: "one" }, ctx);
    emitEvent(paths, { type: "notification", message: "two" }, ctx);
    // One event is claimed while delivered/ is still a folder; then it becomes a link.
    expect(claimBatch(paths, CONSUMER, { maxEvents: 1 }).claimed.map((c) => c.event.id)).toEqual([first.id]);
    const outside = elsewhere(root, [], 0);
    rmSync(paths.delivered, { recursive: true });
    symlinkSync(outside, paths.delivered);
    expect(() => ackClaimed(paths, CONSUMER, [`${first.id}.json`])).toThrow(/symlink/);
    expect(() => claimBatch(paths, CONSUMER)).toThrow(/refuses .*delivered: it is a symlink/);
    expect(readdirSync(outside)).toEqual([]);
    expect(listClaimed(paths, CONSUMER)).toEqual([`${first.id}.json`]);
    expect(listPending(paths)).toHaveLength(1);
    // And nothing that sets up the bus accepts it either.
    expect(() => ensureBusDirs(paths, true)).toThrow(UnsafeFolderError);
  });

  it("events/delivered: retention never deletes the files it points at", () => {
    const { root, paths } = tempProject();
    const outside = elsewhere(root, ["2019-taxes.pdf", "notes.txt"], 30 * 24 * 60 * 60_000);
    mkdirSync(paths.events, { recursive: true });
    symlinkSync(outside, paths.delivered);
    housekeepingOnce(paths);
    expect(readdirSync(outside).sort()).toEqual(["2019-taxes.pdf", "notes.txt"]);
  });
});

describe("the watching consumer meeting bad input", () => {
  it("reports the bad files and keeps delivering, also events that arrive afterwards", async () => {
    const { root, paths } = tempProject();
    const before = await runFixture("write-events.mjs", [root, "--count", "1", "--writer", "before"], { cwd: root });
    writeFileSync(join(paths.events, "truncated.json"), '{"type":');
    writeFileSync(join(paths.events, "array.json"), "[]");
    symlinkSync(join(paths.events, "array.json"), join(paths.events, "link.json"));

    const consumer = startFixture("run-consumer.mjs", [root, "--consumer", "sidecar-watching", "--until", "2"], {
      cwd: root,
    });
    const first = tagged(before.stdout.split("\n"), "wrote");
    await waitFor(() => tagged(consumer.lines(), "delivered").length === 1, "the first valid event to be delivered");
    expect(tagged(consumer.lines(), "rejected").sort()).toEqual(["array.json", "link.json", "truncated.json"]);

    const after = await runFixture("write-events.mjs", [root, "--count", "1", "--writer", "after"], { cwd: root });
    const result = await consumer.exit;
    expect(result.code).toBe(0);
    expect(tagged(result.stdout.split("\n"), "delivered")).toEqual([
      ...first,
      ...tagged(after.stdout.split("\n"), "wrote"),
    ]);
    expect(tagged(result.stdout.split("\n"), "error")).toEqual([]);
  });
});
