import { defineCommand } from "citty";
import { eventsListCommand, listArgs, runList } from "./spark-events-list.js";
import { eventsPurgeCommand } from "./spark-events-purge.js";
import { eventsRequeueCommand } from "./spark-events-requeue.js";
import { eventsShowCommand } from "./spark-events-show.js";

/**
 * `manifest spark events [list|show|requeue|purge]`. Without a sub-command it lists, with the
 * same options as `list`: listing is what people reach for first.
 */
export const eventsCommand = defineCommand({
  meta: {
    name: "events",
    description:
      "List and show events; requeue rejected or expired ones after a fix (or a delivered one for a second look); purge old ones",
  },
  args: listArgs,
  subCommands: {
    list: eventsListCommand,
    show: eventsShowCommand,
    requeue: eventsRequeueCommand,
    purge: eventsPurgeCommand,
  },
  run: ({ args }) => runList(args),
});
