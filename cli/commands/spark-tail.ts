import { defineCommand } from "citty";
import { entryWrittenAt, readRejectReason } from "../../bus/browse.js";
import { type BusScan, observeBus } from "../../bus/observe.js";
import { readEventFile } from "../../bus/read-event.js";
import { ensureBusDirs } from "../../bus/secure-fs.js";
import { jsonArg } from "../_args.js";
import { usageError } from "../_errors.js";
import { parseType } from "../_event-args.js";
import { formatTailRecord } from "../_event-style.js";
import { createOutput } from "../_output.js";
import { projectConfig } from "../_project.js";
import { watchStdoutReader } from "../_stdout-reader.js";
import { createTail, type TailRecord } from "../_tail-records.js";

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** `manifest spark tail [-n N] [--type t] [--json]`. */
export const tailCommand = defineCommand({
  meta: {
    name: "tail",
    description: "Follow the bus as events arrive and move on (like `tail -f`; never claims anything)",
  },
  args: {
    lines: { type: "string", alias: "n", default: "10", description: "Show the last N existing events first" },
    type: { type: "string", description: "Only events of this type, e.g. server-error" },
    ...jsonArg,
  },
  async run({ args }) {
    const lines = Number(args.lines);
    if (!/^\d+$/.test(String(args.lines)) || !Number.isSafeInteger(lines)) {
      throw usageError(
        `--lines must be a whole number, got "${args.lines}".`,
        "For example: -n 20, or -n 0 for new events only.",
      );
    }
    const type = parseType(args.type);
    const out = createOutput(Boolean(args.json));
    const { paths } = projectConfig();
    // Watching needs the folders; making empty ones is all an observer ever writes.
    ensureBusDirs(paths);

    const tail = createTail({
      lines,
      type,
      source: {
        read: (entry) => readEventFile(entry.path, entry.name),
        reason: (entry) => readRejectReason(paths, entry.name)?.reason,
        time: entryWrittenAt,
      },
    });
    // Room for the short id and a state tag after the line.
    const width = Math.max(60, (process.stdout.columns ?? 180) - 22);
    let stopped = false;
    const print = (record: TailRecord) => {
      if (out.json) out.record(record);
      else out.line(formatTailRecord(record, out.style, width));
    };
    const onScan = (scan: BusScan) => {
      for (const record of tail.scan(scan)) {
        if (stopped) return;
        print(record);
      }
    };

    return new Promise<number>((resolve) => {
      let observer: ReturnType<typeof observeBus> | undefined;
      let stopReader = () => {};
      const stop = () => {
        if (stopped) return;
        stopped = true;
        for (const signal of STOP_SIGNALS) process.off(signal, stop);
        stopReader();
        void (observer?.close() ?? Promise.resolve()).finally(() => resolve(0));
      };
      // The reader went away (`| head -1`): EPIPE is the normal end of a tail, not an error.
      process.stdout.on("error", stop);
      for (const signal of STOP_SIGNALS) process.on(signal, stop);
      stopReader = watchStdoutReader(stop);
      observer = observeBus(paths, onScan, {
        persistent: true,
        onError: (error) => out.note(`${out.style.yellow("!")} ${(error as Error)?.message ?? String(error)}`),
      });
      if (stopped) void observer.close();
    });
  },
});
