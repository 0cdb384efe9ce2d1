/** Size limits applied by every writer (bus-protocol.md, "Event files"). */
export const LIMITS = {
  stackBytes: 16 * 1024,
  tailLines: 50,
  tailBytes: 8 * 1024,
  inputBytes: 4 * 1024,
  fileBytes: 64 * 1024,
  /** Readers reject larger files without reading them whole. */
  readerMaxBytes: 1024 * 1024,
  /** Any other string field. */
  stringBytes: 8 * 1024,
  /** A trace id (it often comes from a client's request header). */
  traceIdChars: 200,
} as const;

/** Marker that replaces what a limit cut off. */
export function truncatedMarker(bytes: number): string {
  return `[Truncated: ${bytes} bytes]`;
}

/** Keeps the head of `text` within `maxBytes` (UTF-8), marking the cut. */
export function truncateHead(text: string, maxBytes: number): string {
  const size = Buffer.byteLength(text);
  if (size <= maxBytes) return text;
  const marker = `\n${truncatedMarker(size - maxBytes)}`;
  return `${sliceBytes(text, 0, Math.max(0, maxBytes - Buffer.byteLength(marker)))}${marker}`;
}

/** Keeps the last `maxLines` lines of `text`, then the last `maxBytes` bytes. */
export function truncateTail(text: string, maxLines: number, maxBytes: number): string {
  let lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines = lines.slice(0, -1);
  if (lines.length > maxLines) lines = lines.slice(-maxLines);
  let out = lines.join("\n");
  const size = Buffer.byteLength(out);
  if (size > maxBytes) {
    const buf = Buffer.from(out);
    // Cut at a line start when one is near, so the first line is whole.
    let start = size - maxBytes;
    while (start < size && (buf[start] as number) !== 0x0a && start < size - maxBytes + 512) start++;
    out = decodeLenient(buf.subarray((buf[start] as number) === 0x0a ? start + 1 : size - maxBytes));
  }
  return out;
}

/**
 * Shrinks a JSON-able value until it serialises within `maxBytes`: long strings are cut,
 * long arrays shortened, and the largest parts replaced by a marker.
 */
export function shrinkValue(value: unknown, maxBytes: number): unknown {
  const size = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? "");
  if (size(value) <= maxBytes) return value;
  const capped = capLeaves(value, Math.max(64, Math.floor(maxBytes / 4)));
  const current = capped;
  // Replace the biggest subtree with a marker until it fits; bounded by the number of nodes.
  for (let guard = 0; guard < 1000 && size(current) > maxBytes; guard++) {
    const biggest = largestChild(current);
    if (!biggest) return truncatedMarker(size(current));
    biggest.parent[biggest.key] = truncatedMarker(biggest.bytes);
  }
  return size(current) <= maxBytes ? current : truncatedMarker(size(current));
}

function capLeaves(value: unknown, maxString: number): unknown {
  if (typeof value === "string") return truncateHead(value, maxString);
  if (Array.isArray(value)) {
    const kept = value.slice(0, 50).map((v) => capLeaves(v, maxString));
    if (value.length > 50) kept.push(`[Truncated: ${value.length - 50} more items]`);
    return kept;
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = capLeaves(v, maxString);
    return out;
  }
  return value;
}

interface Slot {
  parent: Record<string | number, unknown>;
  key: string | number;
  bytes: number;
}

/** The largest object/array/string slot anywhere below `root` that is not already a marker. */
function largestChild(root: unknown): Slot | undefined {
  let best: Slot | undefined;
  const visit = (node: unknown) => {
    if (!node || typeof node !== "object") return;
    const entries: Array<[string | number, unknown]> = Array.isArray(node)
      ? node.map((v, i) => [i, v])
      : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof child === "string" && child.startsWith("[Truncated")) continue;
      const bytes = Buffer.byteLength(JSON.stringify(child) ?? "");
      if (bytes > 40 && (!best || bytes > best.bytes)) {
        best = { parent: node as Record<string | number, unknown>, key, bytes };
      }
      visit(child);
    }
  };
  visit(root);
  return best;
}

function sliceBytes(text: string, start: number, end: number): string {
  return decodeLenient(Buffer.from(text).subarray(start, end));
}

/** Decodes UTF-8, dropping a code point that a byte cut split. */
function decodeLenient(bytes: Buffer): string {
  return bytes.toString("utf8").replace(/^\uFFFD+|\uFFFD+$/g, "");
}
