/**
 * Browser tests of the pages and islands against a scripted API (`fake_app.ts`): what the
 * real app rarely produces on demand — hostile HTML in an answer, a model error, a turn
 * that runs until stopped, questions asked back or declined — and the keyboard,
 * rename/delete and phone-drawer behaviour. Saves screenshots of how questions were read
 * (`reading_*.png`) to test_output/screenshots/. The full-stack journey is `app_test.ts`.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
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
import { type FakeApp, startFakeApp } from "./fake_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "UI against a scripted API (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "UI against a scripted API";

/** Asserts that the reading chips of `turn` are visible and sit above its answer text. */
async function assertChipsAboveAnswer(page: Page, turn: string): Promise<string> {
  const list = page.locator(`${turn} ul[aria-label="How the question was read"]`);
  await list.waitFor();
  const answer = page.locator(`${turn} .answer .md`);
  const [a, b] = [await list.boundingBox(), await answer.boundingBox()];
  assert.ok(a && b && a.y + a.height <= b.y, `chips above the answer: ${JSON.stringify([a, b])}`);
  return await list.innerText();
}

/** Scrolls the thread so that `el` starts at its top, or ends at its bottom. */
async function scrollThreadTo(el: Locator, edge: "start" | "end"): Promise<void> {
  await el.evaluate((node, edge) => {
    const scroller = node.closest(".scroller")!;
    const box = node.getBoundingClientRect();
    const view = scroller.getBoundingClientRect();
    scroller.scrollTop += edge === "start" ? box.top - view.top - 12 : box.bottom - view.bottom;
  }, edge);
  await el.page().waitForTimeout(100);
}

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("Username").fill("demo");
  await page.getByLabel("Password").fill("demo123");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/`);
  await page.waitForSelector(".empty-state");
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    const app: FakeApp = await startFakeApp({ buildManifest, stepMs: 40 });
    const browser: TestBrowser = await launchBrowser();
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    await page.addInitScript(recordTimeline);
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      // 401 and 429 answers are expected (failed sign-ins); CSP violations are not.
      if (m.type() === "error" && !/status of (401|429)/.test(m.text())) pageErrors.push(m.text());
    });
    try {
      await t.step("login shows the API's message, and a countdown when rate-limited", async () => {
        await page.goto(`${app.url}/login`);
        await page.getByLabel("Username").fill("demo");
        await page.getByLabel("Password").fill("nope");
        await page.keyboard.press("Enter");
        const error = page.locator(".form-error");
        await error.waitFor();
        assert.match(await error.innerText(), /Wrong username or password/);
        assert.equal(await page.getByLabel("Password").inputValue(), "", "password cleared");
        await page.getByLabel("Username").fill("ratelimited");
        await page.getByLabel("Password").fill("x");
        await page.keyboard.press("Enter");
        await page.waitForFunction(() =>
          /Try again in \d+ s/.test(document.querySelector(".form-error")?.textContent ?? "")
        );
        assert.equal(await page.getByRole("button", { name: "Sign in" }).isDisabled(), true);
      });

      await t.step("answer HTML is sanitised in the browser", async () => {
        await signIn(page, app.url);
        await page.getByLabel("Your question").fill("Show me some html please");
        await page.keyboard.press("Enter");
        await page.waitForSelector(".turn-done .md strong");
        const html = await page.locator(".turn-done .md").innerHTML();
        assert.doesNotMatch(html, /<img|<script|href="javascript:/i);
        assert.match(html, /&lt;script&gt;/, "the markup is shown as text");
        assert.equal(await page.locator(".turn-done .md img, .turn-done .md script").count(), 0);
        assert.equal(await page.evaluate(() => (window as { __xss?: number }).__xss), undefined);
        assert.equal(
          await page.locator(".turn-done .md a").count(),
          0,
          "the javascript: link is dropped",
        );
      });

      await t.step("an error event shows inline with a retry that asks again", async () => {
        const input = page.getByLabel("Your question");
        await input.fill("this will fail");
        await input.press("Enter");
        const notice = page.locator(".turn-error .notice-error");
        await notice.waitFor();
        assert.match(await notice.innerText(), /The model did not answer in time/);
        const before = await page.locator(".turn").count();
        await notice.getByRole("button", { name: "Retry" }).click();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".turn").length === n + 1,
          before,
        );
        assert.equal(await page.locator(".turn").count(), before + 1, "the earlier turns stay");
        await page.locator(".turn").last().locator(".notice-error").waitFor();
      });

      await t.step("Esc stops a running turn; the conversation stays intact", async () => {
        const input = page.getByLabel("Your question");
        await input.fill("a slow question");
        await input.press("Enter");
        await page.locator(".turn-running .step-tool").waitFor();
        assert.equal(await page.getByRole("button", { name: "Stop the answer" }).isVisible(), true);
        await page.keyboard.press("Escape");
        await page.locator(".turn-cancelled .notice-muted").waitFor();
        assert.ok((await page.locator(".turn").count()) >= 4);
        assert.equal(await page.getByRole("button", { name: "Send" }).isVisible(), true);
      });

      await t.step("a full answer: steps collapse, table, chart, report link", async () => {
        await page.keyboard.press("Control+k");
        await page.waitForSelector(".empty-state");
        assert.equal(
          await page.evaluate(() => document.activeElement?.id),
          "question",
          "Ctrl+K focuses the question box",
        );
        await resetTimeline(page);
        await page.getByRole("button", { name: "Show me agent performance for last week" })
          .click();
        await page.locator(".turn-done").waitFor();
        const tl = await timeline(page);
        assert.ok(tl.step !== null && tl.done !== null && tl.step < tl.done, JSON.stringify(tl));
        assert.equal(await page.locator(".turn-done details.steps").getAttribute("open"), null);
        assert.match(await page.locator(".result-meta").first().innerText(), /Showing 10 of 25/);
        assert.equal(await page.locator(".result-chart canvas").count(), 1);
        const link = page.getByRole("link", { name: /Download Excel/ });
        assert.equal(await link.getAttribute("href"), "/api/reports/r_fake1");
        assert.notEqual(await link.getAttribute("download"), null);
        assert.match(page.url(), /\?c=/, "the address names the conversation");
        const chips = await assertChipsAboveAnswer(page, ".turn-done");
        for (
          const text of ["Handled calls", "last week 9–15 Nov", "direction: incoming", "by agent"]
        ) {
          assert.ok(chips.includes(text), `${text} in ${chips}`);
        }
        assert.match(
          await page.locator(".turn-done .reading-metric").innerText(),
          /^Handled calls$/,
          "the metric chip comes first and stands out",
        );
        assert.match(
          await page.locator(".turn-done .reading-period").getAttribute("title") ?? "",
          /Sun, 8 Nov 2026, 18:30 – Sun, 15 Nov 2026, 18:30 \(UTC\)/,
          "the period chip's tooltip gives the exact instants",
        );
        assert.equal(await page.locator(".turn-done .outcome-badge").count(), 0, "no badge");
        await page.reload();
        await page.locator(".turn-done .result-table").waitFor();
        assert.match(
          await assertChipsAboveAnswer(page, ".turn-done"),
          /Handled calls/,
          "the reading is shown again after a reload",
        );
      });

      await t.step("rename inline and delete with confirmation", async () => {
        const item = page.locator(".conv-item.is-selected");
        await item.hover();
        await item.getByRole("button", { name: /^Rename/ }).click();
        const box = page.getByLabel("Conversation title");
        await box.fill("Weekly agent review");
        await box.press("Enter");
        await page.locator(".conv-title", { hasText: "Weekly agent review" }).waitFor();
        assert.equal(await page.locator(".topbar-title").innerText(), "Weekly agent review");
        // The list updates at once; the server has it when the PATCH arrives.
        const stored = () => [...app.conversations.values()].map((c) => c.title);
        for (let i = 0; i < 50 && !stored().includes("Weekly agent review"); i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(stored().includes("Weekly agent review"), "the new title is stored");
        const count = await page.locator(".conv-item").count();
        const renamed = page.locator(".conv-item", { hasText: "Weekly agent review" });
        await renamed.hover();
        await renamed.getByRole("button", { name: /^Delete/ }).click();
        await page.getByRole("button", { name: "Delete", exact: true }).click();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".conv-item").length === n - 1,
          count,
        );
        await page.waitForSelector(".empty-state");
      });

      await t.step(
        "questions asked back or declined carry a badge; chips fit a phone",
        async () => {
          const input = page.getByLabel("Your question");
          const ask = async (question: string, selector: string) => {
            const n = await page.locator(".turn").count();
            await input.fill(question);
            await input.press("Enter");
            await page.waitForFunction(
              (n) => document.querySelectorAll(".turn").length === n + 1,
              n,
            );
            await page.locator(`.turn:last-of-type${selector}`).waitFor();
          };
          await ask("Show me agent performance for last week", ".turn-done");
          await ask("How many calls did zorro take last week?", ".turn-done.is-clarified");
          const clarified = ".turn-done.is-clarified";
          assert.equal(
            await page.locator(`${clarified} .outcome-badge`).innerText(),
            "Needs a detail",
          );
          const partial = await assertChipsAboveAnswer(page, clarified);
          assert.match(partial, /Calls/);
          assert.match(partial, /could not place: zorro/);
          assert.match(await page.locator(`${clarified} .md`).innerText(), /Which agent/);
          await ask("Delete all calls from last week", ".turn-done.is-refused");
          const refused = ".turn-done.is-refused";
          assert.equal(
            await page.locator(`${refused} .outcome-badge`).innerText(),
            "Can't do that",
          );
          assert.equal(await page.locator(`${refused} .reading`).count(), 0, "no chips");
          assert.match(await page.locator(`${refused} .md`).innerText(), /only read/);
          const badge = await page.locator(`${refused} .outcome-badge`).boundingBox();
          const text = await page.locator(`${refused} .md`).boundingBox();
          assert.ok(badge && text && badge.y + badge.height <= text.y, "badge above the answer");

          const answered = page.locator(".turn.is-answered").last();
          for (const [w, h] of [[1440, 900], [390, 844]]) {
            await page.setViewportSize({ width: w, height: h });
            // On a phone, wait for the sidebar to finish sliding out of view.
            await page.waitForFunction(
              (phone) =>
                !phone ||
                getComputedStyle(document.querySelector("#sidebar")!).visibility === "hidden",
              w <= 768,
            );
            // Scroll the thread only: scrollIntoView would also shift the clipped page.
            await scrollThreadTo(answered, "start");
            await page.screenshot({ path: await screenshotPath(`reading_answer_${w}.png`) });
            await scrollThreadTo(page.locator(refused), "end");
            await page.screenshot({ path: await screenshotPath(`reading_outcomes_${w}.png`) });
            const overflow = await page.evaluate(() =>
              [...document.querySelectorAll(".reading-head")].some((el) =>
                el.scrollWidth > el.clientWidth + 1 ||
                el.getBoundingClientRect().right > document.documentElement.clientWidth
              )
            );
            assert.equal(overflow, false, `the chips wrap at ${w} px`);
          }
          await page.setViewportSize({ width: 1280, height: 900 });
        },
      );

      await t.step("on a phone the sidebar is a drawer", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.waitForFunction(() =>
          getComputedStyle(document.querySelector("#sidebar")!).visibility === "hidden"
        );
        await page.getByRole("button", { name: "Open the conversation list" }).click();
        await page.waitForFunction(() =>
          getComputedStyle(document.querySelector("#sidebar")!).visibility === "visible"
        );
        assert.equal(
          await page.evaluate(() => document.activeElement?.closest("#sidebar") !== null),
          true,
          "focus moves into the drawer",
        );
        assert.equal(
          await page.locator("main").getAttribute("inert"),
          "",
          "the page behind is inert",
        );
        await page.keyboard.press("Escape");
        await page.waitForFunction(() =>
          getComputedStyle(document.querySelector("#sidebar")!).visibility === "hidden"
        );
        await page.waitForFunction(() =>
          document.activeElement?.getAttribute("aria-label") === "Open the conversation list"
        );
        await page.setViewportSize({ width: 1280, height: 900 });
      });

      await t.step("sign out goes to the login page", async () => {
        await page.getByRole("button", { name: "Sign out" }).click();
        await page.waitForURL(`${app.url}/login`);
      });

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
