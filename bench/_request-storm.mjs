// A real app under a request storm: a node:http server wrapped by spark.wrapNodeHandler (the
// built package, dist/index.js) whose /users/:id handler fails, hit by `requests` GETs with a
// different id each (keep-alive, `concurrency` at a time). Prints {"requests","ms"} when done
// (and the loop's wall and CPU time, server and client together) and exits, which writes
// whatever the emitter's budget still counts. The caller measures events/ afterwards.
//   node _request-storm.mjs <root> <requests> [concurrency]
import { Agent, createServer, request } from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [root, countArg, concurrencyArg] = process.argv.slice(2);
const total = Number(countArg);
const concurrency = Number(concurrencyArg ?? 32);
const repo = join(import.meta.dirname, "..");
const { spark } = await import(pathToFileURL(join(repo, "dist", "index.js")).href);
spark.configure({ root, app: "storm-app" });

const users = new Map([[1, { name: "Ada" }]]);
const server = createServer(
  spark.wrapNodeHandler((req, res) => {
    const id = Number(req.url?.split("/")[2]);
    const user = users.get(id);
    if (!user) throw new Error(`user ${id} not found`);
    res.end(user.name);
  }),
);
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address();
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const get = (path) =>
  new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });

const started = performance.now();
const cpuBefore = process.cpuUsage();
let next = 2;
let failed = 0;
const worker = async () => {
  while (next < total + 2) {
    const id = next++;
    if ((await get(`/users/${id}`)) === 500) failed++;
  }
};
await Promise.all(Array.from({ length: concurrency }, worker));
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await spark.flush();
agent.destroy();
server.close();
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${JSON.stringify({ requests: total, failed, ms, cpuMs })}\n`);
process.exit(0);
