import { describe, expect, it } from "vitest";
import { CliError } from "../cli/_errors.js";
import { ensureTools, installCommand, missingTools } from "../cli/_tools.js";

const only =
  (...installed: string[]) =>
  (name: string) =>
    installed.includes(name);

describe("optional tools", () => {
  it("finds the Pi SDK installed here (the clone's dev dependencies bring it)", () => {
    expect(missingTools(["pi", "dashboard"])).toEqual([]);
  });

  it("accepts either Pi line: 0.73 under @mariozechner, or 1.x under @earendil-works", () => {
    expect(missingTools(["pi"], only("@earendil-works/pi-coding-agent"))).toEqual([]);
    expect(missingTools(["pi"], only("@mariozechner/pi-coding-agent"))).toEqual(["pi"]);
  });

  it("names the missing package and the one command that adds it, with exit code 1", () => {
    let thrown: unknown;
    try {
      ensureTools("manifest sidecar", ["pi", "dashboard"], only("blessed"));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CliError);
    const error = thrown as CliError;
    expect(error.exitCode).toBe(1);
    expect(error.message).toContain("@mariozechner/pi-coding-agent@0.73.1");
    expect(error.message).not.toContain("blessed");
    expect(error.next).toBe(
      "Add it to the project: npm install -D @mariozechner/pi-coding-agent@0.73.1 @mariozechner/pi-ai@0.73.1",
    );
  });

  it("installs each package once however many tools need it", () => {
    expect(installCommand(["pi", "pi", "dashboard"])).toBe(
      "npm install -D @mariozechner/pi-coding-agent@0.73.1 @mariozechner/pi-ai@0.73.1 blessed@0.1.81",
    );
  });
});
