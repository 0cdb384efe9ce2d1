import { defineCommand } from "citty";

/** `manifest inspect …`: the inspect database (integrations, services, assets). */
export const inspect = defineCommand({
  meta: {
    name: "inspect",
    description: "What this project is made of beyond its code: integrations, services and assets (.spark/inspect.db)",
  },
  subCommands: {
    list: () => import("./inspect-list.js").then((m) => m.inspectListCommand),
    add: () => import("./inspect-add.js").then((m) => m.inspectAddCommand),
    remove: () => import("./inspect-remove.js").then((m) => m.inspectRemoveCommand),
  },
});
