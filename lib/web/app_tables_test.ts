import assert from "node:assert/strict";
import { EJSON, ObjectId } from "bson";
import type { Document } from "../data/types.ts";
import { requireReport } from "../reports/catalog.ts";
import { tableMetaFromCompiled } from "../reports/tables.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import type { ReportMeta } from "../reports/types.ts";
import { XLSX_TYPE } from "./download.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const N = 130;

function calls(): Document[] {
  return Array.from({ length: N }, (_, i) => ({
    _id: new ObjectId(String(i + 1).padStart(24, "0")),
    call_id: `C${String(i).padStart(4, "0")}`,
    direction: "incoming",
    status: "answered",
    queue: "sales",
    agent_name: "ann",
    customer_number: "+919800000001",
    customer_id: null,
    start_time: new Date(Date.UTC(2026, 10, 20, 0, i)),
    ring_seconds: 1,
    talk_seconds: 10,
    hold_seconds: 0,
    wrap_up_seconds: 0,
    duration_seconds: (i * 17) % 97,
    disposition: null,
    hangup_by: "agent",
  }));
}

async function setup(exported: ReportMeta[] = []) {
  const data = await embeddedClient({ calling_cdr: calls(), address_book: [] });
  const t = await testApp({
    data,
    exportReport: async (meta, _client, sink) => {
      exported.push(meta);
      const w = sink.getWriter();
      await w.write(new TextEncoder().encode("PK table"));
      await w.close();
    },
  });
  const alice = await new TestClient(t.app).login("alice");
  const owner = (await t.store.getUserByName("alice"))!.id;
  const compiled = await requireReport("call_list").compile({}, {
    client: data,
    tz: "Asia/Kolkata",
    now: NOW,
  });
  const meta = tableMetaFromCompiled(compiled, { owner, rows: N, tz: "Asia/Kolkata" });
  await t.store.saveTable(meta);
  return { t, alice, meta };
}

Deno.test("security: idor: tables: rows come in cursor pages to the last one, owner only", async () => {
  const { t, alice, meta } = await setup();
  try {
    const url = `/api/tables/${meta.id}/rows`;
    const seen: string[] = [];
    let cursor = "";
    const starts: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await alice.json("GET", `${url}?limit=50${cursor ? `&cursor=${cursor}` : ""}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.total_rows, N);
      starts.push(r.body.start);
      const idAt = meta.columns.findIndex((c) => c.key === "call_id");
      seen.push(...r.body.rows.map((row: unknown[]) => row[idAt] as string));
      if (!r.body.next_cursor) break;
      cursor = r.body.next_cursor;
    }
    assert.deepEqual(starts, [0, 50, 100]);
    assert.equal(seen.length, N);
    assert.deepEqual(seen, calls().map((c) => c.call_id), "oldest first, each row once");
    const startAt = meta.columns.findIndex((c) => c.key === "start_time");
    const first = await alice.json("GET", `${url}?limit=1`);
    assert.equal(first.body.rows[0][startAt], "2026-11-20 05:30:00", "local wall time");

    const bob = await new TestClient(t.app).login("bob");
    const other = await bob.json("GET", url);
    assert.equal(other.status, 404);
    assert.equal(other.body.error.message, "Table not found");
  } finally {
    await t.close();
  }
});

Deno.test("security: input: tables: sorting on the server, and readable 400s", async () => {
  const { t, alice, meta } = await setup();
  try {
    const url = `/api/tables/${meta.id}/rows`;
    const at = meta.columns.findIndex((c) => c.key === "duration_seconds");
    const r = await alice.json("GET", `${url}?sort=duration_seconds&order=desc&limit=100`);
    assert.equal(r.status, 200);
    const values = r.body.rows.map((row: unknown[]) => row[at] as number);
    const all = calls().map((c) => c.duration_seconds as number).sort((a, b) => b - a);
    assert.deepEqual(values, all.slice(0, 100));
    assert.deepEqual(r.body.sort, { key: "duration_seconds", order: "desc" });
    const last = await alice.json(
      "GET",
      `${url}?sort=duration_seconds&order=desc&limit=100&cursor=${r.body.next_cursor}`,
    );
    assert.deepEqual(last.body.rows.map((row: unknown[]) => row[at]), all.slice(100));
    assert.equal(last.body.next_cursor, null);

    const cases: [string, RegExp][] = [
      [`${url}?cursor=garbage!`, /Bad cursor/],
      [`${url}?cursor=${r.body.next_cursor}`, /another sort order/],
      [`${url}?limit=500`, /"limit" must be a whole number from 1 to 100/],
      [`${url}?sort=csat`, /Cannot sort by "csat"/],
      [`${url}?sort=call_id&order=sideways`, /"order" must be "asc" or "desc"/],
    ];
    for (const [path, message] of cases) {
      const bad = await alice.json("GET", path);
      assert.equal(bad.status, 400, path);
      assert.match(bad.body.error.message, message);
    }
  } finally {
    await t.close();
  }
});

Deno.test("tables: the Excel download streams the table in the order asked", async () => {
  const exported: ReportMeta[] = [];
  const { t, alice, meta } = await setup(exported);
  try {
    const res = await alice.request(
      "GET",
      `/api/tables/${meta.id}/xlsx?sort=duration_seconds&order=desc`,
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), XLSX_TYPE);
    assert.match(res.headers.get("content-disposition") ?? "", /attachment; filename="calls_/);
    assert.equal(await res.text(), "PK table");
    const pipeline = EJSON.parse(exported[0].pipeline_ejson) as Document[];
    assert.deepEqual(pipeline[1], { $sort: { duration_seconds: -1, _id: -1 } });
    const plain = await alice.request("GET", `/api/tables/${meta.id}/xlsx`);
    await plain.body?.cancel();
    assert.equal(exported[1].pipeline_ejson, meta.pipeline_ejson, "as shown without a sort");
    const bad = await alice.json("GET", `/api/tables/${meta.id}/xlsx?sort=nope`);
    assert.equal(bad.status, 400);
    const bob = await new TestClient(t.app).login("bob");
    assert.equal((await bob.json("GET", `/api/tables/${meta.id}/xlsx`)).status, 404);
  } finally {
    await t.close();
  }
});
