import type { IncomingHttpHeaders } from "node:http";
import type { AttemptLimiter } from "./attempts.js";
import { authorize, bearerToken } from "./auth.js";

/** The credentials check shared by the API and the proxy, with failed attempts slowed. */
export interface Gate {
  check(request: GateRequest): Promise<GateResult>;
  /** A login attempt with `token`: the same slowing, and a success clears the address. */
  login(token: string, address: string): Promise<GateResult>;
  readonly token: string;
}

export interface GateRequest {
  method: string;
  headers: IncomingHttpHeaders;
  address: string;
}

export type GateResult =
  | { ok: true; via: "bearer" | "cookie" }
  /** 401: no or wrong credentials; 403: a cookie sent cross-site; 429: too many wrong tokens. */
  | { ok: false; status: 401 | 403 | 429; message: string; retryAfterS?: number };

const UNAUTHORIZED = "unauthorized: send `Authorization: Bearer <token>`, or log in at /starter/login";

export function createGate(token: string, limiter: AttemptLimiter, clock: () => number = Date.now): Gate {
  const refuse = async (address: string): Promise<GateResult> => {
    const wait = limiter.fail(address, clock());
    await new Promise((r) => setTimeout(r, wait));
    return { ok: false, status: 401, message: UNAUTHORIZED };
  };
  // Past the limit a wrong token is answered at once with a 429: no compare is cheaper to
  // refuse, and waiting would only hold the guesser's connections open.
  const blocked = (address: string): GateResult | undefined => {
    const allowed = limiter.check(address, clock());
    return allowed.allowed
      ? undefined
      : {
          ok: false,
          status: 429,
          message: `too many wrong tokens from this address: try again in ${allowed.retryAfterS} s`,
          retryAfterS: allowed.retryAfterS,
        };
  };
  return {
    token,
    async check({ method, headers, address }) {
      const result = authorize(token, { authorization: headers.authorization, cookie: headers.cookie }, clock() / 1000);
      if (!result.ok) {
        // Only a wrong token counts as a guess; a stale cookie (an old token, a lapsed login)
        // is not one, and neither is a request with no credentials.
        if (bearerToken(headers.authorization) === undefined) return { ok: false, status: 401, message: UNAUTHORIZED };
        return blocked(address) ?? refuse(address);
      }
      // The right token always gets in, even from an address that guessed wrong: behind a
      // proxy every client shares one address, and a guesser must not lock the owner out.
      if (result.via === "bearer") limiter.succeed(address);
      // SameSite=Strict keeps the cookie off cross-site requests; a browser that sends an
      // Origin from elsewhere anyway is refused before anything changes.
      if (result.via === "cookie" && !SAFE_METHODS.has(method) && !sameOrigin(headers)) {
        return { ok: false, status: 403, message: "cross-site request refused: use the page this bridge serves" };
      }
      return result;
    },
    async login(candidate, address) {
      const result = authorize(token, { authorization: `Bearer ${candidate}` }, clock() / 1000);
      if (result.ok) {
        limiter.succeed(address);
        return { ok: true, via: "cookie" };
      }
      return blocked(address) ?? refuse(address);
    },
  };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function sameOrigin(headers: IncomingHttpHeaders): boolean {
  const origin = headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === headers.host;
  } catch {
    return false;
  }
}
