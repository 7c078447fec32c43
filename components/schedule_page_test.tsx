import assert from "node:assert/strict";
import { render } from "preact-render-to-string";
import Schedules from "../islands/Schedules.tsx";
import type { CatalogEntryInfo } from "../lib/agent/pickers.ts";
import type { InboxView, ScheduleView } from "./schedule_list.tsx";
import { initialFormValues, scheduleBody } from "./schedule_form.tsx";

const catalog: CatalogEntryInfo[] = [{
  name: "agent_performance",
  title: "Agent performance",
  description: "Per agent: calls handled.",
  kind: "aggregate",
  params: ["period", "agent", "queue"],
  required: [],
  group_by: [],
}];

const schedule: ScheduleView = {
  id: "s_1",
  title: "<b>Monday</b> review",
  report: { name: "agent_performance", params: { period: "this month", agent: ["Asha"] } },
  format: "both",
  recipients: ["sup@example.com"],
  recurrence: { kind: "weekly", weekdays: [1, 4], time: "09:00" },
  tz: "Asia/Kolkata",
  paused: false,
  next_run_at: "2026-11-26T03:30:00.000Z",
  last_run_at: null,
  created_at: "2026-11-24T09:00:00.000Z",
  updated_at: "2026-11-24T09:00:00.000Z",
};

const item: InboxView = {
  id: "i_1",
  title: "<script>x</script>",
  period_label: "last week",
  format: "xlsx",
  headline: ["Agents: 16"],
  schedule_id: "s_1",
  created_at: "2026-11-24T09:00:00.000Z",
  downloads: { xlsx: "/api/inbox/i_1?format=xlsx" },
};

Deno.test("Schedules renders the list, the form and the inbox, data escaped, no inline styles", () => {
  const html = render(
    <Schedules
      username="demo"
      isAdmin={false}
      timeZone="Asia/Kolkata"
      catalog={catalog}
      schedules={[schedule]}
      lastRuns={{ s_1: null }}
      inbox={[item]}
    />,
  );
  assert.match(html, /&lt;b>Monday&lt;\/b> review/);
  assert.match(html, /&lt;script>x&lt;\/script>/);
  assert.doesNotMatch(html, /<script>/);
  assert.match(html, /every Monday and Thursday at 09:00 \(Asia\/Kolkata\)/);
  assert.match(html, /Thu 26 Nov 2026, 09:00 IST \(Asia\/Kolkata\)/);
  assert.match(html, /Agent performance · this month so far/);
  assert.match(html, /agent: Asha/);
  assert.match(html, /Excel and PDF/);
  assert.match(html, /<label class="sched-label" for="sched-recipients">Recipients<\/label>/);
  assert.match(html, /href="\/api\/inbox\/i_1\?format=xlsx"/);
  assert.doesNotMatch(html, /style=/, "no inline styles (CSP)");
});

Deno.test("Schedules with none explains them and mentions asking in chat", () => {
  const html = render(
    <Schedules
      username="demo"
      isAdmin={false}
      timeZone="Asia/Kolkata"
      catalog={catalog}
      schedules={[]}
      lastRuns={{}}
      inbox={[]}
    />,
  );
  assert.match(html, /Email me the agent performance report every Monday at 9/);
});

Deno.test("scheduleBody: the API body of the form's values", () => {
  const v = {
    ...initialFormValues(catalog),
    params: { period: "last month", agent: "Asha", group_by: "queue" },
    recipients: " a@example.com, b@example.com ,",
    kind: "monthly" as const,
    day: "31",
    time: "07:30",
    title: "  Month end ",
  };
  assert.deepEqual(scheduleBody(v, catalog), {
    report: { name: "agent_performance", params: { period: "last month", agent: "Asha" } },
    format: "xlsx",
    recipients: ["a@example.com", "b@example.com"],
    recurrence: { kind: "monthly", day: 31, time: "07:30" },
    title: "Month end",
  });
});
