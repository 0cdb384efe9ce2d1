import { type AppPortRecord, readAppPort } from "../../bus/app-port.js";
import type { BusPaths } from "../../bus/paths.js";
import { watchFolders } from "../../bus/watcher.js";

/** Where the proxy sends the app's traffic, and who said so. */
export interface AppPort {
  port: number;
  source: "api" | "config" | "detected";
}

/**
 * The port a person set through the API wins; then the config's `web.appPort`; then what
 * the starter extension detected. Pure.
 */
export function effectiveAppPort(
  record: AppPortRecord | undefined,
  configPort: number | undefined,
): AppPort | undefined {
  if (record?.source === "api") return { port: record.port, source: "api" };
  if (configPort !== undefined) return { port: configPort, source: "config" };
  if (record) return { port: record.port, source: "detected" };
  return undefined;
}

export interface AppTarget {
  current(): AppPort | undefined;
  /** Reads `.spark/app.json` again now (after the API wrote it). */
  refresh(): void;
  close(): Promise<void>;
}

/** Follows `.spark/app.json` (watch hints, coalesced, and a slow backstop); `onChange` on every change. */
export function startAppTarget(
  paths: Pick<BusPaths, "spark">,
  configPort: number | undefined,
  onChange: (port: AppPort | undefined) => void,
  onError: (error: unknown) => void,
): AppTarget {
  let current = effectiveAppPort(readAppPort(paths), configPort);
  let timer: NodeJS.Timeout | undefined;
  const refresh = () => {
    const next = effectiveAppPort(readAppPort(paths), configPort);
    if (next?.port === current?.port && next?.source === current?.source) return;
    current = next;
    onChange(current);
  };
  const watcher = watchFolders(
    [paths.spark],
    () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        refresh();
      }, 50);
    },
    { backstopMs: 2000, onError },
  );
  return {
    current: () => current,
    refresh,
    async close() {
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
