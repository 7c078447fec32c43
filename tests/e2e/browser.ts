/**
 * Shared pieces of the browser tests: the Chromium launch (offline-friendly flags, a fresh
 * profile), the islands bundle build, screenshots, and a guard for machines without
 * Chromium.
 */
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { buildIslands } from "../../lib/web/build.ts";
import type { BuildManifest } from "../../lib/web/types.ts";

/** Where Chromium is expected. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Project root (absolute path, no trailing slash). */
export const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(
  /\/$/,
  "",
);

/** Where screenshots go (git-ignored). */
export const SCREENSHOT_DIR = `${ROOT}/test_output/screenshots`;

/** True when Chromium is installed at {@linkcode CHROMIUM_PATH}. */
export function hasChromium(): boolean {
  try {
    return Deno.statSync(CHROMIUM_PATH).isFile;
  } catch {
    return false;
  }
}

/** A browser context on a fresh profile, and how to dispose of both. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh user-data dir and no background networking. */
export async function launchBrowser(
  viewport: { width: number; height: number } = { width: 1280, height: 900 },
): Promise<TestBrowser> {
  const profile = await Deno.makeTempDir({ prefix: "ui_e2e_profile_" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport,
    acceptDownloads: true,
    locale: "en-US",
    timezoneId: "UTC",
  });
  return {
    context,
    async close() {
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/** Builds the islands bundle into `static/build` (skipped while up to date). */
export async function buildBundle(): Promise<BuildManifest> {
  return (await buildIslands({ root: ROOT })).manifest;
}

/** Makes sure the screenshot folder exists and returns a path in it. */
export async function screenshotPath(name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  return `${SCREENSHOT_DIR}/${name}`;
}

/** When the first step, table and finished answer of the last turn appeared (ms). */
export interface Timeline {
  step: number | null;
  table: number | null;
  done: number | null;
}

/**
 * Runs in the page before its scripts (`page.addInitScript`): records when the last turn
 * first shows a step, a table and its finished state. A MutationObserver sees every
 * intermediate state, however fast the events arrive.
 */
export function recordTimeline(): void {
  const w = window as unknown as { __timeline: Timeline };
  w.__timeline = { step: null, table: null, done: null };
  new MutationObserver(() => {
    const t = w.__timeline;
    const now = performance.now();
    const last = document.querySelector(".turn:last-of-type");
    if (!last) return;
    if (t.step === null && last.querySelector(".step")) t.step = now;
    if (t.table === null && last.querySelector(".result-table, .result-figures")) t.table = now;
    if (t.done === null && last.classList.contains("turn-done")) t.done = now;
  }).observe(document, { subtree: true, childList: true, attributes: true });
}

/** Clears the recorded times (before asking a question). */
export async function resetTimeline(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { __timeline: Timeline }).__timeline = {
      step: null,
      table: null,
      done: null,
    };
  });
}

/** Reads the recorded times. */
export async function timeline(page: Page): Promise<Timeline> {
  return await page.evaluate(() => (window as unknown as { __timeline: Timeline }).__timeline);
}
