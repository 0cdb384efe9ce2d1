import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REASON_SUFFIX } from "../bus/reject.js";
import {
  errorSchema,
  eventShowSchema,
  eventsListSchema,
  purgeResultSchema,
  requeueResultSchema,
} from "../cli/schemas.js";
import { busScene, dropInvalid, emitNamed, rejectByClaim } from "./helpers/bus-scene.js";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const id = (name: string) => name.slice(0, -".json".length);
const short = (name: string) => id(name).slice(-8);
const DAY = 86_400_000;

describe("manifest spark events list", () => {
  it("lists every state but delivered by default, newest first, each row matching the schema", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const result = await manifest(["spark", "events", "list", "--json"], root);
    expect(result.code).toBe(0);
    const doc = eventsListSchema.parse(result.json());
    expect(doc.states).toEqual(["pending", "claimed", "rejected", "expired"]);
    expect(doc.events.map((e) => [e.state, e.id])).toEqual([
      ["pending", id(scene.pending)],
      ["claimed", id(scene.claimed)],
      ["rejected", id(scene.rejected)],
      ["expired", id(scene.expired)],
    ]);
    expect(doc.events[0]).toMatchObject({
      type: "server-error",
      feature: "create-user",
      route: "POST /users",
      status: 500,
      message: "TypeError: Cannot read properties of undefined (reading 'name')",
      valid: true,
      reason: null,
      file: join(root, ".spark/events", scene.pending),
    });
    expect(doc.events[1]).toMatchObject({ consumer: "consumer-a", message: "build finished" });
    // Not JSON at all, yet listed: type and time from its name, reason from its note.
    expect(doc.events[2]).toMatchObject({ type: "unhandled-error", valid: false, message: null });
    expect(doc.events[2]?.reason).toMatch(/^invalid JSON/);
    expect(doc.events[2]?.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("lists what is asked: all states, one state, a type, a limit (with the total)", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const list = async (...args: string[]) =>
      eventsListSchema.parse((await manifest(["spark", "events", ...args, "--json"], root)).json());
    expect((await list("--state", "all")).events.map((e) => e.state)).toEqual([
      "pending",
      "claimed",
      "rejected",
      "delivered",
      "expired",
    ]);
    // `events` alone lists too, and its options come before any sub-command name.
    expect((await list("--state", "delivered")).events.map((e) => e.id)).toEqual([id(scene.delivered)]);
    expect((await list("--state", "all", "--type", "process-error")).events).toMatchObject([
      { command: "npm test", exitCode: 1 },
    ]);
    const limited = await list("list", "--state", "all", "--limit", "2");
    expect(limited.total).toBe(5);
    expect(limited.events.map((e) => e.id)).toEqual([id(scene.pending), id(scene.claimed)]);
  });

  it("prints a readable table with short ids, the same from `events` and `events list`", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const table = await manifest(["spark", "events"], root);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TIME\s+STATE\s+TYPE\s+WHERE\s+MESSAGE\s+ID$/);
    expect(lines).toHaveLength(5);
    expect(lines[1]).toMatch(/pending\s+server-error\s+create-user POST \/users 500\s+TypeError: Cannot read/);
    expect(lines[1]).toMatch(new RegExp(`${short(scene.pending)}$`));
    expect(lines[3]).toMatch(/rejected\s+unhandled-error\s+✖ invalid JSON/);
    expect((await manifest(["spark", "events", "list"], root)).stdout).toBe(table.stdout);
    const none = await manifest(["spark", "events", "--state", "pending", "--type", "agent-start"], root);
    expect(none.stdout).toContain("No agent-start events (pending).");
  });

  it("refuses an unknown state with exit 2, and still suggests the sub-command for a typo", async () => {
    const { root } = tempProject();
    const result = await manifest(["spark", "events", "--state", "done", "--json"], root);
    expect(result.code).toBe(2);
    expect(errorSchema.parse(result.json()).error.message).toContain('Unknown state "done"');
    const typo = await manifest(["spark", "events", "--state", "all", "shwo", "x"], root);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Did you mean `manifest spark events show`?");
  });
});

describe("manifest spark events show", () => {
  it("shows one event whole by unique prefix or short id, in both modes", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const prefix = id(scene.pending).slice(0, -4);
    const shown = await manifest(["spark", "events", "show", prefix, "--json"], root);
    expect(shown.code).toBe(0);
    const doc = eventShowSchema.parse(shown.json());
    expect(doc).toMatchObject({ id: id(scene.pending), state: "pending", valid: true, problem: null, raw: null });
    expect(doc.event).toEqual(JSON.parse(readFileSync(join(paths.events, scene.pending), "utf8")));

    const readable = await manifest(["spark", "events", "show", short(scene.pending)], root);
    expect(readable.stdout).toContain("a 500 in create-user  pending");
    expect(readable.stdout).toContain("Stack:\n  TypeError: Cannot read properties of undefined (reading 'name')");
    expect(readable.stdout).toContain('"password": "[REDACTED]"');
    expect(readable.stdout).not.toContain("hunter2");
  });

  it("shows a rejected file that is not JSON: its reason and its text", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const doc = eventShowSchema.parse(
      (await manifest(["spark", "events", "show", short(scene.rejected), "--json"], root)).json(),
    );
    expect(doc).toMatchObject({ state: "rejected", valid: false, event: null, raw: "{not json" });
    expect(doc.reason).toMatch(/^invalid JSON/);
    const readable = await manifest(["spark", "events", "show", short(scene.rejected)], root);
    expect(readable.stdout).toMatch(/rejected\s+invalid JSON/);
    expect(readable.stdout).toContain("File content:\n  {not json");
  });

  it("exits 2 listing the candidates for an ambiguous id, and when nothing matches", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const ambiguous = await manifest(["spark", "events", "show", id(scene.pending).slice(0, 3)], root);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toContain("matches 5 events");
    for (const name of Object.values(scene)) expect(ambiguous.stderr).toContain(id(name));
    expect(ambiguous.stderr).toContain("Give more of the id.");
    const missing = await manifest(["spark", "events", "show", "ffffffff", "--json"], root);
    expect(missing.code).toBe(2);
    expect(errorSchema.parse(missing.json()).error).toMatchObject({ code: "E_NOT_FOUND" });
  });
});

