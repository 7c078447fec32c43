import assert from "node:assert/strict";
import { ObjectId } from "bson";
import type { DataClient, Document } from "../data/types.ts";
import { requireReport } from "./catalog.ts";
import {
  decodeCursor,
  encodeCursor,
  readPageSize,
  readTablePage,
  readTableSort,
  sortedPipeline,
  tableMetaFromCompiled,
  tablePipeline,
  TableRequestError,
  type TableSort,
} from "./tables.ts";
import { embeddedClient } from "../../testing/report_fixture.ts";
import type { Column } from "./types.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const N = 237;

/** Calls with repeated durations and start times, and dispositions that are often null. */
function calls(): Document[] {
  const out: Document[] = [];
  for (let i = 0; i < N; i++) {
    const answered = i % 4 !== 0;
    out.push({
      _id: new ObjectId(String(i * 7919 % 1000).padStart(24, "0")),
      call_id: `C${String(i).padStart(4, "0")}`,
      direction: i % 3 ? "incoming" : "outgoing",
      status: answered ? "answered" : "missed",
      queue: ["sales", "support"][i % 2],
      agent_name: answered ? ["ann", "bob", "cy"][i % 3] : null,
      agent_id: null,
      customer_number: `+9198000${String(i % 50).padStart(5, "0")}`,
      customer_id: null,
      did_number: "+912240000000",
      // Pairs of calls share a start time, so the _id tie-break matters.
      start_time: new Date(Date.UTC(2026, 10, 20, 0, Math.floor(i / 2) * 7)),
      answer_time: null,
      end_time: new Date(Date.UTC(2026, 10, 20, 1)),
      ring_seconds: i % 11,
      talk_seconds: answered ? (i * 37) % 300 : 0,
      hold_seconds: 0,
      wrap_up_seconds: 0,
      duration_seconds: (i * 13) % 40,
      disposition: answered && i % 5 ? ["resolved", "sale", "follow_up"][i % 3] : null,
      hangup_by: "customer",
      recording_url: null,
    });
  }
  return out;
}

async function setup() {
  const client = await embeddedClient({ calling_cdr: calls(), address_book: [] });
  const ctx = { client, tz: "Asia/Kolkata", now: NOW };
  const compiled = await requireReport("call_list").compile({}, ctx);
  const meta = tableMetaFromCompiled(compiled, { owner: "u1", rows: N, tz: ctx.tz });
  const source = {
    collection: meta.collection,
    pipeline: tablePipeline(meta),
    columns: meta.columns,
    total: meta.rows,
  };
  return { client, meta, source };
}

