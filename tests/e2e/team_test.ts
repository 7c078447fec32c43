/**
 * The team in the real app (headless Chromium, offline model): the demo user, made an
 * admin on the app's store, opens /admin and adds a supervisor "teammate" through the
 * form; asks a question whose answer has a table and shares the conversation with the
 * teammate through the Share panel. A second browser signs in as the teammate: the
 * conversation is under "Shared with me" and opens read only (the answer and its table,
 * the "Shared by demo — read only" banner, no composer, no feedback, Retry or edit), its
 * Excel downloads; /admin is the 403 page for a supervisor. The admin stops sharing: the
 * teammate's list loses it and the API answers 404. The audit section lists the sign-ins,
 * the share and the download, and its CSV export neutralises cells that start like a
 * formula. At phone width (390×844) neither the admin page nor the shared conversation
 * scrolls sideways. Screenshots: test_output/screenshots/team_*.png; docs/admin.png.
 */
import assert from "node:assert/strict";
import type { Locator, Page } from "playwright-core";
import { buildBundle, hasChromium, launchBrowser, ROOT, screenshotPath } from "./browser.ts";
import manifest from "../../fresh.gen.ts";
import { loadConfig } from "../../lib/config.ts";
import { assembleApp } from "../../lib/web/assemble.ts";

const skip = !hasChromium();
const NAME = skip
  ? "team (SKIPPED: /usr/bin/chromium is missing; apt-get install chromium)"
  : "team: admin adds a supervisor, shares read only, revokes; 403, audit and its CSV, phone";

const PASSWORD = "team-demo-password-2026";
const MATE = "teammate";
const MATE_PASSWORD = "teammate-password-2026";
const PHONE = { width: 390, height: 844 };
/** Failed sign-ins whose usernames start like spreadsheet formulas. */
const FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3+4", "@SUM(A1:A2)"];

/** The app with the offline model, its store reachable (to make the demo user an admin). */
async function startApp() {
  const config = loadConfig({
    PORT: "0",
    KV_PATH: ":memory:",
    NOW: "2026-11-24T09:00:00Z",
    BUSINESS_TZ: "Asia/Kolkata",
    DEMO_DAYS: "21",
    DEMO_CALLS_PER_DAY: "60",
    MODEL_PROVIDER: "offline",
    MCP_MODE: "embedded",
    COOKIE_SECURE: "never",
    DEMO_USER: "demo",
    DEMO_PASSWORD: PASSWORD,
    LOGIN_MAX_ATTEMPTS: "50",
  });
  const app = await assembleApp(config, {
    manifest,
    buildManifest: await buildBundle(),
    log: () => {},
  });
  const demo = await app.store.getUserByName("demo");
  assert.ok(demo, "the demo user exists");
  assert.equal(await app.store.updateUser(demo.id, { role: "admin" }), "ok");
  const ac = new AbortController();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", signal: ac.signal, onListen: () => {} },
    app.fetch,
  );
  const { port } = server.addr as Deno.NetAddr;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      ac.abort();
      await server.finished;
      await app.close();
    },
  };
}

