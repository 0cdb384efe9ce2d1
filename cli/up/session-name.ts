import { basename } from "node:path";

/**
 * The tmux session's name: config `up.session`, else the project folder's name. tmux forbids
 * `.` and `:` (they separate window and pane in targets) and other characters make the name
 * awkward to type in `tmux attach -t`, so every run of anything but letters, digits, `_` and
 * `-` becomes one `-` (`my.app` → `my-app`); a name left empty becomes `spark`.
 */
export function sessionName(configured: string | undefined, root: string): string {
  const raw = configured?.trim() || basename(root);
  const clean = raw.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return clean === "" ? "spark" : clean;
}
