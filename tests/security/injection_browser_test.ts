/**
 * Injection through the data, in headless Chromium: the real app over a dataset whose
 * customer names, queues and dispositions are markdown links and images, HTML with a
 * script handler, spreadsheet formulas, newlines, SSE framing and bold markers
 * (`injection_data.ts`). Questions whose answers, tables and readings show them; after each
 * answer, and after a reload: no request leaves for another host, no link points outside,
 * no image, no handler ran, and the text is shown as written. The event stream of such an
 * answer stays well-formed.
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser } from "../e2e/browser.ts";
import { startRealApp } from "../e2e/real_app.ts";
import { HttpClient } from "./helpers.ts";
import {
  HOSTILE,
  HOSTILE_CUSTOMERS,
  HOSTILE_DISPOSITIONS,
  HOSTILE_QUEUES,
  INJECTION_NOW,
  INJECTION_TZ,
  injectionDataset,
  writeInjectionDataset,
} from "./injection_data.ts";

const skip = !hasChromium();
const NAME =
  "security: injection: links, images, HTML, formulas, newlines and SSE-looking text from the data are inert and shown as written in Chromium" +
  (skip ? " (SKIPPED: /usr/bin/chromium is missing)" : "");

/** Whitespace runs as one space, trimmed: how a browser lays text out. */
const flat = (s: string) => s.replace(/\s+/g, " ").trim();

/** What the page holds that it must not: run in the page after each answer. */
function pageProblems(): string[] {
  const out: string[] = [];
  const w = window as unknown as { __xss?: unknown; __cspViolations?: string[] };
  if (w.__xss !== undefined) out.push(`a handler from the data ran (__xss = ${w.__xss})`);
  for (const v of w.__cspViolations ?? []) out.push(`CSP violation: ${v}`);
  for (const a of document.querySelectorAll("a[href]")) {
    const url = new URL((a as HTMLAnchorElement).href, location.href);
    if (url.origin !== location.origin) out.push(`a link to ${url.href}: ${a.textContent}`);
  }
  for (const img of document.querySelectorAll("img, image, picture, source, iframe, object")) {
    out.push(`an element <${img.tagName.toLowerCase()}> ${img.outerHTML.slice(0, 120)}`);
  }
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) out.push(`a handler ${attr.name} on <${el.tagName}>`);
    }
  }
  for (const s of document.querySelectorAll("script")) {
    const src = s.getAttribute("src");
    const inert = s.type === "application/json";
    if (!inert && (!src || new URL(src, location.href).origin !== location.origin)) {
      out.push(`a script ${s.outerHTML.slice(0, 120)}`);
    }
  }
  return out;
}

/** Asks a question through the composer and waits for its turn to end. */
async function ask(page: Page, question: string): Promise<void> {
  const before = await page.locator(".turn").count();
  const input = page.getByLabel("Your question");
  await input.fill(question);
  await input.press("Enter");
  await page.waitForFunction(
    (n) => {
      const turns = document.querySelectorAll(".turn");
      const last = turns[n - 1]?.classList;
      return turns.length === n &&
        (last.contains("turn-done") || last.contains("turn-error") ||
          last.contains("turn-cancelled"));
    },
    before + 1,
    { timeout: 30_000 },
  );
}

/** The flattened text of the last turn (question, reading, answer, tables). */
async function lastTurnText(page: Page): Promise<string> {
  return flat(await page.locator(".turn").last().evaluate((el) => el.textContent ?? ""));
}

