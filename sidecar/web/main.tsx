import { render } from "preact";
import { createBridgeApi } from "../bridge-client/api.js";
import { App } from "./app-view.js";
import { startController } from "./controller.js";
import { createStore } from "./store.js";

// The page talks to the bridge that served it: same origin, the session cookie.
const store = createStore();
const controller = startController(createBridgeApi(""), store);
const root = document.getElementById("app");
if (root) render(<App store={store} controller={controller} />, root);
