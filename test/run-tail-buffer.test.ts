import { describe, expect, it } from "vitest";
import { TailBuffer } from "../cli/run/tail-buffer.js";

const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe("TailBuffer", () => {
  it("keeps the last lines, joining a line split across pushes", () => {
    const tail = new TailBuffer(3, 1000);
    tail.push("one\ntw");
    tail.push("o\nthree\n");
    tail.push("four\nfi");
    expect(tail.toLines()).toEqual(["three", "four", "fi"]);
    tail.push("ve\n");
    expect(tail.toString()).toBe("three\nfour\nfive");
  });

  it("drops carriage returns of CRLF lines", () => {
    const tail = new TailBuffer(5, 1000);
    tail.push("a\r\nb\r\n");
    expect(tail.toLines()).toEqual(["a", "b"]);
  });

  it("keeps the same lines whether bytes come in one push or many", () => {
    const text = `${lines(1, 500).join("\n")}\n`;
    const whole = new TailBuffer(50, 100_000);
    whole.pushBytes(Buffer.from(text));
    const pieces = new TailBuffer(50, 100_000);
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 97) pieces.pushBytes(bytes.subarray(i, i + 97));
    expect(whole.toLines()).toEqual(lines(451, 500));
    expect(pieces.toLines()).toEqual(lines(451, 500));
  });

  it("stays within its character budget, keeping the end of a huge line", () => {
    const tail = new TailBuffer(50, 100);
    tail.push(`${"x".repeat(10_000)}END\nshort\n`);
    const kept = tail.toLines();
    expect(kept.join("").length).toBeLessThanOrEqual(100);
    expect(kept.at(-1)).toBe("short");
    const open = new TailBuffer(50, 100);
    for (let i = 0; i < 1000; i++) open.push("y".repeat(1000));
    expect(open.toString().length).toBeLessThanOrEqual(100);
  });

  it("decodes multi-byte characters split between pushes of whole lines", () => {
    const tail = new TailBuffer(5, 1000);
    tail.pushBytes(Buffer.from("héllo wörld\n"));
    tail.pushBytes(Buffer.from("日本\n"));
    expect(tail.toLines()).toEqual(["héllo wörld", "日本"]);
  });

  it("keeps a character whole when a push ends in the middle of it", () => {
    const bytes = Buffer.from("a日本\nb");
    const tail = new TailBuffer(5, 1000);
    for (let i = 0; i < bytes.length; i++) tail.pushBytes(bytes.subarray(i, i + 1));
    expect(tail.toLines()).toEqual(["a日本", "b"]);
  });

  it("keeps the end of a long line pushed in small pieces within its budget", () => {
    const tail = new TailBuffer(50, 100);
    for (let i = 0; i < 1000; i++) tail.pushBytes(Buffer.from(`${String(i).padStart(4, "0")}-`));
    expect(tail.toString()).toBe(Array.from({ length: 20 }, (_, i) => `${String(980 + i).padStart(4, "0")}-`).join(""));
  });
});
