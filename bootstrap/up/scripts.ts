import { FILES_LIST, INSPECT_DB, KEPT_DIR, PROJECT_FROM_HOME, SENT_LIST } from "./layout.js";

/**
 * The bash scripts `up` runs in the Sprite, from the home (the first run makes the project
 * folder, then each goes into it). Constant text written
 * here, never assembled from input: what varies (a file name, a checksum, npm specs) arrives
 * as positional parameters. Every script appends its output to the run's log file inside
 * the Sprite (its first parameter), passes its stderr through (the last 2 KB are shown when
 * it fails), and writes what the CLI should read to fd 3 (`say`).
 */

/** Wraps a step's body: the log, stderr teed to it, `set -euo pipefail` inside. Pure. */
export function stepScript(body: string): string {
  return `log="$1"; shift
mkdir -p ${PROJECT_FROM_HOME} && cd ${PROJECT_FROM_HOME} || exit 1
mkdir -p .spark/logs && chmod 700 .spark .spark/logs
(umask 077; : >>"$log")
exec 3>&1
say() { printf '%s\\n' "$*" >&3; printf '%s\\n' "$*"; }
printf '== %s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$0" >>"$log"
(
set -euo pipefail
${body}
) 2> >(tee -a "$log" >&2) >>"$log"
rc=$?
wait $! 2>/dev/null || true
exit $rc`;
}

/** Checks an upload's name and checksum; removes it (and stale ones) however the script ends. */
const TAKE_UPLOAD = `name=$1 sum=$2; shift 2
up="$HOME/.cache/manifest/uploads"
case $name in *[!A-Za-z0-9._-]*|"") echo "bad upload name" >&2; exit 2;; esac
trap 'rm -f "$up/$name"' EXIT
find "$up" -maxdepth 1 -type f ! -name "$name" -delete
if ! echo "$sum  $up/$name" | sha256sum -c --status -; then
  echo "the upload's sha256 does not match what was sent: it was damaged on the way" >&2; exit 3
fi`;

/**
 * The code step: unpacks the project's files into a staging folder, then puts in place only
 * those that differ from what was sent last time (${SENT_LIST}), and removes those no longer
 * sent: a file `spark init` adjusted there stays adjusted while it is unchanged here. A file
 * about to be replaced or removed that was changed in the Sprite since (an agent's fix) is
 * copied to ${KEPT_DIR}/<time>/ first and named on fd 3. The lists are written last.
 */
export const UNPACK_CODE = stepScript(`${TAKE_UPLOAD}
list=${FILES_LIST} sent=${SENT_LIST} stage=.spark/sprite-incoming
trap 'rm -rf "$up/$name" "$stage" .spark/sprite-sent.new .spark/sprite-replace "$list.tmp"' EXIT
rm -rf "$stage"; mkdir -p "$stage"
tar -xzf "$up/$name" --no-same-owner -C "$stage"
( cd "$stage" && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -d '\\n' -r sha256sum -- ) >.spark/sprite-sent.new
touch "$sent"
# Sent before and now with other content, or new; then those no longer sent.
LC_ALL=C comm -13 <(LC_ALL=C sort "$sent") <(LC_ALL=C sort .spark/sprite-sent.new) | sed 's/^[0-9a-f]*  //' >.spark/sprite-replace
gone=$(LC_ALL=C comm -23 <(sed 's/^[0-9a-f]*  //' "$sent" | LC_ALL=C sort) <(sed 's/^[0-9a-f]*  //' .spark/sprite-sent.new | LC_ALL=C sort))
if [ -f "$list" ]; then
  kept="${KEPT_DIR}/$(date -u +%Y%m%dT%H%M%SZ)"
  { sha256sum -c --quiet "$list" 2>/dev/null || true; } | sed -n 's/: FAILED$//p' | while IFS= read -r f; do
    [ -f "$f" ] || continue
    grep -qxF -- "$f" .spark/sprite-replace || grep -qxF -- "$f" <<<"$gone" || continue
    mkdir -p "$kept/$(dirname "$f")"; cp -p -- "$f" "$kept/$f"; say "kept $kept/$f"
  done
fi
while IFS= read -r f; do
  [ -n "$f" ] || continue
  mkdir -p "$(dirname "$f")"; cp -p -- "$stage/$f" "$f"
done <.spark/sprite-replace
if [ -n "$gone" ]; then while IFS= read -r f; do rm -f -- "$f"; echo "removed $f"; done <<<"$gone"; fi
sed 's/^[0-9a-f]*  //' .spark/sprite-sent.new | xargs -d '\\n' -r sha256sum -- >"$list.tmp"
mv "$list.tmp" "$list"
mv .spark/sprite-sent.new "$sent"
say "replaced $(grep -c . .spark/sprite-replace || true)"`);

/** The package step: installs the uploaded manifest-spark and the tools (the rest of "$@") into the project. */
export const INSTALL_PACKAGE = stepScript(`${TAKE_UPLOAD}
# --no-save: the project's package.json stays as sent; npm installs its dependencies too.
npm install --no-save --no-audit --no-fund --loglevel=error --prefer-offline "$up/$name" "$@"
say "installed $(node -p 'require("./node_modules/manifest-spark/package.json").version')"`);

/** What an agent in the Sprite is told when the project has no AGENTS.md of its own. */
export const DEFAULT_AGENTS_MD = `# This project, in a Fly Sprite

It runs here through \`manifest sprite up\`: the app is the Sprite service \`app\` (its dev
command under \`manifest run\`), and Spark's sidecar (you, when you work on an event) is the
service \`bridge\`, which also serves the Sprite's URL.

- The files come from the developer's machine: \`manifest sprite push\` sends them again.
  A file you changed here is copied to \`.spark/sprite-kept/\` before a push replaces it.
- Test a fix by calling the app on its port here (\`curl localhost:$PORT/...\`); the app
  restarts by itself when its dev command watches files, else ask for \`manifest sprite push\`.
- Leave \`node_modules/manifest-spark\` and Pi installed: the bridge runs from them.
`;

/**
 * The layout step: \`manifest spark init\` (its JSON on fd 3), the inspect database with its
 * schema (opening it applies the schema, which only creates what is missing), and an AGENTS.md
 * when there is none.
 */
export const LAYOUT = stepScript(`out=$(node_modules/.bin/manifest spark init --json)
printf '%s\\n' "$out" >&3; printf '%s\\n' "$out"
node_modules/.bin/manifest inspect list --json >/dev/null
echo "inspect database ready: ${INSPECT_DB}"
# What init changed in sent files is the Sprite's own now: the next push must not take it for an edit.
if [ -f ${FILES_LIST} ]; then
  sed 's/^[0-9a-f]*  //' ${FILES_LIST} | { xargs -d '\\n' -r sha256sum -- 2>/dev/null || true; } >${FILES_LIST}.tmp
  mv ${FILES_LIST}.tmp ${FILES_LIST}
fi
if [ ! -e AGENTS.md ]; then
  cat >AGENTS.md <<'SPARK_AGENTS_EOF'
${DEFAULT_AGENTS_MD}SPARK_AGENTS_EOF
  echo "wrote AGENTS.md"
fi`);
