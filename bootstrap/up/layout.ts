/**
 * Where Spark keeps a project inside a Sprite. Paths the filesystem API takes are absolute;
 * the scripts `up` runs there use paths relative to their working directory, so they mean
 * the same thing in the Sprite and in the test fake (whose Sprites are folders on one host).
 */

/** The Sprite user's home (the base image's). */
export const SPRITE_HOME = "/home/sprite";

/** The project's folder in the Sprite: the code, its node_modules, its `.spark/`. */
export const PROJECT_DIR = `${SPRITE_HOME}/app`;

/** The project folder relative to the home (for commands that run before it exists). */
export const PROJECT_FROM_HOME = "app";

/** What `up` knows about the Sprite's state, checked against what it wants (relative to the project). */
export const STAMP_FILE = ".spark/sprite-stamp.json";

/** The sha256 of every file the last push unpacked (relative to the project): deletions and edits made there are found with it. */
export const FILES_LIST = ".spark/sprite-files.sha256";

/** The sha256 of every file as it was sent (before `spark init` touched any): what the next push compares with. */
export const SENT_LIST = ".spark/sprite-sent.sha256";

/** The inspect database (relative to the project): the layout step makes it, with its schema. */
export const INSPECT_DB = ".spark/inspect.db";

/** Where files changed in the Sprite are copied before a push overwrites them (relative to the project). */
export const KEPT_DIR = ".spark/sprite-kept";

/** Uploads land here (outside the project) and are removed by the script that unpacks them. */
export const UPLOAD_DIR = `${SPRITE_HOME}/.cache/manifest/uploads`;

/** The bridge's own settings (its token, the model's API key): 0600, read by the bridge service only. */
export const BRIDGE_ENV_FILE = "bridge.env";

/** Pi's models file in the Sprite (a provider `up --model-url` defines). */
export const PI_MODELS_FILE = `${SPRITE_HOME}/.pi/agent/models.json`;

/** The port the Sprite's URL routes to, where the bridge listens. */
export const BRIDGE_PORT = 8080;

/** The app's port when neither a flag nor the config says. */
export const DEFAULT_APP_PORT = 3000;

/** The oldest Node the package runs on (its `engines`). */
export const MIN_NODE = [20, 19] as const;

/** The absolute path of a file given relative to the project. Pure. */
export function inProject(relative: string): string {
  return `${PROJECT_DIR}/${relative}`;
}
