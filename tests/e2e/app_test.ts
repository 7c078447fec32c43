/**
 * The supervisor's journey through the real app in headless Chromium: sign in, ask an
 * example question and watch the steps stream before the answer, see the table and the
 * chart, download the Excel report and read it back, reload and find the history, stop a
 * running turn, sign out. Saves screenshots to test_output/screenshots/.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import {
  buildBundle,
  hasChromium,
  launchBrowser,
  recordTimeline,
  resetTimeline,
  screenshotPath,
  type TestBrowser,
  timeline,
} from "./browser.ts";
import { lastUserMessage, type RealApp, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "supervisor journey (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "supervisor journey through the real app";

/** A question the test model takes a minute to think about, so Stop has a turn to stop. */
const SLOW_QUESTION = "Compare every queue's answer rate this month";

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    const app: RealApp = await startRealApp({
      buildManifest,
      latencyMs: (r) => lastUserMessage(r) === SLOW_QUESTION ? 60_000 : 120,
    });
    const browser: TestBrowser = await launchBrowser({ width: 1280, height: 900 });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.addInitScript(recordTimeline);
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    let conversationUrl = "";
    try {
      await t.step("sign in as the demo user", async () => {
        await page.goto(`${app.url}/`);
        await page.waitForURL(`${app.url}/login`);
        await page.getByLabel("Username").waitFor();
        await page.screenshot({ path: await screenshotPath("login.png") });
        await page.getByLabel("Username").fill("demo");
        await page.getByLabel("Password").fill("demo-supervisor");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${app.url}/`);
        await page.locator(".empty-state").waitFor();
        assert.equal(await page.locator(".chip").count(), 6);
      });

      await t.step("ask an example question: steps stream before the answer", async () => {
        await resetTimeline(page);
        await page.getByRole("button", { name: "Show calls per day for last week" }).click();
        await page.locator(".turn .bubble", { hasText: "Show calls per day" }).waitFor();
        await page.locator(".turn-done").waitFor({ timeout: 30_000 });
        const tl = await timeline(page);
        assert.ok(tl.step !== null && tl.done !== null, JSON.stringify(tl));
        assert.ok(tl.step < tl.done, "a step was shown before the answer finished");
        assert.ok(
          await page.locator(".turn-done .step-tool").count() > 0,
          "the tool calls are listed",
        );
        assert.equal(
          await page.locator(".turn-done details.steps").getAttribute("open"),
          null,
          "steps collapse when the answer is done",
        );
        assert.ok((await page.locator(".turn-done .answer .md").innerText()).length > 0);
        assert.match(page.url(), /\?c=/);
        conversationUrl = page.url();
      });

      await t.step("the answer has a table and a chart", async () => {
        const table = page.locator(".turn-done .result-table").first();
        await table.waitFor();
        assert.ok(await table.locator("tbody tr").count() > 0);
        assert.ok(await table.locator("th").count() > 1);
        assert.match(await table.locator(".result-meta").innerText(), /\d+ rows?/);
        const canvas = page.locator(".turn-done .result-chart canvas").first();
        await canvas.waitFor();
        assert.match((await canvas.getAttribute("aria-label")) ?? "", /chart/i);
        await page.waitForTimeout(400); // the chart's entry animation
        await page.locator(".turn-done .result-chart").first().evaluate((el) =>
          el.scrollIntoView({ block: "end" })
        );
        await page.mouse.move(1, 1);
        await page.screenshot({ path: await screenshotPath("answer.png") });
      });

      await t.step("download the Excel report and read it back", async () => {
        const input = page.getByLabel("Your question");
        await input.fill("Export all missed calls this week to Excel");
        await input.press("Enter");
        const link = page.locator(".turn").last().getByRole("link", { name: /Download Excel/ });
        await link.waitFor({ timeout: 30_000 });
        assert.notEqual(await link.getAttribute("download"), null);
        const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
        assert.match(download.suggestedFilename(), /\.xlsx$/);
        const path = await download.path();
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(path);
        const sheet = workbook.worksheets[0];
        assert.ok(sheet, "the workbook has a sheet");
        const header = (sheet.getRow(1).values as unknown[]).filter((v) => v !== undefined);
        assert.ok(header.length > 1, `header row: ${JSON.stringify(header)}`);
        assert.ok(header.every((v) => typeof v === "string" && v.length > 0));
        let dataRows = 0;
        sheet.eachRow((row, n) => {
          if (n > 1 && row.cellCount > 0) dataRows++;
        });
        assert.ok(dataRows > 0, "the report has data rows");
        const shown = await page.locator(".turn").last().locator(".report-meta").first()
          .innerText();
        assert.match(shown, /\d+ rows?/);
      });

      await t.step("reload: the conversation's history is back", async () => {
        const turnsBefore = await page.locator(".turn").count();
        await page.goto(conversationUrl);
        await page.locator(".turn-done").first().waitFor();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".turn-done").length === n,
          turnsBefore,
        );
        assert.ok(await page.locator(".result-table").count() > 0, "tables are kept");
        assert.ok(await page.locator(".result-chart canvas").count() > 0, "charts are kept");
        assert.ok(
          await page.getByRole("link", { name: /Download Excel/ }).count() > 0,
          "reports are kept",
        );
        assert.equal(await page.locator(".conv-item.is-selected").count(), 1);
      });

      await t.step("stop a running turn: cancelled notice, conversation intact", async () => {
        const before = await page.locator(".turn").count();
        const input = page.getByLabel("Your question");
        await input.fill(SLOW_QUESTION);
        await input.press("Enter");
        const stop = page.getByRole("button", { name: "Stop the answer" });
        await stop.waitFor();
        await page.locator(".turn-running").waitFor();
        await stop.click();
        await page.locator(".turn-cancelled .notice-muted").waitFor({ timeout: 15_000 });
        assert.equal(await page.locator(".turn").count(), before + 1);
        assert.equal(await page.locator(".turn-done").count(), before, "earlier answers stay");
        assert.equal(await page.getByRole("button", { name: "Send" }).isVisible(), true);
        await page.reload();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".turn").length === n,
          before + 1,
        );
      });

      await t.step("on a phone", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(conversationUrl);
        await page.locator(".turn-done .result-chart canvas").first().waitFor();
        await page.locator(".turn").first().evaluate((el) => el.scrollIntoView({ block: "start" }));
        await page.waitForTimeout(400);
        await page.screenshot({ path: await screenshotPath("phone.png") });
        await page.setViewportSize({ width: 1280, height: 900 });
      });

      await t.step("sign out: back to login, the session is gone", async () => {
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL(/\/login$/);
        const me = await page.request.get(`${app.url}/api/auth/me`);
        assert.equal(me.status(), 401);
        await page.goto(`${app.url}/`);
        await page.waitForURL(/\/login$/);
      });

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
