import { type BridgeState, type BridgeVersions, probeBridge } from "./readiness.js";

/** How a Sprite's bridge compares with this CLI (what `manifest sprite status` says). */
export type VersionsVerdict =
  | { kind: "current"; versions: BridgeVersions }
  | {
      kind: "differs";
      versions: BridgeVersions;
      differs: Array<{ what: keyof BridgeVersions; sprite: string; here: string }>;
    }
  | { kind: "unknown"; why: string };

/** Compares the versions a bridge reports with this CLI's. Pure. */
export function compareVersions(sprite: BridgeVersions, here: Partial<BridgeVersions>): VersionsVerdict {
  const differs = (Object.keys(here) as Array<keyof BridgeVersions>)
    .filter((what) => here[what] !== undefined && sprite[what] !== here[what])
    .map((what) => ({ what, sprite: String(sprite[what]), here: String(here[what]) }));
  return differs.length === 0 ? { kind: "current", versions: sprite } : { kind: "differs", versions: sprite, differs };
}

/** What to run after a verdict, in a user's words. Pure. */
export function versionsAdvice(verdict: VersionsVerdict, sprite: string): string {
  if (verdict.kind === "current") return "The Sprite runs what this CLI would install.";
  if (verdict.kind === "unknown")
    return `Its bridge was not asked: ${verdict.why}. \`manifest sprite up ${sprite}\` sets it up.`;
  const list = verdict.differs.map((d) => `${d.what} ${d.sprite} there, ${d.here} here`).join("; ");
  return `It differs from this CLI (${list}): run \`manifest sprite up ${sprite}\` to update it.`;
}

/** Asks the bridge once (a few seconds at most) and compares. */
export async function checkSpriteVersions(
  url: string | undefined,
  token: string | undefined,
  here: Partial<BridgeVersions>,
): Promise<VersionsVerdict> {
  if (!url) return { kind: "unknown", why: "the Sprite has no URL" };
  if (!token) return { kind: "unknown", why: "no bridge token is saved here for it" };
  const probe = await probeBridge(url, token, {}, { timeoutMs: 5000 });
  if (!probe.ok) return { kind: "unknown", why: `its bridge ${probe.why.replace(/^it /, "")}` };
  const state: BridgeState = probe.state;
  return compareVersions(state.versions, here);
}
