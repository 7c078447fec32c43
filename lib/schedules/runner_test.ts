/**
 * The schedule runner against a real SMTP server (`smtp-server` on a loopback port): a
 * run due at the frozen clock sends one email with the report attached (opened with
 * LibreOffice when it is installed), a second runner on the same KV does not send it
 * again, and a rejecting server gives a logged failure and a retry that succeeds.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { openStore, type Store } from "../kv.ts";
import { runReport } from "../reports/run.ts";
import { FIXTURE_NOW, fixtureClient } from "../../testing/report_fixture.ts";
import type { DataClient } from "../data/types.ts";
import { newSchedule } from "./input.ts";
import { smtpMailer } from "./mailer.ts";
import { createScheduleRunner, type ScheduleRunner } from "./runner.ts";
import type { ScheduleRecord, ScheduleRun } from "./types.ts";

const TZ = "America/New_York";
const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** An SMTP server on 127.0.0.1 that keeps what it receives, or rejects while `reject` is set. */
async function startSmtp() {
  const received: string[] = [];
  const state = { reject: null as string | null, rejected: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Uint8Array[] = [];
      stream.on("data", (c: Uint8Array) => chunks.push(c));
      stream.on("end", () => {
        if (state.reject) {
          state.rejected++;
          const err = Object.assign(new Error(state.reject), { responseCode: 552 });
          return callback(err);
        }
        received.push(new TextDecoder().decode(concat(chunks)));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address())
    .port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, o), o += c.length;
  return out;
}

/** The base64 attachment of `contentType` in a raw MIME message, decoded. */
function attachment(mime: string, contentType: string): { name: string; bytes: Uint8Array } {
  const raw = unfold(mime);
  const at = raw.indexOf(`Content-Type: ${contentType}`);
  assert.ok(at >= 0, `no ${contentType} part in the email`);
  const part = raw.slice(at);
  const name = /filename="?([^"\r\n]+)"?/.exec(part)?.[1] ?? "";
  const body = part.slice(part.indexOf("\r\n\r\n") + 4);
  const b64 = body.slice(0, body.indexOf("\r\n--")).replace(/\s+/g, "");
  const bin = atob(b64);
  return { name, bytes: Uint8Array.from(bin, (c) => c.charCodeAt(0)) };
}

/** A MIME message with its folded header lines joined. */
function unfold(raw: string): string {
  return raw.replace(/\r\n[ \t]+/g, " ");
}

/** A quoted-CSV line's fields. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') cur += '"', i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(cur), cur = "";
    else cur += ch;
  }
  out.push(cur);
  return out;
}

async function findOffice(): Promise<string | null> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["soffice", "libreoffice"]) {
      try {
        const p = `${dir}/${name}`;
        if ((await Deno.stat(p)).isFile) return p;
      } catch { /* not here */ }
    }
  }
  return null;
}
const OFFICE = await findOffice();

/** The schedule of these tests: yesterday's agent performance, daily at 15:00 New York time. */
function schedule(owner: string, recipients: string[]): ScheduleRecord {
  const s = newSchedule({
    report: { name: "agent_performance", params: { period: "yesterday" } },
    format: "xlsx",
    recipients,
    recurrence: { kind: "daily", time: "15:00" },
  }, { owner, tz: TZ, now: new Date(FIXTURE_NOW.getTime() - 3_600_000) });
  // 15:00 EST on 2 Nov 2026 is the fixture's frozen "now".
  assert.equal(s.next_run_at, FIXTURE_NOW.toISOString());
  return s;
}

