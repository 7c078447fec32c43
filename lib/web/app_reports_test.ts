import assert from "node:assert/strict";
import type { ReportMeta } from "../reports/types.ts";
import { CONTENT_SECURITY_POLICY } from "./security.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";
import { XLSX_TYPE } from "./download.ts";

function meta(owner: string, id: string, over: Partial<ReportMeta> = {}): ReportMeta {
  return {
    id,
    owner,
    title: "Incoming calls",
    name: "calls_list",
    params: { period: "today" },
    collection: "calling_cdr",
    pipeline_ejson: "[]",
    columns: [{ key: "n", label: "N", type: "integer" }],
    filters: [],
    period_label: "today",
    tz: "UTC",
    as_of: "2030-01-01T00:00:00.000Z",
    rows: 3,
    file_name: "incoming_calls_2030-01-01.xlsx",
    created_at: "2030-01-01T00:00:00.000Z",
    ...over,
  };
}

Deno.test("reports: list of the user's reports, newest first", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const owner = (await t.store.getUserByName("alice"))!.id;
    await t.store.saveReport(meta(owner, "r_old", { created_at: "2030-01-01T00:00:00.000Z" }));
    await t.store.saveReport(meta(owner, "r_new", { created_at: "2030-01-02T00:00:00.000Z" }));
    const r = await c.json("GET", "/api/reports");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.reports.map((x: { id: string }) => x.id), ["r_new", "r_old"]);
    assert.deepEqual(Object.keys(r.body.reports[0]).sort(), [
      "created_at",
      "download",
      "file_name",
      "id",
      "rows",
      "title",
    ]);
    assert.equal(r.body.reports[0].download, "/api/reports/r_new");
  } finally {
    await t.close();
  }
});

Deno.test("reports: download streams the exporter's bytes with attachment headers", async () => {
  const t = await testApp();
  try {
    const c = await new TestClient(t.app).login("alice");
    const owner = (await t.store.getUserByName("alice"))!.id;
    await t.store.saveReport(meta(owner, "r_1", { file_name: "Büro calls 2030.xlsx" }));
    const res = await c.request("GET", "/api/reports/r_1");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), XLSX_TYPE);
    assert.equal(
      res.headers.get("content-disposition"),
      `attachment; filename="Buro_calls_2030.xlsx"; filename*=UTF-8''B%C3%BCro%20calls%202030.xlsx`,
    );
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
    assert.equal(await res.text(), "PK fake xlsx");
    const missing = await c.json("GET", "/api/reports/r_nope");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.message, "Report not found");
  } finally {
    await t.close();
  }
});

Deno.test("security: faults: reports: an exporter failing before its first byte gives a generic 500", async () => {
  const t = await testApp({
    exportReport: () => Promise.reject(new Error("mongodb://user:secret@host refused")),
  });
  try {
    const c = await new TestClient(t.app).login("alice");
    const owner = (await t.store.getUserByName("alice"))!.id;
    await t.store.saveReport(meta(owner, "r_1"));
    const r = await c.json("GET", "/api/reports/r_1");
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, {
      error: { code: "internal", message: "Something went wrong on the server" },
    });
    assert.equal(t.logged.length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("security: streams: reports: the exporter gets a signal that aborts when the client goes away", async () => {
  let signal: AbortSignal | undefined;
  const t = await testApp({
    exportReport: async (_m, _c, sink, opts) => {
      signal = opts?.signal;
      const w = sink.getWriter();
      const chunk = new Uint8Array(1024);
      try {
        for (let i = 0; i < 10_000 && !signal?.aborted; i++) await w.write(chunk);
      } catch { /* the reader went away */ }
    },
  });
  try {
    const c = await new TestClient(t.app).login("alice");
    const owner = (await t.store.getUserByName("alice"))!.id;
    await t.store.saveReport(meta(owner, "r_1"));
    const res = await c.request("GET", "/api/reports/r_1");
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    assert.equal(signal?.aborted, true);
  } finally {
    await t.close();
  }
});
