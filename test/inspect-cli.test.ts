import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

/** `manifest inspect list|add|remove` on a real `.spark/inspect.db` (better-sqlite3). */

beforeAll(requireBuild);

const inspect = (root: string, args: string[]) => manifest(["inspect", ...args], root, { SPARK_ROOT: root });
const sql = (db: string, query: string) => execFileSync("sqlite3", [db, query], { encoding: "utf8" }).trim();

describe("manifest inspect", () => {
  it("adds, updates, lists and removes rows without SQL, in a private WAL database", async () => {
    const { root, paths } = tempProject();
    const db = join(paths.spark, "inspect.db");
    const added = await inspect(root, ["add", "service", "api", "--port", "3000", "--kind", "web", "--json"]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.json()).toMatchObject({ ok: true, kind: "services", row: { name: "api", port: 3000, kind: "web" } });
    // Updating keeps the fields not given.
    await inspect(root, ["add", "services", "api", "--command", "npm run dev"]);
    await inspect(root, [
      "add",
      "integration",
      "stripe",
      "--provider",
      "stripe",
      "--secrets",
      "STRIPE_KEY, STRIPE_WEBHOOK",
    ]);
    await inspect(root, ["add", "asset", "uploads", "--location", "./uploads", "--kind", "directory"]);

    const listed = (await inspect(root, ["list", "--json"])).json<Record<string, Array<Record<string, unknown>>>>();
    expect(listed.services).toEqual([
      expect.objectContaining({ name: "api", port: 3000, kind: "web", command: "npm run dev" }),
    ]);
    expect(listed.integrations).toEqual([
      expect.objectContaining({ name: "stripe", provider: "stripe", secrets: ["STRIPE_KEY", "STRIPE_WEBHOOK"] }),
    ]);
    expect(listed.assets).toEqual([expect.objectContaining({ name: "uploads", location: "./uploads" })]);
    const human = await inspect(root, ["list"]);
    expect(human.stdout).toContain("api  (kind web; port 3000; command npm run dev)");

    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(sql(db, "PRAGMA journal_mode;")).toBe("wal");
    expect(sql(db, "SELECT secrets FROM integrations WHERE name = 'stripe';")).toBe('["STRIPE_KEY","STRIPE_WEBHOOK"]');

    const removed = await inspect(root, ["remove", "service", "api", "--json"]);
    expect(removed.json()).toMatchObject({ ok: true, removed: true });
    const again = await inspect(root, ["remove", "service", "api"]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('No service named "api" is registered');
    expect(again.stderr).toContain("manifest inspect list");
  });

  it("says a database that is not one is not, and leaves it where it is", async () => {
    const { root, paths } = tempProject();
    const db = join(paths.spark, "inspect.db");
    mkdirSync(paths.spark, { recursive: true });
    const junk = `${"not a database, only text. ".repeat(8)}\n`;
    writeFileSync(db, junk);
    const listed = await inspect(root, ["list", "--json"]);
    expect(listed.code).toBe(1);
    expect(listed.json()).toMatchObject({ ok: false, error: { code: "E_INSPECT_DB" } });
    expect(listed.stderr).toContain(`${db} is not a readable SQLite database`);
    expect(listed.stderr).toContain(`mv ${db} ${db}.bad`);
    expect(readFileSync(db, "utf8")).toBe(junk);
  });

  it("refuses a secret's value where its name belongs, and keeps it off the disk", async () => {
    const { root, paths } = tempProject();
    const value = "sk_live_51HqLyjWDarjtT1zdp7dcXYZabcdefghijkl";
    const result = await inspect(root, ["add", "integration", "stripe", "--secrets", value]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("never their values");
    expect(result.stderr + result.stdout).not.toContain(value);
    const file = join(paths.spark, "inspect.db");
    const onDisk = (() => {
      try {
        return readFileSync(file, "latin1");
      } catch {
        return "";
      }
    })();
    expect(onDisk).not.toContain(value);
  });

  it("names the kinds and the columns a kind takes when asked for another", async () => {
    const { root } = tempProject();
    const kind = await inspect(root, ["add", "database", "main"]);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("Use service, integration or asset");
    const column = await inspect(root, ["add", "asset", "logo", "--port", "80"]);
    expect(column.code).toBe(2);
    expect(column.stderr).toContain("--port is not something assets have");
    expect(column.stderr).toContain("--location");
  });
});
