import { isAbsolute, join, normalize, relative } from "node:path";

/** Where a Sprite's user lives, inside the Sprite (as on the real image). */
export const SPRITE_HOME = "/home/sprite";

/**
 * The host path of a path inside a Sprite whose `/` is the folder `root`: relative paths
 * resolve against `workingDir` (default the home). A path that climbs out of the Sprite is
 * refused (null), the way a real VM has nothing above `/`.
 */
export function hostPath(root: string, path: string, workingDir = SPRITE_HOME): string | null {
  const inside = isAbsolute(path) ? normalize(path) : normalize(join(workingDir || SPRITE_HOME, path));
  const host = join(root, inside);
  const rel = relative(root, host);
  if (rel.startsWith("..") || isAbsolute(rel)) return null;
  return host;
}

/** The path inside the Sprite of a host path under `root`. */
export function spritePath(root: string, host: string): string {
  return `/${relative(root, host)}`;
}

/** Parses a Sprites duration (`5s`, `500ms`, `2m`, `1h`) into milliseconds; `fallback` when absent or bad. */
export function durationMs(text: string | null | undefined, fallback: number): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text ?? "");
  if (!m) return fallback;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(m[1]) * unit;
}
