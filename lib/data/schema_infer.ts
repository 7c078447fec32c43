/**
 * Schema inference for `collection-schema`, in the "simplified schema" shape of npm
 * `mongodb-schema` that the MongoDB MCP server returns:
 * `{ field: { types: [{ bsonType: "String" }, { bsonType: "Null" }] } }`, with
 * `{ bsonType: "Document", fields }` and `{ bsonType: "Array", types }` for nesting.
 *
 * @module
 */
import type { Document } from "./types.ts";

/** One type a field was seen with. */
export type SimplifiedSchemaType =
  | { bsonType: string }
  | { bsonType: "Document"; fields: SimplifiedSchema }
  | { bsonType: "Array"; types: SimplifiedSchemaType[] };

/** Field name → the types seen, most frequent first. */
export type SimplifiedSchema = Record<string, { types: SimplifiedSchemaType[] }>;

/** The BSON type name of a decoded value. */
export function bsonTypeOf(v: unknown): string {
  if (v === null) return "Null";
  if (v === undefined) return "Undefined";
  if (Array.isArray(v)) return "Array";
  if (v instanceof Date) return "Date";
  if (v instanceof RegExp) return "BSONRegExp";
  switch (typeof v) {
    case "string":
      return "String";
    case "boolean":
      return "Boolean";
    case "bigint":
      return "Int64";
    case "number":
      if (!Number.isInteger(v)) return "Double";
      return v >= -(2 ** 31) && v < 2 ** 31 ? "Int32" : "Int64";
    case "object": {
      const bsontype = (v as { _bsontype?: unknown })._bsontype;
      if (typeof bsontype === "string") return bsontype === "Long" ? "Int64" : bsontype;
      return "Document";
    }
    default:
      return typeof v;
  }
}

interface TypeAcc {
  count: number;
  /** For documents: values seen. For arrays: elements seen. */
  values: unknown[];
}

function summarise(values: unknown[]): SimplifiedSchemaType[] {
  const byType = new Map<string, TypeAcc>();
  for (const v of values) {
    if (v === undefined) continue;
    const t = bsonTypeOf(v);
    let acc = byType.get(t);
    if (!acc) {
      acc = { count: 0, values: [] };
      byType.set(t, acc);
    }
    acc.count++;
    if (t === "Document") acc.values.push(v);
    else if (t === "Array") acc.values.push(...(v as unknown[]));
  }
  return [...byType.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]))
    .map(([bsonType, acc]) => {
      if (bsonType === "Document") {
        return { bsonType, fields: inferSchema(acc.values as Document[]) };
      }
      if (bsonType === "Array") return { bsonType, types: summarise(acc.values) };
      return { bsonType };
    });
}

/** Infers the simplified schema of a sample of documents (fields in first-seen order). */
export function inferSchema(docs: Document[]): SimplifiedSchema {
  const fields = new Map<string, unknown[]>();
  for (const doc of docs) {
    for (const [k, v] of Object.entries(doc)) {
      let list = fields.get(k);
      if (!list) {
        list = [];
        fields.set(k, list);
      }
      list.push(v);
    }
  }
  const schema: SimplifiedSchema = {};
  for (const [k, values] of fields) schema[k] = { types: summarise(values) };
  return schema;
}
