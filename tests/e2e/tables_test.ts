/**
 * Tables a supervisor can work with, in the real app (offline planner, generated demo
 * data, headless Chromium): an AHT ranking sorted and charted by AHT, click-to-sort, the
 * Excel download and CSV copy in the order shown, a ~500-row listing sorted on the server
 * and paged to its last page, today marked "so far", and the phone layout without a
 * horizontal page scroll. Screenshots go to test_output/screenshots/tables_*.png.
 */
import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import type { Locator, Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser, screenshotPath } from "./browser.ts";
import { type RealApp, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "result tables (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "result tables: ranking, sorting, paging, export, phone";

/** The demo user's password in this test's app. */
const PASSWORD = "tables-demo-2026";

/** Asks a question and returns the finished turn. */
async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.locator(".turn-done").count();
  const input = page.getByLabel("Your question");
  await input.fill(question);
  await input.press("Enter");
  await page.waitForFunction(
    (n) => document.querySelectorAll(".turn-done").length > n,
    before,
    { timeout: 30_000 },
  );
  return page.locator(".turn-done").last();
}

/** Header labels of a table. */
async function headers(table: Locator): Promise<string[]> {
  return (await table.locator("thead th").allInnerTexts()).map((t) => t.trim());
}

/** The exact seconds of a column's cells (from their hover titles). */
async function seconds(table: Locator, column: number): Promise<number[]> {
  const titles = await table.locator(`tbody tr td:nth-child(${column + 1})`).evaluateAll((tds) =>
    tds.map((td) => td.getAttribute("title") ?? "")
  );
  return titles.map((t) => Number(t.replace(/,/g, "").replace(/\s*s$/, "")));
}

/** A column's cells as numbers (thousands separators dropped). */
async function numbers(table: Locator, column: number): Promise<number[]> {
  const texts = await table.locator(`tbody tr td:nth-child(${column + 1})`).allInnerTexts();
  return texts.map((t) => Number(t.replace(/,/g, "")));
}

async function texts(table: Locator, column: number): Promise<string[]> {
  return (await table.locator(`tbody tr td:nth-child(${column + 1})`).allInnerTexts())
    .map((t) => t.replace(/so far$/, "").trim());
}

/** Scrolls the chat (not the page) so that `target` starts (or ends) in view. */
async function reveal(target: Locator, align: "start" | "end" = "start"): Promise<void> {
  await target.evaluate((el, align) => {
    const scroller = el.closest(".scroller");
    if (!scroller) return el.scrollIntoView({ block: align });
    const box = el.getBoundingClientRect();
    const top = box.top - scroller.getBoundingClientRect().top + scroller.scrollTop;
    scroller.scrollTop = align === "start"
      ? top - 12
      : top + box.height - scroller.clientHeight + 12;
  }, align);
  await target.page().waitForTimeout(150);
}

