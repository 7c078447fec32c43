/**
 * Synthetic call documents for tests and benchmarks of paging over many calls.
 *
 * @module
 */
import { ObjectId } from "bson";
import type { Document } from "../lib/data/types.ts";

/** Synthetic calls: minute-resolution start times (many ties), stored out of time order. */
export function syntheticCalls(n: number, seed = 1): Document[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const t0 = Date.UTC(2026, 0, 1);
  const docs: Document[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const answered = rnd() < 0.7;
    docs[i] = {
      _id: new ObjectId(i.toString(16).padStart(24, "0")),
      call_id: `C${i}`,
      direction: rnd() < 0.6 ? "incoming" : "outgoing",
      status: answered ? "answered" : "missed",
      agent_name: answered ? `agent${Math.floor(rnd() * 20)}` : null,
      customer_number: `+9190${String(Math.floor(rnd() * 5000)).padStart(8, "0")}`,
      start_time: new Date(t0 + Math.floor(rnd() * 300 * 24 * 60) * 60_000),
      talk_seconds: answered ? Math.floor(rnd() * 900) : 0,
    };
  }
  return docs;
}
