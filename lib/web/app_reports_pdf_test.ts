import assert from "node:assert/strict";
import { generateDataset } from "../data/seed.ts";
import { getReport } from "../reports/catalog.ts";
import { reportMetaFromCompiled } from "../reports/save.ts";
import { PDF_TYPE } from "../reports/pdf.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import { testApp, TestClient } from "../../testing/web_app.ts";
import type { DataClient } from "../data/types.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const TZ = "Asia/Kolkata";

async function savedFor(t: Awaited<ReturnType<typeof testApp>>, client: DataClient, user: string) {
  const owner = (await t.store.getUserByName(user))!.id;
  const compiled = await getReport("agent_performance")!.compile({ period: "last 7 days" }, {
    client,
    tz: TZ,
    now: NOW,
  });
  const meta = reportMetaFromCompiled(compiled, { owner, rows: 0, params: {}, tz: TZ });
  await t.store.saveReport(meta);
  return meta;
}

Deno.test("reports: GET /api/reports/{id}/pdf streams the owner's report as a PDF", async () => {
  const data = generateDataset({ days: 3, callsPerDay: 60, seed: 3, now: NOW, tz: TZ });
  const client = await embeddedClient({ ...data });
  const t = await testApp({ data: client });
  try {
    const meta = await savedFor(t, client, "alice");
    const alice = await new TestClient(t.app).login("alice");
    const res = await alice.request("GET", `/api/reports/${meta.id}/pdf`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), PDF_TYPE);
    const stem = meta.file_name.replace(/\.xlsx$/, "");
    assert.ok(stem.length > 0 && stem !== meta.file_name);
    assert.equal(
      res.headers.get("content-disposition"),
      `attachment; filename="${stem}.pdf"; filename*=UTF-8''${stem}.pdf`,
    );
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("cache-control"), "no-store");
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 5)), "%PDF-");
    assert.ok(new TextDecoder().decode(bytes.subarray(-8)).includes("%%EOF"), "a complete file");

    // Bob gets a 404 for Alice's report, as with the Excel download; unknown ids too.
    const bob = await new TestClient(t.app).login("bob");
    for (
      const [who, path] of [[bob, `/api/reports/${meta.id}/pdf`], [
        alice,
        "/api/reports/r_nope/pdf",
      ]] as const
    ) {
      const r = await who.json("GET", path);
      assert.equal(r.status, 404, path);
      assert.equal(r.body.error.message, "Report not found");
    }
    const excel = await bob.json("GET", `/api/reports/${meta.id}`);
    assert.equal(excel.status, 404, "the Excel download answers the same");
    assert.equal(t.logged.length, 0);
  } finally {
    await t.close();
    await client.close();
  }
});

Deno.test("reports: a PDF whose data source fails before the first page is a JSON 500, no file", async () => {
  const failing = {
    database: "test",
    aggregate: () => Promise.reject(new Error("mongodb://user:secret@host refused")),
  } as unknown as DataClient;
  const client = await embeddedClient({ calling_cdr: [], address_book: [] });
  const t = await testApp({ data: failing });
  try {
    const meta = await savedFor(t, client, "alice");
    const alice = await new TestClient(t.app).login("alice");
    const r = await alice.json("GET", `/api/reports/${meta.id}/pdf`);
    assert.equal(r.status, 500);
    assert.deepEqual(r.body, {
      error: { code: "internal", message: "Something went wrong on the server" },
    });
    assert.ok(!JSON.stringify(r.body).includes("secret"));
  } finally {
    await t.close();
    await client.close();
  }
});
