import { describe, expect, it } from "vitest";
import { type DesiredInputs, desiredState, secretDigest } from "../bootstrap/up/desired.js";
import { stepLine } from "../bootstrap/up/events.js";
import { nodeIsRecentEnough, parseFacts, splitSpec, toolsMissing } from "../bootstrap/up/facts.js";
import { STDERR_TAIL_BYTES, stderrTail } from "../bootstrap/up/failure.js";
import { versionMismatch } from "../bootstrap/up/readiness.js";
import { appSpec, bridgeSpec } from "../bootstrap/up/service-specs.js";
import { heldBack } from "../bootstrap/up/shipped.js";
import { layoutUndone, parseStamp } from "../bootstrap/up/stamp.js";
import { initChanges } from "../bootstrap/up/steps-files.js";
import { serviceAction } from "../bootstrap/up/steps-services.js";

const serviceInputs = {
  bridgePort: 8080,
  bridgeHost: "0.0.0.0",
  appPort: 3000,
  model: "anthropic/claude-sonnet-4-5",
  appCommand: "manifest run dev",
};

function inputs(change: (i: DesiredInputs) => void = () => {}): DesiredInputs {
  const i: DesiredInputs = {
    code: {
      tree: "tree-1",
      blobs: new Map([
        ["package.json", "b-pkg"],
        ["src/a.js", "b-a"],
      ]),
    },
    pkg: { version: "0.3.0", hash: "h1" },
    tools: ["@mariozechner/pi-coding-agent@0.73.1"],
    inspectSchema: 1,
    model: { model: "a/b", keyName: "K", keyDigest: secretDigest("key-1"), tokenDigest: secretDigest("tok-1") },
    services: { bridge: bridgeSpec(serviceInputs), app: appSpec(serviceInputs) },
  };
  change(i);
  return i;
}

/** The steps whose wanted hash differs between two inputs. */
function differing(a: DesiredInputs, b: DesiredInputs): string[] {
  const [x, y] = [desiredState(a), desiredState(b)];
  return (Object.keys(x) as Array<keyof typeof x>).filter((k) => x[k] !== y[k]);
}

describe("the desired state of a Sprite", () => {
  it("redoes only what an input feeds: a source file the code, a key the model and bridge, a package everything installed", () => {
    expect(differing(inputs(), inputs())).toEqual([]);
    expect(
      differing(
        inputs(),
        inputs((i) => {
          i.code = {
            tree: "tree-2",
            blobs: new Map([
              ["package.json", "b-pkg"],
              ["src/a.js", "b-a2"],
            ]),
          };
        }),
      ),
    ).toEqual(["code"]);
    expect(
      differing(
        inputs(),
        inputs((i) => {
          i.model.keyDigest = secretDigest("key-2");
        }),
      ),
    ).toEqual(["model", "bridge"]);
    expect(
      differing(
        inputs(),
        inputs((i) => {
          i.pkg.hash = "h2";
        }),
      ),
    ).toEqual(["package", "layout", "bridge", "app"]);
    // package.json is both a dependency list and a file init adjusts.
    expect(
      differing(
        inputs(),
        inputs((i) => {
          i.code = {
            tree: "tree-3",
            blobs: new Map([
              ["package.json", "b-pkg2"],
              ["src/a.js", "b-a"],
            ]),
          };
        }),
      ),
    ).toEqual(["code", "package", "layout", "bridge", "app"]);
    // A new inspect schema is made by the layout step alone.
    expect(
      differing(
        inputs(),
        inputs((i) => {
          i.inspectSchema = 2;
        }),
      ),
    ).toEqual(["layout"]);
  });

  it("keeps no secret's value, only a salted digest", () => {
    expect(secretDigest("sk-live-123")).not.toContain("sk-live");
    expect(secretDigest("a")).not.toBe(secretDigest("b"));
  });

  it("redoes the layout only when a file init adjusted arrives with other content", () => {
    const sent = new Map([
      ["server.mjs", "b1"],
      ["src/x.js", "b2"],
    ]);
    expect(layoutUndone({ "server.mjs": "b1" }, sent)).toBe(false);
    expect(layoutUndone({ "server.mjs": "b0" }, sent)).toBe(true);
    expect(layoutUndone({ "gone.js": "b9" }, sent)).toBe(true);
    expect(layoutUndone({}, sent)).toBe(false);
  });

  it("reads a stamp, or none from anything else (then every step is checked again)", () => {
    expect(parseStamp({ v: 1, updatedAt: "x", steps: { code: "t" } })?.layoutTouched).toEqual({});
    expect(parseStamp({ v: 2, updatedAt: "x", steps: {} })).toBeUndefined();
    expect(parseStamp("junk")).toBeUndefined();
  });
});

