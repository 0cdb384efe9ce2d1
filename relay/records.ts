/** What the relay tells whoever runs it: one record per happening (NDJSON with `--json`). */
export type RelayRecord =
  | { type: "ready"; id: string; machine: string; project: string; hub: string }
  | { type: "connected"; hub: string; note?: string }
  | { type: "disconnected"; problem: string }
  | { type: "hub-unreachable"; message: string; next: string }
  /** Sent to the hub; `duplicate` when the hub already had it (a crash between its ack and ours). */
  | { type: "published"; name: string; duplicate: boolean }
  | { type: "publish-failed"; count: number; message: string }
  /** Events wait here: the pause, or this machine's own sidecar takes them. */
  | { type: "held"; pending: number; reason: string }
  | { type: "unheld" }
  /** Written into this machine's `events/` from the hub. */
  | { type: "received"; name: string; from: string; deliveries: number }
  /** A redelivery of an event this machine already has: acked, not written again. */
  | { type: "duplicate"; name: string; deliveries: number }
  | { type: "rejected"; name: string; reason: string; side: "outbound" | "inbound" }
  /** Whether events are taken from the hub for this machine's sidecar. */
  | { type: "inbound"; active: boolean; reason?: string }
  | { type: "pause"; action: "applied" | "pushed"; paused: boolean; by?: string }
  | { type: "machine"; action: "joined" | "left"; machine: string }
  | { type: "error"; message: string }
  | { type: "stopped" };

export type Report = (record: RelayRecord) => void;