async function allPages(
  client: DataClient,
  source: Parameters<typeof readTablePage>[1],
  sort: TableSort | null,
  limit: number,
): Promise<{ docs: Document[]; starts: number[] }> {
  const docs: Document[] = [];
  const starts: number[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await readTablePage(client, source, { cursor, limit, sort });
    starts.push(page.start);
    docs.push(...page.docs);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return { docs, starts };
}

/** The expected order, computed here: key (nulls first ascending, last descending), then _id. */
function expected(sort: TableSort | null): string[] {
  const rows = calls();
  const key = sort?.key ?? "start_time";
  const dir = sort?.order === "desc" ? -1 : 1;
  const val = (v: unknown) => v instanceof Date ? v.getTime() : v;
  rows.sort((a, b) => {
    const x = val(a[key]), y = val(b[key]);
    let c = 0;
    if (x !== y) {
      if (x === null || x === undefined) c = -1;
      else if (y === null || y === undefined) c = 1;
      else c = (x as number | string) < (y as number | string) ? -1 : 1;
    }
    if (c === 0) c = String(a._id) < String(b._id) ? -1 : 1;
    return c * dir;
  });
  return rows.map((r) => r.call_id as string);
}

Deno.test("readTablePage pages every row of a listing once, in its own order", async () => {
  const { client, source } = await setup();
  const { docs, starts } = await allPages(client, source, null, 50);
  assert.equal(docs.length, N);
  assert.deepEqual(starts, [0, 50, 100, 150, 200]);
  assert.deepEqual(docs.map((d) => d.call_id), expected(null));
  assert.ok(!("__table_key" in docs[0]), "the paging key is not a column");
  assert.deepEqual(Object.keys(docs[0]).sort(), source.columns.map((c) => c.key).sort());
});

Deno.test("readTablePage sorts on the server by any column, nulls and ties included", async () => {
  const { client, source } = await setup();
  for (
    const sort of [
      { key: "duration_seconds", order: "desc" },
      { key: "duration_seconds", order: "asc" },
      { key: "disposition", order: "asc" },
      { key: "disposition", order: "desc" },
      { key: "agent_name", order: "desc" },
    ] as TableSort[]
  ) {
    const { docs } = await allPages(client, source, sort, 37);
    assert.equal(docs.length, N, `${sort.key} ${sort.order}: every row`);
    assert.deepEqual(docs.map((d) => d.call_id), expected(sort), `${sort.key} ${sort.order}`);
  }
});

Deno.test("readTablePage continues from a cursor made for a row number", async () => {
  const { client, source } = await setup();
  const page = await readTablePage(client, source, { cursor: encodeCursor(null, 230), limit: 50 });
  assert.equal(page.start, 230);
  assert.equal(page.docs.length, N - 230);
  assert.equal(page.next_cursor, null, "the last page has no next cursor");
  assert.deepEqual(page.docs.map((d) => d.call_id), expected(null).slice(230));
  const past = await readTablePage(client, source, { cursor: encodeCursor(null, 999) });
  assert.deepEqual(past.docs, []);
});

Deno.test("cursors belong to one sort order and are checked", async () => {
  const { client, source } = await setup();
  const sort: TableSort = { key: "duration_seconds", order: "desc" };
  const first = await readTablePage(client, source, { sort, limit: 10 });
  assert.ok(first.next_cursor);
  await assert.rejects(
    () => readTablePage(client, source, { cursor: first.next_cursor, limit: 10 }),
    (e) => e instanceof TableRequestError && /another sort order/.test(e.message),
  );
  for (const bad of ["!!", "eyJ4IjoxfQ", "bm90IGpzb24", "x".repeat(5000)]) {
    assert.throws(() => decodeCursor(bad, null), TableRequestError, bad.slice(0, 10));
  }
  const again = decodeCursor(encodeCursor(null, 4, [new Date(5), "x"]), null);
  assert.equal(again.o, 4);
  assert.ok(again.k?.[0] instanceof Date, "dates survive a cursor");
});

Deno.test("sort, order and page size are validated with readable messages", () => {
  const cols: Column[] = [{ key: "calls", label: "Calls", type: "integer" }];
  assert.equal(readTableSort(null, null, cols), null);
  assert.deepEqual(readTableSort("calls", null, cols), { key: "calls", order: "asc" });
  assert.deepEqual(readTableSort("calls", "desc", cols), { key: "calls", order: "desc" });
  assert.throws(() => readTableSort("nope", "asc", cols), /Cannot sort by "nope"/);
  assert.throws(() => readTableSort("calls", "up", cols), /"order" must be "asc" or "desc"/);
  assert.throws(() => readTableSort(null, "asc", cols), /"order" needs "sort"/);
  assert.equal(readPageSize(null), 50);
  assert.equal(readPageSize("100"), 100);
  for (const bad of ["0", "101", "2.5", "ten"]) {
    assert.throws(() => readPageSize(bad), /"limit" must be a whole number from 1 to 100/);
  }
});

Deno.test("sortedPipeline: a listing sorts before its projection; others get a final sort", () => {
  const cols: Column[] = [
    { key: "agent", label: "Agent", type: "string" },
    { key: "aht_seconds", label: "AHT (s)", type: "seconds" },
  ];
  const listing = [
    { $match: { x: 1 } },
    { $sort: { start_time: 1, _id: 1 } },
    { $project: { _id: 0, agent: 1, aht_seconds: 1 } },
  ];
  assert.deepEqual(sortedPipeline(listing, cols, { key: "aht_seconds", order: "desc" }), [
    { $match: { x: 1 } },
    { $sort: { aht_seconds: -1, _id: -1 } },
    { $project: { _id: 0, agent: 1, aht_seconds: 1 } },
  ]);
  const grouped = [{ $group: { _id: "$agent_name" } }, { $project: { agent: "$_id" } }];
  assert.deepEqual(sortedPipeline(grouped, cols, { key: "aht_seconds", order: "asc" }), [
    ...grouped,
    { $sort: { aht_seconds: 1, agent: 1 } },
  ]);
  assert.equal(sortedPipeline(grouped, cols, null), grouped);
  assert.throws(
    () => sortedPipeline(grouped, cols, { key: "x", order: "asc" }),
    /Cannot sort by "x"/,
  );
});

Deno.test("tableMetaFromCompiled keeps the query, the owner and the kind, under a t_ id", async () => {
  const { meta } = await setup();
  assert.match(meta.id, /^t_[A-Za-z0-9_-]{22}$/);
  assert.equal(meta.owner, "u1");
  assert.equal(meta.kind, "listing");
  assert.equal(meta.rows, N);
  const pipeline = tablePipeline(meta);
  assert.ok(JSON.stringify(pipeline).includes("start_time"));
  assert.ok(
    (pipeline[0].$match as { start_time: { $lt: Date } }).start_time.$lt instanceof Date,
    "the as-of bound stays a date",
  );
});
