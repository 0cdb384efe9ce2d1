// The floor for bench/sprite-exec: the same work as `manifest sprite exec` done with the bare
// SDK in a fresh process (ws shim, client, one command), no Spark code in between.
//   node bench/_bare-sprite-exec.mjs <sprite> true      execFile("bash", ["-lc", "true"])
//   node bench/_bare-sprite-exec.mjs <sprite> stream N  N bytes of stdout piped to ours
if (typeof globalThis.WebSocket === "undefined") globalThis.WebSocket = (await import("ws")).WebSocket;
const { SpritesClient } = await import("@fly/sprites");

const [name, mode, bytes] = process.argv.slice(2);
const client = new SpritesClient(process.env.SPRITES_TOKEN, { baseURL: process.env.SPRITES_API_URL });
const sprite = client.sprite(name);
if (mode === "true") {
  await sprite.execFile("bash", ["-lc", "true"]);
} else {
  const cmd = sprite.spawn("bash", ["-lc", `head -c ${bytes} /dev/zero`]);
  cmd.stdout.pipe(process.stdout);
  cmd.stdin.end();
  const code = await cmd.wait();
  if (code !== 0) process.exit(code);
}
