// The floor of the dashboard's storm figures (forked by dashboard.bench.mjs): the least a
// process that follows the bus must do. A bare `fs.watch` on `events/`, and on each hint
// (coalesced over 100 ms, as the dashboard's scans are) one `readdir` to count the files.
// Tells the parent the count after each look.
import { readdirSync, watch } from "node:fs";

const [eventsDir] = process.argv.slice(2);
let timer;
const look = () => {
  timer = undefined;
  const count = readdirSync(eventsDir).filter((n) => n.endsWith(".json")).length;
  process.send?.({ kind: "count", count });
};
watch(eventsDir, () => {
  if (!timer) timer = setTimeout(look, 100);
});
process.on("message", (m) => {
  if (m === "stop") process.exit(0);
});
process.send?.({ kind: "ready" });
