/**
 * The Schedules page in the real app (headless Chromium, no SMTP: deliveries go to the
 * in-app inbox; `MAIL_ALLOWED_DOMAINS=example.com`): reached from the chat's sidebar, a
 * recipient outside the allow-list shows the API's message by the form and keeps what was
 * typed, a weekly schedule is created and listed with its next run in the business zone,
 * paused and resumed, run now (the delivery log and the inbox show it, the inbox's Excel
 * link downloads an xlsx), the phone layout has no horizontal page scroll, and the
 * schedule is deleted after a confirm. Screenshots: test_output/screenshots/schedules_*.png.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser, ROOT, screenshotPath } from "./browser.ts";
import { type RealApp, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "schedules page (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "schedules page: create, pause, resume, run now, inbox, delete, 400 inline, phone";

const PASSWORD = "schedules-demo-2026";

/** A next run on a Monday at 09:00 in the business zone, the zone named. */
const NEXT_MONDAY = /Next run\s+Mon \d{1,2} [A-Z][a-z]{2} \d{4}, 09:00 IST \(Asia\/Kolkata\)/i;

/** Scrolls the page to the top (before a screenshot). */
async function toTop(page: Page): Promise<void> {
  await page.evaluate(() => scrollTo(0, 0));
  await page.waitForTimeout(100);
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `no horizontal page scroll: ${scroll} > ${client}`);
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    const app: RealApp = await startRealApp({
      buildManifest,
      env: { DEMO_USER: "demo", DEMO_PASSWORD: PASSWORD, MAIL_ALLOWED_DOMAINS: "example.com" },
    });
    const browser = await launchBrowser({ width: 1440, height: 900 });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error" && !/status of 400/.test(m.text())) pageErrors.push(m.text());
    });
    try {
      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/`);
      await page.locator(".empty-state").waitFor();

      await t.step("the chat's sidebar links the page; the empty state explains", async () => {
        await page.screenshot({ path: await screenshotPath("schedules_chat_link.png") });
        await page.getByRole("link", { name: "Scheduled reports" }).click();
        await page.waitForURL(`${app.url}/schedules`);
        const empty = page.locator(".sched-empty");
        await empty.waitFor();
        assert.match(await empty.innerText(), /Email me the agent performance report/);
        // Hydrated: the form reacts to a click.
        await page.getByRole("radio", { name: "Monthly" }).check();
        await page.getByLabel("On day").waitFor();
        await page.getByRole("radio", { name: "Weekly" }).check();
        await toTop(page);
        await page.screenshot({ path: await screenshotPath("schedules_empty.png") });
      });

      const form = page.locator("form.sched-form");
      await t.step(
        "a recipient outside the allow-list: the message inline, nothing lost",
        async () => {
          await form.getByLabel("Report", { exact: true }).selectOption({
            label: "Agent performance",
          });
          await form.getByLabel("Period", { exact: true }).selectOption("last week");
          await form.getByRole("checkbox", { name: "Thursday" }).check();
          await form.getByLabel("At", { exact: true }).fill("09:00");
          await form.getByLabel("Recipients", { exact: true }).fill(
            "sup@example.com, boss@elsewhere.test",
          );
          await form.getByLabel(/^Name/).fill("Monday agent review");
          await form.getByRole("button", { name: "Create schedule" }).click();
          const alert = form.getByRole("alert");
          await alert.waitFor();
          assert.match(await alert.innerText(), /elsewhere\.test/);
          assert.equal(
            await form.getByLabel("Recipients", { exact: true }).inputValue(),
            "sup@example.com, boss@elsewhere.test",
          );
          assert.equal(await form.getByLabel(/^Name/).inputValue(), "Monday agent review");
          assert.equal(await form.getByLabel("Period", { exact: true }).inputValue(), "last week");
          assert.ok(await form.getByRole("checkbox", { name: "Thursday" }).isChecked());
          assert.equal(await form.getByLabel("At", { exact: true }).inputValue(), "09:00");
          assert.equal(await page.locator(".sched-card").count(), 0);
          await toTop(page);
          await page.screenshot({ path: await screenshotPath("schedules_400.png") });
        },
      );

      const card = page.locator(".sched-card").first();
      await t.step("created: listed with the recurrence and the next run in the zone", async () => {
        await form.getByRole("checkbox", { name: "Thursday" }).uncheck();
        await form.getByLabel("Recipients", { exact: true }).fill("sup@example.com");
        await form.getByRole("button", { name: "Create schedule" }).click();
        await card.waitFor();
        assert.equal(await form.getByRole("alert").count(), 0);
        const text = await card.innerText();
        assert.match(text, /Monday agent review/);
        assert.match(text, /Agent performance · last week/);
        assert.match(text, /every Monday at 09:00 \(Asia\/Kolkata\)/);
        // The app's clock is the real one: the next Monday, 09:00 in the business zone.
        assert.match(text, NEXT_MONDAY);
        assert.match(text, /sup@example\.com/);
        assert.match(text, /Active/);
        assert.match(text, /Not run yet/);
        // The form starts over.
        assert.equal(await form.getByLabel("Recipients", { exact: true }).inputValue(), "");
      });

      await t.step("paused and resumed", async () => {
        await card.getByRole("button", { name: "Pause" }).click();
        await card.locator(".sched-state.is-paused").waitFor();
        assert.match(await card.innerText(), /None while paused/);
        await card.getByRole("button", { name: "Resume" }).click();
        await card.locator(".sched-state.is-active").waitFor();
        assert.match(await card.innerText(), NEXT_MONDAY);
      });

      await t.step(
        "run now: the delivery log and the inbox show it; the xlsx downloads",
        async () => {
          await card.getByRole("button", { name: "Run now" }).click();
          const run = card.locator(".sched-run").first();
          await run.waitFor();
          await card.locator(".sched-run .sched-badge", { hasText: "Delivered to the inbox" })
            .waitFor({ timeout: 30_000 });
          const log = await card.locator(".sched-log").innerText();
          assert.match(log, /run now/);
          assert.match(log, /Attempt 1 · Delivered to the inbox/);
          assert.equal(
            await card.getByRole("button", { name: "Delivery log" }).getAttribute("aria-expanded"),
            "true",
          );
          assert.match(await card.locator(".sched-last").innerText(), /Delivered to the inbox/);
          const item = page.locator(".inbox-item").first();
          await item.waitFor();
          assert.match(await item.innerText(), /Monday agent review/);
          const href = await item.getByRole("link", { name: /Excel/ }).getAttribute("href");
          assert.ok(href, "an Excel link");
          assert.equal(await item.getByRole("link", { name: /PDF/ }).count(), 0, "xlsx only");
          const got = await page.evaluate(async (url) => {
            const res = await fetch(url);
            const bytes = new Uint8Array(await res.arrayBuffer());
            return {
              status: res.status,
              type: res.headers.get("content-type"),
              zip: bytes[0] === 0x50 && bytes[1] === 0x4b,
              size: bytes.length,
            };
          }, href);
          assert.equal(got.status, 200);
          assert.match(got.type ?? "", /spreadsheetml/);
          assert.ok(got.zip && got.size > 1000, `an xlsx file: ${JSON.stringify(got)}`);
          await toTop(page);
          await page.screenshot({ path: await screenshotPath("schedules_desktop.png") });
          await Deno.mkdir(`${ROOT}/docs`, { recursive: true });
          await Deno.copyFile(
            await screenshotPath("schedules_desktop.png"),
            `${ROOT}/docs/schedules.png`,
          );
        },
      );

      await t.step("the page is keyboard usable: Tab reaches the actions", async () => {
        await card.getByRole("button", { name: "Pause" }).focus();
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => document.activeElement?.textContent);
        assert.equal(focused, "Run now");
      });

      await t.step("phone width: no horizontal page scroll", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await card.waitFor();
        await noHorizontalScroll(page);
        await toTop(page);
        await page.screenshot({ path: await screenshotPath("schedules_phone.png") });
        await page.screenshot({
          path: await screenshotPath("schedules_phone_full.png"),
          fullPage: true,
        });
        await card.getByRole("button", { name: "Delivery log" }).click();
        await card.locator(".sched-run").first().waitFor();
        await noHorizontalScroll(page);
        await page.setViewportSize({ width: 1440, height: 900 });
      });

      await t.step("deleted after a confirm", async () => {
        await card.getByRole("button", { name: "Delete" }).click();
        const confirm = card.getByRole("group", { name: "Confirm delete" });
        await confirm.waitFor();
        await confirm.getByRole("button", { name: "Keep" }).click();
        assert.equal(await page.locator(".sched-card").count(), 1);
        await card.getByRole("button", { name: "Delete" }).click();
        await card.getByRole("group", { name: "Confirm delete" })
          .getByRole("button", { name: "Delete" }).click();
        await page.locator(".sched-empty").waitFor();
        assert.equal(await page.locator(".sched-card").count(), 0);
        const list = await page.evaluate(async () => (await fetch("/api/schedules")).json());
        assert.deepEqual(list.schedules, []);
        // The delivered report stays in the inbox.
        assert.equal(await page.locator(".inbox-item").count(), 1);
      });

      assert.deepEqual(pageErrors, [], "no errors in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
