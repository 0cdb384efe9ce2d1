/**
 * Pi's SDK, loaded when the sidecar starts (never when Spark is merely imported). Which copy:
 * the one `manifest sidecar` found (the project's, or the user's own global Pi), else the
 * project's.
 */
export type PiSdk = typeof import("@mariozechner/pi-coding-agent");

/** Loads the SDK from `entry` (a module URL), or from the project when there is none. */
export async function loadPiSdk(entry?: string): Promise<PiSdk> {
  return (await import(entry ?? "@mariozechner/pi-coding-agent")) as PiSdk;
}