async function signIn(page: Page, url: string, username: string, password: string) {
  await page.goto(`${url}/`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${url}/`);
}

async function noHorizontalScroll(page: Page, what: string): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  assert.ok(scroll <= client, `${what}: no horizontal page scroll (${scroll} > ${client})`);
}

/** Status, content type and text of a same-origin GET made by the page. */
function pageFetch(page: Page, path: string) {
  return page.evaluate(async (p) => {
    const r = await fetch(p, { headers: { Accept: "application/json, */*" } });
    const type = r.headers.get("content-type") ?? "";
    const text = type.includes("spreadsheet") ? "" : await r.text();
    return { status: r.status, type, text };
  }, path);
}

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  if (cell !== "" || row.length) rows.push([...row, cell]);
  return rows;
}

async function shot(page: Page, name: string, target?: Locator): Promise<string> {
  const path = await screenshotPath(name);
  if (target) await target.scrollIntoViewIfNeeded();
  else await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path });
  return path;
}

Deno.test({
  name: NAME,
  ignore: skip,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const app = await startApp();
    const adminBrowser = await launchBrowser({ width: 1440, height: 900 });
    const mateBrowser = await launchBrowser({ width: 1280, height: 900 });
    const admin = adminBrowser.context.pages()[0] ?? await adminBrowser.context.newPage();
    const mate = mateBrowser.context.pages()[0] ?? await mateBrowser.context.newPage();
    const pageErrors: string[] = [];
    for (const [who, page] of [["admin", admin], ["teammate", mate]] as const) {
      page.on("pageerror", (e) => pageErrors.push(`${who}: ${e}`));
      page.on("console", (m) => {
        if (m.type() === "error" && !/status of (401|403|404)/.test(m.text())) {
          pageErrors.push(`${who}: ${m.text()}`);
        }
      });
    }
    let conversationId = "";
    try {
      await signIn(admin, app.url, "demo", PASSWORD);

      await t.step("the admin adds a supervisor through the form", async () => {
        await admin.getByRole("link", { name: "Team admin" }).click();
        await admin.waitForURL(`${app.url}/admin`);
        const form = admin.getByRole("form", { name: "Add a user" });
        await form.getByLabel("Name").fill(MATE);
        await form.getByLabel(/^Password/).fill(MATE_PASSWORD);
        await form.getByLabel("Role").selectOption("supervisor");
        await form.getByRole("button", { name: "Add user" }).click();
        const row = admin.locator(`tr[data-user="${MATE}"]`);
        await row.waitFor();
        assert.match(await row.innerText(), /teammate[\s\S]*Active/);
        assert.equal(await row.getByLabel(`Role of ${MATE}`).inputValue(), "supervisor");
        assert.equal(await form.getByLabel("Name").inputValue(), "", "the form starts over");
        await shot(admin, "team_admin_added.png");
      });

      await t.step("the admin asks a question and shares the conversation", async () => {
        await admin.goto(`${app.url}/`);
        const input = admin.getByLabel("Your question");
        await input.fill("Which agent had the highest AHT?");
        await input.press("Enter");
        const turn = admin.locator(".turn-done").last();
        await turn.waitFor({ timeout: 30_000 });
        await turn.locator(".result-table").first().waitFor();
        await admin.waitForURL(/\?c=/);
        conversationId = new URL(admin.url()).searchParams.get("c") ?? "";
        assert.ok(conversationId);
        // The owner has every action.
        await turn.getByRole("button", { name: "Good answer" }).waitFor();
        await turn.getByRole("button", { name: "Retry" }).waitFor();
        await admin.getByRole("button", { name: "Share", exact: true }).click();
        const panel = admin.getByRole("region", { name: "Share this conversation" });
        await panel.getByText("nobody yet").waitFor();
        await panel.getByLabel("Teammate's name").fill(MATE);
        await panel.getByRole("button", { name: "Share" }).click();
        await panel.getByRole("button", { name: `Stop sharing with ${MATE}` }).waitFor();
        await shot(admin, "team_share_panel.png");
      });

      await t.step("the teammate reads it under 'Shared with me', read only", async () => {
        await signIn(mate, app.url, MATE, MATE_PASSWORD);
        assert.equal(
          await mate.getByRole("link", { name: "Team admin" }).count(),
          0,
          "no admin link for a supervisor",
        );
        const list = mate.getByRole("list", { name: "Shared with me" });
        await list.waitFor();
        const item = list.getByRole("button", { name: /Which agent had the highest AHT\?/ });
        assert.match(await item.innerText(), /by demo/);
        await item.click();
        await mate.waitForURL(new RegExp(`c=${conversationId}`));
        const turn = mate.locator(".turn-done").last();
        await turn.waitFor();
        await turn.locator(".result-table").first().waitFor();
        assert.equal(
          await mate.locator(".conv-title", { hasText: "Which agent had the highest AHT?" })
            .count(),
          1,
          "only under 'Shared with me', not among the teammate's own (no rename or delete)",
        );
        assert.equal(
          (await mate.locator(".topbar-title").innerText()).trim(),
          "Which agent had the highest AHT?",
        );
        assert.ok((await turn.locator(".answer").innerText()).trim().length > 0, "the answer");
        assert.ok(await turn.locator(".result-table tbody tr").count() > 1, "the table rows");
        const banner = mate.locator(".shared-banner");
        assert.equal((await banner.innerText()).trim(), "Shared by demo — read only");
        assert.equal(await mate.getByLabel("Your question").count(), 0, "no composer");
        assert.equal(await mate.locator(".composer-wrap").count(), 0);
        for (const name of ["Good answer", "Bad answer", "Retry", "Edit the question"]) {
          assert.equal(await mate.getByRole("button", { name }).count(), 0, `no ${name}`);
        }
        assert.equal(await mate.getByRole("button", { name: "Share", exact: true }).count(), 0);
        assert.equal(await mate.locator(".retry-button, .edit-button, .thumb-button").count(), 0);
        await turn.getByRole("button", { name: "Copy the answer" }).waitFor();
        await shot(mate, "team_shared_readonly.png");
      });

      await t.step("the teammate downloads the shared table as Excel", async () => {
        const table = mate.locator(".turn-done .result-table").first();
        const [download] = await Promise.all([
          mate.waitForEvent("download"),
          table.getByRole("button", { name: "Download Excel" }).click(),
        ]);
        assert.match(download.suggestedFilename(), /\.xlsx$/);
        const conversation = JSON.parse(
          (await pageFetch(
            mate,
            `/api/conversations/${conversationId}`,
          )).text,
        ) as { read_only?: boolean; messages: { tables?: { download?: string }[] }[] };
        assert.equal(conversation.read_only, true);
        const href = conversation.messages.flatMap((m) => m.tables ?? []).find((x) => x.download)
          ?.download;
        assert.ok(href, "the shared table can be downloaded");
        const r = await pageFetch(mate, href);
        assert.equal(r.status, 200);
        assert.match(r.type, /spreadsheetml/);
      });

      await t.step("a supervisor opening /admin gets the 403 page", async () => {
        const response = await mate.goto(`${app.url}/admin`);
        assert.equal(response?.status(), 403);
        assert.equal(await mate.locator(".admin-table").count(), 0);
        assert.match(await mate.locator("body").innerText(), /forbidden|not allowed|admin/i);
        const api = await pageFetch(mate, "/api/admin/users");
        assert.equal(api.status, 403);
      });

      await t.step("phone: the shared conversation does not scroll sideways", async () => {
        await mate.setViewportSize(PHONE);
        await mate.goto(`${app.url}/?c=${conversationId}`);
        await mate.locator(".turn-done .result-table").first().waitFor();
        await mate.locator(".shared-banner").waitFor();
        await noHorizontalScroll(mate, "shared conversation");
        await shot(mate, "team_shared_phone.png");
        await mate.locator(".shared-banner").scrollIntoViewIfNeeded();
        await mate.screenshot({ path: await screenshotPath("team_shared_phone_banner.png") });
        await mate.setViewportSize({ width: 1280, height: 900 });
      });

      await t.step("the admin stops sharing: gone for the teammate, 404", async () => {
        const panel = admin.getByRole("region", { name: "Share this conversation" });
        await panel.getByRole("button", { name: `Stop sharing with ${MATE}` }).click();
        await panel.getByText("nobody yet").waitFor();
        await mate.goto(`${app.url}/`);
        await mate.locator(".sidebar").waitFor();
        await mate.waitForLoadState("networkidle");
        assert.equal(await mate.getByRole("list", { name: "Shared with me" }).count(), 0);
        assert.equal(
          (await pageFetch(mate, `/api/conversations/${conversationId}`)).status,
          404,
        );
      });

      await t.step("the audit log lists sign-ins, the share and the download", async () => {
        // Failed sign-ins whose names look like formulas (for the CSV below).
        for (const username of FORMULAS) {
          const status = await admin.evaluate(async (u) => {
            const r = await fetch("/api/auth/login", {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ username: u, password: "not-the-password-123" }),
            });
            return r.status;
          }, username);
          assert.equal(status, 401, `a wrong sign-in as ${username}`);
        }
        await admin.goto(`${app.url}/admin`);
        const audit = admin.locator(".admin-audit");
        await audit.waitFor();
        const text = await audit.innerText();
        for (const kind of ["login", "share", "unshare", "report_download", "user_add"]) {
          assert.match(text, new RegExp(`\\b${kind}\\b`), `the audit lists ${kind}`);
        }
        assert.match(text, /with teammate/);
        assert.match(text, /table xlsx/);
        assert.match(text, /login_failed/);
        // Times in the business zone (Asia/Kolkata), the instant kept for hover and machines.
        const first = audit.locator("tbody time").first();
        assert.match(await first.innerText(), /\d{2}:\d{2} IST$/);
        assert.ok(Date.parse(await first.getAttribute("datetime") ?? "") > 0);
        assert.match(await first.getAttribute("title") ?? "", /\(Asia\/Kolkata\)$/);
        assert.doesNotMatch(text, /UTC/);
        await shot(admin, "team_admin_audit.png", admin.locator("#admin-audit"));
      });

      await t.step("the CSV export neutralises formula cells", async () => {
        const href = await admin.getByRole("link", { name: "Export CSV" }).getAttribute("href");
        assert.equal(href, "/api/admin/audit.csv");
        const csv = await pageFetch(admin, href);
        assert.equal(csv.status, 200);
        assert.match(csv.type, /^text\/csv/);
        const rows = parseCsv(csv.text);
        assert.deepEqual(rows[0], ["at", "kind", "user", "address", "target", "detail", "id"]);
        const users = rows.slice(1).map((r) => r[2]);
        for (const username of FORMULAS) {
          assert.ok(users.includes(`'${username}`), `${username} neutralised: ${users}`);
        }
        for (const row of rows) {
          for (const cell of row) assert.doesNotMatch(cell, /^[=+\-@]/, `cell ${cell}`);
        }
        const kinds = rows.slice(1).map((r) => r[1]);
        for (const kind of ["login", "share", "unshare", "report_download"]) {
          assert.ok(kinds.includes(kind), `${kind} in the CSV`);
        }
      });

      await t.step("phone: the admin page does not scroll sideways", async () => {
        await admin.setViewportSize(PHONE);
        await admin.goto(`${app.url}/admin`);
        await admin.locator(".admin-audit").waitFor();
        await noHorizontalScroll(admin, "admin page");
        await shot(admin, "team_admin_phone.png");
        await admin.setViewportSize({ width: 1440, height: 900 });
        await admin.goto(`${app.url}/admin`);
        await admin.locator(".admin-audit").waitFor();
        const path = await shot(admin, "team_admin.png");
        await Deno.copyFile(path, `${ROOT}/docs/admin.png`);
      });

      assert.deepEqual(pageErrors, [], "no page errors");
    } finally {
      await adminBrowser.close();
      await mateBrowser.close();
      await app.close();
    }
  },
});
