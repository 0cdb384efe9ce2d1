import "manifest-spark/register";
import { createServer } from "node:http";
import { spark } from "manifest-spark";
import { features } from "./features/index.js";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

/** Reads a JSON body (small apps only: no streaming, 1 MB cap). */
async function readJson(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 1_000_000) throw Object.assign(new Error("body too large"), { status: 413 });
  }
  return text === "" ? {} : JSON.parse(text);
}

function send(res, status, body) {
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.end(`${JSON.stringify(body)}\n`);
}

async function handle(req, res) {
  const path = (req.url ?? "/").split("?")[0];
  const route = `${req.method} ${path}`;
  if (route === "GET /health") return send(res, 200, { status: 200, message: "ok" });
  const feature = features.find((f) => f.route === route);
  if (!feature) return send(res, 404, { status: 404, message: `no feature serves ${route}` });

  const requestId = req.headers["x-request-id"];
  let input;
  try {
    input = req.method === "GET" ? {} : await readJson(req);
  } catch (error) {
    return send(res, error.status ?? 400, { status: error.status ?? 400, message: `bad request: ${error.message}` });
  }
  try {
    const data = await feature.handle(input);
    send(res, 200, { status: 200, message: "ok", data, meta: { feature: feature.name, request_id: requestId } });
  } catch (error) {
    // A deliberate 4xx (`name is required`) is the client's mistake, answered as such: not a
    // server error, so no event.
    if (error.status >= 400 && error.status < 500) {
      return send(res, error.status, { status: error.status, message: error.message });
    }
    // What a framework does for you: the failure, with its feature and input, goes to Spark.
    spark.captureServerError({ feature: feature.name, route, status: 500, requestId, error, input });
    send(res, 500, {
      status: 500,
      message: "Internal Server Error",
      meta: { feature: feature.name, request_id: requestId },
    });
  }
}

const server = createServer(spark.wrapNodeHandler(handle));
server.listen(port, host, () => {
  console.log(`hello-app listening on http://${host}:${server.address().port}`);
});
