/**
 * Reading a request's params back from its route pattern and path, for the frameworks that do
 * not hand them over where Spark looks: Express resets `req.params` before the error handler
 * runs, and Next's `onRequestError` gets the route path and the URL only. Pure.
 */

const segments = (path: string) => path.split("/").filter((s) => s !== "");

/** Next's folders that are not part of the URL: route groups `(shop)` and parallel slots `@modal`. */
const NOT_IN_URL = /^(?:\(.*\)|@.*)$/;

/** A pattern these functions cannot read segment by segment (regexps, optional parts, wildcards). */
const UNREADABLE = /[*?+(){}\\|]/;

/**
 * Params named by `pattern`, read from `path`: `/users/:id` and `/users/12` give `{ id: "12" }`.
 * Knows `:name` (Express, Fastify, Hono, Koa) and Next's `[name]`, `[...name]`, `[[...name]]`.
 * Undefined when the pattern has anything else or does not fit the path.
 */
export function paramsFromPattern(pattern: string, path: string): Record<string, string> | undefined {
  const want = segments(pattern).filter((s) => !NOT_IN_URL.test(s));
  const got = segments(path);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i] as string;
    const catchAll = /^\[\[?\.\.\.([^\]]+)\]\]?$/.exec(part);
    if (catchAll) {
      if (i !== want.length - 1) return undefined;
      const rest = got.slice(i);
      if (rest.length === 0 && !part.startsWith("[[")) return undefined;
      if (rest.length > 0) params[catchAll[1] as string] = rest.map(decode).join("/");
      return params;
    }
    const value = got[i];
    if (value === undefined) return undefined;
    const name = part.startsWith(":") ? part.slice(1) : /^\[([^\].]+)\]$/.exec(part)?.[1];
    if (name === undefined) {
      if (UNREADABLE.test(part) || part !== value) return undefined;
    } else {
      if (UNREADABLE.test(name)) return undefined;
      params[name] = decode(value);
    }
  }
  return got.length === want.length ? params : undefined;
}

/**
 * Where a router holding `pattern` was mounted, read from the full `path`: `/users/:id` seen
 * at `/api/users/12` was mounted at `/api`. Empty when it was not mounted; undefined when the
 * pattern cannot be read segment by segment.
 */
export function mountPrefix(pattern: string, path: string): string | undefined {
  if (UNREADABLE.test(pattern)) return undefined;
  const inner = segments(pattern).length;
  const outer = segments(path);
  if (outer.length < inner) return undefined;
  const prefix = outer.slice(0, outer.length - inner);
  return prefix.length > 0 ? `/${prefix.join("/")}` : "";
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
