import assert from "node:assert/strict";
import { testApp, TestClient } from "../../testing/web_app.ts";
import type { InboxItem } from "../schedules/types.ts";

const ENV = { MAIL_ALLOWED_DOMAINS: "example.com", BUSINESS_TZ: "America/New_York" };

/** Agent performance of last week, Mondays at 09:00. */
const BODY = {
  report: { name: "agent_performance", params: { period: "last week" } },
  format: "xlsx",
  recipients: ["Sup@Example.com"],
  recurrence: { kind: "weekly", weekdays: ["monday"], time: "09:00" },
};

Deno.test("schedules API: create, list, get, pause, resume, delete (the test clock is Tue 1 Jan 2030)", async () => {
  const t = await testApp({ env: ENV });
  try {
    const c = await new TestClient(t.app).login("alice");
    const made = await c.json("POST", "/api/schedules", BODY);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const s = made.body;
    assert.match(s.id, /^s_/);
    assert.equal(s.title, "Agent performance");
    assert.deepEqual(s.recipients, ["sup@example.com"]);
    assert.deepEqual(s.recurrence, { kind: "weekly", weekdays: [1], time: "09:00" });
    assert.equal(s.tz, "America/New_York");
    // Monday 7 Jan 2030, 09:00 EST.
    assert.equal(s.next_run_at, "2030-01-07T14:00:00.000Z");
    const list = await c.json("GET", "/api/schedules");
    assert.deepEqual(list.body.schedules.map((x: { id: string }) => x.id), [s.id]);
    assert.equal((await c.json("GET", `/api/schedules/${s.id}`)).body.id, s.id);
    const paused = await c.json("PATCH", `/api/schedules/${s.id}`, { paused: true });
    assert.equal(paused.status, 200);
    assert.equal(paused.body.paused, true);
    assert.equal(paused.body.next_run_at, null);
    t.clock.advance(7 * 86_400_000); // 8 Jan 2030 00:00 UTC = Mon 7 Jan 19:00 in New York (the session has expired)
    await c.login("alice");
    const resumed = await c.json("PATCH", `/api/schedules/${s.id}`, { paused: false });
    assert.equal(resumed.body.next_run_at, "2030-01-14T14:00:00.000Z");
    const moved = await c.json("PATCH", `/api/schedules/${s.id}`, {
      recurrence: { kind: "daily", time: "07:30" },
    });
    assert.equal(moved.body.next_run_at, "2030-01-08T12:30:00.000Z"); // Tue 07:30 EST
    const del = await c.request("DELETE", `/api/schedules/${s.id}`);
    assert.equal(del.status, 204);
    assert.equal((await c.json("GET", `/api/schedules/${s.id}`)).status, 404);
    assert.deepEqual((await c.json("GET", "/api/schedules")).body.schedules, []);
  } finally {
    await t.close();
  }
});

Deno.test("schedules API: another user's schedule is a 404 everywhere", async () => {
  const t = await testApp({ env: ENV });
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const id = (await alice.json("POST", "/api/schedules", BODY)).body.id;
    for (
      const [method, path, body] of [
        ["GET", `/api/schedules/${id}`],
        ["PATCH", `/api/schedules/${id}`, { paused: true }],
        ["DELETE", `/api/schedules/${id}`],
        ["GET", `/api/schedules/${id}/runs`],
        ["POST", `/api/schedules/${id}/run`],
      ] as [string, string, unknown?][]
    ) {
      const r = await bob.json(method, path, body);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.error.message, "Schedule not found");
    }
    assert.deepEqual((await bob.json("GET", "/api/schedules")).body.schedules, []);
    const still = (await t.store.getSchedule(id))!;
    assert.equal(still.paused, false);
    assert.deepEqual(await t.store.listScheduleRuns(id), []);
    assert.equal((await new TestClient(t.app).json("GET", "/api/schedules")).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("schedules API: validation and the recipient allow-list answer 400 with a readable message", async () => {
  const t = await testApp({ env: ENV });
  try {
    const c = await new TestClient(t.app).login("alice");
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { ...BODY, recipients: ["boss@evil.test"] },
        /"boss@evil\.test": its domain is not allowed \(allowed: example\.com\)/,
      ],
      [{ ...BODY, recipients: ["not-an-address"] }, /"not-an-address" is not an email address/],
      [{ ...BODY, report: { name: "nope", params: {} } }, /Unknown report "nope"/],
      [
        { ...BODY, report: { name: "agent_performance", params: { period: "someday" } } },
        /Cannot read the period "someday"/,
      ],
      [
        { ...BODY, report: { name: "agent_performance", params: { colour: "red" } } },
        /does not take "colour"/,
      ],
      [
        { ...BODY, report: { name: "call_breakdown", params: {} } },
        /needs the parameter "group_by"/,
      ],
      [{ ...BODY, format: "docx" }, /Unknown format "docx": use xlsx, pdf, both/],
      [
        { ...BODY, recurrence: { kind: "weekly", weekdays: [1], time: "9am" } },
        /Cannot read the time "9am"/,
      ],
      [{ ...BODY, recurrence: undefined }, /The schedule needs "recurrence"/],
      [{ ...BODY, when: "now" }, /Unknown field "when"/],
    ];
    for (const [body, re] of cases) {
      const r = await c.json("POST", "/api/schedules", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, "invalid_schedule");
      assert.match(r.body.error.message, re);
    }
    const id = (await c.json("POST", "/api/schedules", BODY)).body.id;
    const bad = await c.json("PATCH", `/api/schedules/${id}`, { recipients: ["x@other.org"] });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /x@other\.org/);
    assert.deepEqual((await t.store.getSchedule(id))!.recipients, ["sup@example.com"]);
  } finally {
    await t.close();
  }
});

