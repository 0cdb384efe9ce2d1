import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { stripVTControlCharacters } from "node:util";

/**
 * The last lines of a log, read from its end (a dev server's log can be large): at most
 * `maxBytes` are read, colours and other escapes are stripped.
 */
export function readLogTail(path: string, maxBytes = 64 * 1024, maxLines = 500): string[] {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
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
