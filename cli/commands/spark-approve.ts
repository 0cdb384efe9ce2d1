import { defineCommand } from "citty";
import { answerArgs, runAnswer } from "../_approval.js";

/** `manifest spark approve [id]`: lets a tool call that waits (`tools: "approve"`) run. */
export const approveCommand = defineCommand({
  meta: { name: "approve", description: "Let a waiting tool call run (tools: approve)" },
  args: answerArgs,
  run: ({ args }) => runAnswer("approve", args),
});
