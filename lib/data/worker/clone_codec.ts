/**
 * Documents across a worker boundary. Structured clone keeps dates, regexes, numbers,
 * strings and plain objects, but turns a bson `ObjectId` (a class instance) into a
 * plain object: {@link encodeForClone} replaces ObjectIds with `{$oid: hex}` (and any
 * other BSON value with its relaxed EJSON form) before `postMessage`, and
 * {@link decodeFromClone} restores them after. Dates travel natively, so unlike
 * going through EJSON for every value, nothing else is converted (faster: see
 * `bench/worker_read.ts --codec`).
 *
 * Pipelines sent to the worker go as relaxed EJSON instead ({@link encodePipeline} /
 * {@link decodePipeline}), as through MCP, so a `$regex` is compiled to a linear-time
 * regex on the engine's side whichever way the pipeline came.
 *
 * @module
 */
import { EJSON, ObjectId } from "bson";
import { compileRegex } from "../safe_regex.ts";
import type { Document } from "../types.ts";

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * `value` with every ObjectId as `{$oid: hex}` and every other BSON value as its relaxed
 * EJSON form; dates and everything structured clone keeps stay as they are. Returns
 * `value` itself when nothing needs converting (documents are never modified).
 */
export function encodeForClone(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      const e = encodeForClone(v);
      if (e !== v && out === null) out = value.slice(0, i);
      if (out !== null) out.push(e);
    }
    return out ?? value;
  }
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof ObjectId) return { $oid: value.toHexString() };
  if (!isPlain(value)) {
    if (typeof (value as { _bsontype?: unknown })._bsontype === "string") {
      return EJSON.serialize(value as never, { relaxed: true });
    }
    return value;
  }
  let out: Record<string, unknown> | null = null;
  for (const k in value) {
    const v = (value as Record<string, unknown>)[k];
    const e = encodeForClone(v);
    if (e !== v && out === null) out = { ...value };
    if (out !== null) out[k] = e;
  }
  return out ?? value;
}

/**
 * Undoes {@link encodeForClone} on a structured clone, in place (the clone belongs to
 * the receiver): `{$oid}` becomes an `ObjectId`, other `$`-keyed EJSON values their
 * BSON type.
 */
export function decodeFromClone(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = decodeFromClone(value[i]);
    return value;
  }
  if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value;
  const obj = value as Record<string, unknown>;
  for (const k in obj) {
    if (k.charCodeAt(0) === 36 /* $ */) {
      const oid = obj.$oid;
      if (k === "$oid" && typeof oid === "string" && /^[0-9a-fA-F]{24}$/.test(oid)) {
        return new ObjectId(oid);
      }
      return EJSON.deserialize(obj, { relaxed: true });
    }
    obj[k] = decodeFromClone(obj[k]);
  }
  return obj;
}

/** Decodes every document of a batch in place. */
export function decodeBatch(docs: Document[]): Document[] {
  for (let i = 0; i < docs.length; i++) docs[i] = decodeFromClone(docs[i]) as Document;
  return docs;
}

/** A pipeline as relaxed EJSON (how it travels through MCP too). */
export function encodePipeline(pipeline: Document[]): Document[] {
  return EJSON.serialize(pipeline, { relaxed: true }) as unknown as Document[];
}

/**
 * Undoes {@link encodePipeline}: EJSON decoded, BSON regexes compiled to linear-time
 * ones (`safe_regex.ts`), like the embedded MCP server's arguments.
 */
export function decodePipeline(pipeline: unknown): Document[] {
  if (!Array.isArray(pipeline)) throw new TypeError("The pipeline must be an array of stages");
  return toRegExps(EJSON.deserialize(pipeline as never, { relaxed: true })) as Document[];
}

function toRegExps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toRegExps);
  if (v === null || typeof v !== "object") return v;
  if ((v as { _bsontype?: unknown })._bsontype === "BSONRegExp") {
    const { pattern, options } = v as { pattern: string; options: string };
    return compileRegex(pattern, options);
  }
  if (!isPlain(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toRegExps(x);
  return out;
}
