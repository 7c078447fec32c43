/**
 * Running schedules: a once-a-minute tick (`Deno.cron`) claims the due runs and enqueues
 * them (`kv.enqueue` in the claim's own atomic commit), and a queue listener delivers
 * each: the report is made in memory (xlsx and/or PDF), then emailed with `mailer.ts`,
 * or put in the owner's in-app inbox when no SMTP server is configured.
 *
 * Exactly once across instances: a run is claimed by one atomic commit that checks the
 * schedule's versionstamp and the absence of `["schedule_claims", id, due_at]`, advances
 * `next_run_at` and enqueues the message, so two instances ticking the same minute make
 * one run. A queue message delivered twice sends once: each attempt is started by an
 * atomic mark in the run's record. A failed attempt is recorded with its reason and
 * retried after a backoff (`kv.enqueue` with a delay) up to `maxAttempts`.
 *
 * The clock is injected: tests freeze it and call {@linkcode ScheduleRunner.tick} directly.
 */
import type { Config } from "../config.ts";
import type { DataClient } from "../data/types.ts";
import { newId, type Store } from "../kv.ts";
import { requireReport } from "../reports/catalog.ts";
import { reportCover } from "../reports/cover.ts";
import { ReportParamError } from "../reports/errors.ts";
import { exportReport } from "../reports/excel.ts";
import { XLSX_TYPE } from "../web/download.ts";
import { exportReportPdf, PDF_TYPE, pdfFileName } from "../reports/pdf.ts";
import { runCompiled } from "../reports/run.ts";
import { reportMetaFromCompiled } from "../reports/save.ts";
import type { ReportMeta } from "../reports/types.ts";
import { describeRecurrence, nextRunAt } from "./recurrence.ts";
import { type MailAttachment, type Mailer, reportEmail, smtpMailer } from "./mailer.ts";
import type { InboxItem, ScheduleRecord, ScheduleRun, ScheduleRunMessage } from "./types.ts";
import { notifyReportReady } from "../alerts/notify.ts";

/** Attempts of one run before it is logged as failed for good. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/** Waits before the 2nd and 3rd attempts. */
export const DEFAULT_RETRY_DELAYS_MS = [60_000, 300_000];

/** Options of {@linkcode createScheduleRunner}. */
export interface ScheduleRunnerOptions {
  store: Store;
  /** Where reports are read from. */
  data: DataClient;
  /** Sends the emails; null: every run goes to the owner's in-app inbox. */
  mailer: Mailer | null;
  /** The app's URL for the link in emails (`APP_URL`), or null. */
  appUrl?: string | null;
  /** The clock of attempts and of manual runs (default: real time). */
  clock?: () => Date;
  /** Attempts per run (default 3). */
  maxAttempts?: number;
  /** Wait before attempt n+1 is `retryDelaysMs[n-1]` (the last repeats; default 1 and 5 min). */
  retryDelaysMs?: number[];
  /** Deadline of making the report files, per attempt (default 5 min). */
  reportTimeoutMs?: number;
  log?: (message: string, error?: unknown) => void;
}

/** The outcome of one tick. */
export interface TickResult {
  /** Runs this instance claimed and enqueued. */
  claimed: ScheduleRun[];
  /** Due schedules another instance (or an earlier tick) had already claimed. */
  skipped: number;
}

/** Claims and delivers scheduled reports. */
export interface ScheduleRunner {
  /** Claims every run due at `now` and enqueues it (default: the clock's now). */
  tick(now?: Date): Promise<TickResult>;
  /** Delivers one attempt of a run (the queue handler). */
  deliver(message: ScheduleRunMessage): Promise<ScheduleRun | null>;
  /** Records a manual run of schedule `id` and enqueues it; null when there is none. */
  runNow(id: string, owner?: string): Promise<ScheduleRun | null>;
  /**
   * Starts the minute tick (where `Deno.cron` exists) and the queue listener. The
   * listener ends when the store closes.
   */
  start(): void;
  /** Stops the tick; later queue messages are left for another instance. */
  close(): Promise<void>;
}

/** A run record waiting for its first attempt. */
function newRun(s: ScheduleRecord, dueAt: Date, trigger: ScheduleRun["trigger"], now: Date) {
  return {
    id: newId("sr"),
    schedule_id: s.id,
    owner: s.owner,
    due_at: dueAt.toISOString(),
    trigger,
    status: "queued",
    attempts: [],
    created_at: now.toISOString(),
    finished_at: null,
  } satisfies ScheduleRun;
}

/**
 * Records a manual run of schedule `id` (when `owner` owns it, if given) and enqueues it
 * for the queue listener; null when there is no such schedule. The schedule's
 * `next_run_at` does not move.
 */
