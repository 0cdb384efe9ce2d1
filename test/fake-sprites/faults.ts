/**
 * Fault hooks of the fake Sprites server: each one reproduces a failure the real API (or the
 * network in front of it) is known to produce, for a bounded number of requests, so a test
 * can show the client recovers, or says clearly why it does not.
 */

/** An HTTP answer to give instead of the real one: `5xx then success`, `429 with Retry-After`. */
export interface HttpFault {
  method?: string;
  /** Matched against the path (no query string). */
  path: RegExp;
  /** Also matched against the query string, decoded (`path=/home/sprite/x`), when given. */
  query?: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /**
   * Do the work first, then answer with the fault: a create that worked but whose answer was
   * lost. Only for JSON routes (not streams).
   */
  afterWork?: boolean;
}

/** What goes wrong with an exec WebSocket whose command line contains `match`. */
export type ExecFaultKind =
  /** The command runs, then the socket closes with no exit frame (a known server race). */
  | "close-without-exit"
  /** The upgrade is answered with an HTTP status instead of 101. */
  | "refuse-upgrade"
  /** Nothing is sent for `silenceMs` (then everything held back): a connection gone quiet. */
  | "silence"
  /** The command does not run: `stderr` and `exitCode` come back, as from a command that failed there. */
  | "fail";

export interface ExecFault {
  kind: ExecFaultKind;
  /** A substring of the command line (its words joined by spaces). */
  match: string;
  /** For refuse-upgrade (default 503). */
  status?: number;
  /** For silence. */
  silenceMs?: number;
  /** For fail (default 1 and an empty stderr). */
  exitCode?: number;
  stderr?: string;
  times?: number;
}

/** What a hit on a Sprite's own URL gets instead of the service: the edge failing to reach it. */
export interface UrlFault {
  status: number;
  body?: string;
  times?: number;
}

/** The faults still armed; each use counts down and is removed at zero. */
export class FaultPlan {
  private readonly http: Array<HttpFault & { left: number }> = [];
  private readonly exec: Array<ExecFault & { left: number }> = [];
  private readonly url: Array<UrlFault & { left: number }> = [];

  /** Arms an HTTP fault. */
  addHttp(fault: HttpFault): void {
    this.http.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Arms an exec fault. */
  addExec(fault: ExecFault): void {
    this.exec.push({ ...fault, left: fault.times ?? 1 });
  }

  /** Arms a fault on the Sprites' URLs. */
  addUrl(fault: UrlFault): void {
    this.url.push({ ...fault, left: fault.times ?? 1 });
  }

  /** The URL fault for the next hit on a Sprite's URL, used up by one. */
  takeUrl(): UrlFault | undefined {
    return take(this.url, () => true);
  }

  /** The HTTP fault for this request, used up by one. */
  takeHttp(method: string, path: string, query = ""): HttpFault | undefined {
    return take(
      this.http,
      (f) => (f.method === undefined || f.method === method) && f.path.test(path) && (!f.query || f.query.test(query)),
    );
  }

  /** The exec fault for this command line, used up by one. */
  takeExec(commandLine: string, kinds: readonly ExecFaultKind[]): ExecFault | undefined {
    return take(this.exec, (f) => kinds.includes(f.kind) && commandLine.includes(f.match));
  }

  clear(): void {
    this.http.length = 0;
    this.exec.length = 0;
    this.url.length = 0;
  }
}

function take<T extends { left: number }>(list: T[], matches: (item: T) => boolean): T | undefined {
  const index = list.findIndex(matches);
  if (index === -1) return undefined;
  const item = list[index] as T;
  item.left -= 1;
  if (item.left <= 0) list.splice(index, 1);
  return item;
}
