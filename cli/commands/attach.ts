import { readFileSync } from "node:fs";
import { defineCommand } from "citty";
import { CliError, EXIT, usageError } from "../_errors.js";
import { ensureTools } from "../_tools.js";

/** `manifest attach <url> [--token-file path]`: the terminal dashboard of a sidecar elsewhere. */
export const attachCommand = defineCommand({
  meta: {
    name: "attach",
    description: "Open the terminal dashboard on a remote sidecar's bridge (token: SPARK_WEB_TOKEN or --token-file)",
  },
  args: {
    url: { type: "positional", required: true, description: "The bridge, e.g. http://127.0.0.1:8081" },
    "token-file": { type: "string", description: "A file holding the bridge's token (default: $SPARK_WEB_TOKEN)" },
  },
  run({ args }) {
    return attachTo(bridgeUrl(args.url), tokenFrom(args["token-file"], process.env.SPARK_WEB_TOKEN));
  },
});

/** Opens the dashboard on the bridge at `url` (also `manifest sprite attach`, once it has the Sprite's URL). */
export async function attachTo(url: string, token: string): Promise<number> {
  if (!process.stdout.isTTY) {
    throw usageError("The dashboard needs a terminal.", "Run `manifest attach` in a terminal (or a tmux pane).");
  }
  ensureTools("manifest attach", ["dashboard"]);
  const { runAttach, BridgeApiError } = await import("../../sidecar/attach.js");
  try {
    return await runAttach({ url, token });
  } catch (error) {
    if (!(error instanceof BridgeApiError)) throw error;
    if (error.status === 401)
      throw new CliError(
        `the bridge at ${url} refused the token.`,
        "E_WEB_TOKEN",
        "Use the token of that sidecar (its SPARK_WEB_TOKEN, or .spark/web-token on its machine).",
        EXIT.usage,
      );
    throw new CliError(`${error.message}.`, "E_ATTACH", "Is `manifest sidecar --web` running there?", EXIT.failure);
  }
}

/** The bridge's base URL: http(s) only, no path beyond `/`. */
export function bridgeUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`"${raw}" is not a URL.`, "Give the bridge's address, e.g. http://127.0.0.1:8081");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw usageError(`"${raw}" is not an http(s) URL.`, "Give the bridge's address, e.g. http://127.0.0.1:8081");
  }
  return url.origin;
}

/** The token: the file's first line when given, else the environment's. */
export function tokenFrom(file: string | undefined, env: string | undefined): string {
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw usageError(`cannot read --token-file ${file} (${(error as NodeJS.ErrnoException).code ?? "error"}).`);
    }
    const token = text.split(/\r?\n/)[0]?.trim() ?? "";
    if (token === "") throw usageError(`--token-file ${file} is empty.`, "Put the bridge's token in it.");
    return token;
  }
  if (env?.trim()) return env.trim();
  throw usageError(
    "No token for the bridge.",
    "Set SPARK_WEB_TOKEN, or pass --token-file (the remote's .spark/web-token).",
  );
}
