/**
 * Presence through the hub. Every heartbeat this machine's record (its live agents, what waits
 * in its bus) is put under `<project>.<machine>` in a bucket with a TTL: a machine that stops
 * beating vanishes by itself. The other machines of the project are mirrored into
 * `.spark/remote/<machine>.json`, from a watch as they change and from a full read every
 * heartbeat (an entry that expires by TTL makes no watch event, and a watch may miss a restart).
 */
import { hostname } from "node:os";
import type { KV, KvEntry } from "@nats-io/kv";
import type { BusPaths } from "../bus/paths.js";
import { liveAgents, localLivenessFacts } from "../bus/presence.js";
import { claimOwners, listPending } from "../bus/queue.js";
import { readRemoteMachines, removeRemoteMachine, writeRemoteMachine } from "../bus/remote-presence.js";
import { buildMachineRecord, encodeMachineRecord, presenceEntryAction } from "./machine-record.js";
import { parsePresenceKey, presenceKey, projectPresenceKeys } from "./names.js";
import type { Report } from "./records.js";
import type { HubSettings } from "./settings.js";

export interface PresenceSyncOptions {
  paths: BusPaths;
  settings: HubSettings;
  relay: { id: string; pid: number; startedAt: string };
  report: Report;
}

export interface PresenceSync {
  /** Puts this machine's record and refreshes the mirrors; resolves when done (or failed). */
  beat(kv: KV): Promise<void>;
  /** Follows the project's keys until `stop` (call again after a reconnect). */
  watch(kv: KV): Promise<void>;
  /** Leaves the hub (deletes this machine's key) and forgets the mirrors. */
  leave(kv: KV | undefined): Promise<void>;
}

export function presenceSync(options: PresenceSyncOptions): PresenceSync {
  const { paths, settings, report } = options;
  const self = { project: settings.project, machine: settings.machine };
  let watcher: { stop(): void } | undefined;

  const apply = (entry: Pick<KvEntry, "key" | "operation" | "value">) => {
    const action = presenceEntryAction(entry, self);
    if (action.kind === "mirror") {
      const known = readRemoteMachines(paths).some((r) => r.machine === action.record.machine);
      writeRemoteMachine(paths, action.record);
      if (!known) report({ type: "machine", action: "joined", machine: action.record.machine });
    } else if (action.kind === "remove" && removeRemoteMachine(paths, action.machine)) {
      report({ type: "machine", action: "left", machine: action.machine });
    }
  };

  const record = () => {
    const facts = localLivenessFacts(settings.presenceTtlMs);
    const claimed = [...claimOwners(paths).values()].reduce((sum, n) => sum + n, 0);
    return buildMachineRecord({
      ...self,
      host: hostname(),
      relay: options.relay,
      agents: liveAgents(paths, facts),
      pending: listPending(paths).length,
      claimed,
      now: facts.now,
      extraKeys: settings.extraKeys,
    });
  };

  return {
    async beat(kv) {
      try {
        await kv.put(presenceKey(self.project, self.machine), encodeMachineRecord(record()));
        const seen = new Set<string>();
        for await (const key of await kv.keys(projectPresenceKeys(self.project))) {
          const entry = await kv.get(key);
          if (entry) apply(entry);
          if (entry?.operation === "PUT") seen.add(parsePresenceKey(key)?.machine ?? "");
        }
        // Gone from the hub (TTL): gone here.
        for (const r of readRemoteMachines(paths)) {
          if (!seen.has(r.machine))
            apply({ key: presenceKey(self.project, r.machine), operation: "DEL", value: new Uint8Array() });
        }
      } catch (error) {
        report({ type: "error", message: `presence: ${(error as Error).message}` });
      }
    },
    async watch(kv) {
      watcher?.stop();
      try {
        const iter = await kv.watch({ key: projectPresenceKeys(self.project) });
        watcher = iter;
        for await (const entry of iter) apply(entry);
      } catch (error) {
        report({ type: "error", message: `presence watch: ${(error as Error).message}` });
      }
    },
    async leave(kv) {
      watcher?.stop();
      if (kv) await kv.delete(presenceKey(self.project, self.machine)).catch(() => undefined);
      for (const r of readRemoteMachines(paths)) removeRemoteMachine(paths, r.machine);
    },
  };
}
