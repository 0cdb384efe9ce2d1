import { describe, expect, it } from "vitest";
import { INTERRUPTED_ENTRY, resumeAfterStop } from "../sidecar/resume.js";

const batch = { type: "custom_message", customType: "spark-events" };
const health = { type: "custom_message", customType: "spark-health" };
const resumeNote = { type: "custom_message", customType: "spark-resume" };
const delivered = { type: "custom", customType: "spark-delivered" };
const cut = { type: "custom", customType: INTERRUPTED_ENTRY };
const message = (role: string, stopReason?: string) => ({ type: "message", message: { role, stopReason } });
const answer = message("assistant", "stop");
const toolCall = message("assistant", "toolUse");
const person = message("user");
const toolResult = message("toolResult");

describe("resumeAfterStop (a restarted sidecar carries on the run its stop cut short)", () => {
  it("continues what the model never answered: a batch (notices after it or not), a prompt, a tool's result", () => {
    expect(resumeAfterStop([person, answer, batch])).toBe("continue");
    expect(resumeAfterStop([person, answer, batch, delivered, health])).toBe("continue");
    expect(resumeAfterStop([answer, person])).toBe("continue");
    expect(resumeAfterStop([batch, toolCall, toolResult])).toBe("continue");
  });

  it("nudges the agent on when its tools never finished, or when the host marked the run as cut", () => {
    expect(resumeAfterStop([batch, toolCall])).toBe("nudge");
    expect(resumeAfterStop([batch, toolCall, toolResult, message("assistant", "aborted"), cut])).toBe("nudge");
    // Killed again before the model answered the nudge: still cut.
    expect(resumeAfterStop([batch, toolCall, resumeNote])).toBe("nudge");
  });

  it("leaves a finished run alone: answered, failed, aborted by a person, or nothing at all", () => {
    expect(resumeAfterStop([batch, answer])).toBeUndefined();
    expect(resumeAfterStop([batch, answer, health])).toBeUndefined();
    expect(resumeAfterStop([person, message("assistant", "error")])).toBeUndefined();
    expect(resumeAfterStop([person, message("assistant", "aborted")])).toBeUndefined();
    expect(resumeAfterStop([health])).toBeUndefined();
    expect(resumeAfterStop([])).toBeUndefined();
  });
});