export async function queueRunNow(
  store: Store,
  opts: { id: string; owner?: string; now: Date },
): Promise<ScheduleRun | null> {
  const s = await store.getSchedule(opts.id, opts.owner);
  if (!s) return null;
  const run = newRun(s, opts.now, "manual", opts.now);
  return await store.queueManualRun(run) ? run : null;
}

/** The files and the words of one delivery. */
interface MadeReport {
  meta: ReportMeta;
  attachments: MailAttachment[];
  headline: { label: string; text: string }[];
  period: string;
}

async function collect(
  write: (sink: WritableStream<Uint8Array>) => Promise<unknown>,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await write(new WritableStream({ write: (c) => void chunks.push(c) }));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, o), o += c.length;
  return out;
}

/**
 * Makes a schedule's report for the run due at `dueAt`: relative periods ("last week")
 * are read against `dueAt` in the schedule's zone, so a retry makes the same report.
 */
export async function makeScheduledReport(
  s: ScheduleRecord,
  opts: { data: DataClient; dueAt: Date; generatedAt: Date; signal?: AbortSignal },
): Promise<MadeReport> {
  const ctx = { client: opts.data, tz: s.tz, now: opts.dueAt, signal: opts.signal };
  const compiled = await requireReport(s.report.name).compile(s.report.params, ctx);
  const result = await runCompiled(compiled, ctx, { previewRows: 0 });
  const meta = reportMetaFromCompiled(compiled, {
    owner: s.owner,
    rows: result.total_rows,
    params: s.report.params,
    tz: s.tz,
    createdAt: opts.generatedAt,
  });
  const cover = reportCover({
    title: meta.title,
    columns: meta.columns,
    filters: meta.filters,
    name: meta.name,
    periodLabel: meta.period_label,
    asOf: compiled.asOf,
    summary: result.summary,
  }, { rows: result.total_rows, totals: new Map(), tz: s.tz, generatedAt: opts.generatedAt });
  const attachments: MailAttachment[] = [];
  const fileOpts = { signal: opts.signal, generatedAt: opts.generatedAt };
  if (s.format === "xlsx" || s.format === "both") {
    attachments.push({
      filename: meta.file_name,
      contentType: XLSX_TYPE,
      content: await collect((sink) => exportReport(meta, opts.data, sink, fileOpts)),
    });
  }
  if (s.format === "pdf" || s.format === "both") {
    attachments.push({
      filename: pdfFileName(meta),
      contentType: PDF_TYPE,
      content: await collect((sink) => exportReportPdf(meta, opts.data, sink, fileOpts)),
    });
  }
  return {
    meta,
    attachments,
    headline: cover.headline.map((h) => ({ label: h.label, text: h.text })),
    period: cover.period,
  };
}

function reasonOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.charAt(0).toUpperCase() + m.slice(1);
}

let cronAbort: AbortController | null = null;
const ticking = new Set<ScheduleRunner>();

/** One `Deno.cron` per process ticks every started runner (names must be unique). */
function registerCron(runner: ScheduleRunner, log: (m: string, e?: unknown) => void): boolean {
  const cron = (Deno as { cron?: typeof Deno.cron }).cron;
  if (typeof cron !== "function") return false;
  ticking.add(runner);
  if (!cronAbort) {
    cronAbort = new AbortController();
    cron("schedules", "* * * * *", { signal: cronAbort.signal }, async () => {
      await Promise.all(
        [...ticking].map((r) =>
          r.tick().catch((e) => log("Scheduled reports: the tick failed", e))
        ),
      );
    });
  }
  return true;
}

function unregisterCron(runner: ScheduleRunner): void {
  if (!ticking.delete(runner) || ticking.size > 0) return;
  cronAbort?.abort();
  cronAbort = null;
}

