import assert from "node:assert/strict";
import { ReportParamError } from "./errors.ts";
import {
  MAX_LIST_VALUES,
  MULTI_VALUE_PARAMS,
  normalizeParams,
  orList,
  paramsSchema,
  paramValues,
} from "./params.ts";

const ALL = [...MULTI_VALUE_PARAMS, "customer", "status"] as const;

Deno.test("normalizeParams: name parameters take one value or a list", () => {
  for (const name of MULTI_VALUE_PARAMS) {
    assert.deepEqual(normalizeParams({ [name]: " one " }, ALL)[name], "one");
    assert.deepEqual(normalizeParams({ [name]: ["one", " two "] }, ALL)[name], ["one", "two"]);
    // One value in a list is that value; blanks and repeats (ignoring case) are dropped.
    assert.equal(normalizeParams({ [name]: ["", "one", "ONE", " "] }, ALL)[name], "one");
    assert.equal(normalizeParams({ [name]: [] }, ALL)[name], undefined);
    assert.equal(normalizeParams({ [name]: ["  "] }, ALL)[name], undefined);
  }
  // A customer stays one value.
  assert.throws(
    () => normalizeParams({ customer: ["a", "b"] }, ALL),
    (e) => e instanceof ReportParamError && e.param === "customer",
  );
});

Deno.test("normalizeParams: a list of anything but names is a ReportParamError", () => {
  const bad = (params: Record<string, unknown>, param: string, message: RegExp) =>
    assert.throws(
      () => normalizeParams(params, ALL),
      (e) => e instanceof ReportParamError && e.param === param && message.test(e.message),
    );
  bad({ agent: ["priya", { name: "x" }] }, "agent", /"agent" must be a name or a list of names/);
  bad({ queue: [null] }, "queue", /"queue" must be a name or a list/);
  bad({ city: Array.from({ length: MAX_LIST_VALUES + 1 }, (_, i) => `c${i}`) }, "city", /at most/);
  bad({ segment: { a: 1 } }, "segment", /"segment" must be a string/);
});

Deno.test("normalizeParams: entries ignore lists of parameters they do not accept", () => {
  const p = normalizeParams({ agent: ["a", "b"], queue: ["x", "y"] }, ["queue"]);
  assert.deepEqual(p, { queue: ["x", "y"] });
});

Deno.test("paramValues and orList", () => {
  assert.deepEqual(paramValues(undefined), []);
  assert.deepEqual(paramValues("a"), ["a"]);
  assert.deepEqual(paramValues(["a", " ", "b"]), ["a", "b"]);
  assert.equal(orList(["priya", "rohit"]), "priya or rohit");
  assert.equal(orList(["priya"]), "priya");
});

Deno.test("the schema of a name parameter accepts a string or a list of strings", () => {
  const schema = paramsSchema(["agent", "queue", "customer"]) as {
    properties: Record<string, { type?: string; anyOf?: { type: string }[] }>;
  };
  for (const name of ["agent", "queue"]) {
    assert.deepEqual(schema.properties[name].anyOf?.map((s) => s.type), ["string", "array"]);
  }
  assert.equal(schema.properties.customer.type, "string");
});
