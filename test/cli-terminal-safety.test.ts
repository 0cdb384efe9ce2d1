import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { emitEvent } from "../bus/emit.js";
import { terminalSafe } from "../bus/format/terminal.js";
import { writePause } from "../bus/pause.js";
import { createOutput } from "../cli/_output.js";
import { CLEAN_ENV, CLI, manifest } from "./helpers/cli.js";
import { finished } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

beforeAll(requireBuild);

/**
 * Event text an attacker could have put in a request that made the app fail: a window title
 * (OSC 0), clear screen and cursor home (CSI), a carriage return that overwrites the line, a
 * right-to-left override, an 8-bit CSI, concealed text and a bell.
 */
const HOSTILE =
  "boom \u001b]0;PWNED-TITLE\u0007\u001b[2J\u001b[Hstart\roverwritten \u202eevil\u202c \u009b2J \u001b[8mhidden\u001b[0m\u0007 end";

describe("terminalSafe", () => {
  it("strips whole escape sequences and control characters, keeps tab and line feed", () => {
    expect(terminalSafe(HOSTILE)).toBe("boom startoverwritten evil  hidden end");
    expect(terminalSafe("a\tb\nc")).toBe("a\tb\nc");
    expect(terminalSafe("x\u001b]8;;http://evil\u001b\\link\u001b]8;;\u001b\\y")).toBe("xlinky");
    expect(terminalSafe("unterminated \u001b]0;title")).toBe("unterminated ");
  });

  it("keeps only the CLI's own colour codes when asked to", () => {
    expect(terminalSafe("\u001b[31mred\u001b[39m \u001b[8mhidden\u001b[0m", { keepColours: true })).toBe(
      "\u001b[31mred\u001b[39m hidden",
    );
  });

  it("is what every readable line of a command goes through, on a terminal too", () => {
    let written = "";
    const write = (s: string) => {
      written += s;
      return true;
    };
    const tty = { isTTY: true, write } as unknown as NodeJS.WriteStream;
    const saved = process.env.NO_COLOR;
    delete process.env.NO_COLOR;
    try {
      createOutput(false, tty).line(`\u001b[31m✖\u001b[39m ${HOSTILE}`);
    } finally {
      if (saved !== undefined) process.env.NO_COLOR = saved;
    }
    expect(written).toBe("\u001b[31m✖\u001b[39m boom startoverwritten evil  hidden end\n");
  });
});

// util-linux `script` gives the command a pseudo-terminal, as a person's shell would.
const SCRIPT = ["/usr/bin/script", "/bin/script"].find((f) => existsSync(f));

/** Runs `manifest …` on a pseudo-terminal and returns everything it wrote there (stdout and stderr). */
async function atTerminal(args: string[], cwd: string, options: { colour?: boolean; seconds?: number } = {}) {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI, ...args].map(quote).join(" ");
  const line = options.seconds ? `timeout -s TERM ${options.seconds} ${command}` : command;
  const env: NodeJS.ProcessEnv = { ...process.env, ...CLEAN_ENV, TERM: "xterm-256color" };
  // Colour is off while NO_COLOR is set at all, even empty.
  if (options.colour) delete env.NO_COLOR;
  const child = spawn(SCRIPT as string, ["-qec", line, "/dev/null"], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const result = await finished(child);
  // The terminal turns each line feed into CR LF: only those are expected.
  return result.stdout.replace(/\r\n/g, "\n");
}

/** A project with hostile text in an event's error, another's message, and the pause reason. */
function hostileProject() {
  const { root, paths } = tempProject();
  const writer = { environment: "development", host: "test", pid: process.pid, redactKeys: [] };
  const failure = emitEvent(
    paths,
    {
      type: "server-error",
      feature: "create-user\u001b[2J",
      route: "POST /users\u001b]0;PWNED\u0007",
      status: 500,
      error: { name: "TypeError", message: HOSTILE },
    },
    writer,
  );
  const notice = emitEvent(paths, { type: "notification", message: HOSTILE }, writer);
  writePause(paths, { by: "alice", reason: HOSTILE });
  return { root, failure, notice };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: an escape sequence starts with one
const OWN_COLOUR = /^\u001b\[(?:1|2|22|31|32|33|36|39)m/;

/** What a terminal must never get from event text: any ESC, C1 or other control but tab and line feed, bidi controls. */
function expectSafe(screen: string, { colours }: { colours: boolean }) {
  const rest = colours ? screen.replace(new RegExp(OWN_COLOUR.source.slice(1), "g"), "") : screen;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
  const unsafe = [...rest.matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g)];
  expect(unsafe.map((m) => `U+${m[0].codePointAt(0)?.toString(16)} at ${m.index}`)).toEqual([]);
}

describe.runIf(SCRIPT)("CLI output that shows event text, at a terminal", () => {
  it("spark events show writes no ESC byte, and --json round-trips the exact string", async () => {
    const { root, failure } = hostileProject();
    const screen = await atTerminal(["spark", "events", "show", failure.id], root);
    expect(screen).toContain("boom startoverwritten evil  hidden end");
    expect(screen).not.toContain("\u001b");
    expectSafe(screen, { colours: false });

    const json = await manifest(["spark", "events", "show", failure.id, "--json"], root);
    const doc = json.json<{ event: { error: { message: string }; route: string } }>();
    expect(doc.event.error.message).toBe(HOSTILE);
    expect(doc.event.route).toBe("POST /users\u001b]0;PWNED\u0007");
  });

  it("with colour on, the only escape sequences are the CLI's own colours", async () => {
    const { root, failure } = hostileProject();
    const screen = await atTerminal(["spark", "events", "show", failure.id], root, { colour: true });
    expect(screen).toMatch(new RegExp(OWN_COLOUR.source.slice(1)));
    expectSafe(screen, { colours: true });
  });

  it("spark events, status, doctor and an error echoing the argument are terminal-safe; --json keeps the strings", async () => {
    const { root, notice } = hostileProject();
    const list = await atTerminal(["spark", "events"], root);
    expect(list).toContain("boom start");
    const status = await atTerminal(["spark", "status"], root);
    expect(status).toContain("boom startoverwritten");
    const doctor = await atTerminal(["doctor"], root);
    const error = await atTerminal(["spark", "events", "show", "\u001b]0;PWNED\u0007nope"], root);
    expect(error).toContain("nope");
    for (const screen of [list, status, doctor, error]) {
      expect(screen).not.toContain("\u001b");
      expectSafe(screen, { colours: false });
    }
    const rows = (await manifest(["spark", "events", "--json"], root)).json<{
      events: Array<{ id: string; message: string }>;
    }>();
    expect(rows.events.find((r) => r.id === notice.id)?.message).toBe(HOSTILE);
    // Five CLI starts: seconds apiece on a busy machine.
  }, 120_000);

  it("spark tail is terminal-safe", async () => {
    const { root } = hostileProject();
    const screen = await atTerminal(["spark", "tail"], root, { seconds: 2 });
    expect(screen).toContain("boom start");
    expect(screen).not.toContain("\u001b");
    expectSafe(screen, { colours: false });
  });
});