describe("the Sprite's facts", () => {
  it("parses the facts line, says no Node on 127, and refuses anything else", () => {
    const line = JSON.stringify({
      node: "v22.20.0",
      stamp: null,
      files: true,
      spark: "0.3.0",
      tools: { "@mariozechner/pi-coding-agent": "0.73.1", ws: null },
      bus: true,
      inspect: 1,
      models: false,
      bridgeEnv: "600",
    });
    expect(parseFacts(0, `npm notice\n${line}\n`)).toMatchObject({
      node: "v22.20.0",
      spark: "0.3.0",
      inspect: 1,
      bridgeEnv: "600",
    });
    expect(parseFacts(0, line.replace('"inspect":1', '"inspect":null'))?.inspect).toBeUndefined();
    expect(parseFacts(127, "")?.node).toBeUndefined();
    expect(parseFacts(1, line)).toBeUndefined();
    expect(parseFacts(0, "{}")).toBeUndefined();
  });

  it("needs Node 20.19 or newer", () => {
    expect(["v20.19.0", "v22.1.0", "24.0.0"].map(nodeIsRecentEnough)).toEqual([true, true, true]);
    expect(["v20.18.3", "v18.20.0", undefined, "junk"].map(nodeIsRecentEnough)).toEqual([false, false, false, false]);
  });

  it("finds the tools not installed at their pin", () => {
    expect(splitSpec("@mariozechner/pi-coding-agent@0.73.1")).toEqual({
      name: "@mariozechner/pi-coding-agent",
      version: "0.73.1",
    });
    const facts = { tools: { "@mariozechner/pi-coding-agent": "0.73.0", hono: "4.13.23", ws: null } };
    expect(toolsMissing(facts, ["@mariozechner/pi-coding-agent@0.73.1", "hono@4.13.23", "ws@8.23.0"])).toEqual([
      "@mariozechner/pi-coding-agent@0.73.1",
      "ws@8.23.0",
    ]);
  });
});

describe("the services", () => {
  it("runs the bridge as `manifest sidecar --web` on every interface behind its token, the app under `manifest run`", () => {
    const bridge = bridgeSpec(serviceInputs);
    expect([bridge.cmd, ...(bridge.args ?? [])].join(" ")).toBe(
      "node_modules/.bin/manifest sidecar --web --headless --proxy-app --host 0.0.0.0 --port 8080 --model anthropic/claude-sonnet-4-5",
    );
    expect(bridge).toMatchObject({ httpPort: 8080, envFiles: ["bridge.env"], dir: "/home/sprite/app" });
    expect(JSON.stringify(bridge)).not.toMatch(/TOKEN|KEY/);
    expect(appSpec(serviceInputs)).toMatchObject({ args: ["run", "dev"], env: { PORT: "3000" } });
    expect(appSpec({ ...serviceInputs, appCommand: "npm start" }).args).toEqual(["run", "npm", "start"]);
  });

  it("creates a changed or missing service, restarts a stopped one or one with new code, keeps the rest", () => {
    const running = { name: "app", status: "running" } as never;
    const stopped = { name: "app", status: "stopped" } as never;
    expect(serviceAction("h", "h", running, false)).toBe("keep");
    expect(serviceAction("h", "h", running, true)).toBe("restart");
    expect(serviceAction("h", "h", stopped, false)).toBe("restart");
    expect(serviceAction("old", "h", running, false)).toBe("create");
    expect(serviceAction("h", "h", undefined, false)).toBe("create");
  });

  it("takes a bridge on another version for not ready", () => {
    const state = { versions: { bridge: "0.2.0", pi: "0.73.1", busProtocol: 1 } };
    expect(versionMismatch(state, { bridge: "0.2.0", busProtocol: 1 })).toBeUndefined();
    expect(versionMismatch(state, { bridge: "0.3.0" })).toBe("it runs bridge 0.2.0; expected bridge 0.3.0");
    expect(versionMismatch({}, { bridge: "0.3.0" })).toBe("its state has no versions");
  });
});

describe("what travels and what is shown", () => {
  it("never sends env files, keys, installed packages or the local bus", () => {
    for (const path of [".env", "app/.env.local", "certs/server.key", "id_ed25519", ".npmrc", "node_modules/x/a.js"])
      expect(heldBack(path), path).toBeDefined();
    expect(heldBack(".spark/events/pending/x.json")).toBeDefined();
    expect(heldBack("src/environment.ts")).toBeUndefined();
    expect(heldBack("docs/keys.md")).toBeUndefined();
  });

  it("shows the last 2 KB of stderr with secrets redacted", () => {
    const tail = stderrTail(`${"x".repeat(5000)}\nfailed with token s3cret-token-value-123\n`, [
      "s3cret-token-value-123",
    ]);
    expect(tail.length).toBeLessThanOrEqual(STDERR_TAIL_BYTES);
    expect(tail).not.toContain("s3cret-token-value-123");
    expect(tail.endsWith("failed with token [REDACTED]")).toBe(true);
  });

  it("reads what spark init changed from its JSON, and a step's line with its time", () => {
    expect(initChanges('noise\n{"changed":true,"changes":[{"path":"server.mjs"},{"path":".gitignore"}]}\n')).toEqual([
      "server.mjs",
      ".gitignore",
    ]);
    expect(initChanges("no json")).toEqual([]);
    expect(stepLine({ type: "step", step: "code", status: "unchanged", ms: 1234, detail: "3 files" })).toBe(
      "code       1.23 s  unchanged (3 files)",
    );
  });
});
