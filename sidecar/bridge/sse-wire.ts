/**
 * Server-sent events on the wire (the WHATWG `text/event-stream` format): framing for the
 * bridge, and a streaming parser for its clients (tests, benchmarks, `manifest attach`), so
 * nothing needs an EventSource package. Pure.
 */

/** One event as a client sees it. */
export interface SseMessage {
  /** `event:` (default "message"). */
  event: string;
  data: string;
  /** `id:` of this event, if it had one. */
  id: string | undefined;
}

/** Frames one event. Newlines in `data` become several `data:` lines, as the format requires. */
export function formatSse(message: { event?: string; data: string; id?: string | undefined }): string {
  let out = "";
  if (message.id !== undefined) out += `id: ${oneLine(message.id)}\n`;
  if (message.event !== undefined && message.event !== "message") out += `event: ${oneLine(message.event)}\n`;
  for (const line of message.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/** A comment line: ignored by clients, keeps proxies from idling the connection out. */
export function formatSseComment(text: string): string {
  return `: ${oneLine(text)}\n\n`;
}

/** A field value must not break the framing (ids and names come from us, but say so in code). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, " ");
}

/** An incremental parser: feed it chunks as they arrive, get whole events back. */
export interface SseParser {
  /** Parses a chunk; returns the events it completed. */
  push(chunk: string): SseMessage[];
  /** The id the stream last set (what a reconnect sends as `Last-Event-ID`). */
  lastEventId(): string | undefined;
  /** Comments seen so far (heartbeats). */
  comments(): number;
}

/** Creates a parser that follows the format's rules for fields, comments and line ends. */
export function createSseParser(): SseParser {
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let hasData = false;
  let id: string | undefined;
  let eventId: string | undefined;
  let comments = 0;

  const dispatch = (out: SseMessage[]) => {
    if (hasData) out.push({ event: event || "message", data: data.join("\n"), id: eventId });
    event = "";
    data = [];
    hasData = false;
    eventId = undefined;
  };

  const line = (text: string, out: SseMessage[]) => {
    if (text === "") return dispatch(out);
    if (text.startsWith(":")) {
      comments++;
      return;
    }
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") {
      data.push(value);
      hasData = true;
    } else if (field === "id" && !value.includes("\0")) {
      id = value;
      eventId = value;
    }
  };

  return {
    push(chunk) {
      buffer += chunk;
      const out: SseMessage[] = [];
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buffer);
        // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
        if (!m || (m[0] === "\r" && m.index === buffer.length - 1)) break;
        line(buffer.slice(0, m.index), out);
        buffer = buffer.slice(m.index + m[0].length);
      }
      return out;
    },
    lastEventId: () => id,
    comments: () => comments,
  };
}
