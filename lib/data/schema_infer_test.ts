import assert from "node:assert/strict";
import { ObjectId } from "bson";
import { bsonTypeOf, inferSchema } from "./schema_infer.ts";

Deno.test("inferSchema reports types per field, most frequent first, with nesting", () => {
  const schema = inferSchema([
    { _id: new ObjectId(), n: 1, s: "a", t: new Date(), sub: { x: 1 }, arr: [1, "a"] },
    { _id: new ObjectId(), n: 2.5, s: null, sub: { x: "y", z: true } },
    { _id: new ObjectId(), n: 3, s: "b", arr: [] },
  ]);
  assert.deepEqual(Object.keys(schema), ["_id", "n", "s", "t", "sub", "arr"]);
  assert.deepEqual(schema.n.types, [{ bsonType: "Int32" }, { bsonType: "Double" }]);
  assert.deepEqual(schema.s.types, [{ bsonType: "String" }, { bsonType: "Null" }]);
  assert.deepEqual(schema.t.types, [{ bsonType: "Date" }]);
  assert.deepEqual(schema.sub.types, [{
    bsonType: "Document",
    fields: {
      x: { types: [{ bsonType: "Int32" }, { bsonType: "String" }] },
      z: { types: [{ bsonType: "Boolean" }] },
    },
  }]);
  assert.deepEqual(schema.arr.types, [{
    bsonType: "Array",
    types: [{ bsonType: "Int32" }, { bsonType: "String" }],
  }]);
});

Deno.test("bsonTypeOf names BSON types", () => {
  assert.equal(bsonTypeOf(2 ** 40), "Int64");
  assert.equal(bsonTypeOf(new ObjectId()), "ObjectId");
  assert.equal(bsonTypeOf(/x/), "BSONRegExp");
  assert.equal(bsonTypeOf(false), "Boolean");
});
