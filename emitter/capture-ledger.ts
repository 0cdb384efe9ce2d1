/**
 * Which requests the app has already reported itself, so a wrapper does not report the same
 * failure twice. Per request, not per id: a client that reuses an `x-request-id` (a retry, a
 * load tool, a fixed header) must not make later failures disappear. A wrapper takes a mark
 * when the request starts and asks, when it ends, whether that id was captured since.
 */
export class CaptureLedger {
  private sequence = 0;
  private readonly last = new Map<string, number>();

  constructor(private readonly capacity = 512) {}

  /** The current position; pass it to `capturedSince` later. */
  mark(): number {
    return this.sequence;
  }

  /** Notes a capture of the request with this id. */
  record(id: string): void {
    this.sequence++;
    this.last.delete(id);
    this.last.set(id, this.sequence);
    if (this.last.size > this.capacity) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
  }

  /** Whether the request with this id was captured after `mark`. */
  capturedSince(id: string, mark: number): boolean {
    return (this.last.get(id) ?? 0) > mark;
  }
}
