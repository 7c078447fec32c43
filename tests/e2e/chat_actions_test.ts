/**
 * Answers a supervisor reads at a glance, in the real app (offline planner, demo data) in
 * headless Chromium, on a desktop (1440×900) and a phone (390×844): the reading position
 * after an answer (its question and first line in view), answer text streaming in pieces,
 * copy, retry, edit-and-resend, thumbs with a comment stored per turn, automatic titles,
 * times in the business zone, a reload showing steps, chips, times, feedback and "Ask
 * again" on a stopped turn, and the phone layout with no horizontal page scroll. Saves
 * screenshots to test_output/screenshots/actions_*.png.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser, screenshotPath } from "./browser.ts";
import { lastUserMessage, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "chat actions (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "chat actions: reading position, streaming, copy, retry, edit, feedback, reload, phone";

const PASSWORD = "actions-test-password";
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };
/** The first time it is asked, the model thinks for a minute (so Stop has something to stop). */
const SLOW_QUESTION = "Compare every queue's answer rate this month";

/**
 * Runs in the page before its scripts: records each distinct length of the last turn's
 * answer text while that turn is still running (a MutationObserver sees every state).
 */
function recordAnswerGrowth(): void {
  const w = window as unknown as { __growth: number[] };
  w.__growth = [];
  new MutationObserver(() => {
    const last = document.querySelector(".turn:last-of-type");
    if (!last || !last.classList.contains("turn-running")) return;
    const md = last.querySelector(".answer .md");
    const n = md?.textContent?.length ?? 0;
    if (n > 0 && w.__growth.at(-1) !== n) w.__growth.push(n);
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
}

/** Where `el` is inside the thread's visible area: its top and bottom relative to it. */
async function inThread(el: Locator): Promise<{ top: number; bottom: number; view: number }> {
  return await el.evaluate((node) => {
    const scroller = node.closest(".scroller")!;
    const box = node.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    return { top: box.top - view.top, bottom: box.bottom - view.top, view: view.height };
  });
}

/** Asserts the question and the first line of the answer of `turn` are in view. */
async function assertReadingPosition(turn: Locator, label: string): Promise<void> {
  const q = await inThread(turn.locator(".bubble"));
  const a = await inThread(turn.locator(".answer .md > :first-child"));
  assert.ok(q.top >= 0 && q.bottom <= q.view, `${label}: question in view ${JSON.stringify(q)}`);
  assert.ok(q.top < 80, `${label}: question near the top ${JSON.stringify(q)}`);
  assert.ok(
    a.top >= 0 && a.top + 20 <= a.view,
    `${label}: first line of the answer in view ${JSON.stringify(a)}`,
  );
}

async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.locator(".turn").count();
  const input = page.getByLabel("Your question");
  await input.fill(question);
  await input.press("Enter");
  await page.waitForFunction((n) => document.querySelectorAll(".turn").length === n, before + 1);
  return page.locator(".turn").nth(before);
}

async function finished(turn: Locator): Promise<void> {
  await turn.locator(".msg-foot").waitFor({ timeout: 30_000 });
}

/**
 * No horizontal scroll on the page or in the thread (tables scroll inside themselves), and
 * the app is not shifted as a whole.
 */
async function assertNoHorizontalScroll(page: Page, label: string): Promise<void> {
  const sizes = await page.evaluate(() => {
    const s = document.querySelector(".scroller")!;
    return {
      page: document.documentElement.scrollWidth,
      window: globalThis.innerWidth,
      thread: s.scrollWidth,
      threadView: s.clientWidth,
      shifted: document.querySelector(".app")!.scrollTop + document.documentElement.scrollTop,
    };
  });
  assert.equal(sizes.shifted, 0, `${label}: the app is scrolled as a whole`);
  assert.ok(sizes.page <= sizes.window, `${label}: page scrolls sideways ${JSON.stringify(sizes)}`);
  assert.ok(
    sizes.thread <= sizes.threadView,
    `${label}: thread scrolls sideways ${JSON.stringify(sizes)}`,
  );
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    let slowAsked = 0;
    const app = await startRealApp({
      buildManifest,
      env: { DEMO_USER: "demo", DEMO_PASSWORD: PASSWORD },
      latencyMs: (r) =>
        lastUserMessage(r) === SLOW_QUESTION && r.tools.some((x) => x.name === "ask_data_agent")
          ? (slowAsked++ === 0 ? 60_000 : 0)
          : 0,
    });
    const browser = await launchBrowser(DESKTOP);
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: app.url,
    });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.addInitScript(recordAnswerGrowth);
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    const api = async (path: string) => {
      const res = await page.request.get(`${app.url}${path}`);
      assert.equal(res.status(), 200, path);
      return await res.json();
    };
    let conversationUrl = "";
    let conversationId = "";
    try {
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator(".empty-state").waitFor();

      await t.step("the first question names the conversation; its answer streams", async () => {
        const turn = await ask(page, "Please show me calls per day for last week");
        await finished(turn);
        assert.equal(
          await page.locator(".topbar-title").innerText(),
          "Calls per day for last week",
        );
        const growth = await page.evaluate(() =>
          (window as unknown as { __growth: number[] }).__growth
        );
        const final = (await turn.locator(".answer .md").textContent())!.length;
        assert.ok(
          growth.length >= 3 && growth.every((n, i) => i === 0 || n > growth[i - 1]),
          `the answer text grew in several steps: ${JSON.stringify(growth)} of ${final}`,
        );
        assert.ok(growth[0] < final, "the first piece was shown before the whole answer");
        conversationUrl = page.url();
        conversationId = new URL(conversationUrl).searchParams.get("c")!;
      });

      await t.step("reading position: a new answer shows its question and first line", async () => {
        const turn = await ask(page, "Show agent performance this month");
        await finished(turn);
        await turn.locator(".result-chart canvas, .result-table").first().waitFor();
        await page.waitForTimeout(300);
        await assertReadingPosition(turn, "desktop");
        const scrolled = await page.locator(".scroller").evaluate((s) => ({
          top: s.scrollTop,
          max: s.scrollHeight - s.clientHeight,
        }));
        assert.ok(scrolled.top > 0, "the earlier answer was scrolled away");
        assert.ok(
          scrolled.top < scrolled.max - 50,
          `not scrolled to the bottom: ${JSON.stringify(scrolled)}`,
        );
        // Times are in the business zone, with the zone named.
        const time = turn.locator(".msg-user .msg-time");
        assert.match(await time.innerText(), /^\d{2}:\d{2} IST$/);
        assert.match(
          (await time.getAttribute("title")) ?? "",
          /India Standard Time \(Asia\/Kolkata\)/,
        );
        await page.mouse.move(1, 1);
        await page.screenshot({ path: await screenshotPath("actions_reading_desktop.png") });
      });

      await t.step("copy the answer: its markdown is on the clipboard", async () => {
        const turn = page.locator(".turn").last();
        await turn.getByRole("button", { name: "Copy the answer" }).click();
        await turn.locator(".action-note", { hasText: "Copied" }).waitFor();
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        const stored = await api(`/api/conversations/${conversationId}`);
        assert.equal(copied, stored.messages.at(-1).content);
        assert.ok(copied.length > 20);
      });

      await t.step("thumbs down with a comment is stored for the turn", async () => {
        const turn = page.locator(".turn").last();
        const turnId = await turn.getAttribute("data-turn-id");
        await turn.getByRole("button", { name: "Bad answer" }).click();
        const box = turn.getByLabel(/What was wrong or missing\?/);
        await box.waitFor();
        await box.fill("AHT for quinn looks too high");
        await turn.locator(".turn .feedback-form, .feedback-form").first().evaluate((el) =>
          el.scrollIntoView({ block: "nearest" })
        );
        await page.screenshot({ path: await screenshotPath("actions_feedback_desktop.png") });
        await turn.getByRole("button", { name: "Send comment" }).click();
        await turn.locator(".action-note", { hasText: "Thanks for your feedback" }).waitFor();
        assert.equal(
          await turn.getByRole("button", { name: "Bad answer" }).getAttribute("aria-pressed"),
          "true",
        );
        const stored = await api(`/api/conversations/${conversationId}`);
        const answer = stored.messages.find((m: { role: string; turn_id: string }) =>
          m.role === "assistant" && m.turn_id === turnId
        );
        assert.deepEqual(answer.feedback, {
          rating: "down",
          comment: "AHT for quinn looks too high",
        });
      });

      await t.step("retry asks the same question again as a new turn", async () => {
        const before = await page.locator(".turn").count();
        const question = await page.locator(".turn").last().locator(".question").innerText();
        await page.locator(".turn").last().getByRole("button", { name: "Retry" }).click();
        const turn = page.locator(".turn").nth(before);
        await finished(turn);
        assert.equal(await turn.locator(".question").innerText(), question);
        assert.equal(await page.locator(".turn-done").count(), before + 1, "the old answer stays");
        await assertReadingPosition(turn, "after retry");
      });

      await t.step("edit and resend the last question", async () => {
        const before = await page.locator(".turn").count();
        const last = page.locator(".turn").last();
        assert.equal(
          await page.locator(".turn").first().getByRole("button", { name: "Edit the question" })
            .count(),
          0,
          "only the last question can be edited",
        );
        const question = await last.locator(".question").innerText();
        await last.locator(".msg-user").hover();
        await last.getByRole("button", { name: "Edit the question" }).click();
        const box = page.getByLabel("Edited question");
        await box.waitFor();
        assert.equal(await box.inputValue(), question);
        await box.fill("Show agent performance last week");
        await page.screenshot({ path: await screenshotPath("actions_edit_desktop.png") });
        await box.press("Enter");
        const turn = page.locator(".turn").nth(before);
        await finished(turn);
        assert.equal(
          await turn.locator(".question").innerText(),
          "Show agent performance last week",
        );
        assert.equal(await page.locator(".turn").count(), before + 1, "the edited turn stays");
      });

      await t.step("stop a slow answer", async () => {
        const turn = await ask(page, SLOW_QUESTION);
        await page.locator(".turn-running").waitFor();
        await page.getByRole("button", { name: "Stop the answer" }).click();
        await turn.locator(".notice-muted").waitFor({ timeout: 15_000 });
      });

      await t.step("reload: steps, chips, times, feedback and Ask again are back", async () => {
        const live = await page.locator(".turn").evaluateAll((turns) =>
          turns.map((t) => ({
            steps: t.querySelector(".steps-summary-text")?.textContent ?? null,
            tools: t.querySelectorAll(".step-tool").length,
            chips: t.querySelector(".reading")?.textContent ?? null,
            tables: t.querySelectorAll(".result-table").length,
            charts: t.querySelectorAll(".result-chart").length,
            times: t.querySelectorAll(".msg-time").length,
            status: t.className.replace(/ has-room/, ""),
          }))
        );
        await page.goto(conversationUrl);
        await page.waitForFunction(
          (n) =>
            document.querySelectorAll(".turn").length === n &&
            !document.querySelector(".turn-running"),
          live.length,
        );
        await page.locator(".turn-cancelled").waitFor();
        const reloaded = await page.locator(".turn").evaluateAll((turns) =>
          turns.map((t) => ({
            steps: t.querySelector(".steps-summary-text")?.textContent ?? null,
            tools: t.querySelectorAll(".step-tool").length,
            chips: t.querySelector(".reading")?.textContent ?? null,
            tables: t.querySelectorAll(".result-table").length,
            charts: t.querySelectorAll(".result-chart").length,
            times: t.querySelectorAll(".msg-time").length,
            status: t.className,
          }))
        );
        assert.deepEqual(reloaded, live);
        assert.ok(live.filter((x) => x.tools > 0).length >= 4, JSON.stringify(live));
        assert.ok(live.filter((x) => x.chips).length >= 4, JSON.stringify(live));
        assert.equal(
          await page.locator("details.steps[open]").count(),
          0,
          "steps are collapsed in the history",
        );
        const feedback = page.locator(".turn").nth(1).getByRole("button", { name: "Bad answer" });
        assert.equal(await feedback.getAttribute("aria-pressed"), "true");
        const stopped = page.locator(".turn-cancelled");
        const again = stopped.getByRole("button", { name: "Ask again" });
        assert.equal(await again.isEnabled(), true);
        // The reopened conversation shows its last question.
        const q = await inThread(stopped.locator(".bubble"));
        assert.ok(q.top >= 0 && q.bottom <= q.view, `last question in view ${JSON.stringify(q)}`);
        await again.click();
        const turn = page.locator(".turn").last();
        await finished(turn);
        assert.equal(await turn.locator(".question").innerText(), SLOW_QUESTION);
        assert.ok(await turn.locator(".answer .md").count() > 0, "asked again and answered");
      });

      await t.step("phone: reading position, no horizontal page scroll", async () => {
        await page.setViewportSize(PHONE);
        await page.goto(conversationUrl);
        await page.locator(".turn-done").first().waitFor();
        await assertNoHorizontalScroll(page, "phone history");
        const turn = await ask(page, "Show calls per day for last week");
        await finished(turn);
        await turn.locator(".result-chart canvas").first().waitFor();
        await page.waitForTimeout(300);
        await assertReadingPosition(turn, "phone");
        await assertNoHorizontalScroll(page, "phone answer");
        await page.screenshot({ path: await screenshotPath("actions_reading_phone.png") });
        await turn.locator(".msg-foot").evaluate((el) => el.scrollIntoView({ block: "nearest" }));
        await turn.getByRole("button", { name: "Good answer" }).click();
        await turn.getByLabel(/What was useful\?/).waitFor();
        await assertNoHorizontalScroll(page, "phone feedback");
        await page.screenshot({ path: await screenshotPath("actions_feedback_phone.png") });
        await turn.getByRole("button", { name: "Close" }).click();
        await turn.locator(".msg-user").scrollIntoViewIfNeeded();
        await turn.getByRole("button", { name: "Edit the question" }).click();
        await page.getByLabel("Edited question").waitFor();
        await assertNoHorizontalScroll(page, "phone edit");
        await page.screenshot({ path: await screenshotPath("actions_edit_phone.png") });
        await page.getByRole("button", { name: "Cancel" }).click();
        await page.setViewportSize(DESKTOP);
      });

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
