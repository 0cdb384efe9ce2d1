import { type Controller, holdText } from "./controller.js";
import type { Store } from "./store.js";

/** Spark's state in one line, pause and resume, and a banner while the bridge is out of reach. */
export function Header({ store, controller }: { store: Store; controller: Controller }) {
  const spark = store.spark.value;
  const agent = store.agent.value;
  const connection = store.connection.value;
  const paused = Boolean(spark?.pausedBy);
  return (
    <header class="top">
      <div class="facts">
        <h1>⚡ Spark</h1>
        {spark && (
          <span class="muted">
            env {spark.environment} · behaviour {spark.behavior} · model {agent?.model ?? "none (watch-only)"}
          </span>
        )}
        <span class={`link ${connection.state}`} title={connection.detail}>
          {connection.state}
        </span>
      </div>
      {spark && (
        <div class="hold">
          <span class={spark.held ? "held" : "flowing"} data-testid="hold">
            {spark.held ? "‖ " : "▶ "}
            {holdText(spark)}
          </span>
          {spark.status && <span class="status muted">{spark.status}</span>}
          <button type="button" onClick={() => void (paused ? controller.resume() : controller.pause())}>
            {paused ? "Resume" : "Pause"}
          </button>
        </div>
      )}
      {connection.state !== "live" && store.spark.value && (
        <div class="banner" role="alert">
          Disconnected from the bridge ({connection.detail || connection.state}): reconnecting…
        </div>
      )}
      {store.notice.value && (
        <div class="banner notice" role="alert">
          {store.notice.value}
          <button type="button" onClick={() => (store.notice.value = undefined)}>
            ×
          </button>
        </div>
      )}
    </header>
  );
}
