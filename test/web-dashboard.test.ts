import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { buildEvent } from "../bus/build-event.js";
import { writeEvent } from "../bus/write-event.js";
import { type MockModel, startMockModel } from "./fakes/mock-openai.js";
import { startWebSidecar, type WebSidecar } from "./helpers/bridge.js";
import { artifactsDir, chromiumPath, launchChromium } from "./helpers/browser.js";
import { freePort, waitFor } from "./helpers/processes.js";
import { requireBuild } from "./helpers/repo.js";
import { suiteProject } from "./helpers/suite-project.js";

/**
 * The browser dashboard in a real chromium against a real `manifest sidecar --web` (real Pi
 * session, the mock model): what a person does on the page, and what it does to the project.
 * One sidecar and one page for the file, in the order a person would go.
 */

const hasChromium = chromiumPath() !== undefined;
const FAST = "export default { debounce: { windowMs: 50 } };\n";

describe.skipIf(!hasChromium)("the browser dashboard", () => {
  const project = suiteProject();
  let model: MockModel;
  let sidecar: WebSidecar;
  let browser: Browser;
  let page: Page;
  let port: number;
  let shots: string;
  const ui = () => `${sidecar.url}/starter/ui/`;

  beforeAll(async () => {
    requireBuild();
    shots = artifactsDir("web");
    writeFileSync(join(project.root, "package.json"), '{"name":"app"}');
    mkdirSync(join(project.root, "config"));
    writeFileSync(join(project.root, "config/spark.ts"), FAST);
    model = await startMockModel();
    port = await freePort();
    [sidecar, browser] = await Promise.all([startWebSidecar(project.root, model, { port }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await sidecar?.stop();
    await model?.close();
  });

  /** Writes an event the way the app does (tmp, then rename); returns its file name. */
  const dropEvent = (message: string) =>
    basename(
      writeEvent(
        project.paths,
        buildEvent(
          {
            type: "server-error",
            feature: "create-user",
            route: "POST /users",
            status: 500,
            error: new Error(message),
          },
          { environment: "development", host: "test-host", pid: 4242, app: "app", now: Date.now() },
        ),
      ),
    );
  const rowOf = (name: string) => page.locator(`.event[data-name="${name}"]`);

  it("refuses a wrong token: the page stays behind the login", async () => {
    onTestFailed(() => console.error(sidecar.stderr()));
    await page.goto(ui());
    expect(new URL(page.url()).pathname).toBe("/starter/login");
    await page.fill('input[name="token"]', "not-the-token-000000000000000000");
    await page.click('button[type="submit"]');
    await page.waitForSelector("text=That token is not right.");
    await page.screenshot({ path: join(shots, "login-refused.png") });
    const cookies = await page.context().cookies();
    expect(cookies.filter((c) => c.name === "spark_web")).toEqual([]);
    const again = await page.goto(ui());
    expect(new URL(again?.url() ?? "").pathname).toBe("/starter/login");
  });

  it("logs in with the token and goes live", async () => {
    await page.fill('input[name="token"]', sidecar.token);
    await page.click('button[type="submit"]');
    await page.waitForURL(/\/starter\/ui\/$/);
    await page.waitForSelector(".link.live");
    await expect(page.textContent("[data-testid=hold]")).resolves.toContain("not paused");
    await expect(page.textContent("header.top")).resolves.toContain("mock/mock-model");
    // The page's own marker: a reload later would lose it.
    await page.evaluate("window.sparkMarker = 42");
  });

  it("a prompt from the page gets the scripted model's reply, streamed into the conversation", async () => {
    const reply = "Hello from the scripted model: the build is green and nothing needs fixing today.";
    model.push({ text: reply });
    // Record whether the answer was ever seen while still streaming (before its final text).
    // (Scripts run in the page are strings here: the test's own types know no DOM.)
    await page.evaluate(`
      window.sawStreaming = false;
      new MutationObserver(() => {
        if (document.querySelector(".entry.assistant.streaming")) window.sawStreaming = true;
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    `);
    await page.fill('input[name="message"]', "how is the build?");
    await page.press('input[name="message"]', "Enter");
    await page.waitForSelector(".entry.user >> text=how is the build?");
    await page.waitForSelector(`.entry.assistant:not(.streaming) >> text=${reply}`, { timeout: 30_000 });
    expect(await page.evaluate("window.sawStreaming")).toBe(true);
    await page.waitForSelector(".badge:not(.working)");
  });

  it("notify_dashboard from the agent shows as a toast, its text as text", async () => {
    const message = "The app is up: look at <b>/users</b> now";
    model.push({ tool: "notify_dashboard", args: { message, type: "success" } }, { text: "Told them." });
    await page.fill('input[name="message"]', "tell the people watching");
    await page.press('input[name="message"]', "Enter");
    const toast = page.locator(".toast", { hasText: message });
    await toast.waitFor({ timeout: 30_000 });
    expect(await toast.locator("b").count()).toBe(0);
    await page.waitForSelector(".badge:not(.working)");
  });

  it("pause from the page writes .spark/pause; resume clears it", async () => {
    const pauseFile = join(project.paths.spark, "pause");
    await page.click("button:text-is('Pause')");
    await waitFor(() => existsSync(pauseFile), ".spark/pause");
    await page.waitForSelector("[data-testid=hold] >> text=paused by browser dashboard");
    await page.click("button:text-is('Resume')");
    await waitFor(() => !existsSync(pauseFile), ".spark/pause removed");
    await page.waitForSelector("[data-testid=hold] >> text=not paused");
    // Paused again for the rest: events stay pending, no run starts under the next tests.
    await page.click("button:text-is('Pause')");
    await waitFor(() => existsSync(pauseFile), ".spark/pause");
  });

  it("an event file dropped into the bus appears in the page", async () => {
    const name = dropEvent("Cannot read properties of undefined (reading 'last')");
    await rowOf(name).waitFor();
    await expect(rowOf(name).textContent()).resolves.toContain("reading 'last'");
    await expect(rowOf(name).locator(".state").textContent()).resolves.toBe("pending");
    await page.screenshot({ path: join(shots, "dashboard.png") });
  });

  it("HTML and script tags in event text render as text: nothing of them runs", async () => {
    const hostile = `<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><b>bold</b>`;
    const name = dropEvent(hostile);
    const row = rowOf(name);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("<script>window.pwned=1</script>");
    await row.click();
    await page.waitForSelector(".detail pre >> text=window.pwned=2");
    await expect(page.textContent(".detail pre")).resolves.toContain('<img src=x onerror=\\"window.pwned=2\\">');
    await page.screenshot({ path: join(shots, "event-detail.png") });
    expect(await page.evaluate("window.pwned")).toBeUndefined();
    // Only the app's own script is in the page, and no markup of the event became elements.
    expect(await page.locator("script").count()).toBe(1);
    expect(await page.locator("main img, main b").count()).toBe(0);
    await page.click(".detail button:text-is('close')");
  });

  it("survives a restart of the bridge: a banner while it is gone, then live again without a reload", async () => {
    await sidecar.stop();
    await page.waitForSelector(".banner >> text=Disconnected from the bridge");
    await page.screenshot({ path: join(shots, "disconnected.png") });
    sidecar = await startWebSidecar(project.root, model, { port, token: sidecar.token });
    await page.waitForSelector(".link.live", { timeout: 30_000 });
    await expect(page.locator(".banner >> text=Disconnected").count()).resolves.toBe(0);
    expect(await page.evaluate("window.sparkMarker")).toBe(42);
    // The new bridge's stream reaches the page: a new event shows up.
    const name = dropEvent("after the restart");
    await rowOf(name).waitFor();
    await page.screenshot({ path: join(shots, "after-restart.png") });
  });
});
