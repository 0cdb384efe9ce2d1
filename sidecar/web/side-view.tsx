import type { Controller } from "./controller.js";
import type { Store } from "./store.js";

/** Tool calls waiting for a person's yes (`tools: "approve"`): each with its own answer buttons. */
export function ApprovalsPane({ store, controller }: { store: Store; controller: Controller }) {
  const waiting = store.approvals.value;
  if (waiting.length === 0) return null;
  return (
    <section class="pane approvals" aria-label="Approvals">
      <h2>Waiting for a yes {waiting.length}</h2>
      <ul>
        {waiting.map((a) => (
          <li key={a.request.id} data-approval={a.request.id}>
            <code>{a.request.tool}</code> {a.request.summary}
            <div class="answers">
              <button type="button" onClick={() => void controller.answer(a.request.id, "approve")}>
                Approve
              </button>
              <button type="button" onClick={() => void controller.answer(a.request.id, "deny")}>
                Deny
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Who is here: the humans' Pi sessions and the sidecar, working or idle. */
export function AgentsPane({ store }: { store: Store }) {
  const agents = (store.spark.value?.agents ?? []).filter((a) => a.alive);
  return (
    <section class="pane agents" aria-label="Agents">
      <h2>Agents</h2>
      {agents.length === 0 && <p class="muted">nobody</p>}
      <ul>
        {agents.map((a) => (
          <li key={a.id} class={a.status}>
            <strong>{a.role}</strong> {a.status} <span class="muted">pid {a.pid}</span>
            {a.user && <span class="muted"> · {a.user}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The inspect DB: integrations, services and assets (names and kinds: secrets stay on the machine). */
export function InspectPane({ store }: { store: Store }) {
  const view = store.inspect.value;
  return (
    <section class="pane inspect" aria-label="Inspect">
      <h2>Inspect</h2>
      {!view && <p class="muted">loading…</p>}
      {view && !view.ok && <p class="muted">{view.message}</p>}
      {view?.ok &&
        (["integrations", "services", "assets"] as const).map((table) => (
          <div key={table}>
            <h3>
              {table} <span class="muted">{view[table].length}</span>
            </h3>
            <ul>
              {view[table].map((row, i) => (
                <li key={i}>{summary(row)}</li>
              ))}
            </ul>
          </div>
        ))}
    </section>
  );
}

/** The app through the bridge's proxy, reloaded when the agent says so (`notify_dashboard`). */
export function AppFrame({ store }: { store: Store }) {
  const app = store.agent.value?.app;
  if (!app?.proxied) return null;
  return (
    <section class="pane app" aria-label="App">
      <h2>
        App <span class="muted">port {app.port}</span>
      </h2>
      <iframe
        key={store.frameKey.value}
        src="/"
        title="the app"
        sandbox="allow-scripts allow-forms allow-same-origin"
      />
    </section>
  );
}

/** Notifications for the people watching, for a few seconds each. */
export function Toasts({ store }: { store: Store }) {
  return (
    <div class="toasts" role="status">
      {store.toasts.value.map((t) => (
        <div key={t.id} class={`toast ${t.type}`}>
          {t.message}
        </div>
      ))}
    </div>
  );
}

function summary(row: unknown): string {
  const r = (row ?? {}) as Record<string, unknown>;
  const name = r.name ?? r.id ?? "?";
  const kind = r.kind ?? r.type ?? r.provider ?? "";
  return `${String(name)}${kind ? ` (${String(kind)})` : ""}`;
}
