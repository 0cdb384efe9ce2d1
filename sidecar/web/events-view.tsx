import { useSignal } from "@preact/signals";
import type { Controller } from "./controller.js";
import { type EventRow, ROW_STATES, type RowState } from "./event-list.js";
import type { Store } from "./store.js";
import { VirtualList } from "./virtual-list.js";

const ROW_HEIGHT = 26;

/** The events: counts per state as filters, the list (virtual), and the one opened whole. */
export function EventsPane({ store, controller }: { store: Store; controller: Controller }) {
  const version = store.eventsVersion.value;
  const filter = useSignal<RowState | "all">("all");
  const open = useSignal<{ row: EventRow; detail: unknown } | undefined>(undefined);
  const all = store.events.rows();
  const rows = filter.value === "all" ? all : all.filter((r) => r.state === filter.value);
  const counts = store.events.counts();

  const show = async (row: EventRow) => {
    open.value = { row, detail: "loading…" };
    try {
      open.value = { row, detail: await controller.eventDetail(row.id) };
    } catch (error) {
      open.value = { row, detail: (error as Error).message };
    }
  };

  return (
    <section class="pane events" aria-label="Events">
      <header>
        <h2>Events</h2>
        <nav class="filters">
          <button type="button" aria-pressed={filter.value === "all"} onClick={() => (filter.value = "all")}>
            all {all.length}
          </button>
          {ROW_STATES.map((s) => (
            <button type="button" key={s} aria-pressed={filter.value === s} onClick={() => (filter.value = s)}>
              {s} {counts[s]}
            </button>
          ))}
        </nav>
      </header>
      <VirtualList
        items={rows}
        rowHeight={ROW_HEIGHT}
        version={version}
        label="events"
        row={(row) => (
          <button type="button" class={`event ${row.state}`} data-name={row.name} onClick={() => void show(row)}>
            <span class="state">{row.state}</span>
            <span class="time">{clock(row.at)}</span>
            <span class="line">{row.line ?? row.type}</span>
            {row.problem && <span class="problem">{row.problem}</span>}
          </button>
        )}
      />
      {open.value && (
        <div class="detail" role="dialog" aria-label="Event detail">
          <header>
            <h3>{open.value.row.name}</h3>
            <button type="button" onClick={() => (open.value = undefined)}>
              close
            </button>
          </header>
          <pre>
            {typeof open.value.detail === "string" ? open.value.detail : JSON.stringify(open.value.detail, null, 2)}
          </pre>
        </div>
      )}
    </section>
  );
}

function clock(ms: number): string {
  return ms > 0 ? new Date(ms).toLocaleTimeString([], { hour12: false }) : "";
}
