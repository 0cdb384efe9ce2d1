import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { initResultSchema } from "../cli/schemas-setup.js";
import { manifest } from "./helpers/cli.js";
import { ask, eventsWhere } from "./helpers/framework-app.js";
import { collectOutput, finished, waitFor } from "./helpers/processes.js";
import { REPO, requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

const SERVER = `import express from "express";

const app = express();
const findUser = () => null;
app.get("/users/:id", (req, res) => res.json({ name: findUser(req.params.id).name }));
app.use((error, req, res, next) => {
  res.status(500).json({ error: "internal" });
});
const server = app.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
`;

/** A project as `npm install express manifest-spark` leaves it (the packages linked from here). */
function expressProject(): string {
  const { root } = tempProject({
    "package.json": JSON.stringify({
      name: "shop",
      type: "module",
      scripts: { start: "node server.js" },
      dependencies: { express: "^5.1.0", "manifest-spark": "^0.1.0" },
    }),
    "server.js": SERVER,
  });
  mkdirSync(join(root, "node_modules"));
  symlinkSync(join(REPO, "node_modules/express"), join(root, "node_modules/express"), "dir");
  symlinkSync(REPO, join(root, "node_modules/manifest-spark"), "dir");
  return root;
}

async function doctorFramework(root: string) {
  const result = await manifest(["doctor", "--json"], root);
  const doc = result.json<{ checks: Array<{ id: string; status: string; detail: string; next?: string }> }>();
  return doc.checks.find((c) => c.id === "framework");
}

describe("spark init and doctor with a framework", () => {
  it("Express: init prints the line, doctor warns, init --yes wires it, and the app's errors carry the route pattern", async () => {
    const root = expressProject();

    const first = initResultSchema.parse((await manifest(["spark", "init", "--json"], root)).json());
    const note = first.notes.find((n) => n.message.startsWith("Express app"));
    expect(note?.next).toContain('import { sparkErrorHandler } from "manifest-spark/express"');
    expect(note?.next).toContain("app.use(sparkErrorHandler())");
    expect(readFileSync(join(root, "server.js"), "utf8")).not.toContain("sparkErrorHandler");
    expect(await doctorFramework(root)).toMatchObject({ status: "warn", next: expect.stringContaining("--yes") });

    const wired = initResultSchema.parse((await manifest(["spark", "init", "--yes", "--json"], root)).json());
    expect(wired.changes.map((c) => [c.path, c.summary])).toEqual([
      ["server.js", "wired Spark's Express integration (line 8)"],
    ]);
    const source = readFileSync(join(root, "server.js"), "utf8").split("\n");
    expect(source.slice(0, 3)).toEqual([
      'import "manifest-spark/register";',
      'import express from "express";',
      'import { sparkErrorHandler } from "manifest-spark/express";',
    ]);
    expect(source[7]).toBe("app.use(sparkErrorHandler());");
    expect(source[8]).toBe("app.use((error, req, res, next) => {");
    expect(await doctorFramework(root)).toMatchObject({
      status: "ok",
      detail: "integration wired: Express (server.js)",
    });
    const again = initResultSchema.parse((await manifest(["spark", "init", "--yes", "--json"], root)).json());
    expect(again.changes).toEqual([]);

    // The wired app, run for real.
    const child = spawn(process.execPath, ["server.js"], {
      cwd: root,
      env: { ...process.env, SPARK_ENABLED: "", SPARK_ENV: "", NODE_ENV: "", SPARK_ROOT: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = collectOutput(child);
    try {
      const port = await waitFor(() => output.lines()[0] && JSON.parse(output.lines()[0] as string).port, "the app");
      expect((await ask(`http://127.0.0.1:${port}`, "/users/12", "r-12")).status).toBe(500);
      const [event] = await eventsWhere(root, (e) => e.type === "server-error", "of the app");
      expect(event).toMatchObject({ route: "GET /users/:id", traceId: "r-12", error: { name: "TypeError" } });
    } finally {
      child.kill();
      await finished(child, output);
    }
    // Six processes one after the other (five `manifest` runs and the app): on a loaded machine
    // each start costs seconds, so this scenario gets twice the default budget.
  }, 120_000);

  it("Next: init --yes creates instrumentation.ts with the hook, and doctor is satisfied", async () => {
    const { root } = tempProject({
      "package.json": JSON.stringify({ name: "web", dependencies: { next: "16.0.0", react: "19.0.0" } }),
      "tsconfig.json": "{}",
      "src/app/page.tsx": "export default function Page() { return null; }\n",
    });
    expect(await doctorFramework(root)).toMatchObject({ status: "warn" });
    const doc = initResultSchema.parse(
      (await manifest(["spark", "init", "--yes", "--json", "--no-entry"], root)).json(),
    );
    expect(doc.changes.find((c) => c.path === "src/instrumentation.ts")).toMatchObject({ action: "create" });
    expect(readFileSync(join(root, "src/instrumentation.ts"), "utf8")).toBe(
      'export { onRequestError } from "manifest-spark/next";\n',
    );
    expect(await doctorFramework(root)).toMatchObject({ status: "ok" });
  });
});