/** Builds the runner of scheduled reports (see the module). */
export function createScheduleRunner(opts: ScheduleRunnerOptions): ScheduleRunner {
  const store = opts.store;
  const clock = opts.clock ?? (() => new Date());
  const log = opts.log ?? ((m: string, e?: unknown) => console.error(m, e ?? ""));
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const delays = opts.retryDelaysMs?.length ? opts.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
  const reportTimeoutMs = opts.reportTimeoutMs ?? 300_000;
  let closed = false;
  let listening = false;

  async function send(s: ScheduleRecord, run: ScheduleRun, made: MadeReport) {
    const generatedAt = clock();
    if (!opts.mailer || s.recipients.length === 0) {
      await store.saveReport(made.meta);
      const item: InboxItem = {
        id: newId("i"),
        owner: s.owner,
        schedule_id: s.id,
        run_id: run.id,
        title: s.title,
        period_label: made.meta.period_label,
        report_id: made.meta.id,
        format: s.format,
        headline: made.headline.map((h) => `${h.label}: ${h.text}`),
        created_at: generatedAt.toISOString(),
      };
      await store.addInboxItem(item);
      await notifyReportReady(store, {
        owner: s.owner,
        scheduleId: s.id,
        title: s.title,
        periodLabel: made.meta.period_label,
        reportId: made.meta.id,
        inboxItemId: item.id,
        emailedTo: [],
        at: generatedAt,
      }, log);
      return { status: "inbox" as const, to: ["inbox"] };
    }
    const email = reportEmail({
      title: s.title,
      period: made.period,
      headline: made.headline,
      rows: made.meta.rows,
      recurrence: describeRecurrence(s.recurrence, s.tz),
      link: opts.appUrl ?? null,
      files: made.attachments.map((a) => a.filename),
    });
    await opts.mailer.send({ to: s.recipients, ...email, attachments: made.attachments });
    await notifyReportReady(store, {
      owner: s.owner,
      scheduleId: s.id,
      title: s.title,
      periodLabel: made.meta.period_label,
      reportId: null,
      inboxItemId: null,
      emailedTo: s.recipients,
      at: generatedAt,
    }, log);
    return { status: "sent" as const, to: s.recipients };
  }

  const runner: ScheduleRunner = {
    async tick(now = clock()) {
      const claimed: ScheduleRun[] = [];
      let skipped = 0;
      for (const s of await store.listDueSchedules(now)) {
        const due = new Date(s.next_run_at!);
        let next: Date;
        try {
          // A run missed while no instance was up happens once; the next is in the future.
          next = nextRunAt(s.recurrence, due > now ? due : now, s.tz);
        } catch (e) {
          log(`Scheduled reports: cannot compute the next run of ${s.id}`, e);
          continue;
        }
        const run = newRun(s, due, "schedule", clock());
        const ok = await store.claimScheduledRun({
          id: s.id,
          dueAt: s.next_run_at!,
          nextRunAt: next.toISOString(),
          run,
        });
        if (ok) claimed.push(run);
        else skipped++;
      }
      return { claimed, skipped };
    },

    async deliver(message) {
      if (closed) throw new Error("The schedule runner is closing: the message is left for later");
      const started = await store.startRunAttempt({
        scheduleId: message.schedule_id,
        runId: message.run_id,
        attempt: message.attempt,
        at: clock(),
      });
      if (!started) return null;
      const finish = (
        status: "sent" | "inbox" | "failed",
        extra: { reason?: string; deliveredTo?: string[]; periodLabel?: string | null } = {},
        retry = false,
      ) =>
        store.finishRunAttempt({
          scheduleId: message.schedule_id,
          runId: message.run_id,
          attempt: message.attempt,
          at: clock(),
          status,
          ...extra,
          retryDelayMs: retry
            ? delays[Math.min(message.attempt - 1, delays.length - 1)]
            : undefined,
        });
      const s = await store.getSchedule(message.schedule_id);
      if (!s) return await finish("failed", { reason: "The schedule was deleted before it ran" });
      let periodLabel: string | null | undefined;
      try {
        const made = await makeScheduledReport(s, {
          data: opts.data,
          dueAt: new Date(started.due_at),
          generatedAt: clock(),
          signal: AbortSignal.timeout(reportTimeoutMs),
        });
        periodLabel = made.meta.period_label;
        const out = await send(s, started, made);
        return await finish(out.status, { deliveredTo: out.to, periodLabel });
      } catch (e) {
        const permanent = e instanceof ReportParamError;
        const retry = !permanent && message.attempt < maxAttempts;
        log(`Scheduled reports: attempt ${message.attempt} of run ${started.id} failed`, e);
        return await finish("failed", { reason: reasonOf(e), periodLabel }, retry);
      }
    },

    runNow(id, owner) {
      return queueRunNow(store, { id, owner, now: clock() });
    },

    start() {
      if (closed) throw new Error("Cannot start a closed schedule runner");
      registerCron(runner, log);
      if (!listening) {
        listening = true;
        store.listenScheduleRuns(async (m) => {
          await runner.deliver(m);
        }).catch((e) => log("Scheduled reports: the queue listener stopped", e));
      }
    },

    close() {
      closed = true;
      unregisterCron(runner);
      opts.mailer?.close();
      return Promise.resolve();
    },
  };
  return runner;
}

/**
 * The app's runner from its configuration, started: SMTP when `SMTP_URL` is set (else
 * the inbox), the minute tick where `Deno.cron` exists, and the queue listener.
 */
export function startScheduleRunner(opts: {
  config: Pick<Config, "mail" | "appUrl">;
  store: Store;
  data: DataClient;
  log?: (message: string, error?: unknown) => void;
}): ScheduleRunner {
  const mail = opts.config.mail;
  const runner = createScheduleRunner({
    store: opts.store,
    data: opts.data,
    mailer: mail?.smtpUrl
      ? smtpMailer({ url: mail.smtpUrl, from: mail.from, timeoutMs: mail.timeoutMs })
      : null,
    appUrl: opts.config.appUrl ?? null,
    log: opts.log,
  });
  runner.start();
  return runner;
}
