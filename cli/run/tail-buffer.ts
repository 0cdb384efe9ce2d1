const NEWLINE = 0x0a;

/**
 * The last lines of a command's output, bounded in lines and in characters however much
 * output goes through: a 200 MB run keeps at most `maxLines` lines of at most `maxChars`
 * characters in all. Feed it whole lines where you can; a line without its newline yet
 * is kept as the open last line and continued by the next push.
 */
export class TailBuffer {
  private readonly lines: string[] = [];
  private chars = 0;
  /** The last line, not ended yet. */
  private open = "";
  /**
   * Bytes pushed but not decoded yet (copies: a caller may reuse its buffer). Decoding waits
   * until the tail is read, or until these outgrow `rawLimit`: on a long run most bytes
   * pushed are pushed out again before anyone reads them.
   */
  private raw: Buffer[] = [];
  private rawBytes = 0;
  private readonly rawLimit: number;

  constructor(
    readonly maxLines = 50,
    readonly maxChars = 16 * 1024,
  ) {
    // A character is at most 4 bytes: this much always holds what the budget can keep.
    this.rawLimit = 4 * maxChars + 2 * maxLines;
  }

  /** Adds output bytes (UTF-8). Only the part that can still matter is kept, and decoded once read. */
  pushBytes(bytes: Buffer): void {
    // The last `maxLines + 1` newlines bound everything that can survive this push.
    let start = bytes.length;
    for (let seen = 0; seen <= this.maxLines && start > 0; seen++) {
      const nl = bytes.lastIndexOf(NEWLINE, start - 1);
      if (nl === -1) {
        start = 0;
        break;
      }
      start = nl;
    }
    if (start > 0) {
      // Everything before is pushed out by what follows: drop what is kept now as well.
      this.reset();
      start++;
    }
    const kept = Buffer.from(bytes.subarray(start));
    this.raw.push(kept);
    this.rawBytes += kept.length;
    if (this.rawBytes > this.rawLimit) this.decodeRaw();
  }

  /** Adds output text. */
  push(text: string): void {
    this.decodeRaw();
    this.pushText(text);
  }

  private pushText(text: string): void {
    if (text === "") return;
    const parts = text.split("\n");
    const last = parts.pop() as string;
    if (parts.length > 0) {
      const open = this.open;
      this.open = "";
      for (const [i, part] of parts.entries()) this.endLine(i === 0 ? open + part : part);
    }
    this.open = capEnd(this.open + last, this.maxChars);
    this.evict();
  }

  /** The kept lines, oldest first (the open line last, if any). */
  toLines(): string[] {
    this.decodeRaw();
    return this.open === "" ? [...this.lines] : [...this.lines, this.open];
  }

  /** The kept lines joined with newlines. */
  toString(): string {
    return this.toLines().join("\n");
  }

  private endLine(line: string): void {
    const kept = capEnd(line.endsWith("\r") ? line.slice(0, -1) : line, this.maxChars);
    this.lines.push(kept);
    this.chars += kept.length;
    // Evicting per line keeps the array short even when one push holds many lines.
    this.evict();
  }

  private evict(): void {
    const openLines = this.open === "" ? 0 : 1;
    while (
      this.lines.length > 0 &&
      (this.lines.length + openLines > this.maxLines || this.chars + this.open.length > this.maxChars)
    ) {
      this.chars -= (this.lines.shift() as string).length;
    }
  }

  private reset(): void {
    this.lines.length = 0;
    this.chars = 0;
    this.open = "";
    this.raw = [];
    this.rawBytes = 0;
  }

  /** Decodes the raw bytes held, in one piece (a character split between pushes stays whole). */
  private decodeRaw(): void {
    if (this.raw.length === 0) return;
    const bytes = this.raw.length === 1 ? (this.raw[0] as Buffer) : Buffer.concat(this.raw);
    this.raw = [];
    this.rawBytes = 0;
    this.pushText(bytes.toString("utf8"));
  }
}

/** The end of `text` within `max` characters: the end of a line is where errors are. */
function capEnd(text: string, max: number): string {
  return text.length <= max ? text : text.slice(text.length - max);
}
