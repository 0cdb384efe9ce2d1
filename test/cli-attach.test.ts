import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bridgeUrl, tokenFrom } from "../cli/commands/attach.js";

describe("manifest attach's arguments", () => {
  it("takes an http(s) bridge address and keeps only its origin", () => {
    expect(bridgeUrl("http://127.0.0.1:8081/starter/ui/")).toBe("http://127.0.0.1:8081");
    expect(bridgeUrl("https://my-sprite.example.dev")).toBe("https://my-sprite.example.dev");
    expect(() => bridgeUrl("127.0.0.1:8081")).toThrow(/not an http\(s\) URL|not a URL/);
    expect(() => bridgeUrl("ftp://host")).toThrow(/not an http\(s\) URL/);
  });

  it("reads the token from --token-file first, then SPARK_WEB_TOKEN, and says what to do without one", () => {
    const dir = mkdtempSync(join(tmpdir(), "spark-attach-args-"));
    const file = join(dir, "web-token");
    writeFileSync(file, "  from-the-file  \nsecond line\n");
    expect(tokenFrom(file, "from-env")).toBe("from-the-file");
    expect(tokenFrom(undefined, " from-env ")).toBe("from-env");
    expect(() => tokenFrom(undefined, undefined)).toThrow(/No token for the bridge/);
    expect(() => tokenFrom(join(dir, "missing"), "x")).toThrow(/cannot read --token-file .* \(ENOENT\)/);
    writeFileSync(file, "\n");
    expect(() => tokenFrom(file, "x")).toThrow(/is empty/);
  });
});
