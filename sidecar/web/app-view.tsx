import type { Controller } from "./controller.js";
import { ConversationPane } from "./conversation-view.js";
import { EventsPane } from "./events-view.js";
import { Header } from "./header-view.js";
import { AgentsPane, AppFrame, ApprovalsPane, InspectPane, Toasts } from "./side-view.js";
import type { Store } from "./store.js";

/** The whole page: the header, then events, conversation, and a column of the rest. */
export function App({ store, controller }: { store: Store; controller: Controller }) {
  return (
    <>
      <Header store={store} controller={controller} />
      <main>
        <EventsPane store={store} controller={controller} />
        <ConversationPane store={store} controller={controller} />
        <aside>
          <ApprovalsPane store={store} controller={controller} />
          <AgentsPane store={store} />
          <AppFrame store={store} />
          <InspectPane store={store} />
        </aside>
      </main>
      <Toasts store={store} />
    </>
  );
}