/** Waits until run `id` has ended (sent, inbox or failed for good). */
async function settled(store: Store, s: ScheduleRecord, id: string, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const run = await store.getScheduleRun(s.id, id);
    if (run?.finished_at) return run;
    if (Date.now() > end) throw new Error(`Run ${id} did not end: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Setup {
  store: Store;
  data: DataClient;
  smtp: Awaited<ReturnType<typeof startSmtp>>;
  runners: ScheduleRunner[];
  logged: unknown[];
  close(): Promise<void>;
}

/**
 * `n` runners ("instances"), each over its own KV handle on one temporary KV file (as two
 * processes sharing the file would be), and the SMTP server.
 */
async function setup(n: number, runnerOpts: { retryDelaysMs?: number[] } = {}): Promise<Setup> {
  const dir = await Deno.makeTempDir({ prefix: "schedules_kv_" });
  const stores = await Promise.all(
    Array.from({ length: n }, () => openStore(`${dir}/app.kv`, { clock: () => FIXTURE_NOW })),
  );
  const store = stores[0];
  const data = await fixtureClient();
  const smtp = await startSmtp();
  const logged: unknown[] = [];
  const runners = stores.map((store) =>
    createScheduleRunner({
      store,
      data,
      mailer: smtpMailer({
        url: smtp.url,
        from: "Reports <reports@example.com>",
        timeoutMs: 10_000,
      }),
      appUrl: "https://cc.example.com",
      clock: () => FIXTURE_NOW,
      log: (m, e) => logged.push([m, e]),
      ...runnerOpts,
    })
  );
  return {
    store,
    data,
    smtp,
    runners,
    logged,
    async close() {
      for (const r of runners) await r.close();
      await smtp.close();
      for (const s of stores) s.close();
      await data.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function teardown(t: Setup) {
  await t.close();
}

Deno.test("schedules: a run due at the frozen clock sends one email with the report; a second instance does not send it again", async () => {
  const t = await setup(2);
  try {
    const s = schedule("u_alice", ["sup@example.com"]);
    await t.store.saveSchedule(s);
    const [a, b] = t.runners;
    // Both instances tick the same minute at once: one claim wins.
    const ticks = await Promise.all([a.tick(FIXTURE_NOW), b.tick(FIXTURE_NOW)]);
    const claimed = ticks.flatMap((r) => r.claimed);
    assert.equal(claimed.length, 1);
    // The other either lost the claim (skipped) or, listing after the winner's commit, no
    // longer saw it due: which one depends on timing. (Concurrent claims of one due run
    // are checked head to head in store_test.ts.)
    assert.ok(ticks.every((r) => r.claimed.length + r.skipped <= 1), JSON.stringify(ticks));
    // Ticking again in the same minute claims nothing: next_run_at moved to tomorrow.
    assert.deepEqual((await b.tick(FIXTURE_NOW)).claimed, []);
    const after = (await t.store.getSchedule(s.id))!;
    assert.equal(after.next_run_at, "2026-11-03T20:00:00.000Z");
    assert.equal(after.last_run_at, FIXTURE_NOW.toISOString());
    // Both instances listen to the queue (each on its own KV handle); one delivers it.
    a.start();
    b.start();
    const run = await settled(t.store, s, claimed[0].id);
    assert.equal(run.status, "sent", JSON.stringify(run));
    assert.equal(run.attempts.length, 1);
    assert.deepEqual(run.delivered_to, ["sup@example.com"]);
    // The same message delivered again (as a queue may) sends nothing more.
    assert.equal(
      await b.deliver({ kind: "schedule_run", schedule_id: s.id, run_id: run.id, attempt: 1 }),
      null,
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(t.smtp.received.length, 1);
    assert.deepEqual(t.logged, []);
    const raw = t.smtp.received[0];
    // The subject is "Agent performance — Yesterday (1 Nov 2026)", as encoded words.
    assert.match(
      unfold(raw),
      /Subject: =\?UTF-8\?Q\?Agent_performance_=E2=80=94_Yesterday_\?= =\?UTF-8\?Q\?=281_Nov_2026=29\?=/,
    );
    assert.match(raw, /Calls handled: \d+\r\n/);
    assert.match(raw, /To: sup@example\.com/);
    assert.match(raw, /https:\/\/cc\.example\.com/);
    assert.match(raw, /Yesterday \(1 Nov 2026\)/);
    const file = attachment(raw, XLSX_TYPE);
    assert.match(file.name, /\.xlsx$/);
    assert.equal(new TextDecoder().decode(file.bytes.slice(0, 2)), "PK");
    // The delivery log lists it.
    const log = await t.store.listScheduleRuns(s.id);
    assert.deepEqual(log.map((r) => r.id), [run.id]);
  } finally {
    await teardown(t);
  }
});

Deno.test({
  name: "schedules: the emailed workbook opens in LibreOffice with the catalog's numbers" +
    (OFFICE ? "" : " (ignored: soffice/libreoffice not on PATH)"),
  ignore: !OFFICE,
  async fn() {
    const t = await setup(1);
    const dir = await Deno.makeTempDir({ prefix: "schedule_lo_" });
    try {
      const s = schedule("u_alice", ["sup@example.com"]);
      await t.store.saveSchedule(s);
      const [claimed] = (await t.runners[0].tick(FIXTURE_NOW)).claimed;
      const run = await t.runners[0].deliver({
        kind: "schedule_run",
        schedule_id: s.id,
        run_id: claimed.id,
        attempt: 1,
      });
      assert.equal(run?.status, "sent");
      const file = attachment(t.smtp.received[0], XLSX_TYPE);
      await Deno.writeFile(`${dir}/report.xlsx`, file.bytes);
      const out = await new Deno.Command(OFFICE!, {
        args: [
          `-env:UserInstallation=file://${dir}/profile`,
          "--headless",
          "--convert-to",
          "csv",
          "--outdir",
          dir,
          `${dir}/report.xlsx`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      const lines = (await Deno.readTextFile(`${dir}/report.csv`)).trim().split(/\r?\n/)
        .map(csvFields);
      // The expected rows: the same catalog query, read at the same instant.
      const expected = await runReport("agent_performance", { period: "yesterday" }, {
        client: t.data,
        tz: TZ,
        now: FIXTURE_NOW,
      });
      assert.ok(expected.rows.length >= 1);
      const header = lines[0];
      const keys = ["agent", "calls_handled", "incoming_handled", "outgoing_answered"];
      const idx = keys.map((k) => expected.columns.findIndex((c) => c.key === k));
      assert.deepEqual(
        idx.map((i) => header[i]),
        idx.map((i) => expected.columns[i].label),
      );
      assert.equal(lines.length - 1, expected.rows.length);
      for (let r = 0; r < expected.rows.length; r++) {
        assert.deepEqual(
          idx.map((i) => lines[r + 1][i]),
          idx.map((i) => String(expected.rows[r][i])),
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
      await teardown(t);
    }
  },
});

