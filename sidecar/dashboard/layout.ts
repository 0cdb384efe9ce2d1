/** Where each pane goes on a screen of a given size (pure). */
export interface Layout {
  width: number;
  height: number;
  /** Rows of the events pane (and of the right column beside it, titles included below). */
  topRows: number;
  /** Width of the events pane; the right column starts after one separator column. */
  leftWidth: number;
  /** Width of the agents/runs column (0: not shown, the screen is too narrow). */
  rightWidth: number;
  agentRows: number;
  runRows: number;
  conversationRows: number;
}

/** Below this width the agents and runs column is left out (events and conversation need the room). */
export const MIN_WIDTH_FOR_COLUMN = 64;
/** Rows every layout spends outside the panes: header, status, two titles, input, hints. */
const FIXED_ROWS = 6;

/**
 * Splits the screen: header and status on top; events beside agents over runs; the
 * conversation; the input line and the key hints at the bottom. At 80×24 that is 7 rows of
 * events (3 agents, 3 runs beside them) and 11 of conversation.
 */
export function computeLayout(width: number, height: number): Layout {
  const w = Math.max(20, width);
  const h = Math.max(FIXED_ROWS + 2, height);
  const free = h - FIXED_ROWS;
  const topRows = Math.max(1, Math.min(Math.round(free * 0.4), 16));
  const conversationRows = Math.max(1, free - topRows);
  const rightWidth = w < MIN_WIDTH_FOR_COLUMN ? 0 : Math.max(28, Math.min(48, Math.round(w * 0.36)));
  const leftWidth = rightWidth === 0 ? w : w - rightWidth - 1;
  // The right column: agents, a title row for runs, runs.
  const agentRows = rightWidth === 0 ? 0 : Math.max(1, Math.floor((topRows - 1) / 2));
  const runRows = rightWidth === 0 ? 0 : Math.max(0, topRows - 1 - agentRows);
  return { width: w, height: h, topRows, leftWidth, rightWidth, agentRows, runRows, conversationRows };
}

/** The first row to show so that row `index` is visible in `rows` rows (it sits at the bottom once past the first page). */
export function firstVisible(index: number, rows: number): number {
  return rows <= 0 || index < rows ? 0 : index - rows + 1;
}