Deno.test("schedules API: no allowed domains → email recipients refused, inbox-only schedules accepted", async () => {
  const t = await testApp({ env: { BUSINESS_TZ: "UTC" } });
  try {
    const c = await new TestClient(t.app).login("alice");
    const r = await c.json("POST", "/api/schedules", BODY);
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /no recipient domains are allowed/);
    const ok = await c.json("POST", "/api/schedules", { ...BODY, recipients: [] });
    assert.equal(ok.status, 201);
  } finally {
    await t.close();
  }
});

Deno.test("schedules API: run now queues a manual run shown in the delivery log", async () => {
  const t = await testApp({ env: ENV });
  try {
    const c = await new TestClient(t.app).login("alice");
    const s = (await c.json("POST", "/api/schedules", BODY)).body;
    const r = await c.json("POST", `/api/schedules/${s.id}/run`);
    assert.equal(r.status, 202);
    assert.equal(r.body.status, "queued");
    const runs = await c.json("GET", `/api/schedules/${s.id}/runs`);
    assert.equal(runs.status, 200);
    assert.equal(runs.body.runs.length, 1);
    assert.equal(runs.body.runs[0].id, r.body.run_id);
    assert.equal(runs.body.runs[0].trigger, "manual");
    assert.equal(runs.body.runs[0].due_at, "2030-01-01T00:00:00.000Z");
    assert.equal(runs.body.runs[0].owner, undefined);
    // The next scheduled run does not move.
    assert.equal((await t.store.getSchedule(s.id))!.next_run_at, s.next_run_at);
  } finally {
    await t.close();
  }
});

Deno.test("inbox API: lists the user's items and redirects downloads to the saved report", async () => {
  const t = await testApp({ env: ENV });
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const owner = (await t.store.getUserByName("alice"))!.id;
    const item: InboxItem = {
      id: "i_1",
      owner,
      schedule_id: "s_1",
      run_id: "sr_1",
      title: "Agent performance",
      period_label: "last week (24–30 Dec 2029)",
      report_id: "r_1",
      format: "xlsx",
      headline: ["Agents: 2"],
      created_at: "2030-01-01T00:00:00.000Z",
    };
    await t.store.addInboxItem(item);
    const list = await alice.json("GET", "/api/inbox");
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    assert.deepEqual(list.body.items[0].downloads, { xlsx: "/api/inbox/i_1?format=xlsx" });
    const dl = await alice.request("GET", "/api/inbox/i_1?format=xlsx");
    assert.equal(dl.status, 303);
    assert.equal(dl.headers.get("location"), "/api/reports/r_1");
    const pdf = await alice.json("GET", "/api/inbox/i_1?format=pdf");
    assert.equal(pdf.status, 404);
    assert.match(pdf.body.error.message, /delivered as xlsx only/);
    assert.deepEqual((await bob.json("GET", "/api/inbox")).body.items, []);
    assert.equal((await bob.json("GET", "/api/inbox/i_1")).status, 404);
  } finally {
    await t.close();
  }
});
