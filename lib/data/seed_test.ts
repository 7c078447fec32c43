import assert from "node:assert/strict";
import { EJSON, ObjectId } from "bson";
import {
  countCalls,
  generateCalls,
  generateCustomers,
  generateDataset,
  type SeedOptions,
  stringifyRelaxed,
  writeDataset,
  writeJsonLinesGz,
} from "./seed.ts";
import type { Document } from "./types.ts";
import { addDays, localDate, localDateString, localHour, weekdayOf } from "../time/zone.ts";

const NOW = new Date("2026-11-24T09:00:00Z");
const BASE: SeedOptions = { days: 20, callsPerDay: 300, seed: 7, now: NOW, tz: "Asia/Kolkata" };

const CALL_FIELDS = [
  "_id",
  "call_id",
  "direction",
  "status",
  "queue",
  "agent_name",
  "agent_id",
  "customer_number",
  "customer_id",
  "did_number",
  "start_time",
  "answer_time",
  "end_time",
  "ring_seconds",
  "talk_seconds",
  "hold_seconds",
  "wrap_up_seconds",
  "duration_seconds",
  "disposition",
  "hangup_by",
  "recording_url",
];
const CUSTOMER_FIELDS = [
  "_id",
  "customer_id",
  "name",
  "phone",
  "email",
  "city",
  "state",
  "segment",
  "created_at",
];
const DISPOSITIONS: Record<string, string[]> = {
  support: ["resolved", "follow_up", "escalated"],
  billing: ["resolved", "follow_up", "escalated"],
  sales: ["sale", "no_sale", "follow_up"],
  collections: ["promise_to_pay", "refused", "follow_up"],
};
const E164 = /^\+[1-9]\d{7,14}$/;

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** Asserts every DATA.md rule on one call; returns nothing, throws with the call id. */
function checkCall(d: Document, now: Date): void {
  const id = String(d.call_id);
  const msg = (what: string) => `${id}: ${what}`;
  assert.deepEqual(Object.keys(d).sort(), [...CALL_FIELDS].sort(), msg("fields"));
  assert.ok(d._id instanceof ObjectId, msg("_id"));
  assert.match(id, /^C\d{8}-\d{6,}$/, msg("call_id"));
  assert.ok(d.direction === "incoming" || d.direction === "outgoing", msg("direction"));
  assert.ok(
    ["answered", "missed", "failed", "busy", "no_answer"].includes(d.status as string),
    msg("status"),
  );
  if (d.status === "missed") assert.equal(d.direction, "incoming", msg("missed is incoming"));
  if (d.status === "busy" || d.status === "no_answer") {
    assert.equal(d.direction, "outgoing", msg("busy/no_answer are outgoing"));
  }
  assert.ok(d.queue as string in DISPOSITIONS, msg("queue"));
  const answered = d.status === "answered";
  if (d.direction === "incoming" && !answered) {
    assert.equal(d.agent_name, null, msg("unanswered incoming has no agent"));
    assert.equal(d.agent_id, null, msg("unanswered incoming has no agent id"));
  } else {
    assert.match(d.agent_name as string, /^[a-z]+\d*$/, msg("agent_name lower-case"));
    assert.match(d.agent_id as string, /^AG\d{3,}$/, msg("agent_id"));
  }
  assert.match(d.customer_number as string, E164, msg("customer_number"));
  assert.ok(
    d.customer_id === null || /^CUST\d{5,}$/.test(d.customer_id as string),
    msg("customer_id"),
  );
  assert.match(d.did_number as string, E164, msg("did_number"));
  for (const f of ["ring_seconds", "talk_seconds", "hold_seconds", "wrap_up_seconds"]) {
    assert.ok(isInt(d[f]), msg(f));
  }
  const start = d.start_time as Date;
  const end = d.end_time as Date;
  assert.ok(start instanceof Date && end instanceof Date, msg("dates"));
  assert.ok(start.getTime() < now.getTime(), msg("start before now"));
  assert.ok(end.getTime() <= now.getTime(), msg("end not after now"));
  assert.equal(
    (end.getTime() - start.getTime()) / 1000,
    d.duration_seconds,
    msg("duration = end - start"),
  );
  const ring = d.ring_seconds as number;
  if (answered) {
    assert.ok((d.talk_seconds as number) > 0, msg("answered talks"));
    assert.equal(
      d.duration_seconds,
      ring + (d.talk_seconds as number) + (d.hold_seconds as number),
      msg("duration = ring + talk + hold"),
    );
    assert.equal((d.answer_time as Date).getTime(), start.getTime() + ring * 1000, msg("answer"));
    assert.ok(DISPOSITIONS[d.queue as string].includes(d.disposition as string), msg("disp"));
    assert.match(d.recording_url as string, /^https:\/\/\S+\.mp3$/, msg("recording"));
    assert.ok(["customer", "agent", "system"].includes(d.hangup_by as string), msg("hangup"));
  } else {
    assert.equal(d.answer_time, null, msg("no answer_time"));
    assert.equal(d.talk_seconds, 0, msg("no talk"));
    assert.equal(d.hold_seconds, 0, msg("no hold"));
    assert.equal(d.wrap_up_seconds, 0, msg("no wrap-up"));
    assert.equal(d.duration_seconds, ring, msg("duration = ring"));
    assert.equal(d.disposition, null, msg("no disposition"));
    assert.equal(d.recording_url, null, msg("no recording"));
    assert.equal(d.hangup_by, d.status === "missed" ? "customer" : "system", msg("hangup"));
  }
}

