import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { artifactsDir, chromiumPath, launchChromium } from "./helpers/browser.js";
import { waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { tempProject } from "./helpers/temp-project.js";

/**
 * The approve queue in the browser dashboard (`tools: "approve"`): a bash call the scripted
 * model makes waits in the page, runs once a person approves it there, and a denied one never
 * runs. A real sidecar, a real Pi session, real chromium.
 */

const CONFIG =
  'export default { environment: "production", environments: { production: { tools: "approve", behavior: "fix" } }, debounce: { windowMs: 50 } };\n';

describe.skipIf(chromiumPath() === undefined)("the approve queue in the browser", () => {
  let model: MockModel;
  let sidecar: WebSidecar;
  let browser: Browser;
  let page: Page;
  let root: string;

  beforeAll(async () => {
    requireBuild();
    root = tempProject({ "package.json": '{"name":"app"}', "config/spark.ts": CONFIG }).root;
    model = await startMockModel();
    [sidecar, browser] = await Promise.all([startWebSidecar(root, model), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${sidecar.url}/starter/ui/`);
    await page.fill('input[name="token"]', sidecar.token);
    await page.click('button[type="submit"]');
    await page.waitForSelector(".link.live");
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sidecar?.stop();
    await model?.close();
  });

  const ask = async (message: string, command: string) => {
    model.push({ tool: "bash", args: { command } }, { text: "Done." });
    await page.fill('input[name="message"]', message);
    await page.press('input[name="message"]', "Enter");
    const item = page.locator(".approvals li", { hasText: command });
    await item.waitFor({ timeout: 30_000 });
    return item;
  };

  it("approve runs the waiting call; deny keeps it from running", async () => {
    onTestFailed(() => console.error(sidecar.stderr()));
    const ran = join(root, "approved.txt");
    const approved = await ask("write the first marker", `echo ran > ${ran}`);
    expect(existsSync(ran)).toBe(false);
    await page.screenshot({ path: join(artifactsDir("web"), "approvals.png") });
    await approved.locator("button:text-is('Approve')").click();
    await waitFor(() => existsSync(ran), "the approved command's file", 30_000);
    await page.waitForSelector(".approvals", { state: "detached" });
    await page.waitForSelector(".badge:not(.working)");

    const refused = join(root, "denied.txt");
    const denied = await ask("write the second marker", `echo ran > ${refused}`);
    await denied.locator("button:text-is('Deny')").click();
    await page.waitForSelector(".approvals", { state: "detached" });
    await page.waitForSelector(".badge:not(.working)", { timeout: 30_000 });
    expect(existsSync(refused)).toBe(false);
    await expect(page.locator(".entry.tool.failed").count()).resolves.toBeGreaterThan(0);
  });
});
