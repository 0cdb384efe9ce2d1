import { describe, expect, it } from "vitest";
import { lastBatchUnanswered } from "../sidecar/resume.js";

const batch = { role: "custom", customType: "spark-events" };
const health = { role: "custom", customType: "spark-health" };
const answer = { role: "assistant" };
const person = { role: "user" };

describe("lastBatchUnanswered (a restarted sidecar resumes a batch the agent never answered)", () => {
  it("is true when the last batch has no answer after it, even with notices after it", () => {
    expect(lastBatchUnanswered([person, answer, batch])).toBe(true);
    expect(lastBatchUnanswered([person, answer, batch, health])).toBe(true);
  });

  it("is false once the agent answered, or when there is no batch at all", () => {
    expect(lastBatchUnanswered([batch, answer])).toBe(false);
    expect(lastBatchUnanswered([batch, answer, health])).toBe(false);
    expect(lastBatchUnanswered([person])).toBe(false);
    expect(lastBatchUnanswered([])).toBe(false);
  });
});
