import { mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type BusPaths, busPaths } from "../../bus/paths.js";

/**
 * A project folder shared by the tests of one `describe` (made in `beforeAll`, removed in
 * `afterAll`): for suites that run one expensive scenario and then check it from several
 * angles. Call it at the top of the `describe`, before the `beforeAll` that uses it.
 */
export function suiteProject(): { readonly root: string; readonly paths: BusPaths } {
  let made: { root: string; paths: BusPaths } | undefined;
  beforeAll(() => {
    const root = realpathSync(mkdtempSync(join(tmpdir(), "spark-suite-")));
    made = { root, paths: busPaths(root) };
  });
  afterAll(() => {
    if (made) rmSync(made.root, { recursive: true, force: true });
  });
  const current = () => {
    if (!made) throw new Error("suiteProject() is only ready inside hooks and tests");
    return made;
  };
  return {
    get root() {
      return current().root;
    },
    get paths() {
      return current().paths;
    },
  };
}