function expectedDays(now: Date, tz: string, days: number): string[] {
  const today = localDate(now, tz);
  return Array.from({ length: days }, (_, k) => {
    const c = addDays(today, k + 1 - days);
    return `${c.year}-${String(c.month).padStart(2, "0")}-${String(c.day).padStart(2, "0")}`;
  });
}

Deno.test("generateDataset: the same seed gives the same data, another seed other data", () => {
  const a = generateDataset(BASE);
  const b = generateDataset(BASE);
  const c = generateDataset({ ...BASE, seed: 8 });
  assert.equal(EJSON.stringify(a), EJSON.stringify(b));
  assert.notEqual(EJSON.stringify(a.calling_cdr), EJSON.stringify(c.calling_cdr));
  assert.notEqual(EJSON.stringify(a.address_book), EJSON.stringify(c.address_book));
});

for (
  const [tz, now] of [
    ["Asia/Kolkata", NOW],
    // Spans the end of daylight saving time on 1 Nov 2026 (a 25-hour day).
    ["America/New_York", new Date("2026-11-10T20:00:00Z")],
    // Spans the start of daylight saving time on 4 Oct 2026 (a 23-hour day).
    ["Australia/Sydney", new Date("2026-10-12T03:00:00Z")],
  ] as const
) {
  Deno.test(`generateDataset: every call follows DATA.md and spans the days in ${tz}`, () => {
    const days = 21;
    const ds = generateDataset({ days, callsPerDay: 400, seed: 3, now, tz, customers: 400 });
    assert.ok(ds.calling_cdr.length > days * 300, "roughly callsPerDay a day");
    for (const d of ds.calling_cdr) checkCall(d, now);
    const dates = new Set(ds.calling_cdr.map((d) => localDateString(d.start_time as Date, tz)));
    assert.deepEqual([...dates].sort(), expectedDays(now, tz, days));
    // call_id carries the local date and a unique sequence number.
    const seqs = new Set<string>();
    for (const d of ds.calling_cdr) {
      const [date, seq] = (d.call_id as string).slice(1).split("-");
      assert.equal(
        date,
        localDateString(d.start_time as Date, tz).replaceAll("-", ""),
        `${d.call_id} date`,
      );
      seqs.add(seq);
    }
    assert.equal(seqs.size, ds.calling_cdr.length);
  });
}

Deno.test("generateDataset: status mix, directions and unknown numbers are realistic", () => {
  const { calling_cdr: calls } = generateDataset(BASE);
  const share = (f: (d: Document) => boolean) => calls.filter(f).length / calls.length;
  const incoming = share((d) => d.direction === "incoming");
  assert.ok(incoming > 0.5 && incoming < 0.7, `incoming share ${incoming}`);
  for (const s of ["answered", "missed", "failed", "busy", "no_answer"]) {
    assert.ok(share((d) => d.status === s) > 0.01, `some ${s} calls`);
  }
  const unknown = share((d) => d.customer_id === null);
  assert.ok(unknown > 0.05 && unknown < 0.3, `unknown numbers ${unknown}`);
  for (const q of Object.keys(DISPOSITIONS)) assert.ok(share((d) => d.queue === q) > 0.03, q);
  const ids = new Set(calls.map((d) => (d._id as ObjectId).toHexString()));
  assert.equal(ids.size, calls.length, "unique _id");
});

Deno.test("generateDataset: stored order is not time order", () => {
  const { calling_cdr: calls } = generateDataset(BASE);
  let ascending = 0;
  for (let k = 1; k < calls.length; k++) {
    if ((calls[k].start_time as Date) >= (calls[k - 1].start_time as Date)) ascending++;
  }
  const frac = ascending / (calls.length - 1);
  assert.ok(frac > 0.3 && frac < 0.7, `ascending pairs ${frac}`);
});

