/**
 * Changing an answer with its chips, and Explore, in headless Chromium against the real
 * app (offline planner, generated demo data): ask a question, change its period chip →
 * a new answer with the new period and another figure, and no model call; add a filter
 * with two values, then change that filter chip; build a report with Explore without
 * typing; switch the metric chip to another catalog report (told what it leaves out
 * first); change, remove and add a duration range; add a customer by name, ask for an
 * unknown one (asked back) and remove it; change a time-of-day window (past midnight, until
 * midnight), remove it and add it. Desktop (1440×900) and phone (390×844, bottom sheets). Screenshots go to test_output/screenshots/pickers_*.png.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import {
  buildBundle,
  hasChromium,
  launchBrowser,
  screenshotPath,
  type TestBrowser,
} from "./browser.ts";
import { type RealApp, startRealApp } from "./real_app.ts";

const skip = !hasChromium();
const NAME = skip
  ? "reading pickers (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "reading pickers: change a period and a filter, explore without typing";

interface FinalEvent {
  type: "final";
  answer: string;
  usage: { model_calls: number };
  outcome: "answered" | "clarified" | "refused";
  interpretation: {
    metric: string;
    period: { label: string } | null;
    filters: Record<string, unknown>;
    report?: { name: string; params: Record<string, unknown> };
  } | null;
}

/** The demo login of this test's app (set here, so the default password may change). */
const USER = "demo";
const PASSWORD = "pickers-demo-password";

