import { stripVTControlCharacters } from "node:util";
import { SECRET_HINT as MAY_HOLD_SECRET, redactText } from "../../bus/redact.js";

const NEWLINE = 0x0a;
/** Terminal escapes are stripped from the log (and they can hide a secret from the patterns). */
const ESCAPE = 0x1b;

const PRIVATE_KEY_BEGIN = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
const PRIVATE_KEY_END = /-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g;
/** A line inside a PEM block: base64, a header (`Proc-Type: 4,ENCRYPTED`), blank, or the END line. */
const PRIVATE_KEY_LINE =
  /^(?:[A-Za-z0-9+/=]*|(?:Proc-Type|DEK-Info): .*|.*-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*)$/;

/**
 * Redacts one output stream for the log, line by line, with `redactText` (what events get),
 * and strips terminal escapes. The body lines of a PEM private key after its BEGIN line are
 * dropped up to its END line, so a key printed over many lines never reaches the disk (a
 * line that is not key material ends that early: a message naming the BEGIN line loses
 * nothing). A line longer than
 * `maxLineBytes` is cut there and each piece redacted alone: memory stays bounded.
 */
export class LogRedactor {
  private pending: Buffer | undefined;
  private inPrivateKey = false;

  constructor(private readonly maxLineBytes = 64 * 1024) {}

  /** The redacted bytes of the complete lines in `chunk`; a partial last line waits for the rest. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let data = chunk;
    if (this.pending) {
      // Only the held line and the start of the chunk are joined: no copy of the whole chunk.
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) data = Buffer.concat([this.pending, chunk]);
      else {
        this.redactLines(Buffer.concat([this.pending, chunk.subarray(0, nl + 1)]), out);
        data = chunk.subarray(nl + 1);
      }
      this.pending = undefined;
    }
    for (;;) {
      const nl = data.lastIndexOf(NEWLINE);
      if (nl !== -1) {
        this.redactLines(data.subarray(0, nl + 1), out);
        data = data.subarray(nl + 1);
      }
      if (data.length <= this.maxLineBytes) break;
      // One line this long is not text for people: cut it at a character boundary.
      const cut = charBoundary(data, this.maxLineBytes);
      this.redactLines(data.subarray(0, cut), out);
      data = data.subarray(cut);
    }
    // A copy, so the held part does not keep the whole chunk alive.
    if (data.length > 0) this.pending = Buffer.from(data);
    return out;
  }

  /** Whatever was held back (output that did not end with a newline), redacted. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    if (this.pending) this.redactLines(this.pending, out);
    this.pending = undefined;
    return out;
  }

  /** Appends the redacted form of `bytes` (whole lines, but the last may lack its newline). */
  private redactLines(bytes: Buffer, out: Buffer[]): void {
    // latin1 maps each byte to one character, so string indexes are byte offsets.
    const text = bytes.toString("latin1");
    const lower = text.toLowerCase();
    let pos = 0;
    // Each is searched again only once passed, so a chunk of many flagged lines stays linear.
    let hit = nextHit(lower, 0);
    let escapeAt = bytes.indexOf(ESCAPE);
    while (pos < text.length) {
      if (this.inPrivateKey) {
        const end = lineEnd(text, pos);
        const line = text.slice(pos, end).trimEnd();
        if (PRIVATE_KEY_LINE.test(line)) {
          // Key material (or its END line): dropped, the BEGIN line's marker stands for it.
          if (line.includes("-----END")) this.inPrivateKey = false;
          pos = end;
          continue;
        }
        // Not a key after all (a message that only names the BEGIN line): back to normal.
        this.inPrivateKey = false;
      }
      if (hit !== -1 && hit < pos) hit = nextHit(lower, pos);
      if (escapeAt !== -1 && escapeAt < pos) escapeAt = bytes.indexOf(ESCAPE, pos);
      // The first line that needs a look: the nearer of a secret-shaped word and an escape.
      const at = hit === -1 ? escapeAt : escapeAt === -1 ? hit : Math.min(hit, escapeAt);
      if (at === -1) {
        out.push(bytes.subarray(pos));
        return;
      }
      const start = text.lastIndexOf("\n", at - 1) + 1;
      const end = lineEnd(text, at);
      if (start > pos) out.push(bytes.subarray(pos, start));
      const line = bytes.subarray(start, end).toString("utf8");
      out.push(Buffer.from(this.redactLine(line), "utf8"));
      pos = end;
    }
  }

  private redactLine(raw: string): string {
    const newline = raw.endsWith("\n") ? "\n" : "";
    const line = stripVTControlCharacters(newline ? raw.slice(0, -1) : raw);
    if (opensPrivateKey(line)) this.inPrivateKey = true;
    // On a BEGIN line the PEM pattern takes the rest of the line: the marker stands for the key.
    return `${redactText(line)}${newline}`;
  }
}

/** Where the next secret-shaped word starts at or after `from`, or -1. */
function nextHit(lower: string, from: number): number {
  MAY_HOLD_SECRET.lastIndex = from;
  return MAY_HOLD_SECRET.exec(lower)?.index ?? -1;
}

/** The offset just past the end of the line holding `index` (past its newline, if any). */
function lineEnd(text: string, index: number): number {
  const nl = text.indexOf("\n", index);
  return nl === -1 ? text.length : nl + 1;
}

/** True when the last private-key BEGIN on the line has no END after it. */
function opensPrivateKey(line: string): boolean {
  if (!line.includes("PRIVATE KEY")) return false;
  const lastBegin = lastMatch(PRIVATE_KEY_BEGIN, line);
  return lastBegin !== -1 && lastMatch(PRIVATE_KEY_END, line) < lastBegin;
}

function lastMatch(pattern: RegExp, text: string): number {
  let last = -1;
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) last = m.index;
  return last;
}

/** The largest offset ≤ `at` that does not split a UTF-8 character (at least 1). */
function charBoundary(bytes: Buffer, at: number): number {
  let cut = at;
  // Continuation bytes are 10xxxxxx; a character is at most 4 bytes.
  while (cut > at - 3 && cut > 1 && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  return cut;
}
