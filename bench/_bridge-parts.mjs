// The parts of bridge.bench.mjs: a streaming model server, the sidecar with its bridge, an
// SSE client that notes when each token arrived, and small HTTP helpers.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, request } from "node:http";
import { join } from "node:path";
import { makeTempDir, now, REPO_ROOT, sleep, waitFor } from "./_lib.mjs";

const CLI = join(REPO_ROOT, "dist", "cli.js");
/** The bridge's token in the bench. */
export const TOKEN = randomBytes(24).toString("hex");

/** An OpenAI-compatible streaming model: each content chunk is `<seq>;`, its send time kept. */
export async function startModel() {
  const apiKey = randomBytes(16).toString("hex");
  const state = { seq: 0, sent: new Map(), plan: { chunks: 1, everyMs: 0 } };
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) return void res.writeHead(401).end();
    for await (const _ of req);
    const { chunks, everyMs } = state.plan;
    const chunk = (delta, finish = null) =>
      `data: ${JSON.stringify({ id: "bench", object: "chat.completion.chunk", created: 0, model: "bench", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk({ role: "assistant", content: "" }));
    for (let i = 0; i < chunks; i++) {
      if (everyMs > 0) await sleep(everyMs);
      const seq = ++state.seq;
      state.sent.set(seq, now());
      res.write(chunk({ content: `${seq};` }));
    }
    res.write(chunk({}, "stop"));
    res.end("data: [DONE]\n\n");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.baseUrl = `http://127.0.0.1:${server.address().port}/v1`;
  state.apiKey = apiKey;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}

/** `manifest sidecar --headless --web --proxy-app` in a temp project, on the model above (`nodeArgs`: e.g. --cpu-prof). */
export async function startSidecar(model, nodeArgs = []) {
  const root = makeTempDir("bridge");
  writeFileSync(join(root, "package.json"), '{"name":"bench-app"}');
  const agentDir = join(root, ".pi-agent");
  mkdirSync(agentDir);
  writeFileSync(
    join(agentDir, "models.json"),
    JSON.stringify({
      providers: {
        bench: {
          baseUrl: model.baseUrl,
          api: "openai-completions",
          apiKey: model.apiKey,
          compat: { supportsDeveloperRole: false, supportsStore: false },
          models: [{ id: "model", name: "model", input: ["text"], contextWindow: 128000, maxTokens: 4096 }],
        },
      },
    }),
  );
  writeFileSync(
    join(agentDir, "settings.json"),
    JSON.stringify({ retry: { enabled: false }, compaction: { enabled: false } }),
  );
  const child = spawn(
    process.execPath,
    [...nodeArgs, CLI, "sidecar", "--headless", "--web", "--port", "0", "--proxy-app", "--model", "bench/model"],
    {
      cwd: root,
      env: {
        ...process.env,
        PI_CODING_AGENT_DIR: agentDir,
        PI_OFFLINE: "1",
        NO_PROXY: "127.0.0.1,localhost",
        SPARK_WEB_TOKEN: TOKEN,
        SPARK_ROOT: root,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  child.stderr.on("data", (d) => {
    err += d;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let url;
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`the sidecar exited:\n${out}\n${err}`);
      const line = out.split("\n").find((l) => l.includes('"type":"web"'));
      url = line ? JSON.parse(line).url : undefined;
      return url !== undefined;
    },
    { timeoutMs: 60_000, everyMs: 50, what: "the bridge" },
  );
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** An SSE client that notes when each token (`<seq>;` in a text delta) arrived. */
export async function openStream(url, token, headers = {}) {
  const controller = new AbortController();
  const response = await fetch(url.includes("?") || url.endsWith("/events") ? url : `${url}/starter/events`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    signal: controller.signal,
  });
  if (response.status !== 200) throw new Error(`stream refused: ${response.status}`);
  const received = [];
  const seen = new Map();
  let buffer = "";
  void (async () => {
    try {
      for await (const text of response.body.pipeThrough(new TextDecoderStream())) {
        const at = now();
        buffer += text;
        let end = buffer.indexOf("\n\n");
        while (end !== -1) {
          const message = parseBlock(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
          if (!message) continue;
          received.push(message);
          const delta = message.json?.assistantMessageEvent?.delta;
          if (message.event === "pi" && typeof delta === "string") {
            for (const m of delta.matchAll(/(\d+);/g)) if (!seen.has(Number(m[1]))) seen.set(Number(m[1]), at);
          }
        }
      }
    } catch {
      // closed
    }
  })();
  return { received, seen, close: () => controller.abort() };
}

function parseBlock(block) {
  const message = {};
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") data.push(value);
    else if (field === "id") message.id = value;
    else if (field === "event") message.event = value;
  }
  if (data.length === 0) return undefined;
  try {
    message.json = JSON.parse(data.join("\n"));
  } catch {
    message.json = undefined;
  }
  return message;
}

export async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

export function httpGet(url, headers, agent) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () =>
        res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: ${res.statusCode} ${body.slice(0, 200)}`)),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

/** Resident memory of a process, in bytes (/proc). */
export function vmRss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}
