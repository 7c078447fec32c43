/**
 * Test doubles for the offline planner's tests: a tiny in-memory DataClient that answers
 * the few queries the planner makes (distinct values, regex look-ups) and two small
 * datasets with different agents, queues, cities and time zones. Not used by the app.
 */
import type { DataClient, Document, FindArgs, QueryResult } from "../lib/data/types.ts";

/** A dataset: calls and customers. */
export interface FixtureData {
  calls: Document[];
  customers: Document[];
}

function getPath(doc: Document, path: string): unknown {
  return path.split(".").reduce<unknown>(
    (v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined),
    doc,
  );
}

function matches(doc: Document, filter: Document | undefined): boolean {
  if (!filter) return true;
  for (const [field, cond] of Object.entries(filter)) {
    const v = getPath(doc, field);
    if (cond && typeof cond === "object" && !Array.isArray(cond)) {
      const c = cond as Record<string, unknown>;
      if ("$regex" in c) {
        const re = new RegExp(String(c.$regex), String(c.$options ?? ""));
        if (typeof v !== "string" || !re.test(v)) return false;
      }
      if ("$type" in c && c.$type === "string" && typeof v !== "string") return false;
      if ("$ne" in c && v === c.$ne) return false;
    } else if (v !== cond) return false;
  }
  return true;
}

/** Counts of the calls the fake client served (to check caching). */
export interface FakeClientStats {
  aggregates: number;
  finds: number;
}

/**
 * A DataClient over fixture data; supports $match/$group(_id only)/$sort/$skip/$limit and
 * find, and caps every result at `maxDocuments` like the MCP server (default 100).
 */
export function fixtureClient(
  data: FixtureData,
  opts: { maxDocuments?: number } = {},
): DataClient & { stats: FakeClientStats } {
  const cap = opts.maxDocuments ?? 100;
  const stats: FakeClientStats = { aggregates: 0, finds: 0 };
  const coll = (name: string): Document[] =>
    name === "calling_cdr" ? data.calls : name === "address_book" ? data.customers : [];
  return {
    database: "fixture",
    stats,
    listTools: () => Promise.resolve([]),
    callTool: () => Promise.reject(new Error("Tool calls are not supported by the fixture")),
    find(args: FindArgs): Promise<QueryResult> {
      stats.finds++;
      const docs = coll(args.collection).filter((d) => matches(d, args.filter));
      const asked = args.limit ? docs.slice(0, args.limit) : docs;
      const capped = asked.length > cap;
      return Promise.resolve({
        documents: asked.slice(0, cap),
        total: docs.length,
        appliedLimits: capped ? ["config.maxDocumentsPerQuery"] : [],
      });
    },
    aggregate(collection: string, pipeline: Document[]): Promise<QueryResult> {
      stats.aggregates++;
      let docs: Document[] = coll(collection);
      for (const stage of pipeline) {
        if ("$match" in stage) docs = docs.filter((d) => matches(d, stage.$match as Document));
        else if ("$group" in stage) {
          const id = String((stage.$group as Document)._id).replace(/^\$/, "");
          const seen = new Set<unknown>();
          const out: Document[] = [];
          for (const d of docs) {
            const v = getPath(d, id);
            if (seen.has(v)) continue;
            seen.add(v);
            out.push({ _id: v });
          }
          docs = out;
        } else if ("$sort" in stage) {
          const keys = Object.entries(stage.$sort as Record<string, number>);
          docs = [...docs].sort((a, b) => {
            for (const [k, dir] of keys) {
              const x = String(getPath(a, k) ?? "");
              const y = String(getPath(b, k) ?? "");
              if (x !== y) return (x < y ? -1 : 1) * dir;
            }
            return 0;
          });
        } else if ("$skip" in stage) docs = docs.slice(Number(stage.$skip));
        else if ("$limit" in stage) docs = docs.slice(0, Number(stage.$limit));
        else throw new Error(`Unsupported stage ${Object.keys(stage)[0]}`);
      }
      const capped = docs.length > cap;
      return Promise.resolve({
        documents: docs.slice(0, cap),
        total: docs.length,
        appliedLimits: capped ? ["config.maxDocumentsPerQuery"] : [],
      });
    },
    count: (collection, query) =>
      Promise.resolve(coll(collection).filter((d) => matches(d, query)).length),
    close: () => Promise.resolve(),
  };
}

function call(
  n: number,
  o: Partial<Document> & { agent_name: string | null; queue: string },
): Document {
  return {
    call_id: `C-${n}`,
    direction: "incoming",
    status: "answered",
    customer_number: "+910000000000",
    disposition: null,
    ...o,
  };
}

/** Dataset A: Indian names, the usual queues, Asia/Kolkata. */
export const DATA_A: FixtureData = {
  calls: [
    call(1, { agent_name: "aditya", queue: "support", disposition: "resolved" }),
    call(2, { agent_name: "priya", queue: "sales", disposition: "sale" }),
    call(3, { agent_name: "rohit", queue: "billing", disposition: "no_sale" }),
    call(4, { agent_name: "neha", queue: "collections", disposition: "promise_to_pay" }),
    call(5, { agent_name: "anjali", queue: "support", disposition: "follow_up" }),
    call(6, { agent_name: "vikram", queue: "support", disposition: "escalated" }),
    call(7, {
      agent_name: null,
      queue: "billing",
      status: "missed",
      customer_number: "+917093023557",
    }),
  ],
  customers: [
    { name: "Vijay Tiwari", phone: "+917093023557", city: "Mumbai", segment: "retail" },
    { name: "Priya Sharma", phone: "+918519702503", city: "Delhi", segment: "vip" },
    { name: "Anita Desai", phone: "+918573427227", city: "Pune", segment: "business" },
    { name: "Rahul Mehta", phone: "+919091383374", city: "Mumbai", segment: "retail" },
  ],
};

/** Dataset B: other agents, queues, cities and dispositions (America/New_York). */
export const DATA_B: FixtureData = {
  calls: [
    call(1, { agent_name: "marcus", queue: "claims", disposition: "callback" }),
    call(2, { agent_name: "olivia", queue: "renewals", disposition: "renewed" }),
    call(3, { agent_name: "jsmith", queue: "onboarding", disposition: "solved" }),
    call(4, { agent_name: "dana.k", queue: "claims", disposition: "escalated" }),
    call(5, { agent_name: null, queue: "renewals", status: "missed" }),
  ],
  customers: [
    { name: "Harold Finch", phone: "+12125550101", city: "New York", segment: "enterprise" },
    { name: "Grace Hopper", phone: "+16175550199", city: "Boston", segment: "smb" },
    { name: "John Reese", phone: "+13125550142", city: "Chicago", segment: "enterprise" },
  ],
};
