import { firstVisible } from "./layout.js";
import { clip, type Line } from "./text.js";

/** A line drawn as the selected row. */
export function highlight(line: Line): Line {
  return line.map((r) => ({ text: r.text, style: `${r.style ?? ""} inverse`.trim() }));
}

/** Rows of a list pane with the selected one highlighted when the pane has the keys (pure). */
export function listRows<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  row: (item: T) => Line,
  selected: string | undefined,
  focused: boolean,
  rows: number,
  empty: string,
  cells: number,
): Line[] {
  if (rows <= 0) return [];
  if (items.length === 0) return [[{ text: clip(empty, cells), style: "gray-fg" }]];
  const index = Math.max(
    0,
    items.findIndex((item) => keyOf(item) === selected),
  );
  const start = firstVisible(index, rows);
  return items.slice(start, start + rows).map((item, i) => {
    const line = row(item);
    return focused && start + i === index ? highlight(line) : line;
  });
}
