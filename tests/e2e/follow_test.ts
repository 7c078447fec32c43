/**
 * A streaming answer is followed only while the reader is at the bottom, in headless
 * Chromium against the scripted fake app: a long answer streams in many text deltas. Once
 * asked, its question stays at the top while the answer grows below; scrolled to the
 * bottom, the thread follows the new text; scrolled up, the position stays put however
 * much text arrives, and "Latest" takes the reader back down and follows again. Desktop
 * (1440×900) and phone (390×844); screenshots go to test_output/screenshots/follow_*.png.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  buildBundle,
  hasChromium,
  launchBrowser,
  screenshotPath,
  type TestBrowser,
} from "./browser.ts";
import { type FakeApp, LONG_ANSWER_PARAGRAPHS, startFakeApp } from "./fake_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "follow the stream (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "follow the stream only from the bottom: scrolled up it stays, Latest follows again";

/** Milliseconds between the scripted events (one paragraph each). */
const STEP_MS = 90;
/** How close to the bottom counts as "at the bottom" (the chat's own slack is 80 px). */
const AT_BOTTOM = 80;

/** Where the thread is scrolled. */
interface Thread {
  top: number;
  height: number;
  view: number;
  fromBottom: number;
}

async function thread(page: Page): Promise<Thread> {
  return await page.evaluate(() => {
    const el = document.querySelector<HTMLElement>(".scroller")!;
    return {
      top: el.scrollTop,
      height: el.scrollHeight,
      view: el.clientHeight,
      fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight,
    };
  });
}

/** Waits until the thread's content is `more` px taller than `height`. */
async function waitForGrowth(page: Page, height: number, more: number): Promise<void> {
  await page.waitForFunction(
    ([h, more]) => document.querySelector(".scroller")!.scrollHeight > h + more,
    [height, more] as const,
    { timeout: 20_000 },
  );
}

/** The answer is still streaming (so what was seen happened during the stream). */
async function assertStreaming(page: Page, label: string): Promise<void> {
  assert.equal(await page.locator(".turn-running").count(), 1, `${label}: still streaming`);
  const paragraphs = await page.locator(".turn-running .answer .md p").count();
  assert.ok(paragraphs < LONG_ANSWER_PARAGRAPHS, `${label}: ${paragraphs} paragraphs so far`);
}

/** Wheel-scrolls the thread by `dy` with the mouse over it, and lets it settle. */
async function wheel(page: Page, dy: number): Promise<void> {
  const box = (await page.locator(".scroller").boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, dy);
  await page.waitForTimeout(250);
}

async function run(page: Page, label: string): Promise<void> {
  const input = page.getByLabel("Your question");
  await input.fill("Stream a long answer, please");
  await input.press("Enter");
  await page.locator(".turn-running .answer .md p").first().waitFor();

  // Just asked: the question sits at the top and stays there while the answer grows.
  const asked = await thread(page);
  const question = await page.locator(".turn-running .bubble").evaluate((el) => {
    const s = el.closest(".scroller")!.getBoundingClientRect();
    return el.getBoundingClientRect().top - s.top;
  });
  assert.ok(question >= 0 && question < 80, `${label}: question at the top (${question})`);
  await waitForGrowth(page, asked.height, asked.view);
  const grown = await thread(page);
  assert.ok(Math.abs(grown.top - asked.top) < 2, `${label}: not followed from the question`);
  assert.ok(grown.fromBottom > AT_BOTTOM, `${label}: the answer is past the bottom now`);

  // At the bottom: the thread follows each new paragraph. Text keeps arriving while the
  // wheel scrolls (slower on a busy machine), so scroll on until the bottom is reached, as a
  // person would.
  const atBottom = (slack: number) => {
    const el = document.querySelector<HTMLElement>(".scroller")!;
    return el.scrollHeight - el.scrollTop - el.clientHeight < slack;
  };
  for (let i = 0; i < 8 && !(await page.evaluate(atBottom, AT_BOTTOM)); i++) {
    await wheel(page, 100_000);
  }
  await page.waitForFunction(atBottom, AT_BOTTOM, { timeout: 5_000 })
    .catch(() => assert.fail(`${label}: scrolled to the bottom, the thread does not follow`));
  const bottom = await thread(page);
  for (let i = 0; i < 4; i++) {
    const before = await thread(page);
    await waitForGrowth(page, before.height, 120);
    const now = await thread(page);
    assert.ok(now.fromBottom < AT_BOTTOM, `${label}: follows (${JSON.stringify(now)})`);
  }
  const followed = await thread(page);
  assert.ok(followed.top > bottom.top + 300, `${label}: scrolled down with the text`);
  assert.equal(await page.getByRole("button", { name: "Latest" }).count(), 0);
  await assertStreaming(page, `${label}, following`);

  // Scrolled up a little: the position stays put however much text arrives.
  await wheel(page, -600);
  const up = await thread(page);
  assert.ok(up.fromBottom > AT_BOTTOM, `${label}: scrolled up (${JSON.stringify(up)})`);
  await waitForGrowth(page, up.height, 500);
  const stayed = await thread(page);
  assert.ok(
    Math.abs(stayed.top - up.top) < 2,
    `${label}: the position stays (${up.top} → ${stayed.top})`,
  );
  assert.ok(stayed.fromBottom > up.fromBottom + 400, `${label}: the text went on below`);
  const latest = page.getByRole("button", { name: "Latest" });
  await latest.waitFor();
  await assertStreaming(page, `${label}, scrolled up`);
  await page.screenshot({ path: await screenshotPath(`follow_scrolled_up_${label}.png`) });

  // "Latest" goes back down and follows again, to the end.
  await latest.click();
  assert.ok((await thread(page)).fromBottom < AT_BOTTOM, `${label}: back at the bottom`);
  const again = await thread(page);
  await waitForGrowth(page, again.height, 120);
  assert.ok((await thread(page)).fromBottom < AT_BOTTOM, `${label}: follows again`);
  await page.locator(".turn-done .msg-foot").last().waitFor({ timeout: 30_000 });
  const done = await thread(page);
  assert.ok(done.fromBottom < AT_BOTTOM, `${label}: at the end (${JSON.stringify(done)})`);
  assert.equal(
    await page.locator(".turn-done .answer .md p").count(),
    LONG_ANSWER_PARAGRAPHS,
    `${label}: every paragraph arrived`,
  );
  await page.mouse.move(1, 1);
  await page.screenshot({ path: await screenshotPath(`follow_end_${label}.png`) });
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const buildManifest = await buildBundle();
    const app: FakeApp = await startFakeApp({ buildManifest, stepMs: STEP_MS });
    const browser: TestBrowser = await launchBrowser({ width: 1440, height: 900 });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    try {
      await page.goto(`${app.url}/login`);
      await page.getByLabel("Username").fill("demo");
      await page.getByLabel("Password").fill("demo123");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${app.url}/`);
      await page.locator(".empty-state").waitFor();

      await t.step("desktop", async () => {
        await run(page, "desktop");
      });

      await t.step("phone", async () => {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${app.url}/`);
        await page.locator(".empty-state").waitFor();
        await run(page, "phone");
      });

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
