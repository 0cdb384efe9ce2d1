import { describe, expect, it } from "vitest";
import { buildEvent } from "../bus/build-event.js";
import { eventSchema } from "../bus/event-schema.js";
import { classifyExit, failureMessage, processErrorInput, signalExitCode } from "../cli/run/outcome.js";

describe("classifyExit", () => {
  it("passes a clean exit and a failure through", () => {
    expect(classifyExit({ code: 0, signal: null }, [])).toEqual({ kind: "ok", exitCode: 0 });
    expect(classifyExit({ code: 3, signal: null }, [])).toEqual({ kind: "failed", exitCode: 3, code: 3 });
  });

  it("reports a death by a signal nobody forwarded as a kill, exit 128+N", () => {
    expect(classifyExit({ code: null, signal: "SIGKILL" }, [])).toEqual({
      kind: "killed",
      exitCode: 137,
      signal: "SIGKILL",
    });
    expect(classifyExit({ code: null, signal: "SIGSEGV" }, ["SIGINT"])).toMatchObject({
      kind: "killed",
      exitCode: 139,
    });
  });

  it("treats whatever follows a forwarded signal as the user's interrupt", () => {
    expect(classifyExit({ code: null, signal: "SIGINT" }, ["SIGINT"])).toEqual({
      kind: "interrupted",
      exitCode: 130,
      signal: "SIGINT",
    });
    expect(classifyExit({ code: null, signal: "SIGTERM" }, ["SIGTERM"]).exitCode).toBe(143);
    // A child that catches Ctrl+C and exits by itself, with any code, was still interrupted.
    expect(classifyExit({ code: 1, signal: null }, ["SIGINT"])).toEqual({
      kind: "interrupted",
      exitCode: 1,
      signal: "SIGINT",
    });
    expect(classifyExit({ code: 0, signal: null }, ["SIGHUP"])).toMatchObject({ kind: "interrupted", exitCode: 0 });
  });

  it("numbers signals as shells do", () => {
    expect(signalExitCode("SIGINT")).toBe(130);
    expect(signalExitCode("SIGHUP")).toBe(129);
  });
});

describe("processErrorInput", () => {
  const ctx = { environment: "development", host: "h", pid: 1, now: Date.UTC(2026, 0, 1) };

  it("builds a valid process-error with either exitCode or signal", () => {
    const failed = processErrorInput({
      command: "node job.js",
      outcome: { kind: "failed", exitCode: 3, code: 3 },
      logFile: ".spark/logs/node-2026-01-01-000000.log",
      tail: "boom\n",
      durationMs: 12,
    });
    const event = eventSchema.parse(buildEvent(failed, ctx).event);
    expect(event).toMatchObject({
      type: "process-error",
      command: "node job.js",
      exitCode: 3,
      logFile: ".spark/logs/node-2026-01-01-000000.log",
      tail: "boom",
      error: { name: "ProcessError", message: "node job.js exited with code 3" },
    });
    expect(event.signal).toBeUndefined();
    const killed = processErrorInput({
      command: "node job.js",
      outcome: { kind: "killed", exitCode: 137, signal: "SIGKILL" },
      logFile: undefined,
      tail: "",
      durationMs: 1,
    });
    const killedEvent = buildEvent(killed, ctx).event;
    expect(killedEvent).toMatchObject({ signal: "SIGKILL", error: { message: "node job.js was killed by SIGKILL" } });
    expect(killedEvent.exitCode).toBeUndefined();
  });

  it("fingerprints repeats of one failure alike, whatever the exit code", () => {
    const fp = (code: number) =>
      buildEvent(
        processErrorInput({
          command: "node job.js",
          outcome: { kind: "failed", exitCode: code, code },
          logFile: undefined,
          tail: `run ${code}`,
          durationMs: code,
        }),
        ctx,
      ).event.fingerprint;
    expect(fp(3)).toBe(fp(4));
  });

  it("says what happened in the message", () => {
    expect(failureMessage("x", { kind: "interrupted", exitCode: 130, signal: "SIGINT" })).toBe(
      "x was interrupted (SIGINT)",
    );
  });
});
