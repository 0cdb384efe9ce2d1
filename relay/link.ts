/**
 * The relay's link to the hub: dial until it answers (saying why it does not), open the
 * project's side of it, then follow the client's own reconnects. The local bus never waits on
 * any of this; the rest of the relay asks `current()` and is told when the link comes and goes.
 */

import { wakeableSleep } from "../bus/wakeable-sleep.js";
import { connectHub, describeConnectError, type HubError } from "./connect.js";
import { type Hub, openHub } from "./hub.js";
import type { HubSettings } from "./settings.js";

export interface LinkEvents {
  /** Connected (first time or again): the hub's handles. */
  up(hub: Hub): void;
  /** Lost: work that needs the hub waits. */
  down(problem: string): void;
  /** A dial failed; the link keeps trying. */
  unreachable(error: HubError): void;
  /** A dial failed in a way retrying cannot fix (credentials, TLS): the link gives up. */
  fatal(error: HubError): void;
}

export interface HubLink {
  current(): Hub | undefined;
  stop(): Promise<void>;
}

const BACKOFF_MS = [1000, 2000, 5000];

/** Starts dialling at once. */
export function startHubLink(settings: HubSettings, clientName: string, events: LinkEvents): HubLink {
  let current: Hub | undefined;
  /** The connection being followed, also while it reconnects (when `current` is unset). */
  let open: Hub | undefined;
  let stopped = false;
  const { sleep, wake } = wakeableSleep();

  const follow = async (hub: Hub) => {
    for await (const status of hub.nc.status()) {
      if (stopped) return;
      if (status.type === "disconnect" && current) {
        current = undefined;
        events.down("lost the connection to the hub; reconnecting");
      } else if (status.type === "reconnect") {
        current = hub;
        events.up(hub);
      }
    }
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      let hub: Hub;
      try {
        const nc = await connectHub(settings, clientName);
        try {
          hub = await openHub(nc, settings);
        } catch (error) {
          await nc.close().catch(() => undefined);
          throw error;
        }
      } catch (error) {
        const problem = describeConnectError(error, settings);
        if (problem.fatal) return events.fatal(problem);
        events.unreachable(problem);
        await sleep(BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)] as number);
        continue;
      }
      if (stopped) {
        await hub.nc.close().catch(() => undefined);
        return;
      }
      failures = 0;
      open = hub;
      current = hub;
      events.up(hub);
      void follow(hub);
      const closed = await hub.nc.closed();
      open = undefined;
      current = undefined;
      if (stopped) return;
      const problem = describeConnectError(closed ?? new Error("the connection closed"), settings);
      if (problem.fatal) return events.fatal(problem);
      events.down(problem.message);
    }
  };
  const done = loop();

  return {
    current: () => current,
    async stop() {
      stopped = true;
      wake();
      current = undefined;
      // Closed even while it is reconnecting: the client would otherwise try forever.
      await open?.nc.close().catch(() => undefined);
      await done;
    },
  };
}
