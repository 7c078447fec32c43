import assert from "node:assert/strict";
import { openStore } from "../kv.ts";
import { newSchedule } from "./input.ts";
import type { ScheduleRun } from "./types.ts";

const NOW = new Date("2026-11-24T08:00:00Z");

function run(scheduleId: string, id: string, dueAt: string): ScheduleRun {
  return {
    id,
    schedule_id: scheduleId,
    owner: "u_a",
    due_at: dueAt,
    trigger: "schedule",
    status: "queued",
    attempts: [],
    created_at: dueAt,
    finished_at: null,
  };
}

Deno.test("schedules store: due index, one claim per due instant, pause hides it, delete cleans up", async () => {
  const store = await openStore(":memory:");
  try {
    const s = newSchedule({
      report: { name: "call_count", params: { period: "yesterday" } },
      format: "xlsx",
      recurrence: { kind: "daily", time: "09:00" },
    }, { owner: "u_a", tz: "UTC", now: NOW });
    assert.equal(s.next_run_at, "2026-11-24T09:00:00.000Z");
    await store.saveSchedule(s);
    assert.deepEqual(await store.listDueSchedules(new Date("2026-11-24T08:59:59Z")), []);
    const due = new Date("2026-11-24T09:00:00Z");
    assert.deepEqual((await store.listDueSchedules(due)).map((x) => x.id), [s.id]);
    const claims = await Promise.all(["sr_1", "sr_2", "sr_3"].map((id) =>
      store.claimScheduledRun({
        id: s.id,
        dueAt: s.next_run_at!,
        nextRunAt: "2026-11-25T09:00:00.000Z",
        run: run(s.id, id, s.next_run_at!),
      })
    ));
    assert.deepEqual(claims.filter(Boolean).length, 1);
    assert.equal((await store.listScheduleRuns(s.id)).length, 1);
    assert.deepEqual(await store.listDueSchedules(due), []);
    assert.equal((await store.getSchedule(s.id))!.next_run_at, "2026-11-25T09:00:00.000Z");
    // The same due instant cannot be claimed again even if next_run_at were set back.
    await store.saveSchedule({ ...s, next_run_at: s.next_run_at });
    assert.equal(
      await store.claimScheduledRun({
        id: s.id,
        dueAt: s.next_run_at!,
        nextRunAt: "2026-11-25T09:00:00.000Z",
        run: run(s.id, "sr_4", s.next_run_at!),
      }),
      false,
    );
    await store.saveSchedule({ ...s, paused: true, next_run_at: null });
    assert.deepEqual(await store.listDueSchedules(new Date("2030-01-01T00:00:00Z")), []);
    assert.equal(await store.getSchedule(s.id, "u_other"), null);
    assert.equal(await store.deleteSchedule("u_other", s.id), false);
    assert.equal(await store.deleteSchedule("u_a", s.id), true);
    assert.equal(await store.getSchedule(s.id), null);
    assert.deepEqual(await store.listSchedules("u_a"), []);
    assert.deepEqual(await store.listScheduleRuns(s.id), []);
  } finally {
    store.close();
  }
});

Deno.test("schedules store: an attempt starts once; a failure with a delay leaves the run retrying", async () => {
  const store = await openStore(":memory:");
  try {
    const s = newSchedule({
      report: { name: "call_count", params: {} },
      format: "xlsx",
      recurrence: { kind: "daily", time: "09:00" },
    }, { owner: "u_a", tz: "UTC", now: NOW });
    await store.saveSchedule(s);
    assert.ok(await store.queueManualRun(run(s.id, "sr_m", NOW.toISOString())));
    const key = { scheduleId: s.id, runId: "sr_m" };
    assert.ok(await store.startRunAttempt({ ...key, attempt: 1, at: NOW }));
    assert.equal(await store.startRunAttempt({ ...key, attempt: 1, at: NOW }), null);
    const failed = await store.finishRunAttempt({
      ...key,
      attempt: 1,
      at: NOW,
      status: "failed",
      reason: "Cannot send the email: 552 Mailbox full",
      retryDelayMs: 60_000,
    });
    assert.equal(failed?.status, "retrying");
    assert.equal(failed?.finished_at, null);
    assert.ok(await store.startRunAttempt({ ...key, attempt: 2, at: NOW }));
    const sent = await store.finishRunAttempt({ ...key, attempt: 2, at: NOW, status: "sent" });
    assert.equal(sent?.status, "sent");
    assert.deepEqual(sent?.attempts.map((a) => [a.n, a.status]), [[1, "failed"], [2, "sent"]]);
    assert.equal(await store.startRunAttempt({ ...key, attempt: 3, at: NOW }), null);
  } finally {
    store.close();
  }
});
