import { describe, expect, it } from "vitest";
import { CliError } from "../cli/_errors.js";
import { findProjectSession, type SessionInfo } from "../cli/up/session.js";

const session = (id: string, name: string, root?: string): SessionInfo => ({ id, name, root, socketPath: "/s" });

describe("findProjectSession", () => {
  it("finds the session made for the project, whatever its name now", () => {
    const sessions = [session("$0", "other", "/elsewhere"), session("$1", "renamed", "/home/ada/shop")];
    expect(findProjectSession(sessions, "/home/ada/shop", "shop")?.id).toBe("$1");
  });

  it("finds nothing when no session has the project's root or name", () => {
    expect(findProjectSession([session("$0", "notes")], "/home/ada/shop", "shop")).toBeUndefined();
    expect(findProjectSession([], "/home/ada/shop", "shop")).toBeUndefined();
  });

  it("refuses a session of the same name that is not the project's", () => {
    const foreign = () => findProjectSession([session("$0", "shop")], "/home/ada/shop", "shop");
    expect(foreign).toThrow(CliError);
    expect(foreign).toThrow('A tmux session named "shop" already exists and is not a Spark session.');
    const otherProject = () => findProjectSession([session("$0", "shop", "/srv/shop")], "/home/ada/shop", "shop");
    expect(otherProject).toThrow("is Spark's session for /srv/shop");
    try {
      otherProject();
    } catch (error) {
      expect((error as CliError).code).toBe("E_SESSION_TAKEN");
      expect((error as CliError).next).toContain("up.session");
    }
  });
});