async function signIn(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("Username").fill(USER);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/`);
  await page.waitForSelector(".empty-state");
}

/** The open conversation's id (from `?c=`). */
function conversationId(page: Page): string {
  const id = new URL(page.url()).searchParams.get("c");
  assert.ok(id, `a conversation is open: ${page.url()}`);
  return id;
}

/** The final event of the conversation's last turn, read from the API. */
async function lastFinal(page: Page, url: string): Promise<FinalEvent> {
  const conv = await page.request.get(`${url}/api/conversations/${conversationId(page)}`);
  const messages = (await conv.json()).messages as { role: string; turn_id?: string }[];
  const turnId = messages.findLast((m) => m.role === "assistant")?.turn_id;
  assert.ok(turnId, "the last answer has a turn id");
  const res = await page.request.get(`${url}/api/turns/${turnId}/events`);
  const finals = (await res.text()).split("\n")
    .filter((l) => l.startsWith("data: "))
    .map((l) => JSON.parse(l.slice(6)))
    .filter((e) => e.type === "final");
  assert.equal(finals.length, 1);
  return finals[0] as FinalEvent;
}

/** Waits until there are `n` finished turns, and returns the last one (the n-th, for good). */
async function waitForTurns(page: Page, n: number): Promise<Locator> {
  await page.waitForFunction(
    (n) =>
      document.querySelectorAll(".turn").length === n &&
      !document.querySelector(".turn-running, .turn-pending"),
    n,
    { timeout: 30_000 },
  );
  const last = page.locator(".turn").nth(n - 1);
  assert.match((await last.getAttribute("class")) ?? "", /turn-done/);
  return last;
}

/** The headline figure of an answer (its first bold text). */
async function headline(turn: Locator): Promise<string> {
  return (await turn.locator(".answer .md strong").first().innerText()).trim();
}

/** The chips of a turn's reading, as text. */
async function chipTexts(turn: Locator): Promise<string[]> {
  const items = turn.locator('ul[aria-label="How the question was read"] > li');
  return (await items.allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

/** Opens a chip's picker and returns the dialog. */
async function openChip(turn: Locator, chip: Locator, name: RegExp): Promise<Locator> {
  assert.equal(await chip.getAttribute("aria-haspopup"), "dialog");
  assert.equal(await chip.getAttribute("aria-expanded"), "false");
  await chip.click();
  const dialog = turn.page().getByRole("dialog", { name });
  await dialog.waitFor();
  assert.equal(await chip.getAttribute("aria-expanded"), "true");
  return dialog;
}

/** The filter chip of a turn whose text starts with `name:`. */
function filterChip(turn: Locator, name: string): Locator {
  return turn.locator("button.reading-filter", { hasText: `${name}:` });
}

/** The body of the next report a picker runs (`POST …/turns` with `{report}`), once sent. */
function nextReportRun(page: Page): Promise<{ name: string; params: Record<string, unknown> }> {
  return page.waitForRequest((r) =>
    r.method() === "POST" && /\/api\/conversations\/[^/]+\/turns$/.test(new URL(r.url()).pathname)
  ).then((r) => {
    const body = r.postDataJSON() as { report?: { name: string; params: Record<string, unknown> } };
    assert.ok(body.report, `a report is run, not a question: ${r.postData()}`);
    return body.report;
  });
}

/** The dialog is a bottom sheet across the phone's width. */
async function assertSheet(page: Page, dialog: Locator): Promise<void> {
  await assertInView(page, dialog);
  const box = (await dialog.boundingBox())!;
  const view = page.viewportSize()!;
  assert.ok(
    Math.abs(box.y + box.height - view.height) < 2 && box.width > view.width - 10,
    `a bottom sheet: ${JSON.stringify(box)}`,
  );
}

/** The dialog's box is inside the viewport. */
async function assertInView(page: Page, dialog: Locator): Promise<void> {
  const box = await dialog.boundingBox();
  const view = page.viewportSize()!;
  assert.ok(box, "the picker is shown");
  assert.ok(
    box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width + 0.5 &&
      box.y + box.height <= view.height + 0.5,
    `the picker fits the window: ${JSON.stringify(box)} in ${JSON.stringify(view)}`,
  );
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
      env: { DEMO_USER: USER, DEMO_PASSWORD: PASSWORD },
    });
    const browser: TestBrowser = await launchBrowser({ width: 1440, height: 900 });
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    page.on("console", (m) => {
      if (m.type() === "error") pageErrors.push(m.text());
    });
    let turns = 0;
    try {
      await signIn(page, app.url);

      await t.step("desktop: change the period chip of a typed question", async () => {
        const input = page.getByLabel("Your question");
        await input.fill("How many calls were made yesterday?");
        await input.press("Enter");
        const first = await waitForTurns(page, ++turns);
        const before = await headline(first);
        const typed = await lastFinal(page, app.url);
        assert.match(typed.interpretation?.period?.label ?? "", /yesterday/);

        const chip = first.locator("button.reading-period");
        const dialog = await openChip(first, chip, /period/i);
        await assertInView(page, dialog);
        const box = (await dialog.boundingBox())!;
        const anchor = (await chip.boundingBox())!;
        assert.ok(Math.abs(box.x - anchor.x) < 2, "anchored to its chip");
        await page.screenshot({ path: await screenshotPath("pickers_period_desktop.png") });
        const presets = dialog.getByRole("group", { name: "Periods" }).getByRole("button");
        assert.ok(await presets.count() >= 10);
        assert.equal(
          await dialog.getByRole("button", { name: "Yesterday" }).getAttribute("aria-pressed"),
          "true",
        );
        await dialog.getByRole("button", { name: "Last week" }).click();
        assert.equal(await dialog.count(), 0, "the picker closes");

        const changed = await waitForTurns(page, ++turns);
        const chips = await chipTexts(changed);
        assert.ok(chips.some((c) => /^last week/.test(c)), chips.join(" | "));
        const after = await headline(changed);
        assert.notEqual(after, before, "another period, another figure");
        assert.match(await changed.locator(".bubble").innerText(), /last week/i);
        const final = await lastFinal(page, app.url);
        assert.equal(final.usage.model_calls, 0, "no model call");
        assert.match(final.interpretation?.period?.label ?? "", /^last week/);
        assert.ok(final.answer.includes(after.replace(/\s/g, "")) || final.answer.includes(after));
        // The first answer is untouched.
        assert.equal(await headline(page.locator(".turn").first()), before);
      });

      await t.step("desktop: add a filter with two values, then change that chip", async () => {
        const last = page.locator(".turn").last();
        const add = last.getByRole("button", { name: /Add a filter/ });
        const menu = await openChip(last, add, /Add to this answer/);
        await menu.getByRole("button", { name: "Queue" }).click();
        const options = menu.getByRole("group", { name: "Queues" }).getByRole("checkbox");
        await options.first().waitFor();
        assert.ok(await options.count() >= 2, "queues come from the data");
        const labels = menu.getByRole("group", { name: "Queues" }).locator("label");
        const two = [await labels.nth(0).innerText(), await labels.nth(1).innerText()]
          .map((s) => s.trim());
        await options.nth(0).check();
        await options.nth(1).check();
        await page.screenshot({ path: await screenshotPath("pickers_filter_desktop.png") });
        await menu.getByRole("button", { name: "Apply 2 queues" }).click();

        const filtered = await waitForTurns(page, ++turns);
        const chips = await chipTexts(filtered);
        const queueChip = `queue: ${two.join(" or ")}`;
        assert.ok(chips.includes(queueChip), `${queueChip} in ${chips.join(" | ")}`);
        assert.ok(chips.some((c) => /^last week/.test(c)), "the period is kept");
        const final = await lastFinal(page, app.url);
        assert.equal(final.usage.model_calls, 0);
        assert.deepEqual(final.interpretation?.filters.queue, two);

        // Change the filter chip: keep only the second queue.
        const chip = filtered.locator("button.reading-filter", { hasText: "queue:" });
        const dialog = await openChip(filtered, chip, /Choose queues/);
        const search = dialog.getByRole("searchbox");
        if (await search.count()) await search.fill(two[0]);
        await dialog.getByRole("checkbox", { name: two[0] }).uncheck();
        if (await search.count()) await search.fill("");
        await dialog.getByRole("button", { name: "Apply" }).click();
        const narrowed = await waitForTurns(page, ++turns);
        const after = await chipTexts(narrowed);
        assert.ok(after.includes(`queue: ${two[1]}`), after.join(" | "));
        const one = await lastFinal(page, app.url);
        assert.equal(one.usage.model_calls, 0);
        assert.equal(one.interpretation?.filters.queue, two[1]);
        await narrowed.evaluate((el) => el.scrollIntoView({ block: "start" }));
        await page.mouse.move(1, 1);
        await page.screenshot({ path: await screenshotPath("pickers_answer_desktop.png") });
      });

      await t.step("desktop: Explore runs a report without typing", async () => {
        const explore = page.getByRole("button", { name: "Explore" });
        assert.equal(await explore.getAttribute("aria-haspopup"), "dialog");
        await explore.click();
        const panel = page.getByRole("dialog", { name: "Explore a report" });
        await panel.waitFor();
        await assertInView(page, panel);
        await panel.getByLabel("Report").selectOption("call_breakdown");
        await panel.getByLabel("Group by").selectOption("queue");
        await panel.getByRole("button", { name: "Last 30 days" }).click();
        await panel.getByLabel("Add a filter").selectOption("direction");
        await panel.getByRole("button", { name: "incoming" }).click();
        assert.ok(
          (await panel.locator(".explore-filter").allInnerTexts()).some((s) =>
            /direction: incoming/.test(s)
          ),
        );
        await page.screenshot({ path: await screenshotPath("pickers_explore_desktop.png") });
        await panel.getByRole("button", { name: "Run report" }).click();
        const built = await waitForTurns(page, ++turns);
        const chips = await chipTexts(built);
        assert.ok(chips.includes("by queue"), chips.join(" | "));
        assert.ok(chips.includes("direction: incoming"), chips.join(" | "));
        assert.ok(chips.some((c) => /^last 30 days/.test(c)), chips.join(" | "));
        assert.ok(await built.locator(".result-table tbody tr").count() >= 1);
        const final = await lastFinal(page, app.url);
        assert.equal(final.usage.model_calls, 0);
        assert.equal(await page.getByLabel("Your question").inputValue(), "", "nothing typed");
      });

      await t.step("keyboard: Esc closes a picker and gives the focus back", async () => {
        const chip = page.locator(".turn").last().locator("button.reading-period");
        await chip.focus();
        await page.keyboard.press("Enter");
        const dialog = page.getByRole("dialog", { name: /period/i });
        await dialog.waitFor();
        await page.waitForFunction(() =>
          document.querySelector('[role="dialog"]')?.contains(document.activeElement)
        );
        assert.equal(
          await page.evaluate(() => document.activeElement?.textContent),
          "Today",
          "the first period has the focus",
        );
        await page.keyboard.press("Shift+Tab");
        assert.ok(
          await dialog.evaluate((d) => d.contains(document.activeElement)),
          "Tab stays in the picker",
        );
        await page.keyboard.press("Escape");
        assert.equal(await dialog.count(), 0);
        assert.ok(await chip.evaluate((c) => c === document.activeElement));
      });

      let customerName = "";
      await t.step(
        "desktop: the metric chip runs another report, saying what it leaves out",
        async () => {
          const input = page.getByLabel("Your question");
          await input.fill("How many incoming calls longer than 5 minutes last week?");
          await input.press("Enter");
          const typed = await waitForTurns(page, ++turns);
          const typedChips = await chipTexts(typed);
          assert.ok(typedChips.includes("direction: incoming"), typedChips.join(" | "));
          assert.ok(typedChips.includes("duration: > 5 min"), typedChips.join(" | "));

          const chip = typed.locator("button.reading-metric");
          assert.equal((await chip.innerText()).trim(), "Call count");
          const dialog = await openChip(typed, chip, /Change the report/);
          await assertInView(page, dialog);
          const list = dialog.getByRole("group", { name: "Reports" });
          const entries = list.getByRole("button");
          assert.ok(await entries.count() >= 10, "the catalog's reports");
          const current = list.locator('[aria-current="true"]');
          assert.match(await current.innerText(), /^Call count\n/);
          assert.ok(
            await current.evaluate((el) => el === document.activeElement),
            "the current report has the focus",
          );
          const abandonment = entries.filter({ hasText: "Abandonment rate" });
          assert.match(await abandonment.innerText(), /missed/, "a short description");
          assert.match(await abandonment.innerText(), /Leaves out direction: incoming/);
          await page.screenshot({ path: await screenshotPath("pickers_metric_desktop.png") });

          // Choosing it says again what is left out, and runs only on Apply.
          await abandonment.click();
          await dialog.getByText("Switch to Abandonment rate").waitFor();
          assert.deepEqual(
            await dialog.getByRole("list", { name: "Left out" }).getByRole("listitem")
              .allInnerTexts(),
            ["direction: incoming"],
          );
          await page.screenshot({
            path: await screenshotPath("pickers_metric_confirm_desktop.png"),
          });
          assert.equal(await page.locator(".turn").count(), turns, "nothing runs yet");
          await dialog.getByRole("button", { name: "Apply without it" }).click();
          const switched = await waitForTurns(page, ++turns);
          const chips = await chipTexts(switched);
          assert.equal(chips[0], "Abandonment rate");
          assert.ok(chips.some((c) => /^last week/.test(c)), chips.join(" | "));
          assert.ok(chips.includes("duration: > 5 min"), "the duration is kept");
          assert.ok(!chips.some((c) => c.startsWith("direction:")), "the direction is left out");
          const final = await lastFinal(page, app.url);
          assert.equal(final.usage.model_calls, 0, "no model call");
          assert.equal(final.interpretation?.metric, "abandonment_rate");
          assert.deepEqual(final.interpretation?.report?.params, {
            period: "last week",
            duration: { gt: 300 },
          });

          // A report that takes everything runs at once.
          const again = await openChip(
            switched,
            switched.locator("button.reading-metric"),
            /Change the report/,
          );
          const top = again.getByRole("button", { name: /^Top customers/ });
          assert.doesNotMatch(await top.innerText(), /Leaves out/);
          await top.click();
          assert.equal(await again.count(), 0, "the picker closes");
          const customers = await waitForTurns(page, ++turns);
          assert.equal((await chipTexts(customers))[0], "Top customers");
          assert.ok((await chipTexts(customers)).includes("duration: > 5 min"));
          const topFinal = await lastFinal(page, app.url);
          assert.equal(topFinal.usage.model_calls, 0);
          assert.equal(topFinal.interpretation?.metric, "top_customers");
          customerName = (await customers.locator(".result-table tbody tr").first()
            .locator("td").nth(1).innerText()).trim();
          assert.match(customerName, /^\p{L}+( \p{L}+)*$/u, `a customer's name: ${customerName}`);
        },
      );

      await t.step("desktop: the duration chip: between, a wrong range, any, add", async () => {
        const last = page.locator(".turn").nth(turns - 1);
        const dialog = await openChip(last, filterChip(last, "duration"), /Call duration/);
        await assertInView(page, dialog);
        const value = dialog.getByRole("spinbutton", { name: "Longer than" });
        assert.ok(await dialog.getByRole("radio", { name: "Longer than" }).isChecked());
        assert.equal(await value.inputValue(), "5");
        assert.equal(await dialog.getByLabel("Unit").inputValue(), "min");
        assert.ok(await value.evaluate((el) => el === document.activeElement), "focus in");

        await dialog.getByRole("radio", { name: "Between" }).check();
        await dialog.getByRole("spinbutton", { name: "From" }).fill("5");
        await dialog.getByRole("spinbutton", { name: "To" }).fill("2");
        await dialog.getByRole("button", { name: "Apply" }).click();
        assert.equal(
          await dialog.getByRole("alert").innerText(),
          "The first number is larger than the second.",
        );
        await page.screenshot({ path: await screenshotPath("pickers_duration_desktop.png") });
        assert.equal(await page.locator(".turn").count(), turns, "nothing runs");
        await dialog.getByRole("spinbutton", { name: "To" }).fill("8");
        await dialog.getByRole("spinbutton", { name: "To" }).press("Enter");
        const between = await waitForTurns(page, ++turns);
        assert.ok(
          (await chipTexts(between)).includes("duration: ≥ 5 min and ≤ 8 min"),
          (await chipTexts(between)).join(" | "),
        );
        const final = await lastFinal(page, app.url);
        assert.equal(final.usage.model_calls, 0);
        assert.deepEqual(final.interpretation?.report?.params.duration, { gte: 300, lte: 480 });

        // Any duration removes it.
        const remove = await openChip(between, filterChip(between, "duration"), /Call duration/);
        assert.equal(await remove.getByRole("radio", { name: "Between" }).isChecked(), true);
        await remove.getByRole("button", { name: "Any duration" }).click();
        const any = await waitForTurns(page, ++turns);
        assert.ok(!(await chipTexts(any)).some((c) => c.startsWith("duration:")));
        assert.equal(
          (await lastFinal(page, app.url)).interpretation?.report?.params.duration,
          undefined,
        );

        // "Add filter" offers it again: shorter than 90 seconds.
        const menu = await openChip(
          any,
          any.getByRole("button", { name: /Add a filter/ }),
          /Add to this answer/,
        );
        await menu.getByRole("button", { name: "Duration" }).click();
        await menu.getByRole("radio", { name: "Shorter than" }).check();
        await menu.getByRole("spinbutton", { name: "Shorter than" }).fill("90");
        await menu.getByLabel("Unit").selectOption("s");
        assert.equal(await menu.getByRole("button", { name: "Any duration" }).count(), 0);
        await menu.getByRole("button", { name: "Apply" }).click();
        const added = await waitForTurns(page, ++turns);
        assert.ok((await chipTexts(added)).includes("duration: < 1 min 30 s"));
        assert.deepEqual(
          (await lastFinal(page, app.url)).interpretation?.report?.params.duration,
          { lt: 90 },
        );
      });

      await t.step(
        "desktop: the customer chip: a name, a blank, an unknown name, any",
        async () => {
          const last = page.locator(".turn").nth(turns - 1);
          const menu = await openChip(
            last,
            last.getByRole("button", { name: /Add a filter/ }),
            /Add to this answer/,
          );
          await menu.getByRole("button", { name: "Customer" }).click();
          const field = menu.getByLabel("Name or phone number");
          assert.ok(await field.evaluate((el) => el === document.activeElement), "focus in");
          await menu.getByRole("button", { name: "Apply" }).click();
          assert.equal(await menu.getByRole("alert").innerText(), "Type a name or a phone number.");
          assert.equal(await field.getAttribute("aria-invalid"), "true");
          assert.equal(await page.locator(".turn").count(), turns, "nothing runs");
          await field.fill(customerName);
          await page.screenshot({ path: await screenshotPath("pickers_customer_desktop.png") });
          await field.press("Enter");
          const named = await waitForTurns(page, ++turns);
          const chips = await chipTexts(named);
          assert.ok(chips.includes(`customer: ${customerName}`), chips.join(" | "));
          assert.ok(chips.includes("duration: < 1 min 30 s"), "other filters are kept");
          const final = await lastFinal(page, app.url);
          assert.equal(final.usage.model_calls, 0);
          assert.equal(final.outcome, "answered");
          assert.equal(final.interpretation?.report?.params.customer, customerName);

          // A name in no address book: asked back by the server's name check.
          const change = await openChip(named, filterChip(named, "customer"), /Choose a customer/);
          const input = change.getByLabel("Name or phone number");
          assert.equal(await input.inputValue(), customerName);
          await input.fill("Zorro Nobody");
          await change.getByRole("button", { name: "Apply" }).click();
          const unknown = await waitForTurns(page, ++turns);
          assert.match(await unknown.locator(".outcome-badge").innerText(), /Needs a detail/);
          const asked = await lastFinal(page, app.url);
          assert.equal(asked.usage.model_calls, 0);
          assert.equal(asked.outcome, "clarified");

          // Any customer removes it (from the answer that had one).
          const remove = await openChip(named, filterChip(named, "customer"), /Choose a customer/);
          await remove.getByRole("button", { name: "Any customer" }).click();
          const any = await waitForTurns(page, ++turns);
          assert.ok(!(await chipTexts(any)).some((c) => c.startsWith("customer:")));
          assert.equal(
            (await lastFinal(page, app.url)).interpretation?.report?.params.customer,
            undefined,
          );
        },
      );

      await t.step(
        "desktop: the time-of-day chip: checks, past midnight, until midnight, any, add",
        async () => {
          const input = page.getByLabel("Your question");
          await input.fill("How many calls were there last week between 2pm and 4pm?");
          await input.press("Enter");
          const typed = await waitForTurns(page, ++turns);
          const typedChips = await chipTexts(typed);
          assert.ok(typedChips.includes("time of day: 14:00–16:00"), typedChips.join(" | "));
          assert.deepEqual((await lastFinal(page, app.url)).interpretation?.report?.params, {
            period: "last week",
            time_of_day: { from: "14:00", to: "16:00" },
          });

          const chip = filterChip(typed, "time of day");
          const dialog = await openChip(typed, chip, /^Time of day$/);
          await assertInView(page, dialog);
          const from = dialog.getByLabel("From", { exact: true });
          const to = dialog.getByLabel("To", { exact: true });
          assert.equal(await from.getAttribute("type"), "time");
          assert.equal(await to.getAttribute("type"), "time");
          assert.equal(await from.inputValue(), "14:00");
          assert.equal(await to.inputValue(), "16:00");
          assert.ok(await from.evaluate((el) => el === document.activeElement), "focus in");

          // A missing end, then the same start and end: said inline, nothing runs, and
          // what was typed stays.
          await to.fill("");
          await dialog.getByRole("button", { name: "Apply" }).click();
          assert.equal(await dialog.getByRole("alert").innerText(), "Enter an end time.");
          assert.equal(await to.getAttribute("aria-invalid"), "true");
          assert.equal(await from.inputValue(), "14:00");
          await to.fill("14:00");
          assert.equal(await dialog.getByRole("alert").count(), 0, "typing clears it");
          await dialog.getByRole("button", { name: "Apply" }).click();
          assert.equal(
            await dialog.getByRole("alert").innerText(),
            "Start and end are the same: for the whole day, choose Any time.",
          );
          assert.deepEqual([await from.inputValue(), await to.inputValue()], ["14:00", "14:00"]);
          await page.screenshot({
            path: await screenshotPath("pickers_time_of_day_problem_desktop.png"),
          });
          assert.equal(await page.locator(".turn").count(), turns, "nothing runs");

          // Past midnight.
          await from.fill("22:00");
          await to.fill("06:00");
          assert.match(await dialog.locator(".picker-hint").innerText(), /^Overnight:/);
          await page.screenshot({ path: await screenshotPath("pickers_time_of_day_desktop.png") });
          const overnightRun = nextReportRun(page);
          await dialog.getByRole("button", { name: "Apply" }).click();
          const sent = await overnightRun;
          assert.equal(sent.name, "call_count");
          assert.deepEqual(sent.params, {
            period: "last week",
            time_of_day: { from: "22:00", to: "06:00" },
          });
          assert.equal(await dialog.count(), 0, "the picker closes");
          const overnight = await waitForTurns(page, ++turns);
          const chips = await chipTexts(overnight);
          assert.ok(chips.includes("time of day: 22:00–06:00 (overnight)"), chips.join(" | "));
          assert.ok(!chips.includes("time of day: 14:00–16:00"), "the chip changed");
          assert.ok(chips.some((c) => /^last week/.test(c)), "the period is kept");
          const final = await lastFinal(page, app.url);
          assert.equal(final.usage.model_calls, 0, "no model call");
          assert.deepEqual(final.interpretation?.report?.params.time_of_day, {
            from: "22:00",
            to: "06:00",
          });
          assert.deepEqual(await chipTexts(typed), typedChips, "the first answer is untouched");

          // Until midnight: an end of 00:00 is sent as 24:00 and shows as 00:00 again.
          const night = await openChip(overnight, filterChip(overnight, "time of day"), /^Time/);
          assert.equal(await night.getByLabel("From", { exact: true }).inputValue(), "22:00");
          await night.getByLabel("From", { exact: true }).fill("18:00");
          await night.getByLabel("To", { exact: true }).fill("00:00");
          assert.match(await night.locator(".picker-hint").innerText(), /until midnight/);
          const midnightRun = nextReportRun(page);
          await night.getByLabel("To", { exact: true }).press("Enter");
          assert.deepEqual((await midnightRun).params.time_of_day, { from: "18:00", to: "24:00" });
          const evening = await waitForTurns(page, ++turns);
          assert.ok(
            (await chipTexts(evening)).includes("time of day: 18:00–24:00"),
            (await chipTexts(evening)).join(" | "),
          );
          const again = await openChip(evening, filterChip(evening, "time of day"), /^Time/);
          assert.equal(await again.getByLabel("From", { exact: true }).inputValue(), "18:00");
          assert.equal(await again.getByLabel("To", { exact: true }).inputValue(), "00:00");

          // Esc closes it with nothing run, and gives the focus back to the chip.
          await page.keyboard.press("Escape");
          assert.equal(await again.count(), 0);
          assert.ok(
            await filterChip(evening, "time of day").evaluate((c) => c === document.activeElement),
          );
          assert.equal(await page.locator(".turn").count(), turns, "closing runs nothing");

          // Any time removes it.
          const remove = await openChip(evening, filterChip(evening, "time of day"), /^Time/);
          const anyRun = nextReportRun(page);
          await remove.getByRole("button", { name: "Any time" }).click();
          assert.deepEqual((await anyRun).params, { period: "last week" });
          const any = await waitForTurns(page, ++turns);
          assert.ok(!(await chipTexts(any)).some((c) => c.startsWith("time of day:")));
          assert.equal(
            (await lastFinal(page, app.url)).interpretation?.report?.params.time_of_day,
            undefined,
          );

          // "Add filter" offers it again.
          const menu = await openChip(
            any,
            any.getByRole("button", { name: /Add a filter/ }),
            /Add to this answer/,
          );
          await menu.getByRole("button", { name: "Time of day" }).click();
          await menu.getByText("Filter by time of day").waitFor();
          assert.equal(await menu.getByLabel("From", { exact: true }).inputValue(), "");
          assert.equal(await menu.getByRole("button", { name: "Any time" }).count(), 0);
          await menu.getByLabel("From", { exact: true }).fill("09:00");
          await menu.getByLabel("To", { exact: true }).fill("12:30");
          await page.screenshot({
            path: await screenshotPath("pickers_time_of_day_add_desktop.png"),
          });
          const addRun = nextReportRun(page);
          await menu.getByRole("button", { name: "Apply" }).click();
          assert.deepEqual((await addRun).params.time_of_day, { from: "09:00", to: "12:30" });
          const added = await waitForTurns(page, ++turns);
          assert.ok((await chipTexts(added)).includes("time of day: 09:00–12:30"));
          assert.equal((await lastFinal(page, app.url)).usage.model_calls, 0);
        },
      );

      await t.step("phone: bottom sheets for the period, a filter and Explore", async () => {
        const url = page.url();
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(url);
        await waitForTurns(page, turns);
        const first = page.locator(".turn").first();
        await first.evaluate((el) => el.scrollIntoView({ block: "start" }));
        const before = await headline(first);
        const dialog = await openChip(first, first.locator("button.reading-period"), /period/i);
        await assertInView(page, dialog);
        const box = (await dialog.boundingBox())!;
        assert.ok(Math.abs(box.y + box.height - 844) < 2 && box.width > 380, "a bottom sheet");
        await page.waitForTimeout(150);
        await page.screenshot({ path: await screenshotPath("pickers_period_phone.png") });
        await dialog.getByRole("button", { name: "Last 7 days" }).click();
        const changed = await waitForTurns(page, ++turns);
        assert.ok((await chipTexts(changed)).some((c) => /^last 7 days/.test(c)));
        assert.notEqual(await headline(changed), before);
        assert.equal((await lastFinal(page, app.url)).usage.model_calls, 0);

        const filterChip = page.locator(".turn").nth(2).locator("button.reading-filter", {
          hasText: "queue:",
        });
        await filterChip.scrollIntoViewIfNeeded();
        const sheet = await openChip(page.locator(".turn").nth(2), filterChip, /Choose queues/);
        await assertInView(page, sheet);
        await page.waitForTimeout(150);
        await page.screenshot({ path: await screenshotPath("pickers_filter_phone.png") });
        await sheet.getByRole("button", { name: "Close" }).click();

        await page.getByRole("button", { name: "Explore" }).click();
        const panel = page.getByRole("dialog", { name: "Explore a report" });
        await panel.waitFor();
        await assertInView(page, panel);
        await panel.getByLabel("Report").selectOption("abandonment_rate");
        await panel.getByRole("button", { name: "This month" }).click();
        await page.waitForTimeout(150);
        await page.screenshot({ path: await screenshotPath("pickers_explore_phone.png") });
        await panel.getByRole("button", { name: "Run report" }).click();
        const built = await waitForTurns(page, ++turns);
        assert.ok((await chipTexts(built)).some((c) => /^this month/.test(c)));
        assert.equal((await lastFinal(page, app.url)).usage.model_calls, 0);
        await built.evaluate((el) => el.scrollIntoView({ block: "start" }));
        await page.screenshot({ path: await screenshotPath("pickers_answer_phone.png") });
      });

      await t.step(
        "phone: the report, duration, customer and time-of-day pickers as bottom sheets",
        async () => {
          // The typed question with a direction and a duration.
          const turn = page.locator(".turn")
            .filter({ has: page.locator("button.reading-filter", { hasText: "direction:" }) })
            .filter({ has: page.locator("button.reading-filter", { hasText: "duration:" }) });
          assert.equal(await turn.count(), 1);
          await turn.evaluate((el) => el.scrollIntoView({ block: "start" }));
          const metric = await openChip(
            turn,
            turn.locator("button.reading-metric"),
            /Change the report/,
          );
          await assertSheet(page, metric);
          await page.waitForTimeout(150);
          await page.screenshot({ path: await screenshotPath("pickers_metric_phone.png") });
          await metric.getByRole("button", { name: /^Abandonment rate/ }).click();
          await metric.getByText("Switch to Abandonment rate").waitFor();
          await page.screenshot({ path: await screenshotPath("pickers_metric_confirm_phone.png") });
          await metric.getByRole("button", { name: "Apply without it" }).click();
          const switched = await waitForTurns(page, ++turns);
          const chips = await chipTexts(switched);
          assert.equal(chips[0], "Abandonment rate");
          assert.ok(chips.includes("duration: > 5 min"), chips.join(" | "));
          assert.equal((await lastFinal(page, app.url)).usage.model_calls, 0);

          await switched.evaluate((el) => el.scrollIntoView({ block: "start" }));
          const duration = await openChip(
            switched,
            filterChip(switched, "duration"),
            /Call duration/,
          );
          await assertSheet(page, duration);
          await duration.getByRole("radio", { name: "Between" }).check();
          await page.waitForTimeout(150);
          await page.screenshot({ path: await screenshotPath("pickers_duration_phone.png") });
          await duration.getByRole("button", { name: "Close" }).click();
          assert.equal(await duration.count(), 0);

          const menu = await openChip(
            switched,
            switched.getByRole("button", { name: /Add a filter/ }),
            /Add to this answer/,
          );
          await assertSheet(page, menu);
          await menu.getByRole("button", { name: "Customer" }).click();
          await menu.getByLabel("Name or phone number").fill(customerName);
          await page.waitForTimeout(150);
          await page.screenshot({ path: await screenshotPath("pickers_customer_phone.png") });
          await menu.getByRole("button", { name: "Apply" }).click();
          const named = await waitForTurns(page, ++turns);
          assert.ok((await chipTexts(named)).includes(`customer: ${customerName}`));
          assert.equal((await lastFinal(page, app.url)).usage.model_calls, 0);
          const customer = await openChip(
            named,
            filterChip(named, "customer"),
            /Choose a customer/,
          );
          await assertSheet(page, customer);
          await page.keyboard.press("Escape");
          assert.equal(await customer.count(), 0);
          assert.equal(await page.locator(".turn").count(), turns, "closing runs nothing");
          await named.evaluate((el) => el.scrollIntoView({ block: "start" }));
          await page.screenshot({
            path: await screenshotPath("pickers_customer_answer_phone.png"),
          });

          // The time-of-day picker of the typed question with a clock window.
          const windowed = page.locator(".turn").filter({
            has: page.locator("button.reading-filter", { hasText: "time of day: 14:00–16:00" }),
          });
          assert.equal(await windowed.count(), 1);
          await windowed.evaluate((el) => el.scrollIntoView({ block: "start" }));
          const clock = await openChip(
            windowed,
            filterChip(windowed, "time of day"),
            /^Time of day$/,
          );
          await assertSheet(page, clock);
          assert.equal(await clock.getByLabel("From", { exact: true }).inputValue(), "14:00");
          await page.waitForTimeout(150);
          await page.screenshot({ path: await screenshotPath("pickers_time_of_day_phone.png") });
          await clock.getByRole("button", { name: "Close" }).click();
          assert.equal(await clock.count(), 0);
        },
      );

      assert.deepEqual(pageErrors, [], "no script errors or CSP violations in the page");
    } finally {
      await browser.close();
      await app.close();
    }
  },
});
