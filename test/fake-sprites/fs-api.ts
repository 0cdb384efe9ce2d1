import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { hostPath, spritePath } from "./sprite-paths.js";

type Reply = (status: number, body: unknown) => void;

/**
 * The filesystem API (`/v1/sprites/{name}/fs/{read,write,list,delete}`) over a Sprite's
 * folder: paths are resolved inside it (relative ones against `workingDir`), modes are
 * octal strings, errors are `{error, code, path}` as the SDK parses them.
 */
export async function handleFs(
  op: string,
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  query: URLSearchParams,
  reply: Reply,
): Promise<void> {
  const path = query.get("path") ?? "";
  const host = hostPath(root, path, query.get("workingDir") ?? undefined);
  if (!path || host === null) return reply(400, { error: "invalid path", code: "EINVAL", path });
  const missing = () => reply(404, { error: `no such file or directory: ${path}`, code: "ENOENT", path });

  if (op === "read" && req.method === "GET") {
    if (!existsSync(host)) return missing();
    if (lstatSync(host).isDirectory()) return reply(400, { error: "is a directory", code: "EISDIR", path });
    res.writeHead(200, { "Content-Type": "application/octet-stream" });
    res.end(readFileSync(host));
    return;
  }
  if (op === "write" && req.method === "PUT") {
    const body = await readBody(req);
    if (query.get("mkdirParents") === "true") mkdirSync(dirname(host), { recursive: true });
    else if (!existsSync(dirname(host))) return missing();
    const mode = Number.parseInt(query.get("mode") ?? "0644", 8);
    writeFileSync(host, body, { mode });
    chmodSync(host, mode);
    return reply(200, { path: spritePath(root, host), size: body.length, mode: mode.toString(8).padStart(4, "0") });
  }
  if (op === "list" && req.method === "GET") {
    if (!existsSync(host)) return missing();
    const entries = lstatSync(host).isDirectory()
      ? listDir(root, host, query.get("recursive") === "true")
      : [entryOf(root, host)];
    return reply(200, { path: spritePath(root, host), entries, count: entries.length });
  }
  if (op === "delete" && req.method === "DELETE") {
    if (!existsSync(host)) return missing();
    if (lstatSync(host).isDirectory() && query.get("recursive") !== "true")
      return reply(400, { error: "is a directory", code: "EISDIR", path });
    rmSync(host, { recursive: true, force: true });
    return reply(200, { deleted: [spritePath(root, host)], count: 1 });
  }
  reply(404, { error: `unknown filesystem operation ${req.method} ${op}`, code: "UNKNOWN", path });
}

function listDir(root: string, dir: string, recursive: boolean): Array<Record<string, unknown>> {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    const entry = entryOf(root, full);
    return recursive && entry.isDir ? [entry, ...listDir(root, full, true)] : [entry];
  });
}

function entryOf(root: string, host: string) {
  const st = lstatSync(host);
  const type = st.isDirectory() ? "directory" : st.isSymbolicLink() ? "symlink" : "file";
  return {
    name: host.slice(dirname(host).length + 1),
    path: spritePath(root, host),
    type,
    size: st.size,
    mode: (st.mode & 0o7777).toString(8).padStart(4, "0"),
    modTime: st.mtime.toISOString(),
    isDir: type === "directory",
  };
}

/** The whole request body. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
