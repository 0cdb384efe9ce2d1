/** `manifest sprite up` and `push`, loaded lazily by the CLI. */
import { type CodeSnapshot, snapshotCode } from "./code-snapshot.js";
import type { LocalState } from "./converge.js";
import { readPackageSource } from "./package-source.js";
import { type BridgeVersions, BUS_PROTOCOL } from "./readiness.js";

export { readBridgeToken, resolveBridgeToken } from "./bridge-token.js";
export { converge } from "./converge.js";
export { push } from "./push.js";
export { checkSpriteVersions, versionsAdvice } from "./versions-check.js";

/** Everything `up` needs from this machine: the files to send, this package, the versions to expect. */
export async function prepareLocal(root: string, includeDirty: boolean, piVersion: string): Promise<LocalState> {
  const code: CodeSnapshot = await snapshotCode(root, { includeDirty });
  const pkg = readPackageSource();
  return { code, pkg, expected: { bridge: pkg.version, pi: piVersion, busProtocol: BUS_PROTOCOL } };
}

/** The versions a bridge of this CLI reports: its package's, the Pi it installs, the bus protocol. */
export function localVersions(piVersion: string): BridgeVersions {
  return { bridge: readPackageSource().version, pi: piVersion, busProtocol: BUS_PROTOCOL };
}
