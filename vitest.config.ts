import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real processes, temp dirs, tmux and Pi sessions: isolate files in their own processes.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Everything here is real I/O on 2 cores; two files at a time keeps timing-sensitive
    // process tests honest without making the suite slow.
    maxWorkers: 2,
  },
});