Deno.test("schedules: a rejecting SMTP server gives a logged failure with its reason, then a retry that succeeds", async () => {
  const t = await setup(1, { retryDelaysMs: [200] });
  try {
    t.smtp.state.reject = "Mailbox full, try later";
    const s = schedule("u_alice", ["sup@example.com"]);
    await t.store.saveSchedule(s);
    const [claimed] = (await t.runners[0].tick(FIXTURE_NOW)).claimed;
    t.runners[0].start();
    // Wait for the first attempt to fail, then let the server accept.
    const end = Date.now() + 20_000;
    let run: ScheduleRun | null = null;
    for (;;) {
      run = await t.store.getScheduleRun(s.id, claimed.id);
      if (run?.attempts[0]?.status === "failed") break;
      if (Date.now() > end) throw new Error(`No failed attempt: ${JSON.stringify(run)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    t.smtp.state.reject = null;
    assert.equal(run.status, "retrying");
    assert.match(run.attempts[0].reason!, /Mailbox full, try later/);
    const done = await settled(t.store, s, claimed.id);
    assert.equal(done.status, "sent");
    assert.deepEqual(done.attempts.map((a) => a.status), ["failed", "sent"]);
    assert.match(done.attempts[0].reason!, /^Cannot send the email: 552 Mailbox full/);
    assert.equal(t.smtp.state.rejected, 1);
    assert.equal(t.smtp.received.length, 1);
    assert.equal(t.logged.length, 1);
  } finally {
    await teardown(t);
  }
});

Deno.test("schedules: format both attaches the workbook and the PDF", async () => {
  const t = await setup(1);
  try {
    const s = { ...schedule("u_alice", ["sup@example.com"]), format: "both" as const };
    await t.store.saveSchedule(s);
    const [claimed] = (await t.runners[0].tick(FIXTURE_NOW)).claimed;
    const run = await t.runners[0].deliver({
      kind: "schedule_run",
      schedule_id: s.id,
      run_id: claimed.id,
      attempt: 1,
    });
    assert.equal(run?.status, "sent");
    const raw = t.smtp.received[0];
    const xlsx = attachment(raw, XLSX_TYPE);
    const pdf = attachment(raw, "application/pdf");
    assert.equal(new TextDecoder().decode(xlsx.bytes.slice(0, 2)), "PK");
    assert.equal(new TextDecoder().decode(pdf.bytes.slice(0, 5)), "%PDF-");
    assert.equal(pdf.name, xlsx.name.replace(/\.xlsx$/, ".pdf"));
    // The emailed PDF reads back with the catalog's numbers (where poppler is installed).
    const text = await pdfText(pdf.bytes);
    if (text !== null) {
      const expected = await runReport("agent_performance", { period: "yesterday" }, {
        client: t.data,
        tz: TZ,
        now: FIXTURE_NOW,
      });
      const agent = expected.columns.findIndex((c) => c.key === "agent");
      const handled = expected.columns.findIndex((c) => c.key === "calls_handled");
      assert.match(text, /Agent performance/);
      const lines = text.split("\n");
      for (const row of expected.rows) {
        // The table row: the name, then its figures (chart labels are names only).
        const line = lines.find((l) => new RegExp(`^\\s*${row[agent]}\\s+\\d`).test(l));
        assert.ok(line, `${row[agent]} in the PDF's table`);
        assert.equal(line.trim().split(/\s+/)[1], String(row[handled]), line);
      }
    }
  } finally {
    await teardown(t);
  }
});

