import assert from "node:assert/strict";
import { connectEmbedded } from "../../data/mcp_client.ts";
import { createMemoryStore } from "../../data/memory_store.ts";
import {
  CALLS,
  CUSTOMERS,
  type DataClient,
  type Document,
  type FindArgs,
} from "../../data/types.ts";
import { checkNames } from "../name_check.ts";
import { createOfflinePlanner } from "./planner.ts";
import { createVocabularyCache, distinctPipeline, warmVocabulary } from "./vocabulary.ts";

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);

function call(k: number, agent: string, queue: string, disposition: string): Document {
  return {
    call_id: `T${k}`,
    direction: "incoming",
    status: "answered",
    agent_name: agent,
    queue,
    disposition,
    customer_number: `+1555000${String(k % 7).padStart(4, "0")}`,
    start_time: new Date(START + k * DAY / 24),
    duration_seconds: 60,
  };
}

function calls(n: number): Document[] {
  const agents = ["Amara", "bilal", "chen", "dana"];
  const queues = ["billing", "sales", "support"];
  return Array.from(
    { length: n },
    (_, k) => call(k, agents[k % 4], queues[k % 3], k % 2 ? "resolved" : "callback"),
  );
}

const CUSTOMER_DOCS: Document[] = [
  { name: "Ivo Petrov", phone: "+15550000001", city: "Lyon", segment: "retail" },
  { name: "Jia Wen", phone: "+15550000002", city: "Oslo", segment: "enterprise" },
];

/** One query the data client received. */
interface Received {
  kind: "find" | "aggregate";
  collection: string;
  /** The find filter, or the aggregate pipeline. */
  query: Document | Document[];
}

/**
 * A DataClient whose data can be replaced (a new embedded server over new documents)
 * while keeping its identity, recording every query; `gate` holds queries back and
 * `fail` makes them fail.
 */
class SwitchingClient implements DataClient {
  readonly database = "ccs_test";
  received: Received[] = [];
  gate: Promise<void> | null = null;
  fail: Error | null = null;
  #target: DataClient;
  #opened: DataClient[] = [];

  private constructor(target: DataClient) {
    this.#target = target;
    this.#opened.push(target);
  }

  static async over(callDocs: Document[]): Promise<SwitchingClient> {
    return new SwitchingClient(await open(callDocs));
  }

  /** Serves `callDocs` from now on (a new server; the old one stays open until close). */
  async replace(callDocs: Document[]): Promise<void> {
    this.#target = await open(callDocs);
    this.#opened.push(this.#target);
  }

  async #pass(): Promise<void> {
    if (this.gate) await this.gate;
    if (this.fail) throw this.fail;
  }

  listTools() {
    return this.#target.listTools();
  }
  callTool(name: string, args: Record<string, unknown>) {
    return this.#target.callTool(name, args);
  }
  async find(args: FindArgs) {
    this.received.push({ kind: "find", collection: args.collection, query: args.filter ?? {} });
    await this.#pass();
    return await this.#target.find(args);
  }
  async aggregate(collection: string, pipeline: Document[]) {
    this.received.push({ kind: "aggregate", collection, query: pipeline });
    await this.#pass();
    return await this.#target.aggregate(collection, pipeline);
  }
  count(collection: string, query?: Document) {
    return this.#target.count(collection, query);
  }
  async close() {
    for (const c of this.#opened) await c.close();
  }
}

async function open(callDocs: Document[]): Promise<DataClient> {
  const store = createMemoryStore({ [CALLS]: callDocs, [CUSTOMERS]: CUSTOMER_DOCS }, {
    database: "ccs_test",
  });
  store.buildIndexes();
  return await connectEmbedded(store, { database: "ccs_test" });
}