function assertOrdered(values: number[], order: "asc" | "desc", what: string): void {
  for (let i = 1; i < values.length; i++) {
    const ok = order === "desc" ? values[i - 1] >= values[i] : values[i - 1] <= values[i];
    assert.ok(ok, `${what}: ${values[i - 1]} then ${values[i]} at ${i} (${order})`);
  }
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    // ~91 calls a day: a listing of five days holds about 500 calls.
    const app: RealApp = await startRealApp({
      buildManifest,
      env: { DEMO_CALLS_PER_DAY: "91", DEMO_USER: "demo", DEMO_PASSWORD: PASSWORD },
    });
    const browser = await launchBrowser({ width: 1440, height: 900 });
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: app.url,
    });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    try {
      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/`);
      await page.locator(".empty-state").waitFor();

      let agents: string[] = [];
      await t.step("the AHT ranking is sorted and charted by AHT", async () => {
        const turn = await ask(page, "Which agent had the highest AHT?");
        const table = turn.locator(".result-table").first();
        const head = await headers(table);
        assert.equal(head[1], "AHT", `AHT right after the name: ${head}`);
        assert.equal(
          await table.locator("thead th").nth(1).getAttribute("aria-sort"),
          "descending",
        );
        await table.getByRole("button", { name: /^Show \d+ more$/ }).click();
        const aht = await seconds(table, 1);
        assert.ok(aht.length > 3 && aht.every(Number.isFinite), `AHT values: ${aht}`);
        assertOrdered(aht, "desc", "AHT");
        const shown = await table.locator("tbody tr td:nth-child(2)").allInnerTexts();
        assert.ok(shown.every((s) => /^\d+:\d{2}$/.test(s)), `m:ss durations: ${shown}`);
        agents = await texts(table, 0);
        const answer = await turn.locator(".answer").innerText();
        assert.ok(answer.includes(agents[0]), `the answer names the top row (${agents[0]})`);
        const canvas = turn.locator(".result-chart canvas").first();
        const label = (await canvas.getAttribute("aria-label")) ?? "";
        assert.match(label, /^Bar chart: AHT by agent/);
        assert.ok(label.includes(`${agents[0]}: `), "the chart starts with the top agent");
        assert.match(await turn.locator(".result-chart").innerText(), /AHT by agent/);
        const align = await table.locator("thead th.num").first().evaluate((el) =>
          getComputedStyle(el).textAlign
        );
        assert.equal(align, "right", "numeric headers align with their numbers");
        await page.waitForTimeout(400); // the chart's entry animation
        await reveal(table);
        await page.screenshot({ path: await screenshotPath("tables_aht_desktop.png") });
        await reveal(turn.locator(".result-chart"), "end");
        await page.screenshot({ path: await screenshotPath("tables_aht_chart_desktop.png") });
      });

      await t.step(
        "every column sorts on click; Excel and CSV follow the order shown",
        async () => {
          const turn = page.locator(".turn-done").last();
          const table = turn.locator(".result-table").first();
          const head = await headers(table);
          const calls = head.indexOf("Calls handled");
          assert.ok(calls > 1);
          const button = table.locator("thead th").nth(calls).getByRole("button");
          await button.click();
          assertOrdered(await numbers(table, calls), "desc", "calls handled, first click");
          await button.click();
          assert.equal(
            await table.locator("thead th").nth(calls).getAttribute("aria-sort"),
            "ascending",
          );
          const ascending = await numbers(table, calls);
          assertOrdered(ascending, "asc", "calls handled, second click");
          await table.locator("thead th").nth(0).getByRole("button").click();
          const names = await texts(table, 0);
          assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)), "names A–Z");
          await button.click(); // calls handled, most first
          await button.click(); // fewest first
          const order = await texts(table, 0);

          const [download] = await Promise.all([
            page.waitForEvent("download"),
            table.getByRole("button", { name: "Download Excel" }).click(),
          ]);
          assert.match(download.suggestedFilename(), /\.xlsx$/);
          const workbook = new ExcelJS.Workbook();
          await workbook.xlsx.readFile(await download.path());
          const sheet = workbook.worksheets[0];
          const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
          assert.deepEqual(
            header.map((h) => h.replace(/\s*\(s\)$/, "")),
            head,
            "the file's columns in the order shown",
          );
          const firstAgents = [2, 3, 4].map((n) => String(sheet.getRow(n).getCell(1).value));
          assert.deepEqual(firstAgents, order.slice(0, 3), "the file's rows in the order shown");

          await table.getByRole("button", { name: "Copy as CSV" }).click();
          await table.locator(".copied", { hasText: /^Copied \d+ rows$/ }).waitFor();
          const csv = await page.evaluate(() => navigator.clipboard.readText());
          const lines = csv.trimEnd().split("\r\n");
          assert.equal(lines[0].split(",")[1], "AHT (s)", "raw seconds keep their unit");
          assert.equal(lines.length - 1, order.length, "every row of the table");
          assert.deepEqual(lines.slice(1, 4).map((l) => l.split(",")[0]), order.slice(0, 3));
        },
      );

      await t.step("a 500-row listing sorts on the server and pages to its last page", async () => {
        const turn = await ask(page, "Show me all calls from 16 Nov to 20 Nov");
        const table = turn.locator(".result-table").first();
        const meta = table.locator(".result-meta");
        const first = await meta.innerText();
        const m = /^Rows 1–50 of ([\d,]+)$/.exec(first);
        assert.ok(m, `first page caption: ${first}`);
        const total = Number(m[1].replace(/,/g, ""));
        assert.ok(total >= 450, `a listing of about 500 rows: ${total}`);
        assert.equal(await table.locator("tbody tr").count(), 50);
        const next = table.getByRole("button", { name: "Next ›" });
        const previous = table.getByRole("button", { name: "‹ Previous" });
        await next.click();
        await meta.filter({ hasText: `Rows 51–100 of ${m[1]}` }).waitFor();
        await previous.click();
        await meta.filter({ hasText: `Rows 1–50 of ${m[1]}` }).waitFor();

        const head = await headers(table);
        const duration = head.indexOf("Duration");
        const callId = head.indexOf("Call ID");
        assert.ok(duration > 0 && callId >= 0, `columns: ${head}`);
        await table.locator("thead th").nth(duration).getByRole("button").click();
        await table.locator("thead th[aria-sort='descending']").waitFor();
        await page.waitForFunction(
          (el) => el?.getAttribute("aria-busy") === "false",
          await table.elementHandle(),
        );
        const seen = new Set<string>();
        let values: number[] = [];
        let pages = 0;
        for (;;) {
          const ids = await texts(table, callId);
          for (const id of ids) seen.add(id);
          values = values.concat(await seconds(table, duration));
          pages++;
          if (await next.isDisabled()) break;
          const before = await meta.innerText();
          await next.click();
          await page.waitForFunction(
            ([el, text]) => el?.textContent !== text,
            [await meta.elementHandle(), before] as const,
          );
          assert.ok(pages < 40, "paging ends");
        }
        assertOrdered(values, "desc", "duration across every page");
        assert.equal(seen.size, total, "every row once");
        assert.equal(values.length, total);
        const lastStart = Math.floor((total - 1) / 50) * 50 + 1;
        assert.equal(
          await meta.innerText(),
          `Rows ${lastStart.toLocaleString("en-US")}–${m[1]} of ${m[1]}`,
        );
        await reveal(table);
        await page.screenshot({ path: await screenshotPath("tables_listing_last_page.png") });
      });

      await t.step("today's partial day is marked in the table and the chart", async () => {
        const turn = await ask(page, "Show calls per day this week");
        const table = turn.locator(".result-table").first();
        const partial = table.locator("tbody tr.is-partial");
        assert.equal(await partial.count(), 1);
        assert.match(await partial.innerText(), /so far/);
        const rows = await texts(table, 0);
        const day = (await partial.locator("td").first().innerText()).replace(/so far$/, "").trim();
        assert.equal(day, rows[rows.length - 1], "today is the last day");
        assert.match(await turn.locator(".result-chart .result-meta").innerText(), /so far/);
        assert.match(
          (await turn.locator(".result-chart canvas").getAttribute("aria-label")) ?? "",
          /so far/,
        );
        await page.waitForTimeout(400);
        await reveal(turn.locator(".result-chart"), "end");
        await page.screenshot({ path: await screenshotPath("tables_so_far_desktop.png") });
      });

      await t.step("one-row figures copy as CSV and download as Excel too", async () => {
        const turn = await ask(page, "What was the abandonment rate yesterday?");
        const figures = turn.locator(".result-figures");
        await figures.waitFor();
        assert.equal(await turn.locator(".result-table").count(), 0, "tiles, not a table");
        const labels = (await figures.locator("dt").allInnerTexts()).map((x) => x.trim());
        const shown = (await figures.locator("dd").allInnerTexts()).map((x) => x.trim());
        assert.ok(labels.length >= 2, `tiles: ${labels}`);
        const incoming = labels.indexOf("Incoming calls");
        assert.ok(incoming >= 0, `an incoming calls tile: ${labels}`);

        await figures.getByRole("button", { name: "Copy as CSV" }).click();
        await figures.locator(".copied", { hasText: /^Copied 1 row$/ }).waitFor();
        const csv = (await page.evaluate(() => navigator.clipboard.readText())).trimEnd()
          .split("\r\n");
        assert.equal(csv.length, 2, `a header and one row: ${csv}`);
        const header = csv[0].split(",");
        const values = csv[1].split(",");
        assert.deepEqual(
          header.map((h) => h.replace(/\s*\(%\)$/, "")),
          labels,
          "the tiles' labels, in order",
        );
        assert.equal(values[incoming], shown[incoming].replace(/,/g, ""), "raw values");

        const [download] = await Promise.all([
          page.waitForEvent("download"),
          figures.getByRole("button", { name: "Download Excel" }).click(),
        ]);
        assert.match(download.suggestedFilename(), /\.xlsx$/);
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.readFile(await download.path());
        const sheet = workbook.worksheets[0];
        const fileHeader = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
        assert.deepEqual(
          fileHeader.map((h) => h.replace(/\s*\(%\)$/, "")),
          labels,
          "the file's columns",
        );
        assert.equal(
          String(sheet.getRow(2).getCell(incoming + 1).value),
          values[incoming],
          "the file's row is the one shown",
        );
        await reveal(figures, "end");
        await page.mouse.move(1, 1);
        await page.screenshot({ path: await screenshotPath("tables_figures_desktop.png") });
      });

      await t.step("on a phone: no horizontal page scroll; the table scrolls itself", async () => {
        const url = page.url();
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(url);
        const table = page.locator(".turn-done .result-table").first();
        await table.waitFor();
        const overflow = await page.evaluate(() => ({
          doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          body: document.body.scrollWidth - document.body.clientWidth,
        }));
        assert.deepEqual(overflow, { doc: 0, body: 0 }, "the page does not scroll sideways");
        const box = table.locator(".table-scroll");
        const wide = await box.evaluate((el) => el.scrollWidth > el.clientWidth + 20);
        assert.ok(wide, "the agent table is wider than a phone");
        await table.locator(".scroll-hint").waitFor();
        await reveal(table);
        await page.waitForTimeout(300);
        await page.screenshot({ path: await screenshotPath("tables_aht_phone.png") });
        await box.evaluate((el) => el.scrollLeft = 160);
        await page.waitForTimeout(100);
        const [frame, cell] = await Promise.all([
          box.boundingBox(),
          table.locator("tbody tr td").first().boundingBox(),
        ]);
        assert.ok(frame && cell && Math.abs(cell.x - frame.x) < 2, "the first column stays put");
        await page.screenshot({ path: await screenshotPath("tables_aht_phone_scrolled.png") });
        const listing = page.locator(".turn-done .result-table").nth(1);
        await reveal(listing);
        await page.screenshot({ path: await screenshotPath("tables_listing_phone.png") });
        await reveal(page.locator(".turn-done .result-chart").last(), "end");
        await page.waitForTimeout(300);
        await page.screenshot({ path: await screenshotPath("tables_so_far_phone.png") });
        await reveal(page.locator(".turn-done .result-figures").last(), "end");
        await page.screenshot({ path: await screenshotPath("tables_figures_phone.png") });
        await page.setViewportSize({ width: 1440, height: 900 });
      });

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
