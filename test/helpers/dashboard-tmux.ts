import { CLI } from "./cli.js";
import { startTmux, type Tmux } from "./tmux.js";

/**
 * What a dashboard in tmux runs with: Pi offline, loopback unproxied, UTF-8, and none of the
 * Spark variables of the shell that runs the tests.
 */
export const DASHBOARD_ENV = {
  PI_OFFLINE: "1",
  NO_PROXY: "127.0.0.1,localhost",
  LANG: "C.UTF-8",
  SPARK_ROLE: "",
  SPARK_ROOT: "",
  SPARK_ENV: "",
  SPARK_ENABLED: "",
  NODE_ENV: "",
};

/**
 * `manifest sidecar` (the dashboard) in a detached tmux session, as a person runs it, with
 * Pi's agent folder `agentDir`. A shell around it prints its exit status once it has given
 * the terminal back. `stop()` quits it with `q` and waits for that, so the project folder can go.
 */
export function startDashboardTmux(
  root: string,
  agentDir: string,
  args: string[],
  size: { width: number; height: number } = { width: 80, height: 24 },
): Tmux & { stop(): Promise<void> } {
  const script = `"${process.execPath}" "$0" sidecar "$@"; echo "exit status $?"; exec sleep 3600`;
  const tmux = startTmux(["sh", "-c", script, CLI, ...args], {
    cwd: root,
    ...size,
    env: {
      PI_CODING_AGENT_DIR: agentDir,
      ...DASHBOARD_ENV,
    },
  });
  return {
    ...tmux,
    async stop() {
      tmux.keys(tmux.session, "q");
      await tmux.waitForScreen(/exit status \d+/, undefined, 20_000).catch(() => undefined);
      tmux.kill();
    },
  };
}
