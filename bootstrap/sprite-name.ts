/**
 * A Sprite name from a project name: lowercase letters, digits and dashes, starting with a
 * letter, at most 63 characters (`@acme/My_App` → `my-app`). Undefined when nothing usable
 * is left. Pure.
 */
export function spriteNameFor(projectName: string): string | undefined {
  const base = projectName.replace(/^@[^/]+\//, "");
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63)
    .replace(/-+$/, "");
  return name === "" ? undefined : name;
}

/** Whether `name` is a name the Sprites API takes (the same shape as above). Pure. */
export function isSpriteName(name: string): boolean {
  return /^[a-z][a-z0-9-]{0,62}$/.test(name);
}
