#!/usr/bin/env node
/**
 * `manifest`: drive Spark from a shell, a git hook or a Pi skill. Commands that only read the
 * bus import nothing heavy; the sidecar and the tmux layout load Pi and blessed lazily.
 */
import { defineCommand } from "citty";
import { runCli } from "./_dispatch.js";
import { spark } from "./commands/spark.js";

declare const __SPARK_VERSION__: string | undefined;
const version = typeof __SPARK_VERSION__ === "string" ? __SPARK_VERSION__ : "dev";

export const main = defineCommand({
  meta: {
    name: "manifest",
    version,
    description: "Spark: errors from your app, delivered to a Pi agent that fixes them",
  },
  subCommands: {
    spark,
    run: () => import("./commands/run.js").then((m) => m.runCommand),
    doctor: () => import("./commands/doctor.js").then((m) => m.doctorCommand),
    hooks: () => import("./commands/hooks.js").then((m) => m.hooks),
    sidecar: () => import("./commands/sidecar.js").then((m) => m.sidecarCommand),
    attach: () => import("./commands/attach.js").then((m) => m.attachCommand),
    up: () => import("./commands/up.js").then((m) => m.upCommand),
    down: () => import("./commands/down.js").then((m) => m.downCommand),
    demo: () => import("./commands/demo.js").then((m) => m.demoCommand),
    sprite: () => import("./commands/sprite.js").then((m) => m.sprite),
    inspect: () => import("./commands/inspect.js").then((m) => m.inspect),
    relay: () => import("./commands/relay.js").then((m) => m.relayCommand),
    fleet: () => import("./commands/fleet.js").then((m) => m.fleet),
  },
});

process.exitCode = await runCli(main, process.argv.slice(2), version);