/** Reads an event stream strictly: every line a known field, one JSON `data` per message. */
function strictSse(text: string): { id: number; event: string; data: Record<string, unknown> }[] {
  const out: { id: number; event: string; data: Record<string, unknown> }[] = [];
  for (const block of text.split("\n\n")) {
    if (!block.trim()) continue;
    const fields: Record<string, string[]> = {};
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const m = /^(id|event|data|retry): ?(.*)$/.exec(line);
      assert.ok(m, `a line that is no SSE field: ${JSON.stringify(line)}`);
      (fields[m[1]] ??= []).push(m[2]);
    }
    if (fields.retry && !fields.data) continue;
    assert.equal(fields.data?.length, 1, `one data line per message: ${JSON.stringify(block)}`);
    assert.equal(fields.event?.length, 1);
    assert.equal(fields.id?.length, 1);
    const data = JSON.parse(fields.data[0]);
    assert.equal(data.type, fields.event[0], "the event name is the data's type");
    out.push({ id: Number(fields.id[0]), event: fields.event[0], data });
  }
  return out;
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dir = await Deno.makeTempDir({ prefix: "injection_data_" });
    await writeInjectionDataset(dir);
    const phone = injectionDataset().address_book.find((c) => c.name === HOSTILE.link)!
      .phone as string;
    const buildManifest = await buildBundle();
    const app = await startRealApp({
      buildManifest,
      env: { DATA_DIR: dir, NOW: INJECTION_NOW, BUSINESS_TZ: INJECTION_TZ },
    });
    const browser = await launchBrowser();
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const outside: string[] = [];
    await browser.context.route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === "127.0.0.1") return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    browser.context.on("request", (r) => {
      if (new URL(r.url()).hostname !== "127.0.0.1") outside.push(r.url());
    });
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener("securitypolicyviolation", (e) => {
        w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    const check = async (what: string) => {
      const problems = await page.evaluate(pageProblems);
      assert.deepEqual(problems, [], what);
      assert.deepEqual(outside, [], `${what}: no request leaves for another host`);
      assert.deepEqual(pageErrors, [], `${what}: no script error or CSP report`);
    };
    const shows = (text: string, expected: string[], what: string) => {
      for (const s of expected) {
        assert.ok(text.includes(flat(s)), `${what} shows ${JSON.stringify(s)} as written`);
      }
    };
    try {
      await t.step("sign in", async () => {
        await page.goto(`${app.url}/login`);
        await page.getByLabel("Username").fill("demo");
        await page.getByLabel("Password").fill("demo-supervisor");
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(`${app.url}/`);
        await check("the empty chat");
      });

      await t.step("customer names in a ranking: answer and table", async () => {
        await ask(page, "Top 10 customers by number of calls");
        await check("top customers");
        const text = await lastTurnText(page);
        shows(text, HOSTILE_CUSTOMERS, "the ranking");
        const cells = await page.locator(".turn").last().locator("td").allTextContents();
        for (const name of HOSTILE_CUSTOMERS) {
          assert.ok(
            cells.map(flat).includes(flat(name)),
            `a table cell is ${JSON.stringify(name)}`,
          );
        }
        assert.equal(
          await page.locator(".turn").last().locator(".answer strong", { hasText: /^bold$/ })
            .count(),
          0,
          "**bold** from the data is not bold",
        );
      });

      await t.step("queues in a breakdown", async () => {
        await ask(page, "Calls by queue this month");
        await check("calls by queue");
        shows(await lastTurnText(page), HOSTILE_QUEUES, "the breakdown by queue");
        const answer = await page.locator(".turn").last().locator(".answer").innerText();
        assert.ok(!answer.includes("*"), `no stray asterisks (no queue has one): ${answer}`);
      });

      await t.step("dispositions in a breakdown", async () => {
        await ask(page, "Calls by disposition this month");
        await check("calls by disposition");
        shows(await lastTurnText(page), HOSTILE_DISPOSITIONS, "the breakdown by disposition");
      });

      await t.step("a queue as a filter: reading, answer", async () => {
        const queue = HOSTILE_QUEUES[1];
        await ask(page, `How many calls in the ${queue} queue this month?`);
        await check("a hostile queue as a filter");
        const text = await lastTurnText(page);
        assert.ok(text.split(flat(queue)).length >= 4, "question, reading and answer show it");
      });

      await t.step("the calls of a customer: a listing with hostile cells", async () => {
        await ask(page, `Calls from ${phone}`);
        await check("a customer's calls");
        const cells = (await page.locator(".turn").last().locator("td").allTextContents())
          .map(flat);
        assert.ok(cells.some((c) => HOSTILE_QUEUES.map(flat).includes(c)), "a hostile queue");
        assert.ok(
          cells.some((c) => HOSTILE_DISPOSITIONS.map(flat).includes(c)),
          "a hostile disposition",
        );
      });

      await t.step("a hostile question asked back about", async () => {
        await ask(page, `Calls of customer ${HOSTILE.link}`);
        await check("a question asked back");
        shows(await lastTurnText(page), [HOSTILE.link], "the question");
      });

      await t.step("reload: the history shows the same, as inert", async () => {
        const turns = await page.locator(".turn").count();
        await page.reload();
        await page.waitForFunction(
          (n) => document.querySelectorAll(".turn").length === n,
          turns,
        );
        await check("the history");
        const text = flat(
          await page.locator("main").first().evaluate((el) => el.textContent ?? ""),
        );
        shows(text, [...HOSTILE_CUSTOMERS, ...HOSTILE_QUEUES], "the history");
      });

      await t.step("the event stream of such answers stays well-formed", async () => {
        const c = await new HttpClient(app.url).login();
        const conv = await c.conversation();
        for (
          const question of ["Top 10 customers by number of calls", "Calls by queue this month"]
        ) {
          const posted = await c.json("POST", `/api/conversations/${conv}/turns`, {
            message: question,
          });
          const res = await c.request("GET", `/api/turns/${posted.body.turn_id}/events`);
          const events = strictSse(await res.text());
          assert.deepEqual(events.map((e) => e.id), events.map((_, i) => i + 1));
          assert.equal(events[0].event, "turn_started");
          assert.equal(events.at(-1)?.event, "final", "the turn ends with final");
          assert.equal(events.filter((e) => e.event === "final" || e.event === "error").length, 1);
          const shown = JSON.stringify(events.map((e) => e.data));
          for (const s of question.startsWith("Top") ? HOSTILE_CUSTOMERS : HOSTILE_QUEUES) {
            assert.ok(shown.includes(JSON.stringify(s).slice(1, -1)), `the data carries ${s}`);
          }
        }
      });
    } finally {
      await browser.close();
      await app.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
