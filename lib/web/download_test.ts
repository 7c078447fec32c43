import assert from "node:assert/strict";
import { contentDisposition, streamExport } from "./download.ts";

Deno.test("security: injection: Content-Disposition has a safe ASCII name and the UTF-8 name", () => {
  assert.equal(
    contentDisposition("calls_2030-01-01.xlsx"),
    `attachment; filename="calls_2030-01-01.xlsx"; filename*=UTF-8''calls_2030-01-01.xlsx`,
  );
  const evil = contentDisposition('a"b\r\nX-Bad: 1/../é (1).xlsx');
  assert.ok(!/[\r\n]/.test(evil));
  assert.match(evil, /^attachment; filename="[A-Za-z0-9._-]+\.xlsx"; filename\*=UTF-8''[^ ";]+$/);
  assert.match(contentDisposition("Отчёт"), /filename="report\.xlsx"/);
  assert.match(contentDisposition("Отчёт"), /filename\*=UTF-8''%D0%9E/);
});

Deno.test("streamExport passes every chunk through in order", async () => {
  const body = await streamExport(
    async (sink) => {
      const w = sink.getWriter();
      for (const s of ["a", "b", "c"]) await w.write(new TextEncoder().encode(s));
      await w.close();
    },
    undefined,
    () => {},
  );
  assert.equal(await new Response(body).text(), "abc");
});

Deno.test("streamExport rejects when the writer fails before writing", async () => {
  await assert.rejects(
    () => streamExport(() => Promise.reject(new Error("no data")), undefined, () => {}),
    /no data/,
  );
});

// ---------------------------------------------------------------------------------------
// security: an export whose data source fails never answers 200 with a broken file

import type { DataClient, Document } from "../data/types.ts";
import { exportReport } from "../reports/excel.ts";
import type { ReportMeta } from "../reports/types.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";

/** A data client whose `failOn`-th aggregate call fails; the others return 100 rows. */
function failingClient(failOn: number): DataClient & { calls: number } {
  const client = {
    database: "ccs_dev",
    calls: 0,
    listTools: () => Promise.resolve([]),
    callTool: () => Promise.reject(new Error("not used")),
    find: () => Promise.reject(new Error("not used")),
    count: () => Promise.reject(new Error("not used")),
    async aggregate(_collection: string, _pipeline: Document[]) {
      client.calls++;
      await new Promise((r) => setTimeout(r, 2));
      if (client.calls === failOn) throw new Error(`the MCP server failed on page ${failOn}`);
      const base = client.calls * 1000;
      return {
        documents: Array.from({ length: 100 }, (_, i) => ({ _id: base + i, n: base + i })),
        total: undefined,
        appliedLimits: ["config.maxDocumentsPerQuery" as const],
      };
    },
    close: () => Promise.resolve(),
  };
  return client;
}

function exportMeta(owner: string): ReportMeta {
  return {
    id: "r_1",
    owner,
    title: "Calls",
    name: "",
    params: null,
    collection: "calling_cdr",
    pipeline_ejson: '[{"$match":{}}]',
    columns: [{ key: "n", label: "N", type: "integer" }],
    filters: [],
    period_label: null,
    tz: "UTC",
    as_of: "2030-01-01T00:00:00.000Z",
    rows: 297,
    file_name: "calls.xlsx",
    created_at: "2030-01-01T00:00:00.000Z",
  } as ReportMeta;
}

async function downloadWith(data: DataClient) {
  const t = await testApp({ exportReport, data });
  const c = await new TestClient(t.app).login("alice");
  const owner = (await t.store.getUserByName("alice"))!.id;
  await t.store.saveReport(exportMeta(owner));
  return { t, res: await c.request("GET", "/api/reports/r_1") };
}

Deno.test("security: faults: export failing on page 1 answers a JSON 500 error before any byte", async () => {
  const data = failingClient(1);
  const { t, res } = await downloadWith(data);
  try {
    assert.equal(res.status, 500);
    assert.match(res.headers.get("content-type") ?? "", /json/);
    assert.equal(res.headers.get("content-disposition"), null);
    const body = await res.json();
    assert.equal(body.error.code, "internal");
    assert.equal(data.calls, 1);
    assert.ok(t.logged.some((l) => /page 1/.test(String((l as unknown[])[1]))), "logged");
  } finally {
    await t.close();
  }
});

Deno.test("security: faults: export failing on page 2 errors the download stream, not a complete 200 file", async () => {
  const data = failingClient(2);
  const { t, res } = await downloadWith(data);
  try {
    // The first page arrived, so the download started…
    assert.equal(res.status, 200);
    // …and the body ends with an error instead of a well-formed (but cut) file.
    await assert.rejects(() => res.arrayBuffer(), /page 2/);
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(
      t.logged.some((l) => /cut off/.test(String((l as unknown[])[0]))),
      "the server logs the failed download",
    );
  } finally {
    await t.close();
  }
});

Deno.test("streamExport waits for the first page before it returns", async () => {
  let releaseFirstPage = () => {};
  const ready = new Promise<void>((r) => releaseFirstPage = r);
  let returned = false;
  const pending = streamExport(
    async (sink) => {
      const w = sink.getWriter();
      await w.write(new TextEncoder().encode("header"));
      await ready;
      await w.write(new TextEncoder().encode("rows"));
      await w.close();
    },
    undefined,
    () => {},
    { ready },
  ).then((body) => {
    returned = true;
    return body;
  });
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(returned, false, "the header alone does not start the response");
  releaseFirstPage();
  assert.equal(await new Response(await pending).text(), "headerrows");
});

Deno.test("streamExport loses no chunk read while it waited for the first page", async () => {
  let open!: () => void;
  const ready = new Promise<void>((r) => open = r);
  const enc = new TextEncoder();
  const body = await streamExport(
    async (sink) => {
      const w = sink.getWriter();
      await w.write(enc.encode("header;"));
      // The data source answers while the reader waits for the next chunk.
      setTimeout(open, 20);
      await new Promise((r) => setTimeout(r, 40));
      await w.write(enc.encode("row1;"));
      await w.write(enc.encode("row2;"));
      await w.close();
    },
    undefined,
    () => {},
    { ready },
  );
  assert.equal(await new Response(body).text(), "header;row1;row2;");
});
