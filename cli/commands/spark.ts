import { defineCommand } from "citty";
import { emitCommand } from "./spark-emit.js";
import { pauseCommand } from "./spark-pause.js";
import { resumeCommand } from "./spark-resume.js";
import { statusCommand } from "./spark-status.js";

/** `manifest spark …`: the bus, its pause, its events. */
export const spark = defineCommand({
  meta: { name: "spark", description: "Inspect and control Spark's bus in this project" },
  subCommands: {
    status: statusCommand,
    pause: pauseCommand,
    resume: resumeCommand,
    emit: emitCommand,
  },
});
