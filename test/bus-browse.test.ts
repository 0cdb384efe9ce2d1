import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type BusEntry,
  entryWrittenAt,
  listEntries,
  matchEntries,
  readRejectReason,
  shortId,
  typeFromName,
} from "../bus/browse.js";
import { deleteEntry, PURGEABLE_BY_DEFAULT, selectForPurge } from "../bus/purge.js";
import { REASON_SUFFIX, rejectFile } from "../bus/reject.js";
import { originalName, requeueEntry } from "../bus/requeue.js";
import { busScene, dropInvalid, emitNamed, rejectByClaim, serverErrorInput } from "./helpers/bus-scene.js";
import { tempProject } from "./helpers/temp-project.js";

const byName = (entries: readonly BusEntry[], name: string) => {
  const found = entries.find((e) => e.name === name);
  if (!found) throw new Error(`${name} not listed`);
  return found;
};

describe("listEntries", () => {
  it("lists every state, with the claiming consumer, and nothing that is not an event", () => {
    const { paths } = tempProject();
    const scene = busScene(paths);
    writeFileSync(join(paths.delivered, ".staged.tmp"), "x");
    const entries = listEntries(paths);
    expect(entries.map((e) => [e.state, e.name])).toEqual([
      ["pending", scene.pending],
      ["claimed", scene.claimed],
      ["delivered", scene.delivered],
      ["rejected", scene.rejected],
      ["expired", scene.expired],
    ]);
    expect(byName(entries, scene.claimed)).toMatchObject({
      consumer: "consumer-a",
      path: join(paths.claimed, "consumer-a", scene.claimed),
    });
    expect(byName(entries, scene.pending).id).toBe(scene.pending.slice(0, -5));
    expect(listEntries(paths, ["rejected", "expired"]).map((e) => e.name)).toEqual([scene.rejected, scene.expired]);
  });

  it("is empty for a project without a bus", () => {
    const { paths } = tempProject();
    expect(listEntries(paths)).toEqual([]);
  });

  it("keeps foreign names whole as ids, and times them by mtime", () => {
    const { paths } = tempProject();
    emitNamed(paths, { type: "notification", message: "x" });
    writeFileSync(join(paths.events, "notes.txt"), "hello");
    const foreign = byName(listEntries(paths), "notes.txt");
    expect(foreign.id).toBe("notes.txt");
    expect(typeFromName(foreign)).toBeUndefined();
    expect(shortId(foreign)).toBe("notes.txt");
    expect(entryWrittenAt(foreign)).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe("readRejectReason", () => {
  it("reads the note beside a rejected file, and nothing before it is written", () => {
    const { paths } = tempProject();
    const name = dropInvalid(paths);
    rejectByClaim(paths, name);
    expect(readRejectReason(paths, name)).toMatchObject({
      reason: expect.stringContaining("invalid JSON"),
      by: "consumer-reject",
    });
    expect(readRejectReason(paths, "nope.json")).toBeUndefined();
  });
});

describe("matchEntries", () => {
  const entries = [
    { id: "1795000000001-000001-server-error-1-aaaa1111", name: "1795000000001-000001-server-error-1-aaaa1111.json" },
    { id: "1795000000002-000002-server-error-1-bbbb2222", name: "1795000000002-000002-server-error-1-bbbb2222.json" },
    { id: "notes.txt", name: "notes.txt" },
  ];

  it("finds by exact id, file name or path, by prefix and by the short tail", () => {
    expect(matchEntries(entries, entries[0]?.id ?? "")).toEqual([entries[0]]);
    expect(matchEntries(entries, `/x/y/${entries[1]?.name}`)).toEqual([entries[1]]);
    expect(matchEntries(entries, "1795000000002")).toEqual([entries[1]]);
    expect(matchEntries(entries, "aaaa1111")).toEqual([entries[0]]);
    expect(matchEntries(entries, "notes")).toEqual([entries[2]]);
  });

  it("returns every candidate for an ambiguous query, and none for an empty one", () => {
    expect(matchEntries(entries, "1795")).toHaveLength(2);
    expect(matchEntries(entries, "  ")).toEqual([]);
  });
});

describe("requeueEntry", () => {
  it("puts an expired event back in events/ under the same name", () => {
    const { paths } = tempProject();
    const scene = busScene(paths);
    const before = readFileSync(join(paths.expired, scene.expired));
    const result = requeueEntry(paths, byName(listEntries(paths), scene.expired));
    expect(result).toEqual({ ok: true, name: scene.expired });
    expect(readFileSync(join(paths.events, scene.expired)).equals(before)).toBe(true);
    expect(existsSync(join(paths.expired, scene.expired))).toBe(false);
  });

  it("refuses a rejected file that would be rejected again, with the current reason", () => {
    const { paths } = tempProject();
    const scene = busScene(paths);
    const result = requeueEntry(paths, byName(listEntries(paths), scene.rejected));
    expect(result).toMatchObject({ ok: false, kind: "invalid", reason: expect.stringContaining("invalid JSON") });
    expect(existsSync(join(paths.rejected, scene.rejected))).toBe(true);
    expect(existsSync(join(paths.rejected, `${scene.rejected}${REASON_SUFFIX}`))).toBe(true);
  });

  it("requeues a fixed rejected file and removes its reason note; --force requeues a broken one", () => {
    const { paths } = tempProject();
    const name = dropInvalid(paths, JSON.stringify({ type: "server-error", timestamp: new Date().toISOString() }));
    expect(rejectByClaim(paths, name)).toContain("error events need an `error` object");
    writeFileSync(
      join(paths.rejected, name),
      JSON.stringify({ type: "server-error", timestamp: new Date().toISOString(), error: { message: "fixed" } }),
    );
    expect(requeueEntry(paths, byName(listEntries(paths), name))).toEqual({ ok: true, name });
    expect(existsSync(join(paths.events, name))).toBe(true);
    expect(existsSync(join(paths.rejected, `${name}${REASON_SUFFIX}`))).toBe(false);

    const broken = dropInvalid(paths);
    rejectByClaim(paths, broken);
    expect(requeueEntry(paths, byName(listEntries(paths), broken), { force: true })).toEqual({
      ok: true,
      name: broken,
    });
    expect(readFileSync(join(paths.events, broken), "utf8")).toBe("{not json");
  });

  it("restores the name a clash in rejected/ changed, and never replaces a pending file", () => {
    const { paths } = tempProject();
    const name = emitNamed(paths, serverErrorInput());
    const copy = readFileSync(join(paths.events, name));
    rejectFile(paths, join(paths.events, name), name, "test", "test");
    writeFileSync(join(paths.events, name), copy);
    rejectFile(paths, join(paths.events, name), name, "test", "test");
    const clashed = listEntries(paths, ["rejected"]).find((e) => e.name !== name) as BusEntry;
    expect(originalName(clashed.name)).toBe(name);

    expect(requeueEntry(paths, byName(listEntries(paths), name))).toEqual({ ok: true, name });
    expect(requeueEntry(paths, clashed)).toMatchObject({ ok: false, kind: "exists" });
    expect(existsSync(clashed.path)).toBe(true);
  });

  it("requeues rejected, expired or delivered entries (a second look), never a claimed one, and says when the file is gone", () => {
    const { paths } = tempProject();
    const scene = busScene(paths);
    const entries = listEntries(paths);
    expect(requeueEntry(paths, byName(entries, scene.claimed))).toMatchObject({ ok: false, kind: "state" });
    expect(requeueEntry(paths, byName(entries, scene.delivered))).toMatchObject({ ok: true });
    expect(readdirSync(paths.events)).toContain(scene.delivered);
    const expired = byName(entries, scene.expired);
    requeueEntry(paths, expired);
    expect(requeueEntry(paths, expired)).toMatchObject({ ok: false, kind: "gone" });
  });
});

describe("originalName", () => {
  it("strips only the clash suffix of a .json name", () => {
    expect(originalName("a.json.0f0f0f")).toBe("a.json");
    expect(originalName("a.json")).toBe("a.json");
    expect(originalName("a.txt.0f0f0f")).toBe("a.txt.0f0f0f");
    expect(originalName("a.json.zzzzzz")).toBe("a.json.zzzzzz");
  });
});

describe("selectForPurge and deleteEntry", () => {
  it("selects history by default, never pending or claimed, and by age when asked", () => {
    const { paths } = tempProject();
    const scene = busScene(paths);
    const entries = listEntries(paths);
    const names = (list: readonly BusEntry[]) => list.map((e) => e.name).sort();
    expect(names(selectForPurge(entries, { states: PURGEABLE_BY_DEFAULT }))).toEqual(
      [scene.delivered, scene.rejected, scene.expired].sort(),
    );
    expect(names(selectForPurge(entries, { states: PURGEABLE_BY_DEFAULT, olderThanMs: 5 * 60_000 }))).toEqual([
      scene.expired,
    ]);
    expect(names(selectForPurge(entries, { states: ["pending"] }))).toEqual([scene.pending]);
  });

  it("deletes files, folders and links without following them, and a rejected file's note", () => {
    const { paths, root } = tempProject();
    const scene = busScene(paths);
    mkdirSync(join(paths.rejected, "a-folder.json"));
    writeFileSync(join(root, "precious"), "keep me");
    symlinkSync(join(root, "precious"), join(paths.expired, "link.json"));
    for (const entry of listEntries(paths, ["rejected", "expired"])) expect(deleteEntry(paths, entry)).toBe(true);
    expect(listEntries(paths, ["rejected", "expired"])).toEqual([]);
    expect(existsSync(join(paths.rejected, `${scene.rejected}${REASON_SUFFIX}`))).toBe(false);
    expect(readFileSync(join(root, "precious"), "utf8")).toBe("keep me");
    expect(deleteEntry(paths, byName(listEntries(paths), scene.delivered))).toBe(true);
    // A bus folder replaced by a symlink to a person's folder: listed through, never deleted through.
    rmSync(paths.delivered, { recursive: true });
    mkdirSync(join(root, "mine"));
    writeFileSync(join(root, "mine", "notes.json"), "{}");
    symlinkSync(join(root, "mine"), paths.delivered);
    const foreign = byName(listEntries(paths), "notes.json");
    expect(deleteEntry(paths, foreign)).toBe(false);
    expect(readFileSync(join(root, "mine", "notes.json"), "utf8")).toBe("{}");
    expect(
      deleteEntry(paths, {
        name: "gone.json",
        id: "gone",
        state: "delivered",
        path: join(paths.delivered, "gone.json"),
      }),
    ).toBe(false);
  });
});