/** The text of a PDF by `pdftotext -layout`, or null when poppler is not installed. */
async function pdfText(bytes: Uint8Array): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "schedule_pdf_" });
  try {
    await Deno.writeFile(`${dir}/r.pdf`, bytes);
    const out = await new Deno.Command("pdftotext", {
      args: ["-layout", `${dir}/r.pdf`, "-"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("schedules: after the last attempt a run is failed for good", async () => {
  const t = await setup(1, { retryDelaysMs: [50] });
  try {
    t.smtp.state.reject = "Relay denied";
    const s = schedule("u_alice", ["sup@example.com"]);
    await t.store.saveSchedule(s);
    const [claimed] = (await t.runners[0].tick(FIXTURE_NOW)).claimed;
    t.runners[0].start();
    const run = await settled(t.store, s, claimed.id);
    assert.equal(run.status, "failed");
    assert.equal(run.attempts.length, 3);
    assert.ok(run.attempts.every((a) => a.status === "failed" && /Relay denied/.test(a.reason!)));
    assert.equal(t.smtp.received.length, 0);
  } finally {
    await teardown(t);
  }
});

Deno.test("schedules: with no SMTP the report goes to the owner's inbox", async () => {
  const store = await openStore(":memory:", { clock: () => FIXTURE_NOW });
  const data = await fixtureClient();
  const runner = createScheduleRunner({ store, data, mailer: null, clock: () => FIXTURE_NOW });
  try {
    const s = { ...schedule("u_bob", []), format: "both" as const };
    await store.saveSchedule(s);
    const [claimed] = (await runner.tick(FIXTURE_NOW)).claimed;
    const run = await runner.deliver({
      kind: "schedule_run",
      schedule_id: s.id,
      run_id: claimed.id,
      attempt: 1,
    });
    assert.equal(run?.status, "inbox", JSON.stringify(run));
    const inbox = await store.listInbox("u_bob");
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0].format, "both");
    assert.match(inbox[0].period_label ?? "", /yesterday/);
    assert.ok(inbox[0].headline.some((h) => h.startsWith("Agents: ")));
    assert.ok(await store.getReport("u_bob", inbox[0].report_id));
    assert.equal(await store.getInboxItem("u_alice", inbox[0].id), null);
  } finally {
    await runner.close();
    store.close();
    await data.close();
  }
});
