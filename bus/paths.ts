import { isAbsolute, join, resolve } from "node:path";

/** Every location of the bus for one project, resolved to absolute paths. */
export interface BusPaths {
  /** The project root (the folder that holds `.spark/`). */
  readonly root: string;
  /** `.spark/` itself. */
  readonly spark: string;
  /** Pending events ("new" in Maildir terms). */
  readonly events: string;
  /** Writers stage files here before the rename into `events/`. */
  readonly tmp: string;
  /** `claimed/<consumer-id>/`: taken by one consumer, not yet acknowledged. */
  readonly claimed: string;
  readonly delivered: string;
  readonly rejected: string;
  readonly expired: string;
  /** Presence files, one per live Pi instance. */
  readonly agents: string;
  /** The manual pause file. */
  readonly pause: string;
  /** Output of `manifest run`. */
  readonly logs: string;
  /** Tool calls waiting for a person's yes (`tools: "approve"`), and the answers. */
  readonly approvals: string;
}

export interface BusPathOptions {
  /** Pending-events folder, relative to the root (default `.spark/events`). */
  eventsDir?: string;
  /** Presence folder, relative to the root (default `.spark/agents`). */
  agentsDir?: string;
}

/** Names inside `events/` that belong to the protocol and are never events. */
export const RESERVED_EVENT_DIRS: ReadonlySet<string> = new Set([
  ".tmp",
  "claimed",
  "delivered",
  "rejected",
  "expired",
]);

/** Resolves the bus layout of the project at `root`. */
export function busPaths(root: string, options: BusPathOptions = {}): BusPaths {
  const absRoot = resolve(root);
  const spark = join(absRoot, ".spark");
  const at = (p: string) => (isAbsolute(p) ? p : join(absRoot, p));
  const events = at(options.eventsDir ?? ".spark/events");
  return {
    root: absRoot,
    spark,
    events,
    tmp: join(events, ".tmp"),
    claimed: join(events, "claimed"),
    delivered: join(events, "delivered"),
    rejected: join(events, "rejected"),
    expired: join(events, "expired"),
    agents: at(options.agentsDir ?? ".spark/agents"),
    pause: join(spark, "pause"),
    logs: join(spark, "logs"),
    approvals: join(spark, "approvals"),
  };
}

/** The claim folder of one consumer. */
export function claimDir(paths: BusPaths, consumerId: string): string {
  return join(paths.claimed, consumerId);
}

/** The folders the bus needs, in creation order (logs/ is made by `manifest run` when needed). */
export function busFolders(paths: BusPaths): string[] {
  return [
    paths.spark,
    paths.events,
    paths.tmp,
    paths.claimed,
    paths.delivered,
    paths.rejected,
    paths.expired,
    paths.agents,
  ];
}