Deno.test("generateDataset: business hours are busier than night, weekdays than weekends", () => {
  for (const tz of ["Asia/Kolkata", "America/Los_Angeles"]) {
    const { calling_cdr: calls } = generateDataset({ ...BASE, days: 28, tz });
    const byHour = new Array(24).fill(0);
    const byWeekday = new Array(8).fill(0);
    for (const d of calls) {
      const t = d.start_time as Date;
      byHour[localHour(t, tz)]++;
      byWeekday[weekdayOf(localDate(t, tz))]++;
    }
    for (const h of [10, 11, 15]) {
      assert.ok(byHour[h] > 5 * byHour[3], `${tz}: ${h}:00 (${byHour[h]}) vs 3:00 (${byHour[3]})`);
    }
    // 28 days: four of each weekday (today, a Tuesday, is partial and left out).
    const weekdayAvg = (byWeekday[3] + byWeekday[4] + byWeekday[5]) / 3;
    const weekendAvg = (byWeekday[6] + byWeekday[7]) / 2;
    assert.ok(weekendAvg < 0.9 * weekdayAvg, `${tz}: weekend ${weekendAvg} vs ${weekdayAvg}`);
  }
});

Deno.test("generateDataset: customers have the address_book shape and calls link to them", () => {
  const { calling_cdr: calls, address_book: book } = generateDataset({ ...BASE, customers: 500 });
  assert.equal(book.length, 500);
  const byPhone = new Map<string, string>();
  const names = new Map<string, number>();
  const firstCall = Math.min(...calls.map((d) => (d.start_time as Date).getTime()));
  book.forEach((c, k) => {
    assert.deepEqual(Object.keys(c).sort(), [...CUSTOMER_FIELDS].sort());
    assert.ok(c._id instanceof ObjectId);
    assert.equal(c.customer_id, `CUST${String(k + 1).padStart(5, "0")}`);
    assert.match(c.name as string, /^\S+ \S+$/);
    assert.match(c.phone as string, E164);
    assert.match(c.email as string, /^[a-z0-9.]+@[a-z0-9.]+$/);
    assert.ok(typeof c.city === "string" && typeof c.state === "string");
    assert.ok(["retail", "business", "vip"].includes(c.segment as string));
    assert.ok((c.created_at as Date).getTime() < firstCall, "created before the calls");
    assert.ok(!byPhone.has(c.phone as string), "unique phone");
    byPhone.set(c.phone as string, c.customer_id as string);
    names.set(c.name as string, (names.get(c.name as string) ?? 0) + 1);
  });
  assert.ok([...names.values()].some((n) => n > 1), "some customers share a name");
  assert.ok(new Set(book.map((c) => c.segment)).size === 3);
  for (const d of calls) {
    const owner = byPhone.get(d.customer_number as string) ?? null;
    assert.equal(d.customer_id, owner, `${d.call_id}: customer_id matches the address book`);
  }
});

Deno.test("generateDataset: agents option sets the roster", () => {
  const { calling_cdr: calls } = generateDataset({ ...BASE, agents: 5 });
  const agents = new Map<string, string>();
  for (const d of calls) {
    if (d.agent_id === null) continue;
    const prev = agents.get(d.agent_id as string);
    if (prev) assert.equal(prev, d.agent_name, "one name per agent id");
    agents.set(d.agent_id as string, d.agent_name as string);
  }
  assert.deepEqual([...agents.keys()].sort(), ["AG001", "AG002", "AG003", "AG004", "AG005"]);
  assert.equal(new Set(agents.values()).size, 5, "distinct login names");
  const many = generateDataset({ ...BASE, days: 2, agents: 60 }).calling_cdr;
  assert.equal(
    new Set(many.map((d) => d.agent_name).filter(Boolean)).size,
    new Set(many.map((d) => d.agent_id).filter(Boolean)).size,
    "names stay unique past the name pool",
  );
});

Deno.test("generateDataset: right after local midnight nothing ends after now", () => {
  const tz = "Europe/London";
  const now = new Date("2026-11-24T00:04:00Z");
  const { calling_cdr: calls } = generateDataset({ ...BASE, tz, now });
  assert.ok(calls.length > 0);
  for (const d of calls) checkCall(d, now);
});

Deno.test("generateDataset: invalid options are refused with a clear message", () => {
  assert.throws(() => generateDataset({ ...BASE, days: 0 }), /days: must be a whole number/);
  assert.throws(() => generateDataset({ ...BASE, callsPerDay: 1.5 }), /callsPerDay/);
  assert.throws(() => generateDataset({ ...BASE, tz: "Mars/Olympus" }), /not an IANA time zone/);
  assert.throws(() => generateDataset({ ...BASE, now: new Date("x") }), /now: not a date/);
  assert.throws(() => generateDataset({ ...BASE, customers: 0 }), /customers/);
});

