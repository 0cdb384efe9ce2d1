import { closeSync, readSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";
import { openRegularFile } from "../../bus/secure-fs.js";

/**
 * The last lines of a log, read from its end (a dev server's log can be large): at most
 * `maxBytes` are read, colours and other escapes are stripped. Opened like an event file: a
 * symlink is never followed and a FIFO never blocks the dashboard; either shows one line
 * that says why there is nothing to show.
 */
export function readLogTail(path: string, maxBytes = 64 * 1024, maxLines = 500): string[] {
  const opened = openRegularFile(path);
  if (!opened.ok) {
    if (opened.reason === "missing") return ["(this log is gone: `manifest run` keeps the newest logs only)"];
    if (opened.reason === "not-a-file")
      return ["(not shown: this log is not a regular file, and Spark never reads through a symlink or a FIFO)"];
    return [`(cannot read this log: ${opened.code})`];
  }
  const { fd, size } = opened;
  try {
    const start = Math.max(0, size - maxBytes);
    const buffer = Buffer.alloc(size - start);
    const read = readSync(fd, buffer, 0, buffer.length, start);
    const lines = stripVTControlCharacters(buffer.subarray(0, read).toString("utf8"))
      .replace(/\r\n?/g, "\n")
      .split("\n");
    // Reading from the middle of the file starts in the middle of a line: drop that part.
    if (start > 0) lines.shift();
    if (lines.at(-1) === "") lines.pop();
    return lines.slice(-maxLines);
  } finally {
    closeSync(fd);
  }
}