/** True when a query on the calls is limited to a `start_time` condition. */
function boundedByStartTime(r: Received): boolean {
  if (r.kind === "find") return "start_time" in (r.query as Document);
  const first = (r.query as Document[])[0];
  const match = first?.$match as Document | undefined;
  return match !== undefined && "start_time" in match;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("distinctPipeline: $match on the field's type (and a start_time range), $group, $sort, $limit", () => {
  assert.deepEqual(distinctPipeline("queue"), [
    { $match: { queue: { $type: "string" } } },
    { $group: { _id: "$queue" } },
    { $sort: { _id: 1 } },
    { $limit: 5000 },
  ]);
  const t = new Date("2026-11-01T00:00:00Z");
  assert.deepEqual(distinctPipeline("agent_name", { start_time: { $gt: t } })[0], {
    $match: { start_time: { $gt: t }, agent_name: { $type: "string" } },
  });
});

Deno.test("warmVocabulary builds once in the background; turns before it wait, with their signal", async () => {
  const client = await SwitchingClient.over(calls(40));
  const gate = deferred();
  client.gate = gate.promise;
  const cache = warmVocabulary(client, { log: () => {} });
  try {
    // The build started without anyone asking, and warmVocabulary did not wait for it.
    await new Promise((r) => setTimeout(r, 0));
    assert.ok(client.received.length > 0, "the build has started");
    const turn = new AbortController();
    const waiting = cache.get(turn.signal);
    const others = [cache.get(), cache.get()];
    turn.abort(new Error("The turn was cancelled"));
    await assert.rejects(waiting, /The turn was cancelled/);
    gate.resolve();
    const [a, b] = await Promise.all(others);
    assert.equal(a, b);
    assert.deepEqual(a.agents, ["amara", "bilal", "chen", "dana"]);
    assert.deepEqual(a.queues, ["billing", "sales", "support"]);
    assert.deepEqual(a.dispositions, ["callback", "resolved"]);
    assert.deepEqual(a.cities, ["Lyon", "Oslo"]);
    assert.deepEqual(a.segments, ["enterprise", "retail"]);
    const aggregates = client.received.filter((r) => r.kind === "aggregate").length;
    assert.equal(aggregates, 5, "one distinct query per field, whoever asked");
    assert.equal(cache.highWaterMark?.getTime(), START + 39 * DAY / 24);
    // The cancelled turn did not cancel the shared build, and nothing reads it again.
    assert.equal(await cache.get(), a);
    assert.equal(client.received.filter((r) => r.kind === "aggregate").length, 5);
  } finally {
    cache.close();
    await client.close();
  }
});

Deno.test("after the first build no turn or refresh reads every call", async () => {
  const docs = calls(60);
  const client = await SwitchingClient.over(docs);
  const cache = warmVocabulary(client, { log: () => {} });
  try {
    await cache.get();
    const firstBuild = client.received.filter((r) => r.collection === CALLS);
    assert.ok(firstBuild.some((r) => !boundedByStartTime(r)), "the first build reads all calls");
    client.received = [];

    const planner = createOfflinePlanner({
      tz: "UTC",
      now: () => new Date(START + 3 * DAY),
      client,
    });
    await planner.understand("How many calls did agent chen handle in the sales queue?");
    await checkNames(client, { agent: "chenn", queue: "salse" });
    await cache.refresh();
    await client.replace([...docs, call(60, "Emeka", "vip", "escalated")]);
    await cache.refresh();

    const onCalls = client.received.filter((r) => r.collection === CALLS);
    assert.ok(
      onCalls.some((r) => r.kind === "aggregate"),
      "the refresh read the new calls",
    );
    const unbounded = onCalls.filter((r) => !boundedByStartTime(r));
    assert.deepEqual(unbounded, [], "every query on the calls has a start_time condition");
  } finally {
    cache.close();
    await client.close();
  }
});

Deno.test("a call after the high-water mark brings its new names in at the next refresh", async () => {
  const docs = calls(30);
  const client = await SwitchingClient.over(docs);
  const cache = createVocabularyCache(client);
  try {
    const before = await cache.get();
    assert.ok(!before.agents.includes("emeka"));
    const later = call(45, "Emeka", "vip", "escalated");
    await client.replace([...docs, later]);
    assert.equal(await cache.get(), before, "a turn uses the vocabulary it finds");
    const after = await cache.refresh();
    assert.deepEqual(after.agents, ["amara", "bilal", "chen", "dana", "emeka"]);
    assert.deepEqual(after.queues, ["billing", "sales", "support", "vip"]);
    assert.deepEqual(after.dispositions, ["callback", "escalated", "resolved"]);
    assert.equal(cache.highWaterMark?.getTime(), (later.start_time as Date).getTime());
    assert.equal(await cache.get(), after);
    // Nothing newer: the calls are not read again, only the high-water mark is checked.
    client.received = [];
    await cache.refresh();
    assert.deepEqual(
      client.received.filter((r) => r.collection === CALLS).map((r) => r.kind),
      ["find"],
    );
  } finally {
    cache.close();
    await client.close();
  }
});

Deno.test("a failed refresh keeps the previous vocabulary and is logged once", async () => {
  const docs = calls(20);
  const client = await SwitchingClient.over(docs);
  const logged: string[] = [];
  const cache = warmVocabulary(client, { log: (m) => logged.push(m) });
  try {
    const v = await cache.get();
    client.fail = new Error("connection reset");
    await client.replace([...docs, call(30, "Emeka", "vip", "escalated")]);
    await assert.rejects(cache.refresh(), /connection reset/);
    await assert.rejects(cache.refresh(), /connection reset/);
    assert.equal(await cache.get(), v);
    assert.equal(logged.length, 1);
    assert.match(logged[0], /Cannot refresh the vocabulary/);
    client.fail = null;
    assert.ok((await cache.refresh()).agents.includes("emeka"));
    client.fail = new Error("connection reset");
    await assert.rejects(cache.refresh());
    assert.equal(logged.length, 2, "a new run of failures is logged again");
  } finally {
    cache.close();
    await client.close();
  }
});

Deno.test("refreshes run on a timer, one at a time, and close() stops them", async () => {
  const docs = calls(20);
  const client = await SwitchingClient.over(docs);
  const cache = warmVocabulary(client, { refreshMs: 5, log: () => {} });
  try {
    await cache.get();
    await client.replace([...docs, call(25, "Emeka", "vip", "escalated")]);
    const deadline = Date.now() + 5_000;
    while (!(await cache.get()).agents.includes("emeka")) {
      assert.ok(Date.now() < deadline, "the timer refreshed the vocabulary");
      await new Promise((r) => setTimeout(r, 5));
    }
    // Two refreshes asked for at once share one run.
    const [r1, r2] = [cache.refresh(), cache.refresh()];
    assert.equal(r1, r2);
    await r1;
  } finally {
    cache.close();
  }
  await new Promise((r) => setTimeout(r, 20));
  const seen = client.received.length;
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(client.received.length, seen, "no query after close");
  await client.close();
  // The test sanitizers fail this test if a timer was left behind.
});

Deno.test("back-filled calls (an earlier start, stored later) come in at the periodic full rebuild", async () => {
  const docs = calls(30);
  const client = await SwitchingClient.over(docs);
  const cache = createVocabularyCache(client, { refreshMs: 15, rebuildEvery: 3, log: () => {} });
  try {
    await cache.get();
    // Stored now, but started before the newest call already seen.
    await client.replace([...docs, call(2, "Zara", "billing", "resolved")]);
    const incremental = await cache.refresh();
    assert.ok(!incremental.agents.includes("zara"), "the incremental refresh cannot see it");
    cache.start();
    const end = Date.now() + 5_000;
    while (!(await cache.get()).agents.includes("zara")) {
      assert.ok(Date.now() < end, "the rebuild brought the back-filled agent in");
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    cache.close();
    await client.close();
  }
});
