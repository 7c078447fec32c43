import assert from "node:assert/strict";
import { loadConfig } from "../config.ts";
import { loadConfiguredStore, openDataClient } from "./open_client.ts";
import { generateDataset } from "./seed.ts";
import { fixtureDataset } from "../../testing/data_fixture.ts";

Deno.test("openDataClient serves generated demo data in embedded mode", async () => {
  const config = loadConfig({
    DEMO_DAYS: "2",
    DEMO_CALLS_PER_DAY: "25",
    NOW: "2026-11-24T09:00:00Z",
    BUSINESS_TZ: "Asia/Kolkata",
    MONGODB_DATABASE: "demo_db",
  });
  const client = await openDataClient(config);
  try {
    assert.equal(client.database, "demo_db");
    const total = await client.count("calling_cdr");
    assert.ok(total > 0);
    const latest = await client.find({
      collection: "calling_cdr",
      sort: { start_time: -1 },
      limit: 1,
    });
    assert.ok(
      (latest.documents[0].start_time as Date).getTime() <= Date.parse("2026-11-24T09:00:00Z"),
    );
  } finally {
    await client.close();
  }
});

Deno.test("openDataClient uses a given dataset, and DATA_DIR files", async () => {
  const config = loadConfig({});
  const client = await openDataClient(config, { dataset: fixtureDataset() });
  try {
    assert.equal(await client.count("calling_cdr"), 20);
  } finally {
    await client.close();
  }
  const dir = await Deno.makeTempDir({ prefix: "open_client_test_" });
  try {
    await Deno.writeTextFile(`${dir}/calling_cdr.jsonl`, `{"_id":1,"call_id":"X"}\n`);
    const { store, documents } = await loadConfiguredStore({ ...config, dataDir: dir }, "ccs_dev");
    assert.equal(documents, 1);
    assert.deepEqual(store.collection("ccs_dev", "calling_cdr")!.documents, [{
      _id: 1,
      call_id: "X",
    }]);
    assert.deepEqual(store.collection("ccs_dev", "address_book")!.documents, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadConfiguredStore streams demo calls into columns equal to the generated dataset", async () => {
  const config = loadConfig({
    DEMO_DAYS: "3",
    DEMO_CALLS_PER_DAY: "9000",
    BUSINESS_TZ: "Asia/Tokyo",
  });
  const now = new Date("2026-03-10T12:00:00Z");
  const { store, documents } = await loadConfiguredStore({ ...config, now }, "ccs_dev");
  const expected = generateDataset({
    days: config.demoData.days,
    callsPerDay: config.demoData.callsPerDay,
    seed: config.demoData.seed,
    now,
    tz: config.tz,
  });
  const calls = store.collection("ccs_dev", "calling_cdr")!;
  assert.ok(calls.table, "the calls are held as columns");
  assert.equal(documents, expected.calling_cdr.length + expected.address_book.length);
  assert.equal(calls.size, expected.calling_cdr.length);
  for (const i of [0, 1, 777, expected.calling_cdr.length - 1]) {
    assert.deepEqual(calls.table!.doc(i), expected.calling_cdr[i]);
  }
});

Deno.test("generating demo data lets the event loop run between batches", async () => {
  const config = loadConfig({
    DEMO_DAYS: "3",
    DEMO_CALLS_PER_DAY: "9000",
    NOW: "2026-11-24T09:00:00Z",
  });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  try {
    const { documents } = await loadConfiguredStore(config, "ccs_dev");
    assert.ok(documents > 20_000);
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks >= 3, `timers ran ${ticks} times while ~25,000 calls were generated`);
});
