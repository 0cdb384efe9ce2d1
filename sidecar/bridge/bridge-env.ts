import type { HttpBindings } from "@hono/node-server";
import type { LoadedConfig } from "../../bus/config-load.js";
import type { SidecarHost } from "../host.js";
import type { InspectDb } from "../inspect/db.js";
import type { AppTarget } from "./app-target.js";
import type { BridgeFeeds } from "./feeds.js";
import type { SseHub } from "./sse-hub.js";

/** Hono's environment for the bridge: the Node request and response, and who authenticated how. */
export type BridgeEnv = { Bindings: HttpBindings; Variables: { authVia: "bearer" | "cookie" } };

/** What every route works with. */
export interface BridgeContext {
  host: SidecarHost;
  loaded: LoadedConfig;
  hub: SseHub;
  feeds: BridgeFeeds;
  app: AppTarget;
  /** Whether the bridge proxies the app (everything outside /starter/). */
  proxyApp: boolean;
  versions: { bridge: string; pi: string; busProtocol: number };
  /** The inspect database, opened on first use (undefined when its driver is not installed). */
  inspect(): Promise<InspectDb | undefined>;
}
