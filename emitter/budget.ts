import type { EventInput } from "../bus/build-event.js";

/** The emitter's budget (config `budget`); 0 switches a limit off. */
export interface BudgetLimits {
  /** Events of one problem (fingerprint) written per window; the rest are counted. */
  perProblem: number;
  windowMs: number;
  /** Beyond these in `events/`, new events of a problem already pending are counted, not written. */
  maxPendingFiles: number;
  maxPendingBytes: number;
}

/** What the budget needs to know about `events/` (see pending-gauge.ts). */
export interface PendingView {
  /** `events/` holds more than the caps allow. */
  over(): boolean;
  /** A file this process wrote is still pending (no consumer took it yet). */
  stillPending(name: string): boolean;
  /** A file was just written. */
  wrote(name: string, bytes: number): void;
}

/**
 * What a summary event carries (`repeats`): the occurrences it stands for besides itself (the
 * newest counted one is the summary), none of them written.
 */
export interface Repeats {
  count: number;
  /** ISO times of the first and the last counted occurrence. */
  since: string;
  until: string;
}

interface Problem {
  windowStart: number;
  written: number;
  /** The name of the newest file written for it. */
  lastName: string | undefined;
  counted: number;
  since: number;
  until: number;
  /** The newest counted occurrence: the summary shows it whole. */
  example: EventInput | undefined;
  timer: NodeJS.Timeout | undefined;
}

/** Problems remembered at most; older ones with nothing counted are forgotten first. */
const MAX_PROBLEMS = 1000;

/**
 * A storm of one problem must not become a storm of files: past `perProblem` events of one
 * fingerprint within a window, occurrences are counted and the window ends with one summary
 * event that carries the count (`repeats`), so nothing is silent. Past the caps on `events/`,
 * a problem that already has a file waiting is counted too; a new problem is always written.
 */
export class EmitBudget {
  private readonly problems = new Map<string, Problem>();
  private exitHooked = false;

  constructor(
    private readonly limits: BudgetLimits,
    private readonly pending: PendingView,
    /** Writes the newest counted occurrence with `repeats` (when count > 0), never through the budget. */
    private readonly writeSummary: (example: EventInput, repeats: Repeats) => void,
    /** Told once, when the first occurrence is counted instead of written. */
    private readonly onFirstCount: (limits: BudgetLimits) => void = () => {},
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when the budget is off (every limit 0). */
  get off(): boolean {
    const l = this.limits;
    return l.perProblem === 0 && l.maxPendingFiles === 0 && l.maxPendingBytes === 0;
  }

  /** Whether this occurrence of a problem is written (true) or counted into its summary. */
  admit(fingerprint: string, input: EventInput): boolean {
    if (this.off) return true;
    const now = this.clock();
    const problem = this.problem(fingerprint, now);
    if (now - problem.windowStart >= this.limits.windowMs) {
      this.summarise(problem, false);
      problem.windowStart = now;
      problem.written = 0;
    }
    const overBurst = this.limits.perProblem > 0 && problem.written >= this.limits.perProblem;
    if (!overBurst && !this.waitingOverCap(problem)) return true;
    if (problem.counted === 0) problem.since = now;
    problem.counted++;
    problem.until = now;
    problem.example = input;
    this.schedule(problem);
    return false;
  }

  /** Notes that an admitted occurrence was written as `name` (`bytes` long). */
  wrote(fingerprint: string, name: string, bytes: number): void {
    if (this.off) return;
    const problem = this.problem(fingerprint, this.clock());
    problem.written++;
    problem.lastName = name;
    this.pending.wrote(name, bytes);
  }

  /** Writes every summary that is due; with `force` (the process is exiting), all of them. */
  flush(force = false): void {
    const now = this.clock();
    for (const problem of this.problems.values()) {
      if (force || now - problem.windowStart >= this.limits.windowMs) this.summarise(problem, force);
    }
  }

  /** How many occurrences are counted and not yet in a summary (for tests and status). */
  countedNow(): number {
    let n = 0;
    for (const p of this.problems.values()) n += p.counted;
    return n;
  }

  private waitingOverCap(problem: Problem): boolean {
    if (this.limits.maxPendingFiles === 0 && this.limits.maxPendingBytes === 0) return false;
    return problem.lastName !== undefined && this.pending.over() && this.pending.stillPending(problem.lastName);
  }

  private summarise(problem: Problem, force: boolean): void {
    if (problem.counted === 0 || !problem.example) return;
    // Over the caps with its last file still waiting, the count keeps growing instead (the
    // summary goes out when there is room, or when the process exits).
    if (!force && this.waitingOverCap(problem)) {
      this.schedule(problem);
      return;
    }
    const repeats: Repeats = {
      count: problem.counted - 1,
      since: new Date(problem.since).toISOString(),
      until: new Date(problem.until).toISOString(),
    };
    const example = problem.example;
    problem.counted = 0;
    problem.example = undefined;
    if (problem.timer) clearTimeout(problem.timer);
    problem.timer = undefined;
    this.writeSummary(example, repeats);
  }

  private schedule(problem: Problem): void {
    if (!this.exitHooked) {
      this.exitHooked = true;
      this.onFirstCount(this.limits);
      // Nothing silent: what is still counted when the process ends is written then.
      process.once("exit", () => this.flush(true));
    }
    if (problem.timer) return;
    const due = Math.max(0, problem.windowStart + this.limits.windowMs - this.clock());
    problem.timer = setTimeout(() => {
      problem.timer = undefined;
      if (this.clock() - problem.windowStart >= this.limits.windowMs) this.summarise(problem, false);
      else this.schedule(problem);
    }, due);
    problem.timer.unref();
  }

  private problem(fingerprint: string, now: number): Problem {
    let problem = this.problems.get(fingerprint);
    if (problem) return problem;
    if (this.problems.size >= MAX_PROBLEMS) this.forgetQuiet(now);
    problem = {
      windowStart: now,
      written: 0,
      lastName: undefined,
      counted: 0,
      since: now,
      until: now,
      example: undefined,
      timer: undefined,
    };
    this.problems.set(fingerprint, problem);
    return problem;
  }

  /** Forgets problems whose window is over, writing their summaries first. */
  private forgetQuiet(now: number): void {
    for (const [key, problem] of this.problems) {
      if (now - problem.windowStart < this.limits.windowMs) continue;
      this.summarise(problem, true);
      this.problems.delete(key);
    }
  }
}
