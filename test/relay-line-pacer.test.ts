import { describe, expect, it } from "vitest";
import { relayLine } from "../relay/format.js";
import { createLinePacer } from "../relay/line-pacer.js";
import type { RelayRecord } from "../relay/records.js";

const sent = (i: number): RelayRecord => ({ type: "published", name: `e${i}.json`, duplicate: false });
const got = (i: number): RelayRecord => ({ type: "received", name: `r${i}.json`, from: "a", deliveries: 1 });

describe("the relay's lines for a person, paced", () => {
  it("lists a quiet trickle one by one", () => {
    const pacer = createLinePacer(relayLine);
    const lines = [0, 1, 2].flatMap((i) => pacer.push(sent(i), i * 2000));
    expect(lines).toEqual(["→ hub  e0.json", "→ hub  e1.json", "→ hub  e2.json"]);
    expect(pacer.waiting()).toBe(false);
  });

  it("turns a storm of 10,000 into a few lines a second, and the counts add up", () => {
    const pacer = createLinePacer(relayLine);
    const lines: string[] = [];
    // 10,000 sends and 10,000 receipts over 2.5 s, the flush timer ticking every 250 ms.
    for (let i = 0; i < 10_000; i++) {
      const now = i / 4;
      lines.push(...pacer.push(sent(i), now), ...pacer.push(got(i), now));
      if (i % 1000 === 0) lines.push(...pacer.flush(now));
    }
    lines.push(...pacer.flush(10_000));
    expect(lines.length).toBeLessThan(25);
    const listed = lines.filter((l) => l.startsWith("→ hub") || l.startsWith("←")).length;
    const counted = lines
      .flatMap((l) => [...l.matchAll(/([\d,]+) (?:sent to the hub|received)/g)])
      .reduce((n, m) => n + Number((m[1] ?? "0").replaceAll(",", "")), 0);
    expect(listed + counted).toBe(20_000);
    expect(
      lines.some((l) => /sent to the hub, [\d,]+ received \(not listed one by one; --json lists each\)/.test(l)),
    ).toBe(true);
    expect(pacer.waiting()).toBe(false);
  });

  it("tells the count so far before anything else, so the order stays true", () => {
    const pacer = createLinePacer(relayLine, { linesPerWindow: 1 });
    const lines = [
      ...pacer.push(sent(0), 0),
      ...pacer.push(sent(1), 10),
      ...pacer.push(sent(2), 20),
      ...pacer.push({ type: "disconnected", problem: "the hub went away" }, 30),
    ];
    expect(lines).toEqual([
      "→ hub  e0.json",
      "… and 2 sent to the hub (not listed one by one; --json lists each)",
      "disconnected: the hub went away",
    ]);
  });
});
