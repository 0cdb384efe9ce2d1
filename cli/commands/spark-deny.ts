import { defineCommand } from "citty";
import { answerArgs, runAnswer } from "../_approval.js";

/** `manifest spark deny [id] [--reason why]`: refuses a tool call that waits (`tools: "approve"`). */
export const denyCommand = defineCommand({
  meta: { name: "deny", description: "Refuse a waiting tool call (tools: approve); --reason tells the agent why" },
  args: answerArgs,
  run: ({ args }) => runAnswer("deny", args),
});
