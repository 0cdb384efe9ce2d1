import { join } from "node:path";
import { answerApproval } from "../../bus/approvals.js";
import { profileFor } from "../../bus/config-schema.js";
import { currentUser } from "../../bus/pause.js";
import { readEventDetail } from "../../bus/read-detail.js";
import type { HostItem, SidecarHost } from "../host.js";
import { createConversationLog } from "./conversation-log.js";
import { createEventBoard } from "./events-board.js";
import { startEventsFeed } from "./events-feed.js";
import { startFactsFeed } from "./facts-feed.js";
import { handleKey, type KeyContext } from "./keys.js";
import { readLogTail } from "./log-tail.js";
import { agentPopup, eventPopup, logPopup } from "./popup-view.js";
import { createRedrawScheduler } from "./redraw.js";
import { type Frame, renderScreen } from "./screen-view.js";
import { liveAgents } from "./side-view.js";
import { type DashboardState, initialUi, PANES, type Popup } from "./state.js";
import { captureConsole, openTerminal } from "./terminal.js";
import { toTags } from "./text.js";

/** The signals that end the dashboard cleanly (SIGHUP: its terminal or tmux pane was closed). */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * The blessed dashboard of `manifest sidecar` (README.md beside this file): Spark's status,
 * the events, the agents, the recent runs, the conversation, and an input line to prompt or
 * steer. Resolves with the exit code once `q`, Ctrl-C, SIGINT, SIGTERM or SIGHUP has shut
 * the host down cleanly.
 */
