import { defineCommand } from "citty";
import { approveCommand } from "./spark-approve.js";
import { denyCommand } from "./spark-deny.js";
import { emitCommand } from "./spark-emit.js";
import { eventsCommand } from "./spark-events.js";
import { pauseCommand } from "./spark-pause.js";
import { resumeCommand } from "./spark-resume.js";
import { statusCommand } from "./spark-status.js";
import { tailCommand } from "./spark-tail.js";

/** `manifest spark …`: the bus, its pause, its events. */
export const spark = defineCommand({
  meta: { name: "spark", description: "Inspect and control Spark's bus in this project" },
  subCommands: {
    init: () => import("./spark-init.js").then((m) => m.initCommand),
    status: statusCommand,
    pause: pauseCommand,
    resume: resumeCommand,
    approve: approveCommand,
    deny: denyCommand,
    emit: emitCommand,
    tail: tailCommand,
    events: eventsCommand,
  },
});
