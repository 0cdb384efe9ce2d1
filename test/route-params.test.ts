import { describe, expect, it } from "vitest";
import { mountPrefix, paramsFromPattern } from "../emitter/integrations/route-params.js";

describe("paramsFromPattern", () => {
  it("reads :name segments, decoded", () => {
    expect(paramsFromPattern("/users/:id", "/users/12")).toEqual({ id: "12" });
    expect(paramsFromPattern("/orgs/:org/users/:id", "/orgs/a%20b/users/7/")).toEqual({ org: "a b", id: "7" });
    expect(paramsFromPattern("/static", "/static")).toEqual({});
  });

  it("reads Next's [name], [...name] and [[...name]], and skips route groups and slots", () => {
    expect(paramsFromPattern("/users/[id]", "/users/12")).toEqual({ id: "12" });
    expect(paramsFromPattern("/docs/[...slug]", "/docs/a/b/c")).toEqual({ slug: "a/b/c" });
    expect(paramsFromPattern("/docs/[...slug]", "/docs")).toBeUndefined();
    expect(paramsFromPattern("/shop/[[...slug]]", "/shop")).toEqual({});
    expect(paramsFromPattern("/(shop)/@modal/cart/[id]", "/cart/3")).toEqual({ id: "3" });
  });

  it("gives up on what it cannot read, or a path that does not fit", () => {
    expect(paramsFromPattern("/users/:id(\\d+)", "/users/12")).toBeUndefined();
    expect(paramsFromPattern("/files/*splat", "/files/a/b")).toBeUndefined();
    expect(paramsFromPattern("/users/:id", "/users")).toBeUndefined();
    expect(paramsFromPattern("/users/:id", "/users/1/extra")).toBeUndefined();
    expect(paramsFromPattern("/users/:id", "/people/1")).toBeUndefined();
    expect(paramsFromPattern("/users/:id", "/users/%E0%A4%A")).toEqual({ id: "%E0%A4%A" });
  });
});

describe("mountPrefix", () => {
  it("reads where a router was mounted from the full path", () => {
    expect(mountPrefix("/items/:itemId", "/api/v1/items/9")).toBe("/api/v1");
    expect(mountPrefix("/users/:id", "/users/12")).toBe("");
    expect(mountPrefix("/", "/admin")).toBe("/admin");
  });

  it("is undefined for patterns it cannot count, or a path shorter than the pattern", () => {
    expect(mountPrefix("/files/*splat", "/api/files/a/b")).toBeUndefined();
    expect(mountPrefix("/users/:id?", "/api/users")).toBeUndefined();
    expect(mountPrefix("/a/b/c", "/a")).toBeUndefined();
  });
});
