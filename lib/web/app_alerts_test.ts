import assert from "node:assert/strict";
import { testApp, TestClient } from "../../testing/web_app.ts";
import { createAlertEvaluator } from "../alerts/evaluate.ts";
import { call, callsClient, sseReader } from "../alerts/testing.ts";

const ENV = { MAIL_ALLOWED_DOMAINS: "example.com", ALERT_WEBHOOK_ALLOW_PRIVATE: "true" };

const BODY = {
  metric: "missed_calls",
  comparison: "above",
  threshold: 2,
  window: "last 30 minutes",
  filters: { queue: "support" },
  channels: { in_app: true, email: ["Sup@Example.com"], webhook: "http://127.0.0.1:9/hook" },
};

Deno.test("alerts API: create (secret shown once), list, get, disable, firings, delete", async () => {
  const t = await testApp({ env: ENV });
  try {
    const c = await new TestClient(t.app).login("alice");
    const made = await c.json("POST", "/api/alerts", BODY);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const a = made.body;
    assert.match(a.id, /^al_/);
    assert.match(a.webhook_secret, /^[0-9a-f]{64}$/);
    assert.equal(a.name, "Missed calls above 2 (last 30 minutes, queue: support)");
    assert.deepEqual(a.channels.email, ["sup@example.com"]);
    assert.equal(a.enabled, true);
    assert.equal(a.state, "ok");
    const list = await c.json("GET", "/api/alerts");
    assert.deepEqual(list.body.alerts.map((x: { id: string }) => x.id), [a.id]);
    assert.equal(list.body.alerts[0].webhook_secret, undefined);
    const got = await c.json("GET", `/api/alerts/${a.id}`);
    assert.equal(got.body.webhook_secret, undefined);
    const off = await c.json("PATCH", `/api/alerts/${a.id}`, { enabled: false, threshold: 5 });
    assert.equal(off.status, 200);
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.name, "Missed calls above 5 (last 30 minutes, queue: support)");
    assert.equal(off.body.webhook_secret, undefined);
    const rotated = await c.json("PATCH", `/api/alerts/${a.id}`, { rotate_secret: true });
    assert.match(rotated.body.webhook_secret, /^[0-9a-f]{64}$/);
    assert.notEqual(rotated.body.webhook_secret, a.webhook_secret);
    assert.deepEqual((await c.json("GET", `/api/alerts/${a.id}/firings`)).body.firings, []);
    assert.equal((await c.request("DELETE", `/api/alerts/${a.id}`)).status, 204);
    assert.equal((await c.json("GET", `/api/alerts/${a.id}`)).status, 404);
    assert.equal((await new TestClient(t.app).json("GET", "/api/alerts")).status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("alerts API: another user's rule is a 404 everywhere", async () => {
  const t = await testApp({ env: ENV });
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const id = (await alice.json("POST", "/api/alerts", BODY)).body.id;
    for (
      const [method, path, body] of [
        ["GET", `/api/alerts/${id}`],
        ["PATCH", `/api/alerts/${id}`, { enabled: false }],
        ["DELETE", `/api/alerts/${id}`],
        ["GET", `/api/alerts/${id}/firings`],
      ] as [string, string, unknown?][]
    ) {
      const r = await bob.json(method, path, body);
      assert.equal(r.status, 404, `${method} ${path}`);
      assert.equal(r.body.error.message, "Alert not found");
    }
    assert.deepEqual((await bob.json("GET", "/api/alerts")).body.alerts, []);
    assert.equal((await t.store.getAlert(id))!.enabled, true);
  } finally {
    await t.close();
  }
});

Deno.test("alerts API: validation answers 400 with a readable message", async () => {
  const t = await testApp({ env: ENV });
  const strict = await testApp({ env: { MAIL_ALLOWED_DOMAINS: "example.com" } });
  try {
    const c = await new TestClient(t.app).login("alice");
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...BODY, metric: "happiness" }, /Unknown metric "happiness": use one of abandonment_rate/],
      [{ ...BODY, threshold: "lots" }, /The threshold must be a number, got "lots"/],
      [{ ...BODY, comparison: "near" }, /Unknown comparison "near": use above or below/],
      [{ ...BODY, window: "forever" }, /Cannot read the window "forever"/],
      [{ ...BODY, filters: { period: "today" } }, /cannot be filtered by "period"/],
      [{ ...BODY, filters: { direction: "sideways" } }, /sideways/],
      [
        { ...BODY, channels: { webhook: "ftp://hooks.example.com/x" } },
        /The webhook must be an http\(s\) URL/,
      ],
      [{ ...BODY, channels: { webhook: "not a url" } }, /The webhook must be an http\(s\) URL/],
      [
        { ...BODY, channels: { email: ["boss@evil.test"] } },
        /Cannot email alerts to "boss@evil\.test": its domain is not allowed/,
      ],
      [{ ...BODY, channels: { in_app: false } }, /at least one channel/],
      [{ ...BODY, metric: undefined }, /The alert needs "metric"/],
      [{ ...BODY, metric: "abandonment_rate", threshold: 150 }, /percentage from 0 to 100/],
      [{ ...BODY, colour: "red" }, /Unknown field "colour"/],
    ];
    for (const [body, re] of cases) {
      const r = await c.json("POST", "/api/alerts", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, "invalid_alert");
      assert.match(r.body.error.message, re);
    }
    // Without ALERT_WEBHOOK_ALLOW_PRIVATE, loopback and private hosts are refused.
    const s = await new TestClient(strict.app).login("alice");
    for (
      const url of [
        "http://127.0.0.1:8080/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://[::1]/x",
        "http://169.254.169.254/latest",
        "http://192.168.0.10/x",
      ]
    ) {
      const r = await s.json("POST", "/api/alerts", { ...BODY, channels: { webhook: url } });
      assert.equal(r.status, 400, url);
      assert.match(r.body.error.message, /loopback or private address/);
    }
    const ok = await s.json("POST", "/api/alerts", {
      ...BODY,
      channels: { webhook: "https://hooks.example.com/alerts" },
    });
    assert.equal(ok.status, 201);
    assert.equal(
      (await s.json("PATCH", `/api/alerts/${ok.body.id}`, { threshold: "x" })).status,
      400,
    );
  } finally {
    await t.close();
    await strict.close();
  }
});

