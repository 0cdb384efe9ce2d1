// What the sidecar adds to every tool result: `redactToolOutput` (dist/bus.js) on a 50 KB
// output, as `bash` returns it at most, vs the floor: `JSON.stringify` of the same result,
// the work Pi does anyway to store it in the session. Two outputs: a test run's log with
// nothing secret in it (the fast gate skips the patterns), and an env dump full of secrets.
// Rounds alternate (ABBA) between the two so drift cancels out.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gc, median, now, REPO_ROOT, result } from "./_lib.mjs";

export const name = "tool-output";

const LIMIT = 50 * 1024;

function fill(line) {
  let text = "";
  for (let i = 0; text.length < LIMIT; i++) text += line(i);
  return text.slice(0, LIMIT);
}

const testLog = fill(
  (i) => `  ✓ create-user handles case ${i} (${i % 17} ms)\n    at Object.<anonymous> (test/users.test.ts:${i}:7)\n`,
);
const envDump = fill(
  (i) =>
    `SERVICE_${i}_URL=https://svc-${i}.internal/api\nSERVICE_${i}_TOKEN=tok_${i.toString(36)}abcdef0123456789\nDB_${i}_PASSWORD=hunter${i}-correct-horse\nFEATURE_${i}=on\n`,
);

export async function run(ctx) {
  const { redactToolOutput } = await import(pathToFileURL(join(REPO_ROOT, "dist", "bus.js")).href);
  const rounds = ctx.quick ? 40 : 200;
  const rows = [];
  for (const [label, text] of [
    ["test log, no secret", testLog],
    ["env dump, all secrets", envDump],
  ]) {
    const content = [{ type: "text", text }];
    const spark = [];
    const floor = [];
    let sink = 0;
    const a = () => {
      const t = now();
      const out = redactToolOutput(content, undefined);
      spark.push(now() - t);
      sink += out ? out.redactions : 0;
    };
    const b = () => {
      const t = now();
      sink += JSON.stringify({ role: "toolResult", content }).length;
      floor.push(now() - t);
    };
    const pair = (first, second) => {
      first();
      second();
    };
    for (let i = 0; i < 5; i++) pair(a, b);
    spark.length = 0;
    floor.length = 0;
    gc();
    for (let i = 0; i < rounds; i++) {
      if (i % 2 === 0) pair(a, b);
      else pair(b, a);
    }
    if (sink === 0 && label.includes("secrets")) throw new Error("the env dump was not redacted");
    rows.push(
      result(`redact 50 KB tool output (${label}) p50`, median(spark), "ms", median(floor), {
        note: "floor: JSON.stringify of the same tool result (what Pi does to store it)",
      }),
    );
  }
  return rows;
}
