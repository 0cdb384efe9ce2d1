import { currentUser } from "../../bus/pause.js";
import type { HostItem } from "../host.js";
import { createConversationLog } from "./conversation-log.js";
import { createEventBoard } from "./events-board.js";
import { handleKey, type KeyContext } from "./keys.js";
import { agentPopup, eventPopup, logPopup } from "./popup-view.js";
import { createRedrawScheduler } from "./redraw.js";
import { type Frame, renderScreen } from "./screen-view.js";
import { liveAgents } from "./side-view.js";
import type { DashboardSource } from "./source.js";
import { type DashboardState, initialUi, PANES, type Popup } from "./state.js";
import { captureConsole, openTerminal } from "./terminal.js";
import { toTags } from "./text.js";

export { localSource } from "./local-source.js";

/** The signals that end the dashboard cleanly (SIGHUP: its terminal or tmux pane was closed). */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * The blessed dashboard (README.md beside this file): Spark's status, the events, the agents,
 * the recent runs, the conversation, and an input line to prompt or steer, over the local
 * sidecar or a remote bridge (`source`). Resolves with the exit code once `q`, Ctrl-C,
 * SIGINT, SIGTERM or SIGHUP has closed the source cleanly.
 */
export async function runDashboard(source: DashboardSource, options: { onQuitKey?: () => void } = {}): Promise<number> {
  const log = createConversationLog();
  const state: DashboardState = {
    host: { ...source.facts, quitClosesLayout: options.onQuitKey !== undefined },
    hold: { held: false },
    pausedBy: undefined,
    warning: undefined,
    busy: source.busy(),
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

  const unsubscribe = source.subscribe((item: HostItem) => {
    if (item.kind === "status") state.warning = item.text?.startsWith("⚠") ? item.text : undefined;
    else log.apply(item);
    // At run-end the session may still say it streams: the item is the truth.
    state.busy = item.kind === "run-start" || (item.kind !== "run-end" && source.busy());
    redraw.mark();
  });
  const facts = source.startFacts((f) => {
    Object.assign(state, f);
    redraw.mark();
  }, reportError);
  const events = source.startEvents(state.board, redraw.mark, facts.runsChanged, reportError);

  const open = async (pane: "events" | "agents" | "runs", key: string): Promise<Popup | undefined> => {
    if (pane === "events") {
      const group = state.board.group(key);
      return group && eventPopup(group, await source.eventDetail(group.example));
    }
    if (pane === "agents") {
      const agent = state.agents.find((a) => a.id === key);
      return agent && agentPopup(agent);
    }
    const run = state.runs.find((r) => r.log === key);
    return run && logPopup(run.log, await source.logTail(run.log));
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
      note("info", source.closing);
      if (by === "key" && options.onQuitKey) note("info", "then closing the layout (manifest down)…");
      redraw.flush();
      let code = 0;
      try {
        await Promise.all([events.close(), facts.close()]);
        await source.close();
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
          source.send(effect.text);
          break;
        case "toggle-pause":
          void source.togglePause(currentUser("sidecar dashboard")).then((now) => {
            note(
              "info",
              now === "paused"
                ? "Spark paused: new events wait on disk until p again."
                : "Spark resumed: held events go out now.",
            );
            facts.refresh();
            redraw.mark();
          }, reportError);
          break;
        case "abort":
          if (source.busy()) void source.abort().catch(reportError);
          note("info", source.busy() ? "aborting the agent's run…" : "nothing to abort: the agent is idle");
          break;
        case "answer": {
          const by = currentUser("sidecar dashboard");
          const live = new Set(liveAgents(state.agents).map((a) => a.id));
          void source.answer(effect.id, effect.answer, by, live).then((result) => {
            note(result.ok ? "info" : "warning", result.text);
            facts.refresh();
            redraw.mark();
          }, reportError);
          break;
        }
        case "open":
          void open(effect.pane, effect.key).then((popup) => {
            state.ui.popup = popup ?? state.ui.popup;
            redraw.mark();
          }, reportError);
          break;
      }
    }
    redraw.mark();
  });
  terminal.onResize(() => redraw.flush());
  redraw.flush();
  return done;
}
