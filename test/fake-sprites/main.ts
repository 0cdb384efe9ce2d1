/**
 * Runs the fake Sprites server as its own process (benchmarks, manual tries):
 * `node --import tsx test/fake-sprites/main.ts` prints `{"url":…,"token":…}` on one line,
 * then serves until stdin closes or it gets SIGTERM.
 */
import { startFakeSprites } from "./server.js";

const fake = await startFakeSprites({ token: process.env.FAKE_SPRITES_TOKEN || undefined });
process.stdout.write(`${JSON.stringify({ url: fake.url, token: fake.token })}\n`);
const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
