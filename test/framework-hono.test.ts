import { describe } from "vitest";
import { findBun } from "./helpers/bun.js";
import { describeContract } from "./helpers/framework-contract.js";

// Hono hands a streaming response over before its callback runs: an error there goes to the
// stream helper's onError, where no middleware can see it (the README says so).
describeContract({
  label: "Hono 4 on Node",
  framework: "hono",
  fixture: "hono-app.mjs",
  args: [],
  seesErrorsAfterStart: false,
});

const BUN = findBun();
describe.runIf(BUN !== undefined)("under Bun", () => {
  describeContract({
    label: "Hono 4 on Bun",
    framework: "hono",
    fixture: "hono-app.mjs",
    args: [],
    runtime: BUN,
    seesErrorsAfterStart: false,
  });
});
