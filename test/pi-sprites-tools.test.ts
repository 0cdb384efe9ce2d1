import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fauxAssistantMessage, fauxToolCall } from "@mariozechner/pi-ai";
import type { ExtensionUIContext } from "@mariozechner/pi-coding-agent";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decideApproval, listApprovals } from "../bus/approvals.js";
import { createSpritesExtension } from "../pi-extensions/sprites/index.js";
import { hostUiContext } from "../sidecar/host-ui.js";
import { type SpritesScene, spritesScene } from "./helpers/fake-sprites.js";
import { type FauxPiSession, startFauxPiSession } from "./helpers/faux-pi-session.mjs";
import { waitFor } from "./helpers/processes.js";
import { REPO } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

let scene: SpritesScene;
let home: string;
beforeAll(async () => {
  scene = await spritesScene();
  await scene.api.create("app");
  home = join(scene.fake.sprite("app")?.root ?? "", "home/sprite");
});
afterAll(async () => {
  await scene.fake.close();
});
const sessions: FauxPiSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

let n = 0;
/** A real Pi session with the Sprite tools, a scripted model making `calls`, then saying "done". */
async function session(
  calls: Array<[string, Record<string, unknown>]>,
  options: { level?: string; config?: string; ui?: ExtensionUIContext; root?: string } = {},
) {
  n++;
  const files: Record<string, string> = { "package.json": '{"name":"sprites-tools-test"}' };
  if (options.config) files["config/spark.ts"] = options.config;
  const root = options.root ?? tempProject(files).root;
  const pi = await startFauxPiSession({
    cwd: root,
    provider: `faux-sprites-${n}`,
    api: `faux-sprites-api-${n}`,
    responses: [
      ...calls.map(([name, args]) => fauxAssistantMessage(fauxToolCall(name, args))),
      fauxAssistantMessage("done"),
    ],
    extensionFactories: [createSpritesExtension({ level: options.level, connect: async () => scene.api })],
  });
  sessions.push(pi);
  if (options.ui) await pi.session.bindExtensions({ uiContext: options.ui });
  return pi;
}

function toolResults(pi: FauxPiSession): Array<{ tool: string; text: string; isError: boolean }> {
  return pi.session.messages.flatMap((m) => {
    const r = m as {
      role: string;
      toolName?: string;
      isError?: boolean;
      content?: Array<{ type: string; text?: string }>;
    };
    if (r.role !== "toolResult") return [];
    return [
      {
        tool: r.toolName ?? "",
        text: (r.content ?? []).map((c) => c.text ?? "").join(""),
        isError: Boolean(r.isError),
      },
    ];
  });
}

