/**
 * Ready means the bridge answers (cloud-notes §2.5): `GET /starter/state` through the Sprite's
 * URL, with the bridge's token, answering with the versions `up` installed. Polled until it
 * does or the time is up; a bridge still on an old version is not ready.
 */

/** The bus contract's version a bridge of this package reports (bus-protocol.md). */
export const BUS_PROTOCOL = 1;

/** The versions a bridge reports in its state. */
export interface BridgeVersions {
  bridge: string;
  pi: string;
  busProtocol: number;
}

/** The parts of `/starter/state` `up` reads. */
export interface BridgeState {
  versions: BridgeVersions;
  watchOnly: { reason: string } | null;
  app: { port: number; source: string } | null;
  session?: { id?: string } | undefined;
}

export type ProbeResult =
  | { ok: true; state: BridgeState; attempts: number }
  | { ok: false; why: string; attempts: number };

/** Why a state does not show the expected versions, or undefined when it does. Pure. */
export function versionMismatch(state: Partial<BridgeState>, expected: Partial<BridgeVersions>): string | undefined {
  const v = state.versions;
  if (!v) return "its state has no versions";
  const wrong = (Object.keys(expected) as Array<keyof BridgeVersions>).filter(
    (key) => expected[key] !== undefined && v[key] !== expected[key],
  );
  if (wrong.length === 0) return undefined;
  return `it runs ${wrong.map((k) => `${k} ${v[k]}`).join(", ")}; expected ${wrong.map((k) => `${k} ${expected[k]}`).join(", ")}`;
}

/** Asks the bridge for its state until it answers with `expected`, for at most `timeoutMs`. */
export async function probeBridge(
  url: string,
  token: string,
  expected: Partial<BridgeVersions>,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<ProbeResult> {
  const deadline = Date.now() + options.timeoutMs;
  let why = "it did not answer";
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const response = await fetch(`${url.replace(/\/+$/, "")}/starter/state`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(Math.max(1000, Math.min(10_000, deadline - Date.now()))),
      });
      if (response.ok) {
        const state = (await response.json()) as BridgeState;
        const mismatch = versionMismatch(state, expected);
        if (!mismatch) return { ok: true, state, attempts };
        why = mismatch;
      } else {
        await response.body?.cancel();
        why = `it answered HTTP ${response.status}`;
      }
    } catch (error) {
      why = `it did not answer (${(error as Error).name === "TimeoutError" ? "timed out" : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message)})`;
    }
    if (Date.now() + (options.intervalMs ?? 250) > deadline || options.signal?.aborted)
      return { ok: false, why, attempts };
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
}

/** Tells the bridge which port the app listens on (kept by the bridge across restarts). */
export async function setAppPort(url: string, token: string, port: number): Promise<void> {
  const response = await fetch(`${url.replace(/\/+$/, "")}/starter/config`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ appPort: port }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(
      `the bridge refused the app's port: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`,
    );
  await response.body?.cancel().catch(() => {});
}
