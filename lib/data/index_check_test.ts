import assert from "node:assert/strict";
import {
  checkIndexes,
  createIndexCommand,
  indexStatus,
  keyHasPrefix,
  missingIndexesWarning,
  RECOMMENDED_INDEXES,
} from "./index_check.ts";
import { connectEmbedded } from "./mcp_client.ts";
import { createMemoryStore } from "./memory_store.ts";
import { CALLS, CUSTOMERS, type DataClient, type Document, type ToolResult } from "./types.ts";

/** A DataClient whose `collection-indexes` answers from `indexes` (and counts the calls). */
function indexClient(
  indexes: Record<string, Document[]>,
  opts: { structured?: boolean } = {},
): DataClient & { asked: string[] } {
  const asked: string[] = [];
  const unused = () => Promise.reject(new Error("Not used by the index check"));
  return {
    database: "ccs_test",
    asked,
    listTools: () => Promise.resolve([]),
    callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
      assert.equal(name, "collection-indexes");
      const collection = String(args.collection);
      asked.push(collection);
      const list = (indexes[collection] ?? []).map((key, i) => ({ name: `i${i}`, key }));
      const text = [
        `Found ${list.length} classic indexes in the collection "${collection}":`,
        ...list.map((i) => `Name: "${i.name}", definition: ${JSON.stringify(i.key)}`),
      ].join("\n");
      return Promise.resolve({
        isError: false,
        text,
        structured: opts.structured === false ? undefined : { classicIndexes: list },
      });
    },
    find: unused,
    aggregate: unused,
    count: unused,
    close: () => Promise.resolve(),
  };
}

Deno.test("keyHasPrefix: same fields in order, directions all equal or all reversed", () => {
  assert.ok(keyHasPrefix({ start_time: 1, _id: 1 }, { start_time: 1 }));
  assert.ok(keyHasPrefix({ start_time: -1 }, { start_time: 1 }));
  assert.ok(keyHasPrefix({ agent_name: -1, start_time: -1 }, { agent_name: 1, start_time: 1 }));
  assert.ok(!keyHasPrefix({ agent_name: 1, start_time: -1 }, { agent_name: 1, start_time: 1 }));
  assert.ok(!keyHasPrefix({ _id: 1, start_time: 1 }, { start_time: 1 }));
  assert.ok(!keyHasPrefix({ agent_name: 1 }, { agent_name: 1, start_time: 1 }));
  assert.ok(!keyHasPrefix({ phone: "hashed" }, { phone: 1 }));
  assert.ok(!keyHasPrefix({ start_time: 1 }, {}));
});

Deno.test("indexStatus: present, partial on the leading field, or missing", () => {
  const want = { agent_name: 1, start_time: 1 } as const;
  assert.deepEqual(indexStatus([{ agent_name: 1, start_time: 1, _id: 1 }], want), {
    status: "present",
    satisfiedBy: { agent_name: 1, start_time: 1, _id: 1 },
  });
  assert.equal(indexStatus([{ agent_name: 1 }], want).status, "partial");
  assert.equal(indexStatus([{ start_time: 1, agent_name: 1 }], want).status, "missing");
  assert.equal(indexStatus([{ start_time: 1 }], { start_time: 1 }).status, "present");
});

Deno.test("createIndexCommand is the mongosh command", () => {
  assert.equal(
    createIndexCommand("calling_cdr", { agent_name: 1, start_time: 1 }),
    "db.calling_cdr.createIndex({ agent_name: 1, start_time: 1 })",
  );
  assert.equal(
    createIndexCommand("my-calls", { "a.b": -1 }),
    'db.getCollection("my-calls").createIndex({ "a.b": -1 })',
  );
});

Deno.test("checkIndexes lists what a partial set of indexes misses, with createIndex commands", async () => {
  for (const structured of [true, false]) {
    const client = indexClient({
      [CALLS]: [{ _id: 1 }, { start_time: 1, _id: 1 }, { agent_name: 1 }],
      [CUSTOMERS]: [{ _id: 1 }],
    }, { structured });
    const report = await checkIndexes(client);
    assert.deepEqual(client.asked.sort(), [CUSTOMERS, CALLS].sort(), "one call per collection");
    assert.deepEqual(report.findings.map((f) => f.status), [
      "present",
      "partial",
      "missing",
      "missing",
    ]);
    assert.deepEqual(report.findings[0].satisfiedBy, { start_time: 1, _id: 1 });
    assert.deepEqual(report.missing.map((f) => f.command), [
      "db.calling_cdr.createIndex({ customer_number: 1, start_time: 1 })",
      "db.address_book.createIndex({ phone: 1 })",
    ]);
    assert.deepEqual(report.partial.map((f) => f.command), [
      "db.calling_cdr.createIndex({ agent_name: 1, start_time: 1 })",
    ]);
    const warning = missingIndexesWarning(report)!;
    assert.ok(!warning.includes("\n"), "one line");
    assert.match(warning, /calling_cdr \{ customer_number: 1, start_time: 1 \}/);
    assert.match(warning, /address_book \{ phone: 1 \}/);
    assert.match(warning, /deno task indexes/);
  }
});

Deno.test("checkIndexes: every recommended index present means no warning", async () => {
  const byCollection: Record<string, Document[]> = {};
  for (const r of RECOMMENDED_INDEXES) {
    (byCollection[r.collection] ??= []).push({ ...r.key, _id: 1 });
  }
  const report = await checkIndexes(indexClient(byCollection));
  assert.deepEqual(report.missing, []);
  assert.deepEqual(report.partial, []);
  assert.equal(missingIndexesWarning(report), null);
});

Deno.test("checkIndexes: a tool error is an error, not an empty list", async () => {
  const client = indexClient({});
  client.callTool = () => Promise.resolve({ isError: true, text: "ns does not exist" });
  await assert.rejects(checkIndexes(client), /Cannot read the indexes of .*ns does not exist/);
});

Deno.test("checkIndexes against the embedded server: nothing the app needs is missing", async () => {
  const store = createMemoryStore({
    [CALLS]: [{ call_id: "C1", start_time: new Date("2026-11-01T00:00:00Z") }],
    [CUSTOMERS]: [{ phone: "+15550000001", name: "Ivo Petrov" }],
  }, { database: "ccs_test" });
  store.buildIndexes();
  const client = await connectEmbedded(store, { database: "ccs_test" });
  try {
    const report = await checkIndexes(client);
    assert.deepEqual(report.missing, []);
    assert.equal(missingIndexesWarning(report), null);
    const byKey = new Map(report.findings.map((f) => [JSON.stringify(f.key), f]));
    assert.equal(byKey.get(JSON.stringify({ start_time: 1 }))?.status, "present");
    assert.equal(byKey.get(JSON.stringify({ phone: 1 }))?.status, "present");
    // The embedded store declares every index the app expects of a real server.
    for (const f of report.findings) assert.equal(f.status, "present", f.command);
  } finally {
    await client.close();
  }
});
