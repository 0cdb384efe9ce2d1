import type { ServiceSpec } from "../sprites-api.js";
import { BRIDGE_ENV_FILE, PROJECT_DIR } from "./layout.js";

/** The `manifest` command installed in the Sprite's project (services run in the project folder). */
export const SPRITE_MANIFEST = "node_modules/.bin/manifest";

/** What the two services are made from. */
export interface ServiceInputs {
  /** The port the bridge listens on and the Sprite's URL routes to. */
  bridgePort: number;
  /** The address it listens on (every interface: the URL reaches it from outside the VM). */
  bridgeHost: string;
  /** The port the app listens on (given to it as PORT), which the bridge proxies to. */
  appPort: number;
  /** `provider/id` for the sidecar, or undefined for the config's (or Pi's) choice. */
  model: string | undefined;
  /** The app's dev command (the config's `up.app`, e.g. `manifest run dev`). */
  appCommand: string;
}

/**
 * The bridge: the sidecar with its HTTP bridge, headless, proxying the app, on every
 * interface (the Sprite's URL reaches it from outside the VM; its token guards every route).
 * Its token and the model's key come from its own env file. Pure.
 */
export function bridgeSpec(inputs: ServiceInputs): ServiceSpec {
  return {
    name: "bridge",
    cmd: SPRITE_MANIFEST,
    args: [
      "sidecar",
      "--web",
      "--headless",
      "--proxy-app",
      "--host",
      inputs.bridgeHost,
      "--port",
      String(inputs.bridgePort),
      ...(inputs.model ? ["--model", inputs.model] : []),
    ],
    dir: PROJECT_DIR,
    httpPort: inputs.bridgePort,
    envFiles: [BRIDGE_ENV_FILE],
  };
}

/**
 * The app: its dev command under `manifest run` (a crash or failure becomes an event), with
 * PORT set. A command that already starts with `manifest` runs as it is. Pure.
 */
export function appSpec(inputs: ServiceInputs): ServiceSpec {
  const words = inputs.appCommand.trim().split(/\s+/).filter(Boolean);
  const args = words[0] === "manifest" ? words.slice(1) : ["run", ...words];
  return {
    name: "app",
    cmd: SPRITE_MANIFEST,
    args: args.length > 0 ? args : ["run", "dev"],
    dir: PROJECT_DIR,
    env: { PORT: String(inputs.appPort) },
  };
}
