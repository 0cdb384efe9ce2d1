import type { RelayRecord } from "./records.js";

/** One readable line for a relay record (what `manifest relay` prints without `--json`). Pure. */
export function relayLine(record: RelayRecord): string {
  switch (record.type) {
    case "ready":
      return `relay ${record.machine} · project ${record.project} · hub ${record.hub}`;
    case "connected":
      return `connected to ${record.hub}${record.note ? ` (${record.note})` : ""}`;
    case "disconnected":
      return `disconnected: ${record.problem}`;
    case "hub-unreachable":
      return `${record.message}\n  ${record.next}`;
    case "published":
      return `→ hub  ${record.name}${record.duplicate ? " (the hub had it already)" : ""}`;
    case "publish-failed":
      return `could not publish ${record.count} event(s): ${record.message}; they stay pending here`;
    case "held":
      return `holding ${record.pending} event(s) here: ${record.reason}`;
    case "unheld":
      return "no longer holding events";
    case "received":
      return `← ${record.from.padEnd(5)} ${record.name}${record.deliveries > 1 ? ` (delivery ${record.deliveries})` : ""}`;
    case "duplicate":
      return `already here, not written again: ${record.name} (delivery ${record.deliveries})`;
    case "rejected":
      return `rejected ${record.side === "inbound" ? "from the hub" : "here"}: ${record.name}: ${record.reason}`;
    case "inbound":
      return record.active
        ? "taking events from the hub for this machine's sidecar"
        : `not taking events from the hub: ${record.reason ?? "idle"}`;
    case "pause":
      return `pause ${record.action === "pushed" ? "sent to the hub" : "from the hub"}: ${record.paused ? `paused by ${record.by ?? "?"}` : "resumed"}`;
    case "machine":
      return `machine ${record.machine} ${record.action} the project`;
    case "error":
      return `error: ${record.message}`;
    case "stopped":
      return "relay stopped";
  }
}