Deno.test("notifications: an alert firing arrives live on the user's SSE stream; list and mark read", async () => {
  const t = await testApp({ env: ENV });
  const T = new Date("2030-01-01T10:00:00Z");
  const at = (m: number) => new Date(T.getTime() + m * 60_000);
  const data = await callsClient([5, 10, 15].map((m) => call(at(m))));
  const ev = createAlertEvaluator({ store: t.store, data, tz: "UTC", mailer: null, log: () => {} });
  try {
    const alice = await new TestClient(t.app).login("alice");
    const bob = await new TestClient(t.app).login("bob");
    const id = (await alice.json("POST", "/api/alerts", { ...BODY, channels: { in_app: true } }))
      .body.id;
    const res = await alice.request("GET", "/api/notifications/stream");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type")!, /^text\/event-stream/);
    const sse = sseReader(res);
    const bobStream = sseReader(await bob.request("GET", "/api/notifications/stream"));
    try {
      const first = await sse.nextEvent();
      assert.equal(first?.event, "unread");
      assert.deepEqual(JSON.parse(first!.data!), { unread: 0 });
      assert.equal((await bobStream.nextEvent())?.event, "unread");

      const fired = await ev.evaluate(at(16));
      assert.equal(fired.fired.length, 1);
      const note = await sse.nextEvent();
      assert.equal(note?.event, "notification");
      const n = JSON.parse(note!.data!);
      assert.equal(note!.id, n.id);
      assert.equal(n.kind, "alert");
      assert.equal(n.alert_id, id);
      assert.equal(n.firing_id, fired.fired[0].id);
      assert.match(n.title, /^Alert: Missed calls above 2/);
      assert.deepEqual(JSON.parse((await sse.nextEvent())!.data!), { unread: 1 });
      // Still in breach: no second notification.
      assert.deepEqual((await ev.evaluate(at(17))).fired, []);

      const list = await alice.json("GET", "/api/notifications");
      assert.equal(list.body.unread, 1);
      assert.deepEqual(list.body.notifications.map((x: { id: string }) => x.id), [n.id]);
      assert.deepEqual((await bob.json("GET", "/api/notifications")).body, {
        notifications: [],
        unread: 0,
      });
      // Bob cannot mark Alice's notification read.
      assert.equal(
        (await bob.json("POST", "/api/notifications/read", { ids: [n.id] })).body.marked,
        0,
      );
      const read = await alice.json("POST", "/api/notifications/read", { ids: [n.id] });
      assert.deepEqual(read.body, { marked: 1, unread: 0 });
      // The stream hears the new count.
      assert.deepEqual(JSON.parse((await sse.nextEvent())!.data!), { unread: 0 });
      assert.equal(
        (await alice.json("GET", "/api/notifications")).body.notifications[0].read_at !== null,
        true,
      );
      assert.equal(
        (await alice.json("POST", "/api/notifications/read", { ids: "x" })).status,
        400,
      );
      assert.deepEqual((await alice.json("POST", "/api/notifications/read", { all: true })).body, {
        marked: 0,
        unread: 0,
      });
      // Bob's stream got nothing but pings.
      const next = await Promise.race([
        bobStream.nextEvent(1500).catch(() => null),
        new Promise((r) => setTimeout(() => r(null), 1200)),
      ]);
      assert.equal(next, null);
    } finally {
      await sse.cancel();
      await bobStream.cancel();
    }
  } finally {
    await ev.close();
    await data.close();
    await t.close();
  }
});

Deno.test("notifications stream: resumes after Last-Event-ID and refuses a bad one", async () => {
  const t = await testApp({ env: ENV });
  try {
    const c = await new TestClient(t.app).login("alice");
    const bad = await c.request("GET", "/api/notifications/stream", undefined, {
      "Last-Event-ID": "nope",
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const user = (await t.store.getUserByName("alice"))!;
    const base = { owner: user.id, kind: "report" as const, body: "b", link: null, read_at: null };
    const ids = ["n_1893492000000_0000000000000001", "n_1893492060000_0000000000000002"];
    for (const [i, id] of ids.entries()) {
      await t.store.addNotification({ ...base, id, title: `r${i}`, created_at: "2030-01-01" });
    }
    const res = await c.request("GET", "/api/notifications/stream", undefined, {
      "Last-Event-ID": ids[0],
    });
    const sse = sseReader(res);
    try {
      const m = await sse.nextEvent();
      assert.equal(m?.id, ids[1]);
      assert.equal((await sse.nextEvent())?.event, "unread");
    } finally {
      await sse.cancel();
    }
  } finally {
    await t.close();
  }
});
