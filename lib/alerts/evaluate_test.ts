/**
 * The alert evaluator on a frozen clock: a rule crossing its threshold fires once,
 * notifies in-app, by email (a real SMTP server on loopback) and by webhook (a loopback
 * receiver checking the HMAC signature), does not repeat while in breach and fires again
 * only after it recovers; two evaluators on one KV file fire once; a failing webhook is
 * retried and logged.
 */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { openStore, type Store } from "../kv.ts";
import { smtpMailer } from "../schedules/mailer.ts";
import type { DataClient } from "../data/types.ts";
import { createAlertEvaluator } from "./evaluate.ts";
import { newAlertRule, parseAlertInput } from "./input.ts";
import { call, callsClient, startReceiver } from "./testing.ts";
import type { AlertRule } from "./types.ts";

const T = new Date("2030-01-01T10:00:00Z");
const at = (min: number) => new Date(T.getTime() + min * 60_000);

/** Missed calls at +5, +10, +15 and +50, +52, +55 minutes (and an answered one). */
const CALLS = [5, 10, 15, 50, 52, 55].map((m) => call(at(m))).concat([call(at(12), "answered")]);

async function startSmtp() {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      let text = "";
      stream.on("data", (c: Uint8Array) => text += new TextDecoder().decode(c));
      stream.on("end", () => {
        received.push(text);
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function rule(owner: string, channels: Record<string, unknown>): AlertRule {
  const input = parseAlertInput({
    metric: "missed_calls",
    comparison: "above",
    threshold: 2,
    window: "last 30 minutes",
    filters: { queue: "support" },
    channels,
  }, { allowedDomains: ["example.com"], allowPrivateWebhooks: true });
  return newAlertRule(input, { owner, now: T });
}

function unfold(raw: string): string {
  return raw.replace(/=\r\n/g, "").replace(/\r\n[ \t]+/g, " ");
}

Deno.test("an alert fires once on crossing (in-app, email, signed webhook), not while in breach, and again after recovery", async () => {
  const store = await openStore(":memory:");
  const data = await callsClient(CALLS);
  const smtp = await startSmtp();
  const hook = startReceiver();
  const mailer = smtpMailer({ url: smtp.url, from: "alerts@example.com", timeoutMs: 5000 });
  const ev = createAlertEvaluator({
    store,
    data,
    tz: "UTC",
    mailer,
    appUrl: "https://cc.example.com",
    allowPrivateWebhooks: true,
    log: () => {},
  });
  try {
    const r = rule("alice", { in_app: true, email: ["sup@example.com"], webhook: hook.url });
    hook.state.secret = r.webhook_secret!;
    await store.saveAlert(r);

    assert.deepEqual((await ev.evaluate(at(0))).fired, []);
    const first = await ev.evaluate(at(16));
    assert.equal(first.fired.length, 1);
    const f = first.fired[0];
    assert.equal(f.value, 3);
    assert.equal(f.threshold, 2);
    assert.equal(f.window, "last 30 minutes");
    assert.equal(f.fired_at, at(16).toISOString());
    assert.equal(first.attempts, 2);

    // In-app: one unread notification.
    const notes = await store.listNotifications("alice");
    assert.equal(notes.length, 1);
    assert.equal(notes[0].firing_id, f.id);
    assert.match(notes[0].body, /^3 against a threshold of 2 \(last 30 minutes\)/);
    assert.equal(await store.countUnreadNotifications("alice"), 1);

    // Email: the rule in words, value vs threshold, window, link.
    assert.equal(smtp.received.length, 1);
    const mail = unfold(smtp.received[0]);
    assert.match(mail, /To: sup@example\.com/);
    assert.match(mail, /Subject: Alert: Missed calls above 2 \(last 30 minutes, queue: support\)/);
    assert.match(mail, /Value: 3/);
    assert.match(mail, /Threshold: above 2/);
    assert.match(mail, /https:\/\/cc\.example\.com\//);

    // Webhook: signed with the rule's secret.
    assert.equal(hook.state.received.length, 1);
    const got = hook.state.received[0];
    assert.equal(got.signatureOk, true);
    assert.equal(got.body.value, 3);
    assert.equal(got.body.threshold, 2);
    assert.equal(got.body.window, "last 30 minutes");
    assert.equal(got.body.fired_at, at(16).toISOString());
    assert.equal((got.body.rule as { id: string }).id, r.id);

    // The delivery log.
    const logged = (await store.listAlertFirings(r.id))[0];
    assert.deepEqual(logged.deliveries.map((d) => [d.channel, d.status, d.attempts.length]), [
      ["email", "sent", 1],
      ["webhook", "sent", 1],
    ]);

    // Still in breach: nothing more.
    assert.deepEqual((await ev.evaluate(at(17))).fired, []);
    assert.deepEqual((await ev.evaluate(at(30))).fired, []);
    assert.equal(hook.state.received.length, 1);
    assert.equal(smtp.received.length, 1);

    // Recovers (one missed call in the window), then crosses again.
    const rec = await ev.evaluate(at(41));
    assert.deepEqual(rec.recovered, [r.id]);
    assert.equal((await store.getAlertState(r.id)).state?.status, "ok");
    const again = await ev.evaluate(at(56));
    assert.equal(again.fired.length, 1);
    assert.equal(hook.state.received.length, 2);
    assert.equal(smtp.received.length, 2);
    assert.equal((await store.listNotifications("alice")).length, 2);
    assert.deepEqual((await store.listAlertFirings(r.id)).map((x) => x.fired_at), [
      at(56).toISOString(),
      at(16).toISOString(),
    ]);
  } finally {
    await ev.close();
    await hook.close();
    await smtp.close();
    await data.close();
    store.close();
  }
});

Deno.test("a recovery margin keeps a firing rule from re-arming until the value is clearly back", async () => {
  const store = await openStore(":memory:");
  const data = await callsClient(CALLS);
  const ev = createAlertEvaluator({ store, data, tz: "UTC", mailer: null, log: () => {} });
  try {
    const r = { ...rule("alice", { in_app: true }), threshold: 1.5, recovery_margin: 1 };
    await store.saveAlert(r);
    assert.equal((await ev.evaluate(at(11))).fired.length, 1); // 2 missed > 1.5
    assert.deepEqual((await ev.evaluate(at(41))).recovered, []); // 1 missed: not ≤ 0.5
    assert.deepEqual((await ev.evaluate(at(46))).recovered, [r.id]); // 0 missed
  } finally {
    await ev.close();
    await data.close();
    store.close();
  }
});

Deno.test("two evaluators on one KV file at the same minute fire once", async () => {
  const dir = await Deno.makeTempDir();
  const stores: Store[] = [];
  const datas: DataClient[] = [];
  const hook = startReceiver();
  try {
    const path = `${dir}/kv.sqlite`;
    for (let i = 0; i < 2; i++) {
      stores.push(await openStore(path));
      datas.push(await callsClient(CALLS));
    }
    const r = rule("alice", { in_app: true, webhook: hook.url });
    hook.state.secret = r.webhook_secret!;
    await stores[0].saveAlert(r);
    const evs = stores.map((store, i) =>
      createAlertEvaluator({
        store,
        data: datas[i],
        tz: "UTC",
        mailer: null,
        allowPrivateWebhooks: true,
        log: () => {},
      })
    );
    const results = await Promise.all(evs.map((e) => e.evaluate(at(16))));
    assert.equal(results.reduce((n, x) => n + x.fired.length, 0), 1);
    assert.equal(results.reduce((n, x) => n + x.attempts, 0), 1);
    assert.equal((await stores[1].listAlertFirings(r.id)).length, 1);
    assert.equal((await stores[1].listNotifications("alice")).length, 1);
    assert.equal(hook.state.received.length, 1);
    for (const e of evs) await e.close();
  } finally {
    await hook.close();
    for (const d of datas) await d.close();
    for (const s of stores) s.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a failing webhook (500) is retried after the backoff and each attempt is logged", async () => {
  const store = await openStore(":memory:");
  const data = await callsClient(CALLS);
  const hook = startReceiver();
  const logged: string[] = [];
  const ev = createAlertEvaluator({
    store,
    data,
    tz: "UTC",
    mailer: null,
    allowPrivateWebhooks: true,
    log: (m) => logged.push(m),
  });
  try {
    const r = rule("alice", { in_app: false, webhook: hook.url });
    hook.state.secret = r.webhook_secret!;
    hook.state.status = 500;
    await store.saveAlert(r);
    assert.equal((await ev.evaluate(at(16))).fired.length, 1);
    let d = (await store.listAlertFirings(r.id))[0].deliveries[0];
    assert.equal(d.status, "retrying");
    assert.equal(d.next_at, at(17).toISOString());
    assert.equal(d.attempts[0].status, "failed");
    assert.equal(d.attempts[0].reason, "The webhook answered 500 Internal Server Error");
    // Not due yet at 16:30; due at the next minute.
    assert.equal(await ev.deliverDue(new Date(at(16).getTime() + 30_000)), 0);
    assert.equal((await ev.evaluate(at(17))).attempts, 1);
    d = (await store.listAlertFirings(r.id))[0].deliveries[0];
    assert.equal(d.status, "retrying");
    assert.equal(d.next_at, at(22).toISOString()); // 5 min backoff
    hook.state.status = 200;
    assert.equal((await ev.evaluate(at(22))).attempts, 1);
    d = (await store.listAlertFirings(r.id))[0].deliveries[0];
    assert.equal(d.status, "sent");
    assert.equal(d.next_at, null);
    assert.deepEqual(d.attempts.map((a) => a.status), ["failed", "failed", "sent"]);
    assert.equal(hook.state.received.length, 3);
    assert.ok(hook.state.received.every((x) => x.signatureOk));
    assert.equal(new Set(hook.state.received.map((x) => x.delivery)).size, 3);
    assert.equal((await store.listDueAlertDeliveries(at(100))).length, 0);
    assert.equal(logged.filter((m) => /webhook attempt \d of firing/.test(m)).length, 2);
    // A webhook that keeps failing gives up after 3 attempts.
    hook.state.status = 503;
    await ev.evaluate(at(41));
    await ev.evaluate(at(56));
    for (const m of [57, 62, 70]) await ev.evaluate(at(m));
    d = (await store.listAlertFirings(r.id))[0].deliveries[0];
    assert.equal(d.status, "failed");
    assert.equal(d.attempts.length, 3);
    assert.equal(d.next_at, null);
  } finally {
    await ev.close();
    await hook.close();
    await data.close();
    store.close();
  }
});
