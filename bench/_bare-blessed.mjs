// A floor of the dashboard's idle figure (run in a tmux pane by dashboard.bench.mjs): a
// blessed screen with one box, drawn once, then waiting for keys. What any blessed UI costs
// at rest.
import blessed from "blessed";

const screen = blessed.screen({ fullUnicode: false, smartCSR: false, title: "bare blessed" });
blessed.box({
  parent: screen,
  width: "100%",
  height: "100%",
  border: { type: "line" },
  content: "bare blessed screen",
});
screen.key(["q", "C-c"], () => {
  screen.destroy();
  process.exit(0);
});
screen.render();
