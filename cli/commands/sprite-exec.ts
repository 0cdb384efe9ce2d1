import { defineCommand } from "citty";
import { jsonArg, withDetails } from "../_args.js";
import { EXIT, usageError } from "../_errors.js";
import { createOutput } from "../_output.js";
import { asCli, openSprites, spriteArg } from "../_sprites.js";
import { streamWriter } from "../_stream-writer.js";

/**
 * `manifest sprite exec <name> [--timeout s] [--retry] -- <cmd> [args…]`: the command's
 * words reach the Sprite as they are (no shell in between), its output streams live, its exit
 * code becomes ours, and Ctrl+C interrupts it there (SIGINT, then SIGKILL if it lingers).
 */
export const spriteExecCommand = defineCommand({
  meta: withDetails(
    { name: "exec", description: "Run a command in a Sprite: output live, its exit code passed through" },
    `Put the command after --: manifest sprite exec my-app -- npm test
Stdin is closed (the command sees end of input). Quiet commands are kept alive with a heartbeat.

Exec exit codes:
  N    the remote command's own exit code
  130  interrupted with Ctrl+C (the remote command got SIGINT)
  1    the Sprites API refused or failed, or the connection was lost (the message says which)
  2    usage error`,
  ),
  args: {
    name: { type: "positional", required: true, description: "The Sprite" },
    timeout: { type: "string", description: "Kill the command after this many seconds" },
    retry: {
      type: "boolean",
      description: "The command is safe to run twice: run it again if the connection drops before its exit code",
    },
    cwd: { type: "string", description: "Working directory in the Sprite (default its home)" },
    ...jsonArg,
  },
  async run({ args, rawArgs }) {
    const out = createOutput(Boolean(args.json));
    const dashDash = rawArgs.indexOf("--");
    const argv = dashDash === -1 ? [] : rawArgs.slice(dashDash + 1);
    if (argv.length === 0)
      throw usageError("No command to run.", "Put it after --: manifest sprite exec <name> -- <cmd> [args…]");
    const name = spriteArg(args.name);
    const timeoutMs = args.timeout ? Number(args.timeout) * 1000 : undefined;
    if (timeoutMs !== undefined && !(timeoutMs > 0))
      throw usageError(`--timeout ${args.timeout} is not a number of seconds.`, "For example: --timeout 300");
    const api = await openSprites("manifest sprite exec");

    const abort = new AbortController();
    const onSigint = () => {
      if (abort.signal.aborted) process.exit(EXIT.interrupted);
      out.note("Interrupting the command in the Sprite… (Ctrl+C again to leave it)");
      abort.abort();
    };
    process.on("SIGINT", onSigint);
    try {
      const stream = !args.json;
      const result = await asCli(() =>
        api.exec(name, argv, {
          cwd: args.cwd || undefined,
          timeoutMs,
          idempotent: Boolean(args.retry),
          signal: abort.signal,
          onStdout: stream ? streamWriter(process.stdout) : undefined,
          onStderr: stream ? streamWriter(process.stderr) : undefined,
        }),
      );
      const exitCode = result.interrupted ? EXIT.interrupted : result.exitCode;
      out.document({
        ok: exitCode === 0,
        exitCode,
        interrupted: result.interrupted,
        stdout: result.stdout.toString("utf8"),
        stderr: result.stderr.toString("utf8"),
        truncated: result.truncated,
      });
      return exitCode;
    } finally {
      process.off("SIGINT", onSigint);
    }
  },
});
