/**
 * Requests whose failure a framework integration records. An app that still wraps its server
 * with `wrapNodeHandler` or `wrapFetch` (the way the README used to say) would otherwise get
 * the same failure twice: once with the error from the integration, once as a bare "HTTP 500"
 * from the wrapper. Kept on `globalThis`, like the emitter's state, because each integration is
 * its own bundle with its own copy of this module.
 */
const KEY = Symbol.for("manifest-spark.handled-requests");
const registry = globalThis as unknown as Record<symbol, WeakSet<object> | undefined>;
registry[KEY] ??= new WeakSet();
const handled: WeakSet<object> = registry[KEY];

/** Notes that an integration records this request's failure (the raw request object). */
export function markHandled(request: unknown): void {
  if (typeof request === "object" && request !== null) handled.add(request);
}

/** Whether an integration records this request's failure. */
export function isHandled(request: object): boolean {
  return handled.has(request);
}
