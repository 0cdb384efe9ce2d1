// The browser dashboard (sidecar/web/, served by the bridge) in Debian's chromium, driven by
// playwright-core, against a real `manifest sidecar --headless --web` (watch-only: no model,
// so nothing claims and every event stays pending).
//
// Latency: an event file renamed into `.spark/events/` → its row in the page's DOM (an
// in-page MutationObserver stamps the time), p50/p99, beside the floor measured on the same
// events: the moment the bridge's own SSE stream carries it to a bare Node client.
// Page weight: the three files gzipped, beside Preact + signals alone (bundled and minified
// the same way, in this run). Memory: the page's JS heap (after a forced GC) once 10,000
// events are in its list, beside the same page at rest before them; DOM nodes likewise
// (the list is virtual: the DOM must not grow with the events).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { buildEvent } from "../dist/bus.js";
import { makeTempDir, now, percentile, REPO_ROOT, result, sleep, waitFor } from "./_lib.mjs";

export const name = "web-dashboard";

const CLI = join(REPO_ROOT, "dist", "cli.js");
const WEB = join(REPO_ROOT, "dist", "web");
const CHROMIUM = [process.env.SPARK_TEST_CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
  (p) => p && existsSync(p),
);
const wall = () => performance.timeOrigin + performance.now();

export async function run(ctx) {
  if (!CHROMIUM) throw new Error("chromium is not installed: apt-get install chromium (see .ci/run)");
  const samples = ctx.quick ? 30 : 200;
  const storm = ctx.quick ? 2_000 : 10_000;
  const root = makeTempDir("web");
  writeFileSync(join(root, "package.json"), '{ "name": "bench-app", "private": true }\n');
  const agentDir = makeTempDir("web-agent");
  writeFileSync(join(agentDir, "settings.json"), JSON.stringify({ retry: { enabled: false } }));
  const token = randomBytes(24).toString("hex");
  const sidecar = await startSidecar(root, agentDir, token);
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  const sse = await openSse(sidecar.url, token);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${sidecar.url}/starter/ui/`);
    await page.fill('input[name="token"]', token);
    await page.click('button[type="submit"]');
    await page.waitForSelector(".link.live");
    await page.evaluate(`
      window.seen = new Map();
      const note = (el, t) => {
        if (el.dataset && el.dataset.name && !window.seen.has(el.dataset.name)) window.seen.set(el.dataset.name, t);
      };
      // Rows are keyed by position: a new event at the top is often an old row element given
      // a new data-name, not a new element.
      new MutationObserver((records) => {
        const t = performance.timeOrigin + performance.now();
        for (const r of records) {
          if (r.type === "attributes") note(r.target, t);
          for (const n of r.addedNodes)
            for (const el of n.querySelectorAll ? [n, ...n.querySelectorAll("[data-name]")] : []) note(el, t);
        }
      }).observe(document.querySelector(".vlist"), {
        subtree: true, childList: true, attributes: true, attributeFilter: ["data-name"],
      });
    `);

    // ── Latency: rename → SSE (floor) and rename → DOM row ──────────────────────
    ctx.log(`  ${samples} events, one at a time…`);
    const toDom = [];
    const toSse = [];
    for (let i = 0; i < samples; i++) {
      const file = stage(root, i);
      const t0 = wall();
      renameSync(file.staged, file.target);
      await waitFor(() => sse.seen.has(file.name), { timeoutMs: 20_000, what: `SSE for ${file.name}` });
      const domAt = await pollPage(page, file.name);
      toSse.push(sse.seen.get(file.name) - t0);
      toDom.push(domAt - t0);
      await sleep(60);
    }

    // ── Memory: the page at rest, then with `storm` more events in its list ─────
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const before = await heap(cdp);
    ctx.log(`  ${storm.toLocaleString("en-US")} events into the page…`);
    const names = [];
    for (let i = 0; i < storm; i++) {
      const file = stage(root, samples + i);
      renameSync(file.staged, file.target);
      names.push(file.name);
    }
    const expected = samples + storm;
    await page.waitForFunction(
      (n) => Number(/all (\d+)/.exec(document.querySelector(".filters button")?.textContent ?? "")?.[1]) >= n,
      expected,
      { timeout: 180_000, polling: 250 },
    );
    const after = await heap(cdp);

    // ── Page weight: our three files vs Preact + signals alone ───────────────────
    const ours = ["index.html", "app.js", "app.css"].reduce((n, f) => n + gz(readFileSync(join(WEB, f))), 0);
    const bare = await bareLibraries();

    const fmt = (v) => v.toFixed(1);
    return [
      result("web: rename → row in the DOM (p50)", percentile(toDom, 50), "ms", percentile(toSse, 50), {
        note: `floor = rename → the bridge's SSE frame at a bare Node client (same events); ${samples} events, one at a time`,
      }),
      result("web: rename → row in the DOM (p99)", percentile(toDom, 99), "ms", percentile(toSse, 99), {
        target: { of: "value", max: 1000 },
      }),
      result("web: page weight (gzip)", ours / 1024, "KiB", bare / 1024, {
        target: { of: "value", max: 100 },
        note: "index.html + app.js + app.css gzipped; floor = Preact + @preact/signals alone, bundled and minified the same way",
      }),
      result(
        `web: JS heap with ${expected.toLocaleString("en-US")} events`,
        after.heap / 2 ** 20,
        "MiB",
        before.heap / 2 ** 20,
        {
          note: `after a forced GC; floor = the same page before the ${storm.toLocaleString("en-US")}-event storm; DOM nodes ${before.nodes} → ${after.nodes} (virtual list)`,
        },
      ),
      result(`web: DOM nodes with ${expected.toLocaleString("en-US")} events`, after.nodes, "nodes", before.nodes, {
        target: { of: "ratio", max: 1.5 },
        note: `floor = the page before the storm; only the visible rows are drawn (p50 SSE ${fmt(percentile(toSse, 50))} ms)`,
      }),
    ];
  } finally {
    sse.close();
    await browser.close();
    await sidecar.stop();
  }
}

