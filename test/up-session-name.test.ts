import { describe, expect, it } from "vitest";
import { sessionName } from "../cli/up/session-name.js";

describe("sessionName", () => {
  it("is the project folder's name when the config names none", () => {
    expect(sessionName(undefined, "/home/ada/shop")).toBe("shop");
    expect(sessionName("", "/home/ada/shop")).toBe("shop");
    expect(sessionName("  ", "/home/ada/shop")).toBe("shop");
  });

  it("prefers up.session", () => {
    expect(sessionName("work", "/home/ada/shop")).toBe("work");
  });

  it("replaces what tmux forbids (. and :) and other odd characters with one dash", () => {
    expect(sessionName("my.app", "/x")).toBe("my-app");
    expect(sessionName(undefined, "/home/ada/shop.v2:beta")).toBe("shop-v2-beta");
    expect(sessionName(undefined, "/home/ada/My Project (old)")).toBe("My-Project-old");
    expect(sessionName(undefined, "/srv/snake_case-name")).toBe("snake_case-name");
  });

  it("never starts with a dash (it would read as a flag) and is never empty", () => {
    expect(sessionName(undefined, "/srv/-weird-")).toBe("weird");
    expect(sessionName(undefined, "/srv/日本")).toBe("spark");
    expect(sessionName(undefined, "/")).toBe("spark");
  });
});
