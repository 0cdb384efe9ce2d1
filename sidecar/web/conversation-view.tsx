import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { Entry } from "../dashboard/conversation-log.js";
import type { Controller } from "./controller.js";
import type { Store } from "./store.js";

/** The sidecar's conversation as it streams, tool calls folded, and the line to talk to it. */
export function ConversationPane({ store, controller }: { store: Store; controller: Controller }) {
  void store.logVersion.value;
  const entries = store.log.entries();
  const working = store.agent.value?.working ?? false;
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: "end" }), [store.logVersion.value]);

  return (
    <section class="pane conversation" aria-label="Conversation">
      <header>
        <h2>Conversation</h2>
        <span class={working ? "badge working" : "badge"}>{working ? "working" : "idle"}</span>
      </header>
      <div class="entries" aria-live="polite">
        {entries.map((entry, i) => (
          <EntryView entry={entry} key={i} />
        ))}
        <div ref={end} />
      </div>
      <InputLine working={working} controller={controller} />
    </section>
  );
}

function EntryView({ entry }: { entry: Entry }) {
  switch (entry.kind) {
    case "user":
      return <div class="entry user">{entry.text}</div>;
    case "spark":
      return (
        <details class="entry spark">
          <summary>Spark: {entry.label}</summary>
          <pre>{entry.text}</pre>
        </details>
      );
    case "assistant":
      return (
        <div class={`entry assistant${entry.streaming ? " streaming" : ""}`}>
          {entry.text}
          {entry.error && <div class="error">{entry.error}</div>}
        </div>
      );
    case "tool":
      return (
        <details class={`entry tool ${entry.state}`}>
          <summary>
            {entry.state === "running" ? "…" : entry.state === "ok" ? "✔" : "✖"} {entry.name} {entry.summary}
          </summary>
          <pre>{entry.result}</pre>
        </details>
      );
    case "notice":
      return <div class={`entry notice ${entry.level}`}>{entry.text}</div>;
  }
}

function InputLine({ working, controller }: { working: boolean; controller: Controller }) {
  const text = useSignal("");
  const submit = (e: Event) => {
    e.preventDefault();
    const message = text.value.trim();
    if (message === "") return;
    text.value = "";
    void controller.send(message);
  };
  return (
    <form class="input" onSubmit={submit}>
      <input
        name="message"
        aria-label="message to the agent"
        placeholder={working ? "steer the agent…" : "ask the agent something…"}
        value={text.value}
        onInput={(e) => (text.value = (e.currentTarget as HTMLInputElement).value)}
        autocomplete="off"
      />
      <button type="submit">{working ? "Steer" : "Send"}</button>
      <button type="button" disabled={!working} onClick={() => void controller.abort()}>
        Abort
      </button>
    </form>
  );
}
