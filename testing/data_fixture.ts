/**
 * A small hand-made dataset (20 calls, 4 customers) for tests whose answers are
 * computed by hand. Stored order is deliberately not time order.
 *
 * Answers (business zone Asia/Kolkata, UTC+05:30):
 * - 20 calls: 14 incoming, 6 outgoing; 12 answered, 4 missed, 2 failed, 1 busy,
 *   1 no_answer.
 * - Answered by asha: 7 calls, 945 talk seconds; by ravi: 5 calls, 810 seconds.
 * - Missed, in time order: C03, C10, C14, C19.
 * - Answered incoming by local hour: 9 → 3, 10 → 1, 12 → 1, 13 → 1, 14 → 2, 18 → 1.
 * - Calls with customer +919000000001 (CUST1): C01, C05, C10, C15.
 * - From 2026-11-21T00:00Z on: 10 calls (C11–C20).
 *
 * @module
 */
import { ObjectId } from "bson";
import type { Document } from "../lib/data/types.ts";

type Row = [
  id: string,
  direction: string,
  status: string,
  agent: string | null,
  customer: number,
  start: string,
  talk: number,
  ring: number,
];

const ROWS: Row[] = [
  ["C01", "incoming", "answered", "asha", 1, "2026-11-20T04:00:00Z", 120, 5],
  ["C02", "incoming", "answered", "ravi", 2, "2026-11-20T04:30:00Z", 300, 25],
  ["C03", "incoming", "missed", null, 3, "2026-11-20T05:00:00Z", 0, 40],
  ["C04", "outgoing", "answered", "asha", 4, "2026-11-20T05:10:00Z", 60, 8],
  ["C05", "outgoing", "busy", "ravi", 1, "2026-11-20T06:00:00Z", 0, 20],
  ["C06", "incoming", "answered", "asha", 2, "2026-11-20T06:45:00Z", 200, 10],
  ["C07", "incoming", "failed", null, 5, "2026-11-20T07:00:00Z", 0, 3],
  ["C08", "outgoing", "no_answer", "asha", 3, "2026-11-20T08:20:00Z", 0, 30],
  ["C09", "incoming", "answered", "ravi", 4, "2026-11-20T09:00:00Z", 90, 15],
  ["C10", "incoming", "missed", null, 1, "2026-11-20T10:30:00Z", 0, 50],
  ["C11", "incoming", "answered", "asha", 6, "2026-11-21T03:45:00Z", 240, 12],
  ["C12", "outgoing", "answered", "ravi", 2, "2026-11-21T04:00:00Z", 180, 6],
  ["C13", "incoming", "answered", "ravi", 3, "2026-11-21T04:00:00Z", 30, 22],
  ["C14", "incoming", "missed", null, 4, "2026-11-21T05:15:00Z", 0, 35],
  ["C15", "outgoing", "answered", "asha", 1, "2026-11-21T06:00:00Z", 75, 9],
  ["C16", "incoming", "answered", "asha", 5, "2026-11-21T07:30:00Z", 150, 18],
  ["C17", "outgoing", "failed", "ravi", 6, "2026-11-21T08:00:00Z", 0, 2],
  ["C18", "incoming", "answered", "ravi", 2, "2026-11-21T09:10:00Z", 210, 11],
  ["C19", "incoming", "missed", null, 3, "2026-11-21T11:00:00Z", 0, 45],
  ["C20", "incoming", "answered", "asha", 4, "2026-11-21T12:40:00Z", 100, 7],
];

/** Stored order of the rows (a fixed shuffle). */
const ORDER = [7, 0, 15, 3, 19, 11, 1, 12, 9, 5, 17, 2, 14, 8, 18, 4, 10, 6, 16, 13];

/** The phone number of fixture customer `n`. */
export function fixturePhone(n: number): string {
  return `+91900000000${n}`;
}

/** 20 calls in stored (not time) order. */
export function fixtureCalls(): Document[] {
  return ORDER.map((i) => {
    const [id, direction, status, agent, customer, start, talk, ring] = ROWS[i];
    const startTime = new Date(start);
    const answered = status === "answered";
    const duration = ring + talk;
    return {
      _id: new ObjectId(`65a00000000000000000${String(i + 1).padStart(4, "0")}`),
      call_id: id,
      direction,
      status,
      queue: i % 2 ? "support" : "sales",
      agent_name: agent,
      agent_id: agent ? (agent === "asha" ? "AG001" : "AG002") : null,
      customer_number: fixturePhone(customer),
      customer_id: customer <= 4 ? `CUST${customer}` : null,
      start_time: startTime,
      answer_time: answered ? new Date(startTime.getTime() + ring * 1000) : null,
      end_time: new Date(startTime.getTime() + duration * 1000),
      ring_seconds: ring,
      talk_seconds: talk,
      hold_seconds: 0,
      wrap_up_seconds: answered ? 30 : 0,
      duration_seconds: duration,
      disposition: answered ? "resolved" : null,
    };
  });
}

/** 4 customers; two share a name. */
export function fixtureCustomers(): Document[] {
  const names = ["Meera Nair", "Arjun Rao", "Meera Nair", "Kabir Shah"];
  return names.map((name, i) => ({
    _id: new ObjectId(`65b00000000000000000000${i + 1}`),
    customer_id: `CUST${i + 1}`,
    name,
    phone: fixturePhone(i + 1),
    segment: i === 3 ? "vip" : "retail",
    created_at: new Date(Date.UTC(2026, 0, i + 1)),
  }));
}

/** Both collections of the fixture. */
export function fixtureDataset(): { calling_cdr: Document[]; address_book: Document[] } {
  return { calling_cdr: fixtureCalls(), address_book: fixtureCustomers() };
}