describe("the Sprite tools in a real Pi session", () => {
  it("list, exec, write and read against the fake, output capped and secrets redacted", async () => {
    const pi = await session([
      ["sprite_list", {}],
      [
        "sprite_exec",
        { sprite: "app", command: "echo token=ghp_abcdefghijklmnopqrstuvwxyz0123456789; echo oops >&2; exit 3" },
      ],
      ["sprite_write", { sprite: "app", path: "/home/sprite/fix.txt", content: "fixed\n" }],
      ["sprite_read", { sprite: "app", path: "/home/sprite/fix.txt" }],
      ["sprite_exec", { sprite: "app", command: "head -c 100000 /dev/zero | tr '\\0' y" }],
    ]);
    await pi.session.prompt("look at my sprite");
    const [list, exec, write, read, big] = toolResults(pi);
    expect(list).toMatchObject({ tool: "sprite_list", isError: false });
    expect(list?.text).toMatch(/^app\t(cold|warm|running)\thttp:\/\/127\.0\.0\.1:\d+$/);
    expect(exec?.text).toContain("exit code: 3");
    expect(exec?.text).toContain("stderr:\noops");
    expect(exec?.text).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
    expect(exec?.text).toContain("[REDACTED]");
    expect(write).toMatchObject({ isError: false });
    expect(readFileSync(join(home, "fix.txt"), "utf8")).toBe("fixed\n");
    expect(read?.text).toBe("fixed\n");
    expect(big?.text).toContain("[… 83616 of 100000 bytes cut …]");
    expect(big?.text.length).toBeLessThan(17_000);
  });

  it("read-only (from the project's config) blocks exec and write but lets list and read through", async () => {
    const config = `export default { environment: "production", environments: { production: { tools: "read-only" } } };\n`;
    const pi = await session(
      [
        ["sprite_exec", { sprite: "app", command: "touch /home/sprite/should-not-exist" }],
        ["sprite_write", { sprite: "app", path: "/home/sprite/nope.txt", content: "x" }],
        ["sprite_read", { sprite: "app", path: "/home/sprite/fix.txt" }],
      ],
      { config },
    );
    await pi.session.prompt("try to change things");
    const [exec, write, read] = toolResults(pi);
    expect(exec).toMatchObject({ isError: true });
    expect(exec?.text).toContain('sprite_exec is blocked: Spark\'s tools level here is "read-only"');
    expect(write?.isError).toBe(true);
    expect(existsSync(join(home, "nope.txt"))).toBe(false);
    expect(read).toMatchObject({ isError: false, text: "fixed\n" });
    expect(scene.fake.requests.some((r) => r.url.includes("should-not-exist"))).toBe(false);
  });

  it("approve waits for a yes before exec runs, and a no blocks it", async () => {
    const questions: string[] = [];
    let answer: ((yes: boolean) => void) | undefined;
    const ui = hostUiContext({ status: () => {}, notify: () => {} });
    const asking = new Proxy(ui, {
      get: (target, name) =>
        name === "confirm"
          ? (title: string, message: string) => {
              questions.push(`${title} ${message}`);
              return new Promise<boolean>((resolve) => {
                answer = resolve;
              });
            }
          : target[name as keyof ExtensionUIContext],
    });
    const pi = await session(
      [
        ["sprite_exec", { sprite: "app", command: "echo approved-run > approved.txt" }],
        ["sprite_exec", { sprite: "app", command: "echo denied-run > denied.txt" }],
      ],
      { level: "approve", ui: asking },
    );
    const run = pi.session.prompt("do it");
    await waitFor(() => questions.length === 1, "the first question");
    expect(questions[0]).toContain('Run in Sprite "app": echo approved-run > approved.txt');
    expect(scene.fake.requests.some((r) => r.url.includes("approved-run"))).toBe(false);
    answer?.(true);
    await waitFor(() => questions.length === 2, "the second question");
    answer?.(false);
    await run;
    const [approved, denied] = toolResults(pi);
    expect(approved).toMatchObject({ isError: false });
    expect(readFileSync(join(home, "approved.txt"), "utf8")).toBe("approved-run\n");
    expect(denied?.isError).toBe(true);
    expect(denied?.text).toContain("sprite_exec was not approved");
    expect(existsSync(join(home, "denied.txt"))).toBe(false);
  });

  it("at approve with no screen, asks through the bus: the request waits in .spark/approvals (redacted) until a yes there", async () => {
    const { root, paths } = tempProject({ "package.json": '{"name":"sprites-approve"}' });
    const secret = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
    const pi = await session(
      [["sprite_exec", { sprite: "app", command: `echo ${secret} >/dev/null; echo bus-yes > bus.txt` }]],
      {
        level: "approve",
        root,
      },
    );
    const run = pi.session.prompt("do it");
    const [pending] = await waitFor(() => {
      const found = listApprovals(paths).filter((v) => v.state === "pending");
      return found.length > 0 ? found : undefined;
    }, "a pending approval on the bus");
    expect(pending?.request.tool).toBe("sprite_exec");
    expect(JSON.stringify(pending?.request)).not.toContain(secret);
    expect(existsSync(join(home, "bus.txt"))).toBe(false);
    expect(decideApproval(paths, pending?.request.id ?? "", "approve", "test (as the CLI)").ok).toBe(true);
    await run;
    expect(toolResults(pi)[0]).toMatchObject({ isError: false });
    expect(readFileSync(join(home, "bus.txt"), "utf8")).toBe("bus-yes\n");
  });

  it("an unknown tools level is treated as read-only", async () => {
    const pi = await session([["sprite_write", { sprite: "app", path: "/home/sprite/x.txt", content: "x" }]], {
      level: "something-new",
    });
    await pi.session.prompt("write");
    expect(toolResults(pi)[0]?.isError).toBe(true);
    expect(existsSync(join(home, "x.txt"))).toBe(false);
  });
});

describe("the built extension", () => {
  it("is listed in package.json's pi key and registers the four tools", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { pi: { extensions: string[] } };
    expect(pkg.pi.extensions).toContain("./dist/pi-extension-sprites.js");
    const built = (await import(join(REPO, "dist", "pi-extension-sprites.js"))) as {
      default: (pi: { registerTool(tool: { name: string }): void }) => void;
    };
    const names: string[] = [];
    built.default({ registerTool: (tool) => names.push(tool.name) });
    expect(names.sort()).toEqual(["sprite_exec", "sprite_list", "sprite_read", "sprite_write"]);
  });
});
