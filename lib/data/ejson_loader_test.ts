import assert from "node:assert/strict";
import { ObjectId } from "bson";
import {
  DatasetError,
  loadDataset,
  loadEjsonFile,
  loadEjsonTable,
  scanJson,
} from "./ejson_loader.ts";

async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ejson_loader_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const RELAXED = [
  `{"_id":{"$oid":"6ad0d6c0f9a5ba5520964bc8"},"call_id":"C1","start_time":{"$date":"2026-10-15T13:36:00.000Z"},"talk_seconds":341,"agent_name":"manas","answer_time":null}`,
  ``,
  `{"_id":{"$oid":"6ad0d6c0f9a5ba5520964bc9"},"call_id":"C2","start_time":{"$date":"2026-10-16T08:00:00.000Z"},"talk_seconds":0,"agent_name":null}`,
].join("\n") + "\n";

const CANONICAL =
  `{"_id":{"$oid":"6ad0d6c0f9a5ba5520964bc8"},"n":{"$numberInt":"42"},"l":{"$numberLong":"1234567890123"},` +
  `"d":{"$numberDouble":"2.5"},"t":{"$date":{"$numberLong":"1760535360000"}}}\r\n`;

Deno.test("loads relaxed EJSON lines", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/calls.jsonl`, RELAXED);
    const docs = await loadEjsonFile(`${dir}/calls.jsonl`);
    assert.equal(docs.length, 2);
    assert.ok(docs[0]._id instanceof ObjectId);
    assert.equal((docs[0]._id as ObjectId).toHexString(), "6ad0d6c0f9a5ba5520964bc8");
    assert.ok(docs[0].start_time instanceof Date);
    assert.equal((docs[0].start_time as Date).toISOString(), "2026-10-15T13:36:00.000Z");
    assert.equal(docs[0].talk_seconds, 341);
    assert.equal(docs[0].answer_time, null);
    assert.equal(docs[1].agent_name, null);
  });
});

Deno.test("streams a file into columns whose documents equal the loaded ones", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(`${dir}/calls.jsonl.gz`, await gzip(RELAXED.repeat(3)));
    const docs = await loadEjsonFile(`${dir}/calls.jsonl.gz`);
    const table = await loadEjsonTable(`${dir}/calls.jsonl.gz`, { batchSize: 2 });
    assert.equal(table.size, 6);
    assert.deepStrictEqual(table.docs([0, 1, 2, 3, 4, 5]), docs);
  });
});

Deno.test("loads canonical EJSON with numbers as JS numbers and CRLF line ends", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/c.json`, CANONICAL);
    const [doc] = await loadEjsonFile(`${dir}/c.json`);
    assert.equal(doc.n, 42);
    assert.equal(doc.l, 1234567890123);
    assert.equal(doc.d, 2.5);
    assert.equal((doc.t as Date).toISOString(), "2025-10-15T13:36:00.000Z");
  });
});

Deno.test("loads a pretty JSON array", async () => {
  await withDir(async (dir) => {
    const text =
      `[\n  {"a": {"$numberInt": "1"}, "t": {"$date": "2026-01-01T00:00:00Z"}},\n  {"a": 2}\n]\n`;
    await Deno.writeTextFile(`${dir}/x.json`, text);
    const docs = await loadEjsonFile(`${dir}/x.json`);
    assert.deepEqual(docs.map((d) => d.a), [1, 2]);
    assert.ok(docs[0].t instanceof Date);
  });
});

Deno.test("loads gzipped files, detected by content whatever the name", async () => {
  await withDir(async (dir) => {
    await Deno.writeFile(`${dir}/calls.jsonl.gz`, await gzip(RELAXED));
    await Deno.writeFile(`${dir}/misnamed.jsonl`, await gzip(`[${CANONICAL}]`));
    assert.equal((await loadEjsonFile(`${dir}/calls.jsonl.gz`)).length, 2);
    const [doc] = await loadEjsonFile(`${dir}/misnamed.jsonl`);
    assert.equal(doc.n, 42);
  });
});