describe("manifest spark events requeue", () => {
  it("puts an expired event back in the queue under the same name", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const result = await manifest(["spark", "events", "requeue", short(scene.expired), "--json"], root);
    expect(result.code).toBe(0);
    expect(requeueResultSchema.parse(result.json())).toEqual({
      ok: true,
      requeued: [{ id: id(scene.expired), name: scene.expired, from: "expired" }],
      refused: [],
    });
    expect(existsSync(join(paths.events, scene.expired))).toBe(true);
    expect(readdirSync(paths.expired)).toEqual([]);
    // No sidecar runs and the event is ten minutes old: the user is told it would expire again.
    expect(result.stderr).toContain("older than events.expireMinutes (5)");
    const listed = eventsListSchema.parse(
      (await manifest(["spark", "events", "--state", "pending", "--json"], root)).json(),
    );
    expect(listed.events.map((e) => e.id)).toContain(id(scene.expired));
  });

  it("requeues a rejected file once it is fixed, and drops its reason note", async () => {
    const { root, paths } = tempProject();
    const name = dropInvalid(paths, JSON.stringify({ type: "server-error", timestamp: new Date().toISOString() }));
    rejectByClaim(paths, name);
    const refused = await manifest(["spark", "events", "requeue", short(name)], root);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${short(name)} stays rejected: schema:`);
    expect(refused.stdout).toContain("--force");
    expect(existsSync(join(paths.rejected, name))).toBe(true);

    const fixed = { type: "server-error", timestamp: new Date().toISOString(), error: { message: "fixed by hand" } };
    writeFileSync(join(paths.rejected, name), JSON.stringify(fixed));
    const requeued = await manifest(["spark", "events", "requeue", short(name)], root);
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toContain(`requeued ${short(name)} (was rejected, now pending)`);
    expect(existsSync(join(paths.events, name))).toBe(true);
    expect(existsSync(join(paths.rejected, `${name}${REASON_SUFFIX}`))).toBe(false);
  });

  it("refuses a still-invalid rejected file with its reason (exit 1) unless --force", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const refused = await manifest(["spark", "events", "requeue", "--all-rejected", "--json"], root);
    expect(refused.code).toBe(1);
    const doc = requeueResultSchema.parse(refused.json());
    expect(doc).toMatchObject({ ok: false, requeued: [], refused: [{ name: scene.rejected, state: "rejected" }] });
    expect(doc.refused[0]?.reason).toMatch(/^invalid JSON/);
    expect(existsSync(join(paths.rejected, scene.rejected))).toBe(true);

    const forced = await manifest(["spark", "events", "requeue", short(scene.rejected), "--force"], root);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(paths.events, scene.rejected), "utf8")).toBe("{not json");
  });

  it("moves nothing when one of the ids is unknown, and says what to give", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const result = await manifest(["spark", "events", "requeue", short(scene.expired), "ffffffff"], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No event matches "ffffffff"');
    expect(existsSync(join(paths.expired, scene.expired))).toBe(true);
    const bare = await manifest(["spark", "events", "requeue"], root);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("--all-rejected");
  });
});

describe("manifest spark events purge", () => {
  it("deletes delivered, rejected and expired files with --yes, never pending or claimed", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const result = await manifest(["spark", "events", "purge", "--yes", "--json"], root);
    expect(result.code).toBe(0);
    const doc = purgeResultSchema.parse(result.json());
    expect(doc.count).toBe(3);
    expect(doc.deleted.map((d) => d.name).sort()).toEqual([scene.delivered, scene.rejected, scene.expired].sort());
    expect(readdirSync(paths.delivered)).toEqual([]);
    expect(readdirSync(paths.rejected)).toEqual([]);
    expect(existsSync(join(paths.events, scene.pending))).toBe(true);
    expect(existsSync(join(paths.claimed, "consumer-a", scene.claimed))).toBe(true);
  });

  it("refuses without --yes when stdin is not a terminal (exit 1), deleting nothing", async () => {
    const { root, paths } = tempProject();
    const scene = busScene(paths);
    const result = await manifest(["spark", "events", "purge"], root, {}, "y\n");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Not deleting 3 files (1 delivered, 1 rejected, 1 expired) without confirmation");
    expect(result.stderr).toContain("Add --yes");
    expect(existsSync(join(paths.delivered, scene.delivered))).toBe(true);
  });

  it("deletes by age and, when named, pending events, printing what it deleted", async () => {
    const { root, paths } = tempProject();
    const old = emitNamed(paths, { type: "notification", message: "old" }, 8 * DAY);
    const recent = emitNamed(paths, { type: "notification", message: "recent" });
    const byAge = await manifest(
      ["spark", "events", "purge", "--state", "pending", "--older-than", "7d", "--yes"],
      root,
    );
    expect(byAge.code).toBe(0);
    expect(byAge.stdout).toContain(`deleted pending   ${id(old)}`);
    expect(byAge.stdout).toContain("Deleted 1 file.");
    expect(readdirSync(paths.events).filter((n) => n.endsWith(".json"))).toEqual([recent]);
    const nothing = await manifest(["spark", "events", "purge", "--yes"], root);
    expect(nothing.stdout).toContain("Nothing to purge");
  });
});