Deno.test("countCalls and generateCustomers agree with generateDataset", () => {
  const ds = generateDataset(BASE);
  assert.equal(countCalls(BASE), ds.calling_cdr.length);
  assert.equal(EJSON.stringify([...generateCustomers(BASE)]), EJSON.stringify(ds.address_book));
});

Deno.test("stringifyRelaxed: identical to EJSON.stringify relaxed", () => {
  const ds = generateDataset({ ...BASE, days: 3 });
  for (const d of [...ds.calling_cdr, ...ds.address_book]) {
    assert.equal(stringifyRelaxed(d), EJSON.stringify(d, { relaxed: true }));
  }
  const odd: Document[] = [
    { a: new Date("2026-11-24T10:00:00.123Z"), b: [1, "x", null, { c: true }], e: 'q"\n' },
    { big: 2 ** 40, neg: -3.5, old: new Date(-1000), far: new Date(253402300800000) },
    { nan: NaN, inf: Infinity, zero: -0 },
    { id: new ObjectId("6ad0d6c0f9a5ba5520964bc8"), u: undefined, nested: { $gt: 1 } },
  ];
  for (const d of odd) assert.equal(stringifyRelaxed(d), EJSON.stringify(d, { relaxed: true }));
});

async function readGzLines(path: string): Promise<Document[]> {
  const file = await Deno.open(path);
  const text = await new Response(
    file.readable.pipeThrough(new DecompressionStream("gzip")),
  ).text();
  return text.split("\n").filter(Boolean).map((l) => EJSON.parse(l, { relaxed: true }));
}

Deno.test("writeDataset: gzipped relaxed-EJSON lines read back to the same documents", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seed_test_" });
  try {
    const progress: number[] = [];
    const result = await writeDataset(`${dir}/out`, {
      ...BASE,
      onProgress: (p) => p.collection === "calling_cdr" && progress.push(p.done),
    });
    const ds = generateDataset(BASE);
    assert.equal(result.calls, ds.calling_cdr.length);
    assert.equal(result.customers, ds.address_book.length);
    assert.equal(progress.at(-1), ds.calling_cdr.length);
    const calls = await readGzLines(`${dir}/out/calling_cdr.jsonl.gz`);
    const book = await readGzLines(`${dir}/out/address_book.jsonl.gz`);
    assert.equal(EJSON.stringify(calls), EJSON.stringify(ds.calling_cdr));
    assert.equal(EJSON.stringify(book), EJSON.stringify(ds.address_book));
    assert.ok(calls[0].start_time instanceof Date && calls[0]._id instanceof ObjectId);
    const raw = await new Response(
      (await Deno.open(`${dir}/out/calling_cdr.jsonl.gz`)).readable.pipeThrough(
        new DecompressionStream("gzip"),
      ),
    ).text();
    const first = raw.slice(0, raw.indexOf("\n"));
    assert.match(first, /"_id":\{"\$oid":"[0-9a-f]{24}"\}/);
    assert.match(first, /"start_time":\{"\$date":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z"\}/);
    assert.deepEqual([...Deno.readDirSync(`${dir}/out`)].map((e) => e.name).sort(), [
      "address_book.jsonl.gz",
      "calling_cdr.jsonl.gz",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeJsonLinesGz: a failed write leaves no file behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seed_test_" });
  try {
    const failing = function* (): Generator<Document> {
      yield { a: 1 };
      throw new Error("source broke");
    };
    await assert.rejects(
      writeJsonLinesGz(`${dir}/x.jsonl.gz`, failing()),
      /Cannot write ".*x\.jsonl\.gz": source broke/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    await assert.rejects(
      writeJsonLinesGz(`${dir}/missing/x.jsonl.gz`, [{ a: 1 }]),
      /Cannot write ".*missing\/x\.jsonl\.gz"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("generateCalls: streams 1,000,000 calls, each sequence number once, none after now", () => {
  const opts: SeedOptions = { days: 52, callsPerDay: 20_000, seed: 11, now: NOW, tz: "UTC" };
  const total = countCalls(opts);
  assert.ok(total >= 1_000_000, `total ${total}`);
  const seen = new Uint8Array(total + 1);
  let n = 0;
  let outOfOrder = 0;
  let prev = 0;
  for (const d of generateCalls(opts)) {
    const seq = Number((d.call_id as string).slice(10));
    if (!(seq >= 1 && seq <= total && seen[seq] === 0)) assert.fail(`sequence ${seq} twice`);
    seen[seq] = 1;
    const t = (d.start_time as Date).getTime();
    if (t < prev) outOfOrder++;
    prev = t;
    if (t >= NOW.getTime()) assert.fail(`${d.call_id} starts after now`);
    n++;
  }
  assert.equal(n, total);
  assert.ok(outOfOrder > total / 4, "shuffled");
});
