import assert from "node:assert/strict";
import { EJSON } from "bson";
import { getReport } from "./catalog.ts";
import { newReportId, saveReportFromCompiled } from "./save.ts";
import { FIXTURE_NOW, fixtureClient, local } from "../../testing/report_fixture.ts";
import type { Document } from "../data/types.ts";
import type { ReportMeta, ReportRepository } from "./types.ts";

function memoryRepo(): ReportRepository & { saved: ReportMeta[] } {
  const saved: ReportMeta[] = [];
  return {
    saved,
    saveReport(meta) {
      saved.push(meta);
      return Promise.resolve();
    },
    getReport: (owner, id) =>
      Promise.resolve(saved.find((m) => m.owner === owner && m.id === id) ?? null),
    listReports: (owner) => Promise.resolve(saved.filter((m) => m.owner === owner)),
  };
}

Deno.test("newReportId: r_ and 128 random bits in base64url", () => {
  const ids = new Set(Array.from({ length: 200 }, () => newReportId()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^r_[A-Za-z0-9_-]{22}$/);
});

Deno.test("saveReportFromCompiled stores the query, not the rows", async () => {
  const client = await fixtureClient();
  const tz = "Asia/Kolkata";
  const params = { period: "yesterday", status: "missed" as const };
  const compiled = await getReport("call_list")!.compile(params, { client, tz, now: FIXTURE_NOW });
  const repo = memoryRepo();
  const meta = await saveReportFromCompiled(compiled, {
    owner: "user-1",
    repo,
    rows: 12,
    params,
    tz,
    createdAt: new Date("2026-11-02T20:05:00Z"),
  });
  assert.deepEqual(repo.saved, [meta]);
  assert.equal(meta.owner, "user-1");
  assert.equal(meta.name, "call_list");
  assert.deepEqual(meta.params, params);
  assert.equal(meta.title, "Missed calls");
  assert.equal(meta.collection, "calling_cdr");
  assert.equal(meta.rows, 12);
  assert.equal(meta.tz, tz);
  assert.equal(meta.as_of, FIXTURE_NOW.toISOString());
  assert.equal(meta.created_at, "2026-11-02T20:05:00.000Z");
  assert.equal(meta.period_label, compiled.period!.label);
  assert.deepEqual(meta.filters, compiled.filters);
  assert.deepEqual(meta.columns, compiled.columns);
  // Named after the day it covers (yesterday), not the day it was made.
  const yesterday = local(compiled.period!.start, tz).date;
  assert.equal(local(new Date(compiled.period!.end.getTime() - 1), tz).date, yesterday);
  assert.notEqual(yesterday, local(FIXTURE_NOW, tz).date);
  assert.equal(meta.file_name, `missed_calls_${yesterday}.xlsx`);
  // The pipeline survives the EJSON round trip with its dates.
  const pipeline = EJSON.parse(meta.pipeline_ejson) as Document[];
  assert.deepEqual(pipeline, compiled.pipeline);
  const match = pipeline[0].$match as { start_time: { $lt: Date } };
  assert.ok(match.start_time.$lt instanceof Date);
  assert.ok(match.start_time.$lt.getTime() <= FIXTURE_NOW.getTime());
  await client.close();
});
