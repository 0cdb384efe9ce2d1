import { describe, expect, it } from "vitest";
import { type PanePlan, type PlanContext, plainWords, planPanes } from "../cli/up/panes.js";

const SELF = ["/usr/bin/node", "/opt/spark/dist/cli.js"];

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return {
    self: SELF,
    node: "/usr/bin/node",
    canRun: () => true,
    runProblem: () => undefined,
    ...overrides,
  };
}

const byRole = (plans: PanePlan[]) => Object.fromEntries(plans.map((p) => [p.role, p]));

describe("plainWords", () => {
  it("splits a line the shell would read word for word", () => {
    expect(plainWords("manifest run dev")).toEqual(["manifest", "run", "dev"]);
    expect(plainWords("  pi  --model a/b ")).toEqual(["pi", "--model", "a/b"]);
    expect(plainWords("./bin/dev --port=3000")).toEqual(["./bin/dev", "--port=3000"]);
  });

  it("leaves to the shell what it would change: quotes, variables, operators, globs, assignments", () => {
    for (const line of [
      'node -e "x"',
      "npm run dev && echo",
      "echo $HOME",
      "ls *.ts",
      "PORT=3 npm start",
      "a\tb",
      "",
    ]) {
      expect(plainWords(line), line).toBeUndefined();
    }
  });
});

describe("planPanes", () => {
  it("runs the defaults: pi in the shell, the sidecar and `manifest run dev` as this manifest", () => {
    const panes = byRole(planPanes({ human: "pi", app: "manifest run dev" }, context()));
    expect(panes.human).toMatchObject({ command: "pi", start: { shell: "pi" }, notice: undefined, label: "you: pi" });
    expect(panes.sidecar).toMatchObject({ command: "manifest sidecar", start: { argv: [...SELF, "sidecar"] } });
    expect(panes.app).toMatchObject({ command: "manifest run dev", start: { argv: [...SELF, "run", "dev"] } });
    expect(planPanes({ human: "pi", app: "x" }, context()).map((p) => p.role)).toEqual(["human", "sidecar", "app"]);
  });

  it("adds `manifest relay` (this manifest) when the project has a hub", () => {
    const plans = planPanes({ human: "pi", app: "x" }, context(), { hub: true });
    expect(plans.map((p) => p.role)).toEqual(["human", "sidecar", "app", "relay"]);
    expect(byRole(plans).relay).toMatchObject({ command: "manifest relay", start: { argv: [...SELF, "relay"] } });
  });

  it("hands the user's own lines to their shell untouched", () => {
    const line = 'node -e "console.log(1)" && echo done;';
    const panes = byRole(planPanes({ human: line, app: "npm run dev" }, context()));
    expect(panes.human?.start).toEqual({ shell: line });
    expect(panes.app?.start).toEqual({ shell: "npm run dev" });
  });

  it("shows what to do when `manifest run` cannot start the app (no dev script)", () => {
    const seen: Array<[string, readonly string[]]> = [];
    const ctx = context({
      runProblem: (command, args) => {
        seen.push([command, args]);
        return { message: "`dev` not found: …", next: 'Add a "dev" script to package.json.' };
      },
    });
    const app = byRole(planPanes({ human: "pi", app: "manifest run --name web dev --port 3" }, ctx)).app;
    expect(seen).toEqual([["dev", ["--port", "3"]]]);
    expect(app?.notice).toBe(
      [
        "manifest up: cannot start `manifest run --name web dev --port 3`.",
        "`dev` not found: …",
        'Add a "dev" script to package.json.',
        "Or set up.app in config/spark.ts; then `manifest up` restarts this pane.",
      ].join("\n"),
    );
    // The notice is shown by node, passed as an argument: nothing is written into a script.
    expect(app?.start).toEqual({ argv: ["/usr/bin/node", "-e", expect.any(String), app?.notice] });
  });

  it("turns a `manifest run` usage error into a notice too", () => {
    const app = byRole(planPanes({ human: "pi", app: "manifest run --bogus dev" }, context())).app;
    expect(app?.notice).toContain("Unknown option --bogus for `manifest run`.");
  });

  it("shows how to install pi when it is not on PATH, and names any other missing program", () => {
    const ctx = context({ canRun: (program) => program !== "pi" && program !== "bun" });
    const panes = byRole(planPanes({ human: "pi", app: "bun dev" }, ctx));
    expect(panes.human?.notice).toContain("`pi` was not found on PATH.");
    expect(panes.human?.notice).toContain("npm install -g @mariozechner/pi-coding-agent");
    expect(panes.human?.notice).toContain("Or set up.human in config/spark.ts");
    expect(panes.app?.notice).toContain("Install `bun`.");
  });

  it("does not look for shell builtins or lines it cannot read as words", () => {
    const ctx = context({ canRun: () => false });
    const panes = byRole(planPanes({ human: "exec pi", app: "cd web && npm run dev" }, ctx));
    expect(panes.human).toMatchObject({ start: { shell: "exec pi" }, notice: undefined });
    expect(panes.app).toMatchObject({ start: { shell: "cd web && npm run dev" }, notice: undefined });
  });

  it("says so when a command is empty", () => {
    const app = byRole(planPanes({ human: "pi", app: "  " }, context())).app;
    expect(app?.notice).toContain("up.app is empty: this pane has nothing to run.");
  });
});
