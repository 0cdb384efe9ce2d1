// A floor for the dashboard bench (run in a tmux pane by dashboard.bench.mjs): a blessed screen
// with one box, drawn once, then waiting for keys; `?` shows a help box and Escape hides it, as
// the dashboard's help does. What any blessed UI costs at rest, and for a key to reach the screen.
import blessed from "blessed";

const screen = blessed.screen({ fullUnicode: false, smartCSR: false, title: "bare blessed" });
// As the dashboard does: box-drawing characters as UTF-8, not the VT100 alternate set that tmux garbles.
screen.tput.brokenACS = true;
blessed.box({
  parent: screen,
  width: "100%",
  height: "100%",
  border: { type: "line" },
  content: "bare blessed screen",
});
const help = blessed.box({
  parent: screen,
  top: "center",
  left: "center",
  width: 40,
  height: 6,
  hidden: true,
  content: `┌─ Keys ${"─".repeat(31)}┐\n│ ? help${" ".repeat(31)}│\n│ q quit${" ".repeat(31)}│\n└${"─".repeat(38)}┘`,
});
// Raw keypresses, as the dashboard reads them.
screen.on("keypress", (ch, key) => {
  if (ch === "?") help.show();
  else if (key?.full === "escape") help.hide();
  else return;
  screen.render();
});
screen.key(["q", "C-c"], () => {
  screen.destroy();
  process.exit(0);
});
screen.render();
