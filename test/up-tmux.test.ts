import { describe, expect, it } from "vitest";
import { isNoServer, parseTmuxVersion, socketArgs, TmuxCommandError, tmuxTooOld } from "../cli/up/tmux.js";

describe("socketArgs", () => {
  it("is empty for the default server", () => {
    expect(socketArgs(undefined)).toEqual([]);
    expect(socketArgs("")).toEqual([]);
  });

  it("names a server with -L, or gives a socket path with -S", () => {
    expect(socketArgs("spark-test")).toEqual(["-L", "spark-test"]);
    expect(socketArgs("/tmp/my.sock")).toEqual(["-S", "/tmp/my.sock"]);
  });
});

describe("tmux versions", () => {
  it("reads major and minor from tmux -V", () => {
    expect(parseTmuxVersion("tmux 3.3a")).toEqual({ major: 3, minor: 3 });
    expect(parseTmuxVersion("tmux next-3.5")).toEqual({ major: 3, minor: 5 });
    expect(parseTmuxVersion("tmux master")).toBeUndefined();
  });

  it("refuses what is older than 3.2 and lets unknown builds through", () => {
    expect(tmuxTooOld("tmux 2.9a")).toBe(true);
    expect(tmuxTooOld("tmux 3.1c")).toBe(true);
    expect(tmuxTooOld("tmux 3.2")).toBe(false);
    expect(tmuxTooOld("tmux 3.5a")).toBe(false);
    expect(tmuxTooOld("tmux master")).toBe(false);
  });
});

describe("isNoServer", () => {
  it("recognises the messages of a server that does not run", () => {
    expect(isNoServer(new TmuxCommandError(["list-sessions"], "no server running on /tmp/tmux-0/x\n"))).toBe(true);
    expect(
      isNoServer(
        new TmuxCommandError(["list-sessions"], "error connecting to /tmp/tmux-0/default (No such file or directory)"),
      ),
    ).toBe(true);
    expect(isNoServer(new TmuxCommandError(["list-sessions"], "unknown option -- Q"))).toBe(false);
    expect(isNoServer(new Error("no server running"))).toBe(false);
  });
});
