import { describe, expect, it } from "vitest";
import { nextServerError, onRequestError } from "../emitter/integrations/next.js";

// Recorded from a real `next start` (Next 16.5, app router) calling onRequestError for
// GET /users/12?q=1 with an x-request-id: the shape the hook must read.
const recordedRequest = {
  path: "/users/12?q=1",
  method: "GET",
  headers: {
    host: "127.0.0.1:3917",
    "user-agent": "curl/7.88.1",
    accept: "*/*",
    "x-request-id": "req-abc",
    "x-forwarded-host": "127.0.0.1:3917",
    "x-forwarded-port": "3917",
    "x-forwarded-proto": "http",
    "x-forwarded-for": "127.0.0.1",
  },
};
const recordedContext = {
  routerKind: "App Router",
  routePath: "/users/[id]",
  routeType: "render",
  renderSource: "react-server-components",
  revalidateReason: undefined,
};
const renderError = () => Object.assign(new TypeError("no user 12"), { digest: "1815248486" });

describe("nextServerError", () => {
  it("reads the route path, the request id, params and query, and Next's facts", () => {
    const error = renderError();
    expect(nextServerError(error, recordedRequest, recordedContext)).toEqual({
      feature: undefined,
      route: "GET /users/[id]",
      status: 500,
      requestId: "req-abc",
      error,
      input: { params: { id: "12" }, query: { q: "1" } },
      framework: {
        name: "next",
        routerKind: "App Router",
        routeType: "render",
        renderSource: "react-server-components",
        digest: "1815248486",
      },
    });
  });

  it("keeps the path as the route when Next gives no route path", () => {
    const input = nextServerError(
      new Error("x"),
      { ...recordedRequest, path: "/odd" },
      { ...recordedContext, routePath: "" },
    );
    expect(input?.route).toBe("GET /odd");
    expect(input?.requestId).toBe("req-abc");
  });
});

describe("onRequestError", () => {
  it("never throws into Next, whatever it is given", async () => {
    await expect(onRequestError(new Error("x"), undefined as never, undefined as never)).resolves.toBeUndefined();
    await expect(onRequestError(null, { path: "", method: "", headers: {} }, null as never)).resolves.toBeUndefined();
  });
});
