import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  firstRequestId,
  isDeliberate,
  pathOf,
  queryOf,
  type RequestFailure,
  recordedStatus,
  requestIdOf,
  routeOf,
  serverErrorOf,
  statusOfError,
} from "../emitter/integrations/request-failure.js";

const failure = (over: Partial<RequestFailure> = {}): RequestFailure => ({
  framework: "express",
  method: "get",
  pattern: "/users/:id",
  path: "/users/12",
  status: 500,
  requestId: "req-1",
  error: new TypeError("Cannot read properties of null (reading 'name')"),
  ...over,
});

const httpError = (status: number) => Object.assign(new Error("deliberate"), { status });

describe("statusOfError", () => {
  it("reads status or statusCode, only when it is an HTTP status", () => {
    expect(statusOfError(httpError(404))).toBe(404);
    expect(statusOfError(Object.assign(new Error("x"), { statusCode: 400 }))).toBe(400);
    expect(statusOfError(Object.assign(new Error("x"), { status: "404" }))).toBeUndefined();
    expect(statusOfError(Object.assign(new Error("x"), { status: 42 }))).toBeUndefined();
    expect(statusOfError("a string")).toBeUndefined();
    expect(statusOfError(null)).toBeUndefined();
  });
});

describe("isDeliberate", () => {
  it("is an error asking for a 4xx, or a 4xx answer", () => {
    expect(isDeliberate(failure({ error: httpError(404), status: 404 }))).toBe(true);
    expect(isDeliberate(failure({ error: new Error("mapped by the app"), status: 422 }))).toBe(true);
    expect(isDeliberate(failure({ error: httpError(503), status: 503 }))).toBe(false);
    expect(isDeliberate(failure({ status: 500 }))).toBe(false);
  });

  it("is never a response that had started: the client got a broken answer", () => {
    expect(isDeliberate(failure({ status: 400, responseStarted: true }))).toBe(false);
    // …unless the error itself asks for a 4xx.
    expect(isDeliberate(failure({ error: httpError(404), status: 200, responseStarted: true }))).toBe(true);
  });
});

describe("recordedStatus", () => {
  it("keeps a 5xx the client got, and says 500 for a started or swallowed response", () => {
    expect(recordedStatus(failure({ status: 503 }))).toBe(503);
    expect(recordedStatus(failure({ status: 200, responseStarted: true }))).toBe(500);
    expect(recordedStatus(failure({ status: undefined, error: httpError(502) }))).toBe(502);
    expect(recordedStatus(failure({ status: undefined }))).toBe(500);
  });
});

describe("routeOf", () => {
  it("is the method and the pattern, else the path, else the method", () => {
    expect(routeOf({ method: "get", pattern: "/users/:id", path: "/users/12" })).toBe("GET /users/:id");
    expect(routeOf({ method: "POST", pattern: undefined, path: "/login" })).toBe("POST /login");
    expect(routeOf({ method: "GET", pattern: undefined, path: undefined })).toBe("GET");
    expect(routeOf({ method: undefined, pattern: "/x", path: undefined })).toBe("/x");
  });
});

describe("serverErrorOf", () => {
  it("makes the captureServerError input: route, status, id, error, input and the framework's facts", () => {
    const error = new TypeError("boom");
    const input = serverErrorOf(
      failure({
        error,
        responseStarted: true,
        status: 200,
        params: { id: "12" },
        query: {},
        body: { password: "x" },
        details: { routeType: "render" },
      }),
    );
    expect(input).toEqual({
      feature: undefined,
      route: "GET /users/:id",
      status: 500,
      requestId: "req-1",
      error,
      input: { params: { id: "12" }, body: { password: "x" } },
      framework: { name: "express", routeType: "render", responseStarted: true },
    });
  });

  it("keeps parsed data as it is, and names a body that is still a stream", () => {
    const body = serverErrorOf(
      failure({ body: Readable.from(["x"]), query: Object.assign(Object.create(null), { q: "1" }) }),
    );
    expect(body?.input).toEqual({ body: "[Readable]", query: { q: "1" } });
    const fastifyStyle = Object.create(Object.create(null)) as Record<string, string>;
    fastifyStyle.id = "12";
    expect(serverErrorOf(failure({ params: fastifyStyle }))?.input).toEqual({ params: { id: "12" } });
    expect(serverErrorOf(failure({ body: ["a", { b: 1 }] }))?.input).toEqual({ body: ["a", { b: 1 }] });
  });

  it("leaves out an empty input, and gives nothing for a deliberate 4xx", () => {
    expect(serverErrorOf(failure({ params: {}, query: undefined, body: "" }))?.input).toBeUndefined();
    expect(serverErrorOf(failure({ error: httpError(401), status: 401 }))).toBeUndefined();
  });
});

describe("request ids", () => {
  it("takes the first usable candidate", () => {
    expect(firstRequestId(undefined, "", ["from-array"], "later")).toBe("from-array");
    expect(firstRequestId(null, 42)).toBe("42");
    expect(firstRequestId(Number.NaN, {})).toBeUndefined();
  });

  it("prefers the app's reader, and survives readers and getters that throw", () => {
    expect(
      requestIdOf(
        (r: { id: string }) => `own-${r.id}`,
        { id: "1" },
        () => ["usual"],
      ),
    ).toBe("own-1");
    const throwing = () => {
      throw new Error("no");
    };
    expect(requestIdOf(throwing, {}, () => ["usual"])).toBe("usual");
    expect(requestIdOf(undefined, {}, throwing)).toBeUndefined();
  });
});

describe("paths and queries", () => {
  it("cut a URL into its path and its query", () => {
    expect(pathOf("/users/12?tab=1#top")).toBe("/users/12");
    expect(pathOf("/users/12#top")).toBe("/users/12");
    expect(queryOf("/users/12?tab=orders&tab=cart&q=a%20b#x")).toEqual({ tab: "cart", q: "a b" });
    expect(queryOf("/users/12")).toBeUndefined();
    expect(queryOf("/users/12?")).toBeUndefined();
  });
});