Deno.test("loads many lines across stream chunks", async () => {
  await withDir(async (dir) => {
    const lines = Array.from(
      { length: 20_000 },
      (_, i) => `{"i":${i},"s":"${"x".repeat(i % 50)}"}`,
    );
    await Deno.writeFile(`${dir}/big.jsonl.gz`, await gzip(lines.join("\n")));
    const docs = await loadEjsonFile(`${dir}/big.jsonl.gz`);
    assert.equal(docs.length, 20_000);
    assert.equal(docs[19_999].i, 19_999);
  });
});

Deno.test("a bad line is reported with file and line", async () => {
  await withDir(async (dir) => {
    const path = `${dir}/calls.jsonl`;
    await Deno.writeTextFile(path, `{"a":1}\n\n{"a": x}\n{"a":3}\n`);
    let err: unknown;
    try {
      await loadEjsonFile(path);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof DatasetError);
    assert.equal(err.line, 3);
    assert.match(
      err.message,
      new RegExp(`^Cannot load ".*calls\\.jsonl" line 3: Unexpected token`),
    );
  });
});

Deno.test("invalid EJSON values and non-documents are reported with their line", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/a.jsonl`, `{"a":1}\n{"_id":{"$oid":"zz"}}\n`);
    await assert.rejects(
      () => loadEjsonFile(`${dir}/a.jsonl`),
      /line 2: input must be a 24 character hex/,
    );
    await Deno.writeTextFile(`${dir}/b.jsonl`, `{"a":1}\n[1,2]\n`);
    await assert.rejects(() => loadEjsonFile(`${dir}/b.jsonl`), /line 2: expected a document/);
  });
});

Deno.test("a bad JSON array is reported with the line of the problem", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/x.json`, `[\n {"a": 1},\n {"a": 2},\n {"a": 3,,}\n]`);
    await assert.rejects(() => loadEjsonFile(`${dir}/x.json`), /"\S*x\.json" line 4: /);
    await Deno.writeTextFile(`${dir}/y.json`, `[\n {"a": 1},\n\n {"_id": {"$oid": "nothex"}}\n]`);
    await assert.rejects(() => loadEjsonFile(`${dir}/y.json`), /"\S*y\.json" line 4: /);
  });
});

Deno.test("corrupt gzip and missing files are reported", async () => {
  await withDir(async (dir) => {
    const bytes = await gzip(RELAXED);
    await Deno.writeFile(`${dir}/bad.jsonl.gz`, bytes.slice(0, bytes.length - 12));
    await assert.rejects(() => loadEjsonFile(`${dir}/bad.jsonl.gz`), DatasetError);
    await assert.rejects(
      () => loadEjsonFile(`${dir}/none.jsonl`),
      /"\S*none\.jsonl": file not found/,
    );
  });
});

Deno.test("loadDataset finds NAME.json|.jsonl|.ndjson[.gz] and requires calling_cdr", async () => {
  await withDir(async (dir) => {
    await assert.rejects(() => loadDataset(`${dir}/missing`), /directory not found/);
    await assert.rejects(() => loadDataset(dir), /no calling_cdr\.jsonl/);
    await Deno.writeFile(`${dir}/calling_cdr.ndjson.gz`, await gzip(RELAXED));
    let ds = await loadDataset(dir);
    assert.equal(ds.calling_cdr.length, 2);
    assert.deepEqual(ds.address_book, []);
    await Deno.writeTextFile(`${dir}/address_book.json`, `[{"customer_id":"CUST1","phone":"+91"}]`);
    ds = await loadDataset(dir);
    assert.equal(ds.address_book[0].customer_id, "CUST1");
  });
});

Deno.test("loads the shared sample dataset", async () => {
  const dir = new URL("../../../shared/data/public", import.meta.url).pathname;
  const ds = await loadDataset(dir);
  assert.ok(ds.calling_cdr.length > 1000);
  assert.ok(ds.address_book.length > 100);
  assert.ok(ds.calling_cdr.every((c) => c.start_time instanceof Date));
});

Deno.test("scanJson locates syntax errors and array elements", () => {
  assert.deepEqual(scanJson(`[{"a":1}, {"b":[2,3]}, "x"]`), {
    errorAt: null,
    elements: [1, 10, 23],
  });
  assert.equal(scanJson(`{"a": 1,}`).errorAt, 8);
  assert.equal(scanJson(`{"a": "x`).errorAt, 8);
  assert.equal(scanJson(`[1] 2`).errorAt, 4);
});
