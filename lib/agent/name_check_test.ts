import assert from "node:assert/strict";
import type { DataClient, Document, QueryResult } from "../data/types.ts";
import { fixtureClient } from "../../testing/report_fixture.ts";
import {
  checkCustomerName,
  checkNames,
  closestNames,
  type UnknownName,
  unknownNamesMessage,
  unknownNamesReason,
  unknownVocabularyNames,
  vocabularyFor,
} from "./name_check.ts";
import { emptyVocabulary } from "./offline/vocabulary.ts";

const CLIENT: DataClient = await fixtureClient();

/** A client whose every query goes through `aggregate` (counted). */
function countingClient(
  aggregate: (collection: string, pipeline: Document[]) => Promise<Document[]>,
): DataClient & { queries: number } {
  const c = {
    database: "test",
    queries: 0,
    listTools: () => Promise.resolve([]),
    callTool: () => Promise.reject(new Error("not used")),
    find: () => Promise.resolve({ documents: [], total: 0, appliedLimits: [] }),
    async aggregate(collection: string, pipeline: Document[]): Promise<QueryResult> {
      c.queries++;
      const documents = await aggregate(collection, pipeline);
      return { documents, total: documents.length, appliedLimits: [] };
    },
    count: () => Promise.resolve(0),
    close: () => Promise.resolve(),
  };
  return c;
}

Deno.test("closestNames: within the distance, nearest first, at most 3", () => {
  const agents = ["jonas", "johan", "jon", "aditya", "anjali", "jonathon", "jane", "joan"];
  assert.deepEqual(closestNames("jonathan", agents), ["jonathon"]);
  assert.deepEqual(closestNames("jonah", agents), ["jonas", "joan", "johan"]);
  assert.deepEqual(closestNames("ADTIYA", agents), ["aditya"]);
  assert.deepEqual(closestNames("zzzzzz", agents), []);
  // Short words still get a distance of 2; long ones a third of their length.
  assert.deepEqual(closestNames("jo", ["jon", "jane", "xyz"]), ["jon"]);
  assert.deepEqual(closestNames("priyankaaa", ["priyanka"]), ["priyanka"]);
  assert.deepEqual(closestNames("Mumbay", ["Mumbai", "Mumbai"]), ["Mumbai"]);
});

Deno.test("unknownVocabularyNames: case-insensitive, every vocabulary field", () => {
  const v = {
    agents: ["asha", "bruno"],
    queues: ["billing", "sales", "support"],
    dispositions: ["follow_up", "resolved"],
    cities: ["Mumbai", "Pune"],
    segments: ["retail", "vip"],
  };
  assert.deepEqual(
    unknownVocabularyNames(
      { agent: "ASHA", queue: "Sales", disposition: "RESOLVED", city: "pune", segment: "VIP" },
      v,
    ),
    [],
  );
  const bad = unknownVocabularyNames(
    {
      agent: "brunno",
      queue: "retention",
      disposition: "follow up",
      city: "Mumbay",
      segment: "gold",
      period: "today",
    },
    v,
  );
  assert.deepEqual(bad.map((u) => [u.field, u.value, u.suggestions]), [
    ["agent", "brunno", ["bruno"]],
    ["queue", "retention", []],
    ["disposition", "follow up", ["follow_up"]],
    ["city", "Mumbay", ["Mumbai"]],
    ["segment", "gold", []],
  ]);
  assert.deepEqual(bad[0].known, ["asha", "bruno"]);
  // A field the data holds nothing for is not checked.
  assert.deepEqual(unknownVocabularyNames({ agent: "anyone" }, emptyVocabulary()), []);
});

Deno.test("the message names the value, the closest matches and the known values", () => {
  const agents = [
    "aditya",
    "anjali",
    "arjun",
    "deepa",
    "farhan",
    "johan",
    "jonas",
    "kavya",
    "meera",
    "nikhil",
    "pooja",
    "priya",
    "rahul",
    "rohan",
    "sneha",
    "vikram",
  ];
  const u: UnknownName = {
    field: "agent",
    value: "jonah",
    suggestions: closestNames("jonah", agents),
    known: agents,
  };
  assert.equal(unknownNamesReason([u]), 'No agent named "jonah"');
  assert.equal(
    unknownNamesMessage([u]),
    'No agent named "jonah". Did you mean: jonas, johan? Agents are: ' +
      agents.join(", ") +
      " (16). Ask the user which one they meant; do not answer for all agents.",
  );
  const many = Array.from({ length: 25 }, (_, i) => `city${String(i).padStart(2, "0")}`);
  const city: UnknownName = { field: "city", value: "Atlantis", suggestions: [], known: many };
  const customer: UnknownName = {
    field: "customer",
    value: "Ravi Kumr",
    suggestions: ["Ravi Kumar"],
    known: [],
  };
  const msg = unknownNamesMessage([city, customer]);
  assert.equal(
    msg,
    'No city named "Atlantis". Cities are: ' + many.slice(0, 20).join(", ") + ", … (25). " +
      'No customer named "Ravi Kumr" in the address book. Did you mean: Ravi Kumar? ' +
      "Ask the user which one they meant; do not answer for all cities or all customers.",
  );
  assert.equal(
    unknownNamesReason([city, customer]),
    'No city named "Atlantis"; No customer named "Ravi Kumr" in the address book',
  );
});

