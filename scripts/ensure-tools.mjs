#!/usr/bin/env node
// The test suite drives real tmux and real git, and traces module loads with strace. On a fresh
// Debian/Ubuntu machine this installs what is missing (as root, or with passwordless sudo);
// anywhere else it says what to install.
import { execFileSync, spawnSync } from "node:child_process";

// strace (Linux only): the module-load trace of what importing the emitter opens.
const needed = { tmux: "tmux", git: "git", ...(process.platform === "linux" ? { strace: "strace" } : {}) };
const has = (tool) =>
  spawnSync(tool, ["-V"], { stdio: "ignore" }).error === undefined ||
  spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
const missing = Object.entries(needed)
  .filter(([tool]) => !has(tool))
  .map(([, pkg]) => pkg);
if (missing.length === 0) process.exit(0);

const hasApt = spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0;
const isRoot = process.getuid?.() === 0;
const sudo = !isRoot && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
if (!hasApt || (!isRoot && !sudo)) {
  console.error(
    `The tests need ${missing.join(" and ")}. Install ${missing.length > 1 ? "them" : "it"} (apt-get install ${missing.join(" ")}, brew install ${missing.join(" ")}), then run npm test again.`,
  );
  process.exit(1);
}
const run = (args) =>
  execFileSync(isRoot ? args[0] : "sudo", isRoot ? args.slice(1) : ["-n", ...args], {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
console.error(`Installing ${missing.join(", ")} for the tests (apt-get)…`);
run(["apt-get", "update", "-qq"]);
run(["apt-get", "install", "-y", "-qq", ...missing]);
