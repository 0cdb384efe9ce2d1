/**
 * Calls to a bridge's `/starter/*` API with `fetch`, from a browser (the session cookie) or
 * from Node (`manifest attach`, a bearer token). Errors carry the bridge's own message.
 * Runs anywhere `fetch` does: no node: imports.
 */

/** A refused or failed call: the HTTP status and the bridge's message (its `{error}` body). */
export class BridgeApiError extends Error {
  override readonly name = "BridgeApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface BridgeApi {
  readonly base: string;
  /** Headers every call sends (the bearer token, when there is one). */
  readonly headers: Record<string, string>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

/** An API client for the bridge at `base` ("" for the page's own origin). */
export function createBridgeApi(base: string, token?: string): BridgeApi {
  const root = base.replace(/\/+$/, "");
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
    } catch (error) {
      throw new BridgeApiError(0, `cannot reach the bridge at ${root || "this page's server"}: ${messageOf(error)}`);
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? {} : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const said = (json as { error?: unknown } | undefined)?.error;
      throw new BridgeApiError(response.status, typeof said === "string" ? said : `HTTP ${response.status}`);
    }
    if (json === undefined) throw new BridgeApiError(response.status, `${path} did not answer JSON`);
    return json as T;
  };
  return {
    base: root,
    headers,
    get: (path) => call("GET", path),
    post: (path, body) => call("POST", path, body ?? {}),
  };
}

function messageOf(error: unknown): string {
  const e = error as { cause?: { code?: string; message?: string }; message?: string };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
}
