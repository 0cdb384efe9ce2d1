/**
 * `manifest-spark/next`: Next.js 15+. In `instrumentation.ts` at the project root (or `src/`):
 *
 *     export { onRequestError } from "manifest-spark/next";
 *
 * Next calls it for every server error (render, route handler, server action, middleware)
 * with the route path (`/users/[id]`) and the route type. Next compiles this file for the
 * edge runtime too, which has no file system: so nothing here imports a Node module, the
 * emitter is loaded by Node itself (an import the bundler leaves alone) on the first error,
 * and on the edge runtime the hook does nothing.
 */
import { enabledFromEnv } from "../../bus/env-switch.js";
import type { ServerErrorInput } from "../types.js";
import { firstRequestId, pathOf, queryOf, type RequestFailure, serverErrorOf } from "./request-failure.js";
import { paramsFromPattern } from "./route-params.js";

/** The request as Next describes it to `onRequestError`. */
export interface NextRequestInfo {
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Where the error happened, as Next describes it to `onRequestError`. */
export interface NextErrorContext {
  routerKind: string;
  routePath: string;
  routeType: string;
  renderSource?: string | undefined;
  revalidateReason?: string | undefined;
  renderType?: string | undefined;
}

/** Next's `onRequestError` hook: records the error with its route. Never throws. */
export async function onRequestError(
  error: unknown,
  request: Readonly<NextRequestInfo>,
  context: Readonly<NextErrorContext>,
): Promise<void> {
  try {
    if (typeof process === "undefined" || process.env.NEXT_RUNTIME === "edge") return;
    if (enabledFromEnv(process.env) === false) return;
    const input = nextServerError(error, request, context);
    if (!input) return;
    const emitter = (await import(/* webpackIgnore: true */ /* turbopackIgnore: true */ "manifest-spark")) as {
      spark: { captureServerError(input: ServerErrorInput): unknown };
    };
    emitter.spark.captureServerError(input);
  } catch {
    // Never into the app.
  }
}

/** What the hook records for one call (pure; exported for tests). */
export function nextServerError(
  error: unknown,
  request: Readonly<NextRequestInfo>,
  context: Readonly<NextErrorContext>,
): ServerErrorInput | undefined {
  const path = pathOf(request.path);
  const digest = typeof error === "object" && error !== null ? (error as { digest?: unknown }).digest : undefined;
  const details: Record<string, unknown> = {
    routerKind: context.routerKind,
    routeType: context.routeType,
    renderSource: context.renderSource,
    renderType: context.renderType,
    revalidateReason: context.revalidateReason,
    digest: typeof digest === "string" ? digest : undefined,
  };
  const failure: RequestFailure = {
    framework: "next",
    method: request.method,
    pattern: context.routePath || undefined,
    path,
    // Next calls this hook for server errors only (notFound() and redirect() are not errors).
    status: 500,
    requestId: firstRequestId(request.headers["x-request-id"]),
    error,
    params: context.routePath && path ? paramsFromPattern(context.routePath, path) : undefined,
    query: queryOf(request.path),
    details: Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined)),
  };
  return serverErrorOf(failure);
}
