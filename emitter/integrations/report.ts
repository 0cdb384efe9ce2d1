import { spark } from "../index.js";
import { type RequestFailure, serverErrorOf } from "./request-failure.js";

/** The part of a `node:http` response the Node-based integrations watch. */
export interface ClosingResponse {
  readonly statusCode: number;
  readonly headersSent: boolean;
  readonly closed?: boolean;
  once(event: "close", listener: () => void): unknown;
}

/**
 * Records a failure when it is a server error. `describe` runs inside the guard, so a
 * framework object that throws when read costs the event, never the app's request.
 */
export function report(describe: () => RequestFailure | undefined): void {
  try {
    const failure = describe();
    const input = failure && serverErrorOf(failure);
    if (input) spark.captureServerError(input);
  } catch {
    // Never into the app.
  }
}

/**
 * Records a failure once its response is over, with the status the client actually got: the
 * app's own error handler may still turn the error into a deliberate 4xx. It also keeps the
 * write off the request's path. The facts are read now, while the framework still holds them
 * (routers reset params on the way out). When the headers are already out the status cannot
 * change, so it is recorded at once: a framework may leave such a response open for good
 * (Koa 2 with a failed stream).
 */
export function reportWhenClosed(response: ClosingResponse, describe: () => Omit<RequestFailure, "status">): void {
  try {
    const facts = describe();
    const done = () => report(() => ({ ...facts, status: response.statusCode }));
    if (response.closed || response.headersSent) done();
    else response.once("close", done);
  } catch {
    // Never into the app.
  }
}
