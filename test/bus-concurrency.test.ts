import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readEventFile } from "../bus/read-event.js";
import { pendingFiles } from "./helpers/bus-state.js";
import { type RunningFixture, runFixture, startFixture, tagged } from "./helpers/fixtures.js";
import { type Finished, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

beforeAll(requireBuild);

const WRITERS = 8;
const PER_WRITER = 1000;

/** Waits until every fixture has said `ready`, then releases them all at once. */
async function startTogether(fixtures: RunningFixture[]): Promise<Finished[]> {
  await waitFor(() => fixtures.every((f) => f.lines().includes("ready")), "every process to be ready");
  for (const fixture of fixtures) fixture.go();
  const results = await Promise.all(fixtures.map((f) => f.exit));
  for (const result of results) {
    if (result.code !== 0) throw new Error(`a fixture exited with ${result.code ?? result.signal}:\n${result.stderr}`);
  }
  return results;
}

describe(`${WRITERS} processes writing ${PER_WRITER} events each at once`, () => {
  const project = suiteProject();
  let reported: string[] = [];
  let files: string[] = [];
  let stderr = "";
  const seenDuringWrites = new Set<string>();
  const partialDuringWrites: string[] = [];

  beforeAll(async () => {
    const writers = Array.from({ length: WRITERS }, (_, i) =>
      startFixture(
        "write-events.mjs",
        [project.root, "--count", String(PER_WRITER), "--writer", `w${i}`, "--barrier"],
        {
          cwd: project.root,
        },
      ),
    );
    // A reader in this process scans events/ while the writers run, as a consumer would.
    let writing = true;
    const observer = (async () => {
      while (writing) {
        for (const name of existsSync(project.paths.events) ? pendingFiles(project.paths) : []) {
          if (seenDuringWrites.has(name)) continue;
          seenDuringWrites.add(name);
          const read = readEventFile(join(project.paths.events, name), name);
          if (!read.ok) partialDuringWrites.push(`${name}: ${read.missing ? "vanished" : read.reason}`);
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const results = await startTogether(writers).finally(() => {
      writing = false;
    });
    await observer;
    reported = results.flatMap((r) => tagged(r.stdout.split("\n"), "wrote"));
    stderr = results.map((r) => r.stderr).join("");
    files = pendingFiles(project.paths);
  });

  it("every writer finishes without an error", () => {
    expect(stderr).toBe("");
    expect(reported).toHaveLength(WRITERS * PER_WRITER);
  });

  it("gives every event its own name: no two writes collide", () => {
    expect(new Set(reported).size).toBe(WRITERS * PER_WRITER);
  });

  it("leaves every reported event in events/ exactly once, and nothing else", () => {
    expect(files).toEqual(reported.map((id) => `${id}.json`).sort());
  });

  it("leaves only whole files: every one parses, validates and carries its own name as id", () => {
    const broken = files.flatMap((name) => {
      const read = readEventFile(join(project.paths.events, name), name);
      if (!read.ok) return [`${name}: ${read.missing ? "missing" : read.reason}`];
      return read.event.id === name.slice(0, -".json".length) ? [] : [`${name}: id ${read.event.id}`];
    });
    expect(broken).toEqual([]);
  });

  it("shows a reader scanning during the writes only whole files", () => {
    expect(partialDuringWrites).toEqual([]);
  });

  it("keeps each writer's sequence 0…999 complete, every number exactly once", () => {
    const seqs = new Map<string, number[]>();
    for (const name of files) {
      const body = JSON.parse(readFileSync(join(project.paths.events, name), "utf8")) as {
        writer: string;
        seq: number;
      };
      seqs.set(body.writer, [...(seqs.get(body.writer) ?? []), body.seq]);
    }
    const expected = Array.from({ length: PER_WRITER }, (_, i) => i);
    expect([...seqs.keys()].sort()).toEqual(Array.from({ length: WRITERS }, (_, i) => `w${i}`).sort());
    for (const [writer, list] of seqs) {
      expect({ writer, seqs: list.sort((a, b) => a - b) }).toEqual({ writer, seqs: expected });
    }
  });

  it("leaves nothing staged in events/.tmp", () => {
    expect(readdirSync(project.paths.tmp)).toEqual([]);
  });
});

describe("two consumer processes claiming from the same folder at once", () => {
  const project = suiteProject();
  const EVENTS = 2000;
  let written: string[] = [];
  let claims: { a: string[]; b: string[] } = { a: [], b: [] };
  let lost: { a: string[]; b: string[] } = { a: [], b: [] };
  let rejected: string[] = [];

  beforeAll(async () => {
    const writer = await runFixture("write-events.mjs", [project.root, "--count", String(EVENTS)], {
      cwd: project.root,
    });
    written = tagged(writer.stdout.split("\n"), "wrote");
    // Small batches, both starting from the oldest file: they fight over the same names.
    const consumers = ["sidecar-a", "sidecar-b"].map((id) =>
      startFixture("claim-events.mjs", [project.root, "--consumer", id, "--batch", "10", "--ack", "--barrier"], {
        cwd: project.root,
      }),
    );
    const [a, b] = (await startTogether(consumers)).map((r) => r.stdout.split("\n"));
    claims = { a: tagged(a ?? [], "claimed"), b: tagged(b ?? [], "claimed") };
    lost = { a: tagged(a ?? [], "lost"), b: tagged(b ?? [], "lost") };
    rejected = [...tagged(a ?? [], "rejected"), ...tagged(b ?? [], "rejected")];
  });

  it("really races: both claim events, and each loses names it listed to the other", () => {
    // Without these, one consumer draining everything before the other starts would pass
    // every other check here without a single contested rename.
    expect(claims.a.length).toBeGreaterThan(0);
    expect(claims.b.length).toBeGreaterThan(0);
    expect(lost.a.length + lost.b.length).toBeGreaterThan(0);
    // A lost name went to the other consumer, never nowhere.
    const toOther = (mine: string[], theirs: string[]) =>
      mine.filter((n) => !theirs.includes(n.replace(/\.json$/, "")));
    expect({ a: toOther(lost.a, claims.b), b: toOther(lost.b, claims.a) }).toEqual({ a: [], b: [] });
  });

  it("claims every written event between them", () => {
    expect(written).toHaveLength(EVENTS);
    expect(new Set([...claims.a, ...claims.b])).toEqual(new Set(written));
  });

  it("never hands one event to both consumers, nor twice to one", () => {
    const both = claims.a.filter((id) => claims.b.includes(id));
    expect(both).toEqual([]);
    expect(claims.a.length + claims.b.length).toBe(EVENTS);
  });

  it("rejects nothing: losing a race is not an error", () => {
    expect(rejected).toEqual([]);
  });

  it("ends with every event delivered once, nothing pending and nothing held", () => {
    expect(readdirSync(project.paths.delivered).sort()).toEqual(written.map((id) => `${id}.json`).sort());
    expect(pendingFiles(project.paths)).toEqual([]);
    for (const owner of readdirSync(project.paths.claimed)) {
      expect({ owner, held: readdirSync(join(project.paths.claimed, owner)) }).toEqual({ owner, held: [] });
    }
  });
});
