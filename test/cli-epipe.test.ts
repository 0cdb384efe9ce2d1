import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { CLEAN_ENV, CLI, manifest } from "./helpers/cli.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/**
 * Runs the CLI with a reader that leaves at once, as `| head -0` would: the read end of its
 * stdout is closed before it prints anything, so its first write meets EPIPE.
 */
function withReaderGone(args: string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...CLEAN_ENV } });
  child.stdout.destroy();
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

describe("a closed stdout (piping to head) ends the command quietly", () => {
  it("doctor, spark status, spark events and spark events show", async () => {
    const { root } = tempProject({ "package.json": '{"name":"x"}\n' });
    const emitted = await manifest(["spark", "emit", "deploy-finished", "--json"], root);
    const id = (emitted.json() as { id: string }).id;
    for (const args of [["doctor"], ["spark", "status"], ["spark", "events"], ["spark", "events", "show", id]]) {
      const { code, stderr } = await withReaderGone(args, root);
      expect(stderr, args.join(" ")).not.toMatch(/EPIPE|Error|at /);
      // Its own exit code: doctor finds problems in a bare folder (1), the others succeed (0).
      expect(code, args.join(" ")).toBe(args[0] === "doctor" ? 1 : 0);
    }
  });
});
