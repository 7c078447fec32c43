/**
 * KPI alerts and the notification bell in the real app (headless Chromium, demo data on a
 * frozen clock): the Alerts page is reached from the chat's top bar; a threshold that is
 * not a number shows the API's message by the form and keeps what was typed; a rule the
 * demo data already breaches ("Calls above 1, today") is created, "Check now" fires it,
 * and the bell's badge goes up LIVE (no reload: the page's marker survives) over the one
 * notification stream; the bell lists the notification with its time in the business zone
 * and a link to the rule's firings, marks it read on open (badge gone), and Escape closes
 * it; the firing log shows value against threshold; the phone layout has no horizontal
 * scroll and the list opens as a sheet; the rule is disabled and deleted after a confirm.
 * Screenshots: test_output/screenshots/alerts_*.png (docs/alerts.png from the desktop one).
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser, ROOT, screenshotPath } from "./browser.ts";
import { type RealApp, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "alerts page and bell (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "alerts page and bell: 400 inline, create, check now fires, live badge, read, phone, delete";

const PASSWORD = "alerts-demo-2026";

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
    const streams: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/notifications/stream")) streams.push(r.url());
    });
    try {
      await page.goto(`${app.url}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/`);
      await page.locator(".empty-state").waitFor();

      const bell = page.locator(".bell-button");
      await t.step("the chat's top bar has the bell and the Alerts link", async () => {
        await bell.waitFor();
        assert.equal(await bell.getAttribute("aria-label"), "Notifications");
        assert.equal(await bell.getAttribute("aria-expanded"), "false");
        await page.getByRole("link", { name: "Alerts", exact: true }).click();
        await page.waitForURL(`${app.url}/alerts`);
        await page.locator(".sched-empty").waitFor();
        assert.match(await page.locator(".sched-empty").innerText(), /Alert me when/);
      });

      const form = page.locator("form.alert-form");
      await t.step(
        "a threshold that is not a number: the message inline, nothing lost",
        async () => {
          await form.getByLabel("Metric").selectOption({ label: "Calls" });
          await form.getByLabel(/^Threshold/).fill("lots");
          await form.getByLabel("Email recipients").fill("sup@example.com");
          await form.getByLabel(/^Name/).fill("Busy day");
          await form.getByRole("button", { name: "Create alert" }).click();
          const alert = form.getByRole("alert");
          await alert.waitFor();
          assert.match(await alert.innerText(), /threshold must be a number/i);
          assert.equal(await form.getByLabel(/^Threshold/).inputValue(), "lots");
          assert.equal(await form.getByLabel("Email recipients").inputValue(), "sup@example.com");
          assert.equal(await form.getByLabel(/^Name/).inputValue(), "Busy day");
          assert.equal(await form.getByLabel("Metric").inputValue(), "call_count");
          assert.equal(await page.locator(".alert-card").count(), 0);
        },
      );

      const card = page.locator(".alert-card").first();
      await t.step("created: the rule in words, OK, its channels", async () => {
        assert.match(await form.getByLabel(/^Threshold/).evaluate((e) => e.id), /threshold/);
        assert.match(await form.locator("label[for=alert-threshold]").innerText(), /calls/);
        await form.getByLabel(/^Threshold/).fill("1");
        await form.getByLabel("Email recipients").fill("");
        await form.getByRole("button", { name: "Create alert" }).click();
        await card.waitFor();
        assert.equal(await form.getByRole("alert").count(), 0);
        const text = await card.innerText();
        assert.match(text, /Busy day/);
        assert.match(text, /Calls above 1 \(today\)/);
        assert.match(text, /OK/);
        assert.match(text, /In app/);
        assert.equal(await form.getByLabel(/^Name/).inputValue(), "", "the form starts over");
      });

      await t.step("check now fires it; the badge goes up live, no reload", async () => {
        await page.evaluate(() => ((globalThis as Record<string, unknown>).__marker = "kept"));
        await card.getByRole("button", { name: "Check now" }).click();
        await card.locator(".alert-state.is-firing").waitFor();
        assert.match(await card.locator(".alert-check-result").innerText(), /against above 1/);
        const badge = page.locator(".bell-badge");
        await badge.waitFor({ timeout: 15_000 });
        assert.equal(await badge.innerText(), "1");
        assert.equal(await bell.getAttribute("aria-label"), "Notifications, 1 unread");
        assert.equal(
          await page.evaluate(() => (globalThis as Record<string, unknown>).__marker),
          "kept",
          "the page was not reloaded",
        );
        // The firing log opened with the value against the threshold.
        const firing = card.locator(".alert-firing").first();
        await firing.waitFor();
        assert.match(await firing.innerText(), /above 1/);
        // Checking again does not fire again (hysteresis).
        await card.getByRole("button", { name: "Check now" }).click();
        await card.locator(".alert-check-result", { hasText: "still firing" }).waitFor();
        assert.equal(await card.locator(".alert-firing").count(), 1);
      });

      await t.step("the bell lists it, marks it read on open; Escape closes", async () => {
        await bell.click();
        assert.equal(await bell.getAttribute("aria-expanded"), "true");
        const item = page.locator(".bell-list > li").first();
        await item.waitFor();
        const text = await item.innerText();
        assert.match(text, /Alert: Busy day/);
        assert.match(text, /IST/, "the time in the business zone");
        assert.equal(
          await item.getByRole("link").getAttribute("href"),
          `/alerts#alert-${await card.getAttribute("id").then((id) => id!.slice(6))}`,
        );
        await page.locator(".bell-badge").waitFor({ state: "detached" });
        assert.equal(await bell.getAttribute("aria-label"), "Notifications");
        await toTop(page);
        await page.screenshot({ path: await screenshotPath("alerts_desktop.png") });
        await Deno.mkdir(`${ROOT}/docs`, { recursive: true });
        await Deno.copyFile(await screenshotPath("alerts_desktop.png"), `${ROOT}/docs/alerts.png`);
        await page.keyboard.press("Escape");
        assert.equal(await bell.getAttribute("aria-expanded"), "false");
        assert.ok(await page.locator("#bell-panel").isHidden());
        const n = await page.evaluate(async () => (await fetch("/api/notifications")).json());
        assert.equal(n.unread, 0);
        assert.equal(n.notifications.length, 1);
      });

      await t.step("one notification stream per page", () => {
        assert.equal(new Set(streams).size, 1);
        assert.ok(streams.length >= 2, "the chat page and the alerts page each opened one");
      });

      await t.step("phone width: no horizontal scroll; the list is a sheet", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.reload();
        await card.waitFor();
        await noHorizontalScroll(page);
        await toTop(page);
        await page.screenshot({ path: await screenshotPath("alerts_phone.png") });
        await bell.click();
        await page.locator(".bell-list > li").first().waitFor();
        const box = await page.locator("#bell-panel").boundingBox();
        assert.ok(
          box && box.x === 0 && Math.round(box.width) === 390,
          `a sheet: ${JSON.stringify(box)}`,
        );
        await page.screenshot({ path: await screenshotPath("alerts_phone_bell.png") });
        await page.getByRole("button", { name: "Close the notifications" }).last().click();
        await noHorizontalScroll(page);
        await page.setViewportSize({ width: 1440, height: 900 });
      });

      await t.step("disabled, then deleted after a confirm", async () => {
        await card.getByRole("button", { name: "Disable" }).click();
        await card.locator(".alert-state.is-off").waitFor();
        await card.getByRole("button", { name: "Enable" }).waitFor();
        const rule = await page.evaluate(async () => (await fetch("/api/alerts")).json());
        assert.equal(rule.alerts[0].enabled, false);
        await card.getByRole("button", { name: "Delete…" }).click();
        const confirm = card.getByRole("group", { name: "Confirm delete" });
        await confirm.getByRole("button", { name: "Keep" }).click();
        assert.equal(await page.locator(".alert-card").count(), 1);
        await card.getByRole("button", { name: "Delete…" }).click();
        await card.getByRole("group", { name: "Confirm delete" })
          .getByRole("button", { name: "Delete" }).click();
        await page.locator(".sched-empty").waitFor();
        const list = await page.evaluate(async () => (await fetch("/api/alerts")).json());
        assert.deepEqual(list.alerts, []);
      });

      assert.deepEqual(pageErrors, [], "no errors in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
