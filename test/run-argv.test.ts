import { describe, expect, it } from "vitest";
import { CliError } from "../cli/_errors.js";
import { formatCommand, splitRunArgv } from "../cli/run/argv.js";

describe("splitRunArgv", () => {
  it("gives everything after the command to the child, flags included", () => {
    expect(splitRunArgv(["npm", "test", "--json", "--every", "5m"])).toEqual({
      options: { json: false, every: undefined, name: undefined },
      command: "npm",
      args: ["test", "--json", "--every", "5m"],
    });
  });

  it("reads manifest's options before the command, in both spellings", () => {
    expect(splitRunArgv(["--json", "--every", "30s", "--name=nightly", "node", "job.js"])).toEqual({
      options: { json: true, every: "30s", name: "nightly" },
      command: "node",
      args: ["job.js"],
    });
    expect(splitRunArgv(["--every=1h", "make"]).options.every).toBe("1h");
  });

  it("stops reading options at --", () => {
    expect(splitRunArgv(["--json", "--", "--weird-name", "--help"])).toMatchObject({
      options: { json: true },
      command: "--weird-name",
      args: ["--help"],
    });
  });

  it.each([
    [[], "needs a command"],
    [["--json"], "needs a command"],
    [["--every"], "--every needs a value"],
    [["--every", "", "ls"], "--every needs a value"],
    [["--verbose", "ls"], "Unknown option --verbose"],
    [["-x", "ls"], "Unknown option -x"],
  ])("rejects %j with a usage error", (argv, message) => {
    let error: unknown;
    try {
      splitRunArgv(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    expect((error as CliError).message).toContain(message);
    expect((error as CliError).next).toBeTruthy();
  });
});

describe("formatCommand", () => {
  it("quotes only the words a shell would split or expand", () => {
    expect(formatCommand(["node", "server.js", "--port=3000"])).toBe("node server.js --port=3000");
    expect(formatCommand(["node", "-e", "process.exit(3)"])).toBe("node -e 'process.exit(3)'");
    expect(formatCommand(["echo", "it's", ""])).toBe(`echo 'it'\\''s' ''`);
  });
});
