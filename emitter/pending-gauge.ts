import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { PendingView } from "./budget.js";

/**
 * How full `events/` is, for the budget's caps: one `readdir` at most every `refreshMs` (files
 * this process writes meanwhile are added as they go), and each file's size read once.
 */
export class PendingGauge implements PendingView {
  private names = new Set<string>();
  private readonly sizes = new Map<string, number>();
  private bytes = 0;
  private lastRefresh = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly eventsDir: string,
    private readonly caps: { maxFiles: number; maxBytes: number },
    private readonly refreshMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  over(): boolean {
    this.maybeRefresh();
    const { maxFiles, maxBytes } = this.caps;
    return (maxFiles > 0 && this.names.size >= maxFiles) || (maxBytes > 0 && this.bytes >= maxBytes);
  }

  stillPending(name: string): boolean {
    this.maybeRefresh();
    return this.names.has(name);
  }

  wrote(name: string, bytes: number): void {
    if (this.names.has(name)) return;
    this.names.add(name);
    this.sizes.set(name, bytes);
    this.bytes += bytes;
  }

  private maybeRefresh(): void {
    const now = this.clock();
    if (now - this.lastRefresh < this.refreshMs) return;
    this.lastRefresh = now;
    let entries: string[];
    try {
      entries = readdirSync(this.eventsDir).filter((n) => n.endsWith(".json") && !n.startsWith("."));
    } catch {
      entries = [];
    }
    const names = new Set(entries);
    for (const known of this.sizes.keys()) if (!names.has(known)) this.sizes.delete(known);
    // Past the file cap the bytes do not matter: no need to look at every file.
    const sizeAll = this.caps.maxFiles === 0 || names.size < this.caps.maxFiles;
    let bytes = 0;
    for (const name of names) {
      let size = this.sizes.get(name);
      if (size === undefined && sizeAll) {
        try {
          size = lstatSync(join(this.eventsDir, name)).size;
        } catch {
          size = 0;
        }
        this.sizes.set(name, size);
      }
      bytes += size ?? 0;
    }
    this.names = names;
    this.bytes = bytes;
  }
}
