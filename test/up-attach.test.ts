import { describe, expect, it } from "vitest";
import { type AttachFacts, attachHint, attachMode } from "../cli/up/attach.js";

const terminal: AttachFacts = {
  detach: false,
  json: false,
  stdinTTY: true,
  stdoutTTY: true,
  tmuxEnv: undefined,
  socketChosen: false,
  serverSocket: "/tmp/tmux-1000/default",
};

describe("attachMode", () => {
  it("attaches a terminal outside tmux", () => {
    expect(attachMode(terminal)).toEqual({ mode: "attach" });
  });

  it("switches the client inside tmux instead of nesting", () => {
    const inside = { ...terminal, tmuxEnv: "/tmp/tmux-1000/default,123,0" };
    expect(attachMode(inside)).toEqual({ mode: "switch" });
    expect(attachMode({ ...inside, socketChosen: true })).toEqual({ mode: "switch" });
  });

  it("does not switch a client of another tmux server", () => {
    const other = {
      ...terminal,
      tmuxEnv: "/tmp/tmux-1000/default,123,0",
      socketChosen: true,
      serverSocket: "/tmp/tmux-1000/t",
    };
    expect(attachMode(other)).toEqual({ mode: "none", why: "this terminal is in another tmux server" });
  });

  it("never attaches or switches with --detach, with --json, or without a terminal", () => {
    expect(attachMode({ ...terminal, detach: true })).toEqual({ mode: "none", why: "--detach" });
    expect(attachMode({ ...terminal, stdinTTY: false })).toEqual({ mode: "none", why: "no terminal" });
    expect(attachMode({ ...terminal, stdoutTTY: false })).toEqual({ mode: "none", why: "no terminal" });
    expect(attachMode({ ...terminal, json: true })).toEqual({ mode: "none", why: "--json" });
    const inside = { ...terminal, tmuxEnv: "/tmp/tmux-1000/default,123,0" };
    expect(attachMode({ ...inside, json: true })).toEqual({ mode: "none", why: "--json" });
    expect(attachMode({ ...inside, stdoutTTY: false })).toEqual({ mode: "none", why: "no terminal" });
  });
});

describe("attachHint", () => {
  it("names the socket when one was chosen", () => {
    expect(attachHint([], "shop")).toBe("tmux attach -t shop");
    expect(attachHint(["-L", "spark-test"], "shop")).toBe("tmux -L spark-test attach -t shop");
    expect(attachHint(["-S", "/tmp/my sock"], "shop")).toBe("tmux -S '/tmp/my sock' attach -t shop");
  });
});
