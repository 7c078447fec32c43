/**
 * Test fixture for the report catalog's tests: ~45 calls over three days around the end
 * of daylight saving time in New York (1 Nov 2026), two agents, three queues, every
 * status, customers in and out of the address book, two customers with the same name,
 * and calls after "now" that no report may count. Plus independent helpers that compute
 * local dates and hours with `Intl` directly. Not used by the app.
 */
import { ObjectId } from "bson";
import { createEmbeddedClient } from "../lib/data/mcp_client.ts";
import { mulberry32 } from "../lib/data/seed.ts";
import type { DataClient, Document } from "../lib/data/types.ts";

/** The frozen clock of the fixture. */
export const FIXTURE_NOW = new Date("2026-11-02T20:00:00Z");
/** A DST zone (EDT → EST on 2026-11-01 06:00 UTC) and a zone without DST. */
export const FIXTURE_ZONES = ["America/New_York", "Asia/Kolkata"] as const;

/** A call of the fixture with typed fields. */
export interface FixtureCall extends Document {
  _id: ObjectId;
  call_id: string;
  direction: "incoming" | "outgoing";
  status: string;
  queue: string;
  agent_name: string | null;
  agent_id: string | null;
  customer_number: string;
  customer_id: string | null;
  did_number: string;
  start_time: Date;
  answer_time: Date | null;
  end_time: Date;
  ring_seconds: number;
  talk_seconds: number;
  hold_seconds: number;
  wrap_up_seconds: number;
  duration_seconds: number;
  disposition: string | null;
  hangup_by: string;
  recording_url: string | null;
}

/** The address book of the fixture (two different customers named "Ravi Kumar"). */
export const FIXTURE_CUSTOMERS: Document[] = [
  cust(1, "Ravi Kumar", "+919800000001", "Mumbai", "retail"),
  cust(2, "Ravi Kumar", "+919800000002", "Pune", "vip"),
  cust(3, "Meera Shah", "+919800000003", "Mumbai", "business"),
  cust(4, "Ravindra Jain", "+919800000004", "Delhi", "retail"),
  cust(5, "Anita Desai", "+919800000005", "Pune", "retail"),
];
/** A caller not in the address book. */
export const UNKNOWN_NUMBER = "+447700900123";

function cust(n: number, name: string, phone: string, city: string, segment: string): Document {
  return {
    _id: new ObjectId(`65000000000000000000000${n}`),
    customer_id: `CUST0000${n}`,
    name,
    phone,
    email: `c${n}@example.com`,
    city,
    state: "MH",
    segment,
    created_at: new Date("2025-01-01T00:00:00Z"),
  };
}

/** Start times: spread over three days, plus instants on the zones' day and DST edges. */
function startTimes(): Date[] {
  const out: Date[] = [];
  const base = Date.parse("2026-10-31T00:10:00Z");
  for (let i = 0; i < 38; i++) out.push(new Date(base + i * 113 * 60_000));
  for (
    const iso of [
      "2026-10-31T18:29:59Z", // Kolkata: 31 Oct 23:59:59
      "2026-10-31T18:30:00Z", // Kolkata: 1 Nov 00:00:00
      "2026-11-01T03:59:59Z", // New York: 31 Oct 23:59:59 EDT
      "2026-11-01T04:00:00Z", // New York: 1 Nov 00:00 EDT
      "2026-11-01T05:30:00Z", // New York: 1 Nov 01:30 EDT
      "2026-11-01T06:30:00Z", // New York: 1 Nov 01:30 EST (the hour repeats)
      "2026-11-02T19:59:59Z", // just before now
      "2026-11-02T20:00:00Z", // exactly now: excluded
      "2026-11-02T23:00:00Z", // after now: excluded
    ]
  ) out.push(new Date(iso));
  return out;
}

const QUEUES = ["support", "sales", "billing"];
const AGENTS = [["asha", "AG001"], ["bruno", "AG002"]] as const;
const NUMBERS = [...FIXTURE_CUSTOMERS.map((c) => c.phone as string), UNKNOWN_NUMBER];
const DISPOSITIONS = ["resolved", "follow_up", "sale", "no_sale"];

/** The fixture's calls, in a stored order that is not time order. */
export function fixtureCalls(): FixtureCall[] {
  const rnd = mulberry32(7);
  const pickOf = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const calls = startTimes().map((start, i): FixtureCall => {
    const direction = i % 3 === 1 ? "outgoing" : "incoming";
    const r = rnd();
    const status = direction === "incoming"
      ? (r < 0.6 ? "answered" : r < 0.9 ? "missed" : "failed")
      : (r < 0.5 ? "answered" : r < 0.7 ? "busy" : r < 0.9 ? "no_answer" : "failed");
    const answered = status === "answered";
    const [agent, agentId] = pickOf(AGENTS);
    const hasAgent = direction === "outgoing" || answered;
    const ring = 3 + Math.floor(rnd() * 40);
    const talk = answered ? 20 + Math.floor(rnd() * 600) : 0;
    const hold = answered ? Math.floor(rnd() * 60) : 0;
    const wrap = answered ? Math.floor(rnd() * 90) : 0;
    const duration = ring + talk + hold;
    const number = NUMBERS[i % NUMBERS.length];
    const customer = FIXTURE_CUSTOMERS.find((c) => c.phone === number);
    return {
      _id: new ObjectId(`6600000000000000000${String(1000 + ((i * 37) % 1000)).padStart(5, "0")}`),
      call_id: `C${String(i).padStart(4, "0")}`,
      direction,
      status,
      queue: QUEUES[(i * 7) % 3],
      agent_name: hasAgent ? agent : null,
      agent_id: hasAgent ? agentId : null,
      customer_number: number,
      customer_id: (customer?.customer_id as string | undefined) ?? null,
      did_number: "+912240000000",
      start_time: start,
      answer_time: answered ? new Date(start.getTime() + ring * 1000) : null,
      end_time: new Date(start.getTime() + duration * 1000),
      ring_seconds: ring,
      talk_seconds: talk,
      hold_seconds: hold,
      wrap_up_seconds: wrap,
      duration_seconds: duration,
      disposition: answered ? pickOf(DISPOSITIONS) : null,
      hangup_by: pickOf(["customer", "agent", "system"]),
      recording_url: answered ? `https://rec.example.com/${i}.mp3` : null,
    };
  });
  // Two calls at the same instant, so the _id tie-break matters.
  calls[5].start_time = new Date(calls[4].start_time);
  return calls.reverse();
}

// -- Independent local-time helpers (Intl only) --------------------------------------

const fmts = new Map<string, Intl.DateTimeFormat>();

/** Local parts of `d` in `tz`, straight from Intl. */
export function local(
  d: Date,
  tz: string,
): { date: string; hour: number; minute: number; weekday: string } {
  let f = fmts.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      weekday: "short",
    });
    fmts.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(d).map((x) => [x.type, x.value]));
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    weekday: p.weekday,
  };
}

// -- The data client over the fixture ------------------------------------------------

/** The embedded MCP client over `collections` (the real one, as the app uses it). */
export function embeddedClient(collections: Record<string, Document[]>): Promise<DataClient> {
  return createEmbeddedClient(collections, { database: "test" });
}

/** The embedded MCP client over the fixture. */
export function fixtureClient(): Promise<DataClient> {
  return embeddedClient({ calling_cdr: fixtureCalls(), address_book: FIXTURE_CUSTOMERS });
}
