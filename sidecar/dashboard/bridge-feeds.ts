import type { ApprovalView } from "../../bus/approval-rules.js";
import type { BusEntry } from "../../bus/browse.js";
import type { BusChange } from "../../bus/bus-diff.js";
import type { HoldState } from "../../bus/effective-pause.js";
import type { RunFact } from "../../bus/runs.js";
import type { AgentView } from "../../bus/snapshot.js";
import type { BusChangeWire } from "../bridge/bus-wire.js";
import type { EventListing } from "../bridge/spark-events.js";
import { type BridgeApi, BridgeApiError } from "../bridge-client/api.js";
import { changeOfWire, diffListing, outcomeOfListing, trackChange } from "./bridge-wire.js";
import type { EventBoard, ReadOutcome } from "./events-board.js";
import type { EventsFeed } from "./events-feed.js";
import type { Facts, FactsFeed } from "./facts-feed.js";

/** Events listed on connect and after a reset (the newest; older ones are not on the board). */
const LISTING_LIMIT = 500;
/** Files whose summary is asked of the bridge at once. */
const READS_AT_ONCE = 25;

/** Subscribes to one event of the bridge's stream (`resync`: read the state again); returns the unsubscribe. */
export type On = (event: string, handler: (data: unknown) => void) => () => void;

/** Pause, agents, runs and approvals: read once (and on `refresh` or a reset), then from the stream. */
export function remoteFacts(
  api: BridgeApi,
  on: On,
  onChange: (facts: Facts) => void,
  onError: (e: unknown) => void,
): FactsFeed {
  let facts: Facts = { agents: [], hold: { held: false }, pausedBy: undefined, runs: [], approvals: [] };
  const update = (patch: Partial<Facts>) => {
    facts = { ...facts, ...patch };
    onChange(facts);
  };
  const load = () =>
    void Promise.all([
      api.get<SparkJson>("/starter/spark"),
      api.get<{ approvals: ApprovalView[] }>("/starter/spark/approvals"),
    ]).then(
      ([s, a]) =>
        update({
          agents: s.agents,
          hold: s.hold,
          pausedBy: s.pausedBy ?? undefined,
          runs: s.runs,
          approvals: a.approvals.filter((v) => v.state === "pending"),
        }),
      onError,
    );
  const offs = [
    on("pause", (d) => {
      const p = d as { hold: HoldState; pausedBy: string | null };
      update({ hold: p.hold, pausedBy: p.pausedBy ?? undefined });
    }),
    on("agents", (d) => update({ agents: (d as { agents: AgentView[] }).agents })),
    on("runs", (d) => update({ runs: (d as { runs: RunFact[] }).runs })),
    on("approvals", (d) => update({ approvals: (d as { pending: ApprovalView[] }).pending })),
    on("resync", load),
  ];
  load();
  return {
    refresh: load,
    runsChanged() {},
    async close() {
      for (const off of offs) off();
    },
  };
}

/**
 * The board over the stream's `bus` events. What the bridge read of a file comes with its
 * event (or with the listing); the rest is asked for, a few files at a time.
 */
export function remoteEvents(
  api: BridgeApi,
  on: On,
  board: EventBoard,
  onChange: () => void,
  onRunEvent: () => void,
  onError: (e: unknown) => void,
): EventsFeed {
  const known = new Map<string, BusEntry>();
  const reads = new Map<string, ReadOutcome>();
  let closed = false;
  let reading = false;

  const readOne = async (entry: BusEntry): Promise<ReadOutcome> => {
    const given = reads.get(entry.name);
    reads.delete(entry.name);
    if (given) return given;
    try {
      return outcomeOfListing(await api.get<EventListing>(`/starter/spark/events/${encodeURIComponent(entry.id)}`));
    } catch (error) {
      if (error instanceof BridgeApiError && error.status === 404) return { kind: "missing" };
      throw error;
    }
  };
  const drain = async () => {
    if (reading || closed) return;
    reading = true;
    try {
      for (
        let batch = board.nextToRead(READS_AT_ONCE);
        batch.length > 0 && !closed;
        batch = board.nextToRead(READS_AT_ONCE)
      ) {
        const outcomes = await Promise.all(batch.map(readOne));
        for (const [i, entry] of batch.entries()) board.record(entry, outcomes[i] as ReadOutcome);
        onChange();
      }
    } catch (error) {
      onError(error);
    } finally {
      reading = false;
    }
  };
  const apply = (changes: BusChange[]) => {
    if (changes.length === 0 || closed) return;
    for (const change of changes) {
      trackChange(known, change);
      if (change.kind === "gone") reads.delete(change.name);
    }
    board.apply(changes);
    if (changes.some((c) => (c.kind === "gone" ? c.name : c.entry.name).includes("-process-error-"))) onRunEvent();
    onChange();
    void drain();
  };
  const load = () =>
    void api.get<{ events: EventListing[] }>(`/starter/spark/events?limit=${LISTING_LIMIT}`).then((listing) => {
      for (const l of listing.events) reads.set(l.name, outcomeOfListing(l));
      apply(diffListing(known, listing.events));
    }, onError);

  const offs = [
    on("bus", (data) => {
      const wire = data as BusChangeWire;
      if (wire.read && wire.read.kind !== "missing") reads.set(wire.name, wire.read);
      apply([changeOfWire(wire)]);
    }),
    on("resync", load),
  ];
  load();
  return {
    async close() {
      closed = true;
      for (const off of offs) off();
    },
  };
}

interface SparkJson {
  hold: HoldState;
  pausedBy: string | null;
  agents: AgentView[];
  runs: RunFact[];
}