Deno.test("checkNames over the fixture: known names pass, unknown ones are found", async () => {
  assert.deepEqual(
    await checkNames(CLIENT, {
      agent: "Asha",
      queue: "BILLING",
      disposition: "sale",
      city: "mumbai",
      segment: "vip",
      customer: "ravi kumar",
    }),
    [],
  );
  // A part of a name matches as the report's filter does; a phone number is not checked.
  assert.deepEqual(await checkNames(CLIENT, { customer: "Ravi" }), []);
  assert.deepEqual(await checkNames(CLIENT, { customer: "+44 7700 900999" }), []);
  assert.deepEqual(await checkNames(CLIENT, { period: "today" }), []);

  const bad = await checkNames(CLIENT, {
    agent: "brunoo",
    queue: "retention",
    city: "Puna",
    customer: "Meera Shaw",
  });
  assert.deepEqual(bad.map((u) => [u.field, u.value, u.suggestions]), [
    ["agent", "brunoo", ["bruno"]],
    ["queue", "retention", []],
    ["city", "Puna", ["Pune"]],
    ["customer", "Meera Shaw", ["Meera Shah"]],
  ]);
  assert.deepEqual(bad[1].known, ["billing", "sales", "support"]);
  const nobody = await checkCustomerName(CLIENT, "Nobody Atall");
  assert.deepEqual(nobody, {
    field: "customer",
    value: "Nobody Atall",
    suggestions: [],
    known: [],
  });
});

Deno.test("checkNames: one vocabulary per client, and one query for a customer name", async () => {
  const client = countingClient((collection) =>
    Promise.resolve(
      collection === "address_book" ? [{ hit: [], near: [{ _id: "Ravi Kumar" }] }] : [],
    )
  );
  assert.equal(vocabularyFor(client), vocabularyFor(client));
  await checkNames(client, { agent: "x" });
  const afterFirst = client.queries;
  assert.equal(afterFirst, 5, "five distinct-value queries");
  await checkNames(client, { queue: "y" });
  assert.equal(client.queries, afterFirst, "the vocabulary is cached");
  const [u] = await checkNames(client, { customer: "Ravi Kumr" });
  assert.equal(client.queries, afterFirst + 1);
  assert.deepEqual(u.suggestions, ["Ravi Kumar"]);
});

Deno.test("checkNames never blocks: failing or slow data means nothing is unknown", async () => {
  const failing = countingClient(() => Promise.reject(new Error("connection refused")));
  assert.deepEqual(await checkNames(failing, { agent: "jonathan", customer: "Jon Doe" }), []);

  const timers: ReturnType<typeof setTimeout>[] = [];
  const slow = countingClient((_c, _p) =>
    new Promise((resolve) => timers.push(setTimeout(() => resolve([]), 2_000)))
  );
  const t0 = Date.now();
  assert.deepEqual(
    await checkNames(slow, { agent: "jonathan", customer: "Jon Doe" }, { timeoutMs: 50 }),
    [],
  );
  assert.ok(Date.now() - t0 < 1_000, "the deadline holds");

  const cancelled = new AbortController();
  cancelled.abort();
  assert.deepEqual(
    await checkNames(slow, { customer: "Jon Doe" }, { signal: cancelled.signal }),
    [],
  );
  timers.forEach(clearTimeout);
});

Deno.test("checkNames: each value of a list is checked", async () => {
  assert.deepEqual(
    await checkNames(CLIENT, {
      agent: ["Asha", "bruno"],
      queue: ["billing", "SALES"],
      city: ["mumbai", "Pune"],
    }),
    [],
  );
  const bad = await checkNames(CLIENT, {
    agent: ["asha", "brunoo"],
    queue: ["support", "retention", "salse"],
    segment: ["vip", ""],
  });
  assert.deepEqual(bad.map((u) => [u.field, u.value, u.suggestions]), [
    ["agent", "brunoo", ["bruno"]],
    ["queue", "retention", []],
    ["queue", "salse", ["sales"]],
  ]);
  assert.match(unknownNamesMessage(bad), /No queue named "retention"\..*No queue named "salse"/);
});
