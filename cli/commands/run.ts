import { defineCommand } from "citty";
import { passthrough } from "../_args.js";
import { splitRunArgv } from "../run/argv.js";
import { runCommandLine } from "../run/runner.js";

/**
 * `manifest run [--every 5m] [--name n] [--json] <command> [args…]`. citty only renders the
 * help: the arguments are split by `splitRunArgv`, because everything after the command
 * belongs to the child (`manifest run npm test --json` hands `--json` to npm).
 */
export const runCommand = defineCommand({
  meta: passthrough({
    name: "run",
    description:
      "Run a command or a package.json script, its output shown live and logged (redacted) to .spark/logs; " +
      "a failure becomes a process-error event. Ctrl+C and SIGTERM go to the command.",
  }),
  args: {
    every: { type: "string", description: "Run it again on a schedule: 30s, 5m, 1h (runs never overlap)" },
    name: {
      type: "string",
      description: "Name of its logs (default: the command's basename or the script); the newest run.keepLogs are kept",
    },
    json: {
      type: "boolean",
      description: "Print one JSON document about the run(s) at the end; the command's stdout then goes to stderr",
    },
    command: {
      type: "positional",
      required: true,
      description: "The command, then its arguments, passed as they are (no shell)",
    },
  },
  run({ rawArgs }) {
    return runCommandLine(splitRunArgv(rawArgs));
  },
});
