import { describe, expect, it } from "vitest";
import {
  escapeArg,
  escapeFormat,
  layoutFor,
  newSessionArgs,
  paneEnvironment,
  paneOptionArgs,
  respawnArgs,
  SMALL_LAYOUT,
  sessionRootArgs,
  splitArgs,
  startArgs,
  statusArgs,
  WIDE_LAYOUT,
} from "../cli/up/layout.js";
import type { PanePlan } from "../cli/up/panes.js";

const plan: PanePlan = {
  role: "app",
  label: "app: npm run dev",
  command: "npm run dev",
  start: { shell: "npm run dev" },
  notice: undefined,
};

describe("tmux argument escapes", () => {
  it("keeps a trailing ; literal (tmux would end the command there)", () => {
    expect(escapeArg("echo hi;")).toBe("echo hi\\;");
    expect(escapeArg(";")).toBe("\\;");
    expect(escapeArg("a\\;")).toBe("a\\\\;");
    expect(escapeArg("a;b")).toBe("a;b");
  });

  it("doubles # in start directories (tmux expands formats there)", () => {
    expect(escapeFormat("/home/ada/proj#S")).toBe("/home/ada/proj##S");
  });
});

describe("startArgs", () => {
  it("passes argv words after --, so tmux runs them without a shell", () => {
    expect(startArgs({ argv: ["/usr/bin/node", "/cli.js", "sidecar"] })).toEqual([
      "--",
      "/usr/bin/node",
      "/cli.js",
      "sidecar",
    ]);
  });

  it("passes a user's line as one argument, which tmux gives to the shell", () => {
    expect(startArgs({ shell: "npm run dev && echo done;" })).toEqual(["--", "npm run dev && echo done\\;"]);
  });
});

describe("paneEnvironment", () => {
  it("passes PATH, NODE_ENV and the Spark and Pi settings, not secrets or the rest", () => {
    const env = {
      PATH: "/bin",
      NODE_ENV: "development",
      SPARK_ENV: "staging",
      PI_CODING_AGENT_DIR: "/pi",
      OPENAI_API_KEY: "sk-secret",
      HOME: "/home/ada",
      SPARKLE: "no",
    };
    expect(paneEnvironment(env)).toEqual([
      ["NODE_ENV", "development"],
      ["PATH", "/bin"],
      ["PI_CODING_AGENT_DIR", "/pi"],
      ["SPARK_ENV", "staging"],
    ]);
  });
});

describe("the session's commands", () => {
  it("creates a detached session holding a placeholder, and prints its ids", () => {
    const args = newSessionArgs("shop", "/home/ada/shop#1", "/usr/bin/node");
    expect(args.slice(0, 8)).toEqual(["new-session", "-d", "-s", "shop", "-n", "spark", "-c", "/home/ada/shop##1"]);
    expect(args).toContain("#{session_id}\t#{pane_id}\t#{socket_path}");
    expect(args.slice(-4, -1)).toEqual(["--", "/usr/bin/node", "-e"]);
  });

  it("sizes the new session to the terminal that will show it, when known", () => {
    const args = newSessionArgs("shop", "/p", "/usr/bin/node", { width: 200, height: 50 });
    expect(args.slice(6, 10)).toEqual(["-x", "200", "-y", "50"]);
  });

  it("on a roomy screen lays out pi left (60%), the sidecar top right, the app below it, and the relay (with a hub) below that", () => {
    expect(layoutFor({ width: 160, height: 48 })).toBe(WIDE_LAYOUT);
    expect(WIDE_LAYOUT).toEqual([
      { role: "human" },
      { role: "sidecar", split: { from: "human", flag: "-h", size: "40%" } },
      { role: "app", split: { from: "sidecar", flag: "-v", size: "50%" } },
      { role: "relay", split: { from: "app", flag: "-v", size: "30%" } },
    ]);
    const split = WIDE_LAYOUT[1]?.split;
    if (!split) throw new Error("no split");
    expect(splitArgs("%0", split, "/p", "/usr/bin/node").slice(0, 11)).toEqual([
      "split-window",
      "-h",
      "-l",
      "40%",
      "-t",
      "%0",
      "-c",
      "/p",
      "-P",
      "-F",
      "#{pane_id}",
    ]);
  });

  it("on a small screen (or an unknown one: tmux makes 80×24) puts pi and the dashboard side by side over the app", () => {
    expect(layoutFor({ width: 80, height: 24 })).toBe(SMALL_LAYOUT);
    expect(layoutFor({ width: 200, height: 30 })).toBe(SMALL_LAYOUT);
    expect(layoutFor(undefined)).toBe(SMALL_LAYOUT);
    expect(SMALL_LAYOUT).toEqual([
      { role: "human" },
      { role: "app", split: { from: "human", flag: "-v", size: "25%" } },
      { role: "sidecar", split: { from: "human", flag: "-h", size: "50%" } },
      { role: "relay", split: { from: "app", flag: "-h", size: "40%" } },
    ]);
  });

  it("gives the status bar room for the whole session name", () => {
    expect(statusArgs("$1", "spark-demo-Ab12Cd")).toEqual(["set-option", "-t", "$1", "status-left-length", "20"]);
  });

  it("marks the session with the project and each pane with its role", () => {
    expect(sessionRootArgs("$2", "/p")).toEqual(["set-option", "-t", "$2", "@spark_root", "/p"]);
    expect(paneOptionArgs("%2", { ...plan, notice: "no dev" })).toEqual([
      ["set-option", "-p", "-t", "%2", "@spark_role", "app"],
      ["set-option", "-p", "-t", "%2", "@spark_label", "app: npm run dev"],
      ["set-option", "-p", "-t", "%2", "@spark_notice", "1"],
    ]);
  });

  it("respawns a pane with its command, in the project, with the environment", () => {
    expect(respawnArgs("%2", "/p", plan, [["PATH", "/bin"]])).toEqual([
      "respawn-pane",
      "-k",
      "-t",
      "%2",
      "-c",
      "/p",
      "-e",
      "PATH=/bin",
      "--",
      "npm run dev",
    ]);
  });
});
