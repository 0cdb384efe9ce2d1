import type { ToolDefinition } from "@mariozechner/pi-coding-agent";
import { Type } from "typebox";
import { findProjectRoot, loadConfig } from "../../bus/config-load.js";
import { emitEvent, writerContext } from "../../bus/emit.js";

/** How a notification looks on a dashboard. */
export const NOTIFY_TYPES = ["info", "success", "warning", "error"] as const;
export type NotifyType = (typeof NOTIFY_TYPES)[number];

const MAX_MESSAGE = 2000;

/** What the tool writes to the bus (besides what every event carries). */
export interface NotificationInput {
  message: string;
  type: NotifyType;
  refreshIframe: boolean;
}

/** The tool's arguments made safe: a known type, a bounded message. Pure. */
export function notificationInput(params: {
  message?: unknown;
  type?: unknown;
  refreshIframe?: unknown;
}): NotificationInput {
  const message = typeof params.message === "string" ? params.message.trim() : "";
  if (message === "") throw new Error("notify_dashboard needs a message: what should the people watching know?");
  const type = NOTIFY_TYPES.find((t) => t === params.type) ?? "info";
  return {
    message: message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE - 1)}…` : message,
    type,
    refreshIframe: params.refreshIframe === true,
  };
}

/**
 * `notify_dashboard`: a message for the people watching the project. It becomes a
 * `notification` event on the bus (`audience: "people"`: no agent takes it as work), which the
 * bridge sends to every dashboard as it appears.
 */
export function notifyTool(): ToolDefinition {
  return {
    name: "notify_dashboard",
    label: "Notify dashboard",
    description:
      "Show a short message to the people watching this project's dashboard (a toast). Use it for something they should see now: the app is up, a change is ready to look at, something needs their decision. Set refreshIframe to reload the app's frame after a change they should look at.",
    promptSnippet:
      "notify_dashboard: tell the people watching the dashboard something (optionally reload the app's frame)",
    parameters: Type.Object({
      message: Type.String({ description: "What they should know, in a sentence or two" }),
      type: Type.Optional(Type.String({ description: "info (default), success, warning or error" })),
      refreshIframe: Type.Optional(Type.Boolean({ description: "Reload the app's frame on the dashboard" })),
    }),
    async execute(_id, params: { message?: unknown; type?: unknown; refreshIframe?: unknown }, _signal, _update, ctx) {
      const input = notificationInput(params);
      const { paths, config } = loadConfig(findProjectRoot(ctx.cwd));
      const event = emitEvent(
        paths,
        {
          type: "notification",
          message: input.message,
          level: input.type,
          refreshIframe: input.refreshIframe,
          audience: "people",
        },
        writerContext(config, "notify_dashboard"),
      );
      return {
        content: [{ type: "text" as const, text: `Shown on the dashboard (${input.type}).` }],
        details: { eventId: event.id },
      };
    },
  };
}
