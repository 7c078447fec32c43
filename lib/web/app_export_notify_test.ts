import assert from "node:assert/strict";
import { generateDataset } from "../data/seed.ts";
import { getReport } from "../reports/catalog.ts";
import { reportMetaFromCompiled } from "../reports/save.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

async function waitFor<T>(check: () => Promise<T | null>, ms = 3000): Promise<T | null> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("a download that took at least LONG_EXPORT_NOTIFY_MS leaves an 'export ready' notification; a quick one does not", async () => {
  const data = generateDataset({ days: 3, callsPerDay: 60, seed: 3, now: NOW, tz: TZ });
  for (const [threshold, expected] of [["0", 2], ["3600000", 0]] as const) {
    const client = await embeddedClient({ ...data });
    const t = await testApp({ data: client, env: { LONG_EXPORT_NOTIFY_MS: threshold } });
    try {
      const owner = (await t.store.getUserByName("alice"))!.id;
      const compiled = await getReport("agent_performance")!.compile({ period: "last 7 days" }, {
        client,
        tz: TZ,
        now: NOW,
      });
      const meta = reportMetaFromCompiled(compiled, { owner, rows: 0, params: {}, tz: TZ });
      await t.store.saveReport(meta);
      const alice = await new TestClient(t.app).login("alice");
      for (const path of [`/api/reports/${meta.id}`, `/api/reports/${meta.id}/pdf`]) {
        const res = await alice.request("GET", path);
        assert.equal(res.status, 200, path);
        await res.arrayBuffer();
      }
      const got = await waitFor(async () => {
        const list = await t.store.listNotifications(owner);
        return list.length >= expected ? list : null;
      }, expected ? 3000 : 300) ?? await t.store.listNotifications(owner);
      assert.equal(got.length, expected, JSON.stringify(got));
      for (const n of got) {
        assert.equal(n.kind, "export");
        assert.match(n.title, /^Your export is ready: /);
        assert.ok(n.link?.startsWith(`/api/reports/${meta.id}`), n.link ?? "");
      }
      // Bob hears nothing of Alice's downloads.
      const bob = (await t.store.getUserByName("bob"))!.id;
      assert.equal((await t.store.listNotifications(bob)).length, 0);
    } finally {
      await t.close();
      await client.close();
    }
  }
});
