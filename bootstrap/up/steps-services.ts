import type { ServiceSpec, ServiceSummary } from "../sprites-api.js";
import { desired, markDone, type UpContext } from "./context.js";
import { StepFailure, stderrTail } from "./failure.js";
import { type BridgeVersions, probeBridge, setAppPort } from "./readiness.js";
import type { StampedStep } from "./stamp.js";
import type { StepOutcome } from "./steps-setup.js";

const LIVE = new Set(["running", "starting"]);

/** What to do with one service: nothing, (re)create it from its spec, or restart it. Pure. */
export function serviceAction(
  stamped: string | undefined,
  wanted: string,
  found: ServiceSummary | undefined,
  restartWanted: boolean,
): "keep" | "create" | "restart" {
  if (!found || stamped !== wanted) return "create";
  if (restartWanted || !LIVE.has(found.status)) return "restart";
  return "keep";
}

/**
 * Step 7: the services, created (or replaced: a PUT of the same name, never a second one)
 * when their spec changed, the app restarted after new code, either started when stopped.
 */
export async function servicesStep(ctx: UpContext): Promise<StepOutcome> {
  const { api, opts } = ctx;
  const inputs = ctx.inputs;
  if (!inputs) throw new Error("services before the desired state");
  ctx.services = await api.services(opts.sprite);
  const did: string[] = [];
  const plan: Array<[StampedStep, ServiceSpec, boolean]> = [
    ["app", inputs.services.app, ctx.changed.has("code") || ctx.changed.has("layout")],
    ["bridge", inputs.services.bridge, false],
  ];
  for (const [step, spec, restartWanted] of plan) {
    const found = ctx.services.find((s) => s.name === spec.name);
    const action = serviceAction(ctx.stamp.steps[step], desired(ctx)[step], found, restartWanted);
    if (action === "keep") continue;
    if (action === "create") await api.startService(opts.sprite, spec);
    else await api.restartService(opts.sprite, spec.name);
    await markDone(ctx, step);
    did.push(`${spec.name} ${action === "create" ? (found ? "replaced" : "created") : "restarted"}`);
  }
  return did.length > 0 ? { changed: true, detail: did.join(", ") } : { changed: false, detail: "app, bridge running" };
}

/**
 * Step 8: the bridge answers through the Sprite's URL, with the versions installed; it is
 * told the app's port. When it does not answer, the failure shows its log's tail.
 */
export async function readyStep(ctx: UpContext, expected: Partial<BridgeVersions>): Promise<StepOutcome> {
  const { opts } = ctx;
  const url = ctx.sprite?.url;
  if (!url)
    throw new StepFailure(
      "ready",
      "The Sprite has no URL to reach the bridge through.",
      "GET /starter/state",
      "",
      "Check the Sprite with `manifest sprite status`.",
    );
  const probe = await probeBridge(url, opts.token, expected, { timeoutMs: opts.readyTimeoutMs });
  if (!probe.ok) {
    const tail = await serviceTail(ctx, "bridge");
    throw new StepFailure(
      "ready",
      `The bridge does not answer through the Sprite's URL: ${probe.why}.`,
      "GET /starter/state",
      tail,
      `See its log with \`manifest sprite logs ${opts.sprite} bridge\`; fix the cause and run \`manifest sprite up\` again.`,
    );
  }
  const { state } = probe;
  ctx.watchOnly = state.watchOnly ? state.watchOnly.reason : null;
  let told = false;
  if (state.app?.port !== opts.appPort) {
    await setAppPort(url, opts.token, opts.appPort);
    told = true;
  }
  const bridge = `bridge ${state.versions.bridge}, Pi ${state.versions.pi}`;
  return { changed: told, detail: `${bridge}${told ? `, proxying the app on port ${opts.appPort}` : ""}` };
}

/** The last lines a service logged, as one text (secrets redacted by the caller's scrub). */
async function serviceTail(ctx: UpContext, service: string): Promise<string> {
  const lines: string[] = [];
  try {
    await ctx.api.serviceLogs(ctx.opts.sprite, service, { lines: 40, onLine: (l) => l.data && lines.push(l.data) });
  } catch {
    return "(its log could not be read)";
  }
  return stderrTail(lines.join(""), ctx.secrets);
}