export async function runDashboard(host: SidecarHost, options: { onQuitKey?: () => void } = {}): Promise<number> {
  const { paths, config, root } = host.loaded;
  const log = createConversationLog();
  const state: DashboardState = {
    host: {
      environment: config.environment,
      behavior: profileFor(config).behavior,
      model: host.model,
      watchOnly: host.watchOnly,
      pid: process.pid,
      quitClosesLayout: options.onQuitKey !== undefined,
    },
    hold: { held: false },
    pausedBy: undefined,
    warning: undefined,
    busy: host.busy(),
    board: createEventBoard(),
    agents: [],
    runs: [],
    approvals: [],
    log,
    ui: initialUi(),
    now: Date.now(),
  };
  const note = (level: "info" | "warning" | "error", text: string) => log.apply({ kind: "notice", level, text });

  const terminal = openTerminal();
  let frame: Frame | undefined;
  // A bug in drawing must not leave the terminal raw: the dashboard stops, then says why.
  let failure: Error | undefined;
  const draw = () => {
    if (failure) return;
    try {
      state.now = Date.now();
      frame = renderScreen(state, terminal.width(), terminal.height());
      // Scroll positions past the end (a log opened at its tail) settle on the end.
      const popup = state.ui.popup;
      if (popup && popup.scroll > frame.popupMaxScroll) state.ui.popup = { ...popup, scroll: frame.popupMaxScroll };
      if (state.ui.scroll > frame.conversationMaxScroll) state.ui.scroll = frame.conversationMaxScroll;
      terminal.draw(frame.lines.map(toTags));
    } catch (error) {
      failure = error as Error;
      quit();
    }
  };
  const redraw = createRedrawScheduler(draw);
  const reportError = (error: unknown) => {
    note("error", (error as Error)?.message ?? String(error));
    redraw.mark();
  };

  const restoreConsole = captureConsole((level, text) => {
    note(level, text);
    redraw.mark();
  });

  const unsubscribe = host.subscribe((item: HostItem) => {
    if (item.kind === "status") state.warning = item.text?.startsWith("⚠") ? item.text : undefined;
    else log.apply(item);
    // At run-end the session may still say it streams: the item is the truth.
    state.busy = item.kind === "run-start" || (item.kind !== "run-end" && host.busy());
    redraw.mark();
  });
  const facts = startFactsFeed(
    paths,
    config,
    { watchOnly: host.watchOnly !== undefined },
    (f) => {
      Object.assign(state, f);
      redraw.mark();
    },
    reportError,
  );
  const events = startEventsFeed(paths, state.board, redraw.mark, facts.runsChanged, reportError);

  const open = (pane: "events" | "agents" | "runs", key: string): Popup | undefined => {
    if (pane === "events") {
      const group = state.board.group(key);
      return group && eventPopup(group, readEventDetail(paths, group.example));
    }
    if (pane === "agents") {
      const agent = state.agents.find((a) => a.id === key);
      return agent && agentPopup(agent);
    }
    const run = state.runs.find((r) => r.log === key);
    return run && logPopup(run.log, readLogTail(join(root, run.log)));
  };

  let stopping: Promise<number> | undefined;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  // A signal (`manifest down`, the pane closed) ends only the dashboard; q and Ctrl-C are the person's.
  const onSignal = () => quit("signal");
  const quit = (by: "key" | "signal" = "signal") => {
    stopping ??= (async () => {
      note("info", "shutting down: releasing claims, removing presence…");
      if (by === "key" && options.onQuitKey) note("info", "then closing the layout (manifest down)…");
      redraw.flush();
      let code = 0;
      try {
        await Promise.all([events.close(), facts.close()]);
        await host.shutdown();
      } catch (error) {
        code = 1;
        reportError(error);
      }
      redraw.cancel();
      unsubscribe();
      for (const signal of SIGNALS) process.off(signal, onSignal);
      terminal.destroy();
      restoreConsole();
      if (failure) {
        process.stderr.write(`manifest sidecar: the dashboard failed: ${failure.stack ?? failure.message}\n`);
        code = 1;
      }
      if (by === "key") options.onQuitKey?.();
      return code;
    })();
    void stopping.then(finish);
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);

  const keyContext = (): KeyContext => ({
    panes: frame?.layout.rightWidth === 0 ? PANES.filter((p) => p !== "agents" && p !== "runs") : PANES,
    lists: {
      events: state.board.groups().map((g) => g.key),
      agents: liveAgents(state.agents).map((a) => a.id),
      runs: state.runs.map((r) => r.log),
    },
    conversationRows: frame?.layout.conversationRows ?? 1,
    conversationMaxScroll: frame?.conversationMaxScroll ?? 0,
    popupRows: frame?.popupRows ?? 1,
    popupMaxScroll: frame?.popupMaxScroll ?? 0,
    listRows: frame?.layout.topRows ?? 1,
    approval: state.approvals[0]?.request.id,
  });
  terminal.onKey((key) => {
    if (stopping) {
      // A shutdown that hangs (a model call that never returns) gives the terminal back on a
      // second Ctrl-C; a third one (now a real SIGINT) ends the process the default way.
      if (key.full === "C-c") {
        for (const signal of SIGNALS) process.off(signal, onSignal);
        terminal.destroy();
        restoreConsole();
        finish(130);
      }
      return;
    }
    const result = handleKey(state.ui, key, keyContext());
    state.ui = result.ui;
    for (const effect of result.effects) {
      switch (effect.kind) {
        case "quit":
          return quit("key");
        case "send":
          host.send(effect.text);
          break;
        case "toggle-pause": {
          const now = host.togglePause(currentUser("sidecar dashboard"));
          note(
            "info",
            now === "paused"
              ? "Spark paused: new events wait on disk until p again."
              : "Spark resumed: held events go out now.",
          );
          facts.refresh();
          break;
        }
        case "abort":
          if (host.busy()) void host.abort().catch(reportError);
          note("info", host.busy() ? "aborting the agent's run…" : "nothing to abort: the agent is idle");
          break;
        case "answer": {
          const result = answerApproval(paths, {
            query: effect.id,
            answer: effect.answer,
            by: currentUser("sidecar dashboard"),
            liveAgentIds: new Set(liveAgents(state.agents).map((a) => a.id)),
          });
          note(
            result.ok ? "info" : "warning",
            result.ok
              ? `${effect.answer === "approve" ? "✔ approved" : "✖ denied"} ${result.view.request.tool} ${result.view.request.summary}`
              : result.message,
          );
          facts.refresh();
          break;
        }
        case "open":
          try {
            state.ui.popup = open(effect.pane, effect.key) ?? state.ui.popup;
          } catch (error) {
            reportError(error);
          }
          break;
      }
    }
    redraw.mark();
  });
  terminal.onResize(() => redraw.flush());
  redraw.flush();
  return done;
}
