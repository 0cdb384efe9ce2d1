#!/usr/bin/env node
// The bus side of Spark in one run: the example app in a fresh temp folder, its bug
// triggered, and the event Spark captured, as a Pi agent would receive it.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..");
const { busPaths, claimBatch, formatBatchPrompt, groupEvents, ackClaimed } = await import(join(repo, "dist/bus.js"));

const dir = mkdtempSync(join(tmpdir(), "spark-demo-"));
cpSync(join(repo, "examples/hello-app"), dir, { recursive: true, filter: (src) => !src.includes("node_modules") });
mkdirSync(join(dir, "node_modules"));
symlinkSync(repo, join(dir, "node_modules/manifest-spark"), "dir");
console.log(`1. The example app, copied to ${dir}`);

const app = spawn(process.execPath, ["server.js"], {
  cwd: dir,
  env: { ...process.env, PORT: "0" },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((resolve) => {
  app.stdout.on("data", (d) => {
    const m = /listening on (\S+)/.exec(String(d));
    if (m) resolve(m[1]);
  });
});
console.log(`2. It listens on ${url}`);

const post = async (body) => {
  const r = await fetch(`${url}/users`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return r.status;
};
console.log(`3. POST /users {"name":"Ada Lovelace"} → ${await post({ name: "Ada Lovelace" })}`);
console.log(
  `   POST /users {"name":"Ada","password":"s3cret"} → ${await post({ name: "Ada", password: "s3cret" })}  (the bug)`,
);
app.kill();

const paths = busPaths(dir);
const files = readdirSync(paths.events).filter((n) => n.endsWith(".json"));
console.log(`4. Spark wrote ${files.length} event file(s) to .spark/events/ (0600, password redacted):`);
console.log(`   ${readFileSync(join(paths.events, files[0]), "utf8").slice(0, 300)}…`);
const { claimed } = claimBatch(paths, "demo");
const message = formatBatchPrompt(groupEvents(claimed.map((c) => c.event)), {
  intro: "Investigate each problem below and fix its cause.",
});
ackClaimed(
  paths,
  "demo",
  claimed.map((c) => c.name),
);
console.log("5. The message a Pi agent receives for this batch:\n");
console.log(message.replace(/^/gm, "   │ "));
