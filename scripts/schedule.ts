/**
 * `deno task schedule list [--kv PATH]`: every scheduled report (id, owner, report,
 * recurrence, recipients, next run).
 * `deno task schedule run-now ID [--kv PATH]`: runs schedule ID now, in this process,
 * exactly as the queue listener would (email when `SMTP_URL` is set, else the owner's
 * inbox), and prints the delivery log entry. The KV is the app's (`KV_PATH`/`KV_URL`) or
 * the file given by `--kv`; the data source is the app's configuration.
 */
import { parseArgs } from "node:util";
import { openDataClient } from "../lib/agent/data_source.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { type Store, storeOver } from "../lib/kv.ts";
import { openConfiguredKv } from "../lib/kv_connect.ts";
import { describeRecurrence } from "../lib/schedules/recurrence.ts";
import { queueRunNow, type ScheduleRunner } from "../lib/schedules/runner.ts";
import { createScheduleRunner } from "../lib/schedules/runner.ts";
import { smtpMailer } from "../lib/schedules/mailer.ts";
import type { ScheduleRun } from "../lib/schedules/types.ts";

const USAGE = "Usage: deno task schedule list [--kv PATH]\n" +
  "       deno task schedule run-now ID [--kv PATH]";

/** The schedules as lines of text, one per schedule. */
export async function scheduleLines(store: Store): Promise<string[]> {
  const users = new Map((await store.listUsers()).map((u) => [u.id, u.username]));
  return (await store.listAllSchedules()).map((s) =>
    [
      s.id,
      users.get(s.owner) ?? s.owner,
      `${s.report.name} ${JSON.stringify(s.report.params)}`,
      s.format,
      describeRecurrence(s.recurrence, s.tz),
      s.recipients.length ? s.recipients.join(",") : "inbox",
      s.paused ? "paused" : `next ${s.next_run_at}`,
    ].join("\t")
  );
}

/**
 * Runs schedule `id` now with `runner` and waits for its first attempt to end (another
 * instance's queue listener may take the message first). Null when there is no schedule.
 */
export async function runScheduleNow(
  store: Store,
  runner: ScheduleRunner,
  opts: { id: string; now: Date; waitMs?: number },
): Promise<ScheduleRun | null> {
  const run = await queueRunNow(store, { id: opts.id, now: opts.now });
  if (!run) return null;
  const mine = await runner.deliver({
    kind: "schedule_run",
    schedule_id: run.schedule_id,
    run_id: run.id,
    attempt: 1,
  });
  if (mine) return mine;
  const end = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    const cur = await store.getScheduleRun(run.schedule_id, run.id);
    if (!cur || cur.attempts[0]?.status !== "sending" || Date.now() > end) return cur;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function fail(message: string, code = 2): never {
  console.error(message);
  Deno.exit(code);
}

async function main(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { kv: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    fail(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  }
  const [command, id, ...rest] = parsed.positionals;
  if (parsed.values.help) return console.log(USAGE);
  if (!command || rest.length || !["list", "run-now"].includes(command)) fail(USAGE);
  if (command === "run-now" && !id) fail(`run-now needs a schedule id\n${USAGE}`);
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const kv = parsed.values.kv ? { kind: "path" as const, path: parsed.values.kv } : config.kv;
  const store = storeOver(await openConfiguredKv({ kv }));
  try {
    if (command === "list") {
      const lines = await scheduleLines(store);
      console.log(lines.length ? lines.join("\n") : "No schedules.");
      return;
    }
    const now = new Date();
    const data = await openDataClient(config, { tz: config.tz, now });
    const mail = config.mail;
    const runner = createScheduleRunner({
      store,
      data,
      mailer: mail?.smtpUrl
        ? smtpMailer({ url: mail.smtpUrl, from: mail.from, timeoutMs: mail.timeoutMs })
        : null,
      appUrl: config.appUrl ?? null,
      log: () => {},
    });
    try {
      const run = await runScheduleNow(store, runner, { id: id!, now });
      if (!run) fail(`No schedule "${id}" (deno task schedule list shows them)`, 1);
      const last = run.attempts[run.attempts.length - 1];
      console.log(
        `Run ${run.id} of ${run.schedule_id}: ${run.status}` +
          (run.delivered_to ? ` → ${run.delivered_to.join(", ")}` : "") +
          (last?.reason ? `\n${last.reason}` : "") +
          (run.status === "retrying" ? "\nThe app's queue listener retries it." : ""),
      );
      if (run.status === "failed" || run.status === "retrying") Deno.exitCode = 1;
    } finally {
      await runner.close();
      await data.close();
    }
  } finally {
    store.close();
  }
}

if (import.meta.main) await main(Deno.args);