let sequence = 0;
/** A valid event, written to events/.tmp (not timed); the rename is what the figures time. */
function stage(root, i) {
  const built = buildEvent(
    {
      type: "server-error",
      feature: "create-user",
      route: "POST /users",
      status: 500,
      error: Object.assign(new TypeError(`Cannot read properties of undefined (reading 'email') #${i}`), {
        stack: `TypeError: boom #${i}\n    at createUser (/app/features/create-user.js:14:30)`,
      }),
    },
    { environment: "bench", host: "bench", pid: process.pid, app: "bench-app", now: Date.now() + sequence++ },
  );
  const name = `${built.event.id}.json`;
  const staged = join(root, ".spark/events/.tmp", name);
  writeFileSync(staged, built.json, { mode: 0o600 });
  return { name, staged, target: join(root, ".spark/events", name) };
}

/** When the page's observer saw the row (polled: the stamp itself is taken in the page). */
async function pollPage(page, fileName) {
  const deadline = now() + 20_000;
  for (;;) {
    const at = await page.evaluate((n) => window.seen.get(n), fileName);
    if (at !== undefined) return at;
    if (now() > deadline) throw new Error(`the row for ${fileName} never appeared in the page`);
    await sleep(5);
  }
}

async function heap(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const get = (n) => metrics.find((m) => m.name === n)?.value ?? Number.NaN;
  return { heap: get("JSHeapUsedSize"), nodes: get("Nodes") };
}

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;

async function bareLibraries() {
  const out = await build({
    stdin: {
      contents:
        'import { render, h } from "preact"; import { signal } from "@preact/signals"; const s = signal(0); render(h("p", null, s), document.body);',
      resolveDir: REPO_ROOT,
      loader: "js",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    write: false,
  });
  return gz(out.outputFiles[0].contents);
}

/** `manifest sidecar --headless --web` on a free port; resolves with its URL once it serves. */
async function startSidecar(root, agentDir, token) {
  const child = spawn(process.execPath, [CLI, "sidecar", "--headless", "--web", "--port", "0"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      TMPDIR: process.env.TMPDIR ?? "/tmp",
      LANG: "C.UTF-8",
      PI_OFFLINE: "1",
      PI_CODING_AGENT_DIR: agentDir,
      SPARK_WEB_TOKEN: token,
      SPARK_ROOT: root,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
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
      url = line && JSON.parse(line).url;
      return Boolean(url);
    },
    { timeoutMs: 60_000, everyMs: 50, what: "the bridge's web line" },
  );
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/** A bare SSE reader: notes when each event file's name first arrives in the stream. */
async function openSse(url, token) {
  const controller = new AbortController();
  const response = await fetch(`${url}/starter/events`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const seen = new Map();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const t = wall();
        for (const m of value.matchAll(/"name":"([^"]+\.json)"/g)) if (!seen.has(m[1])) seen.set(m[1], t);
      }
    } catch {
      // closed
    }
  })();
  return { seen, close: () => controller.abort() };
}
