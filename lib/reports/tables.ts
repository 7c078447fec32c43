/**
 * Tables shown in the chat, saved as queries (like reports: the pipeline bounded by its
 * as-of instant, never the rows), so the page can read every row of a listing in cursor
 * pages, sort it on the server, and download it as Excel in the order shown.
 *
 * Paging: a listing (`$match`, `$sort`, `$limit`?, then `$project`-like stages) pages by
 * keyset on its sort keys made total with `_id`, so each page costs the same however deep
 * it is and an index on the sort keys serves it. A key a range cannot continue from (null,
 * arrays) continues with `$skip` from the row number the cursor carries; so does any other
 * pipeline (aggregates). Cursors are opaque base64url JSON: the sort they belong to, the
 * row number, and the last row's sort key (EJSON, so dates survive).
 *
 * @module
 */
import { EJSON } from "bson";
import { analyseListing } from "../data/read_all.ts";
import type { DataClient, Document } from "../data/types.ts";
import type { Column, CompiledReport, ReportMeta } from "./types.ts";
import { reportMetaFromCompiled } from "./save.ts";

/** Rows a page holds by default, and at most. */
export const PAGE_SIZE = 50;
/** The largest page a client may ask for. */
export const MAX_PAGE_SIZE = 100;

/** A saved table: a report's metadata (id `t_…`) and whether it lists records. */
export interface TableMeta extends ReportMeta {
  kind: "listing" | "aggregate";
}

/** Where saved tables live (implemented over Deno KV in `lib/kv.ts`). */
export interface TableRepository {
  saveTable(meta: TableMeta): Promise<void>;
  /** The table when `owner` owns it, else null (callers answer 404). */
  getTable(owner: string, id: string): Promise<TableMeta | null>;
}

/** True when `repo` can save tables. */
export function isTableRepository(repo: unknown): repo is TableRepository {
  return typeof (repo as Partial<TableRepository> | null)?.saveTable === "function" &&
    typeof (repo as Partial<TableRepository> | null)?.getTable === "function";
}

/** An order asked for: a column key and a direction. */
export interface TableSort {
  key: string;
  order: "asc" | "desc";
}

/** Thrown for a bad sort, cursor or page size; the message says what is wrong. */
export class TableRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TableRequestError";
  }
}

/** Options of {@link tableMetaFromCompiled}. */
export interface TableMetaOptions {
  owner: string;
  /** Rows the table has (`total_rows`). */
  rows: number;
  tz: string;
  createdAt?: Date;
}

/** The metadata of a table shown from `compiled` (nothing is stored). */
export function tableMetaFromCompiled(
  compiled: CompiledReport,
  opts: TableMetaOptions,
): TableMeta {
  const meta = reportMetaFromCompiled(compiled, { ...opts, params: null });
  return { ...meta, id: `t_${meta.id.slice(2)}`, kind: compiled.kind };
}

const SORT_DIR = { asc: 1, desc: -1 } as const;

function stageName(stage: Document): string {
  const keys = Object.keys(stage ?? {});
  return keys.length === 1 ? keys[0] : "";
}

/**
 * True when every stage after a listing's sort passes `key` through unchanged (so the
 * listing can be sorted by it before those stages, where an index can serve the sort).
 */
function passesThrough(rest: Document[], key: string): boolean {
  if (key.startsWith("$") || key.includes(".")) return false;
  return rest.every((stage) => {
    const name = stageName(stage);
    const spec = stage[name] as Document;
    if (name === "$project") {
      const v = spec[key];
      if (v === 1 || v === true) return true;
      if (v !== undefined) return false;
      const inclusion = Object.entries(spec).some(([k, x]) =>
        k !== "_id" && x !== 0 && x !== false
      );
      return !inclusion;
    }
    if (name === "$addFields" || name === "$set") return !(key in spec);
    if (name === "$unset") return !([] as unknown[]).concat(stage.$unset).includes(key);
    if (name === "$lookup") return spec.as !== key;
    return false;
  });
}

/**
 * `pipeline` with its rows in `sort` order: a listing sorts by the key (then `_id`) in
 * place of its own sort; anything else gets a final `$sort` on the key, then the other
 * columns (so equal keys keep one order).
 */
export function sortedPipeline(
  pipeline: Document[],
  columns: Column[],
  sort: TableSort | null | undefined,
): Document[] {
  if (!sort) return pipeline;
  if (!columns.some((c) => c.key === sort.key)) {
    throw new TableRequestError(
      `Cannot sort by "${sort.key}": the table's columns are ${
        columns.map((c) => c.key).join(", ")
      }`,
    );
  }
  const dir = SORT_DIR[sort.order];
  const listing = analyseListing(pipeline);
  if (listing && passesThrough(listing.rest, sort.key)) {
    return [
      ...(listing.filter ? [{ $match: listing.filter }] : []),
      { $sort: { [sort.key]: dir, _id: dir } },
      ...(listing.limit ? [{ $limit: listing.limit }] : []),
      ...listing.rest,
    ];
  }
  const order: Record<string, 1 | -1> = { [sort.key]: dir };
  for (const c of columns) if (c.key !== sort.key) order[c.key] = 1;
  return [...pipeline, { $sort: order }];
}

/** Reads `sort` and `order` query values (`order` defaults to ascending). */
export function readTableSort(
  key: string | null,
  order: string | null,
  columns: Column[],
): TableSort | null {
  if (key === null || key === "") {
    if (order) throw new TableRequestError('"order" needs "sort": name the column to sort by');
    return null;
  }
  if (order !== null && order !== "asc" && order !== "desc") {
    throw new TableRequestError(`"order" must be "asc" or "desc", got "${order}"`);
  }
  if (!columns.some((c) => c.key === key)) {
    throw new TableRequestError(
      `Cannot sort by "${key}": the table's columns are ${columns.map((c) => c.key).join(", ")}`,
    );
  }
  return { key, order: order === "desc" ? "desc" : "asc" };
}

/** Reads a page size: a whole number from 1 to {@link MAX_PAGE_SIZE} (default 50). */
export function readPageSize(value: string | null): number {
  if (value === null || value === "") return PAGE_SIZE;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new TableRequestError(
      `"limit" must be a whole number from 1 to ${MAX_PAGE_SIZE}, got "${value}"`,
    );
  }
  return n;
}

// ---------------------------------------------------------------------------------------
// Cursors

interface Cursor {
  /** The sort the cursor belongs to (`key:order`, "" for the table's own order). */
  s: string;
  /** Row number (0-based) of the page's first row. */
  o: number;
  /** The sort key of the row before, when a range can continue from it. */
  k?: unknown[];
}

function sortTag(sort: TableSort | null | undefined): string {
  return sort ? `${sort.key}:${sort.order}` : "";
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return new TextDecoder("utf-8", { fatal: true }).decode(
    Uint8Array.from(bin, (c) => c.charCodeAt(0)),
  );
}

/** A cursor for the page starting at row `offset` in `sort` order (after `key`, when known). */
export function encodeCursor(
  sort: TableSort | null | undefined,
  offset: number,
  key?: unknown[],
): string {
  const c: Cursor = { s: sortTag(sort), o: offset };
  if (key) c.k = EJSON.serialize(key, { relaxed: true }) as unknown as unknown[];
  return toBase64Url(JSON.stringify(c));
}

/** Reads a cursor for `sort`, or throws a TableRequestError that says what is wrong. */
export function decodeCursor(text: string, sort: TableSort | null | undefined): Cursor {
  let c: Cursor;
  try {
    if (text.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("shape");
    c = JSON.parse(fromBase64Url(text));
  } catch {
    throw new TableRequestError("Bad cursor: it is not one this table gave out");
  }
  if (!c || typeof c !== "object" || typeof c.s !== "string" || !Number.isInteger(c.o) || c.o < 0) {
    throw new TableRequestError("Bad cursor: it is not one this table gave out");
  }
  if (c.s !== sortTag(sort)) {
    throw new TableRequestError(
      "Bad cursor: it belongs to another sort order; start again without a cursor",
    );
  }
  if (c.k !== undefined) {
    if (!Array.isArray(c.k)) throw new TableRequestError("Bad cursor: its key is not a list");
    try {
      c.k = EJSON.deserialize(c.k as unknown as Document, { relaxed: true }) as unknown[];
    } catch {
      throw new TableRequestError("Bad cursor: its key cannot be read");
    }
    if (!Array.isArray(c.k) || !c.k.every(rangeable)) {
      throw new TableRequestError("Bad cursor: its key cannot be read");
    }
  }
  return c;
}

// ---------------------------------------------------------------------------------------
// Pages

/** One page of a table. */
export interface TablePage {
  /** Documents of the page, keyed by column. */
  docs: Document[];
  /** Row number (0-based) of the first one. */
  start: number;
  /** The cursor of the next page, or null on the last page. */
  next_cursor: string | null;
}

/** What a page is read from. */
export interface PageSource {
  collection: string;
  pipeline: Document[];
  columns: Column[];
  /** Rows the table has. */
  total: number;
}

/** Options of {@link readTablePage}. */
export interface PageOptions {
  /** The cursor from the previous page; none = the first page. */
  cursor?: string | null;
  limit?: number;
  sort?: TableSort | null;
  signal?: AbortSignal;
}

const KEY_FIELD = "__table_key";

function rangeable(v: unknown): boolean {
  if (v === null || v === undefined || Array.isArray(v)) return false;
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v === "string" || typeof v === "boolean") return true;
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  return typeof v === "object" && typeof (v as { _bsontype?: unknown })._bsontype === "string";
}

/** `$match` for documents after `values` in the order of `keys`. */
function afterKey(keys: [string, 1 | -1][], values: unknown[]): Document {
  const branches: Document[] = [];
  for (let i = 0; i < keys.length; i++) {
    const branch: Document = {};
    for (let j = 0; j < i; j++) branch[keys[j][0]] = values[j];
    branch[keys[i][0]] = { [keys[i][1] === 1 ? "$gt" : "$lt"]: values[i] };
    branches.push(branch);
  }
  const first = { [keys[0][0]]: { [keys[0][1] === 1 ? "$gte" : "$lte"]: values[0] } };
  return { $and: [first, branches.length === 1 ? branches[0] : { $or: branches }] };
}

function keepKey(rest: Document[]): Document[] {
  return rest.map((stage) => {
    if (stageName(stage) !== "$project") return stage;
    const spec = stage.$project as Document;
    const inclusion = Object.entries(spec).some(([k, v]) => k !== "_id" && v !== 0 && v !== false);
    return inclusion ? { $project: { ...spec, [KEY_FIELD]: 1 } } : stage;
  });
}

/**
 * Reads one page of a saved table in `sort` order (the table's own order when none):
 * at most `limit` rows from the cursor's row on, and the cursor of the next page.
 */
export async function readTablePage(
  client: DataClient,
  source: PageSource,
  opts: PageOptions = {},
): Promise<TablePage> {
  const limit = Math.max(1, Math.min(opts.limit ?? PAGE_SIZE, MAX_PAGE_SIZE));
  const cursor = opts.cursor ? decodeCursor(opts.cursor, opts.sort) : null;
  const start = cursor?.o ?? 0;
  if (start >= source.total) return { docs: [], start, next_cursor: null };
  const pipeline = sortedPipeline(source.pipeline, source.columns, opts.sort);
  const listing = analyseListing(pipeline);
  const callOpts = { signal: opts.signal };
  const end = Math.min(source.total, listing?.limit ?? Infinity);
  const asked = Math.min(limit, end - start);
  let docs: Document[] = [];
  let lastKey: unknown[] | null = null;
  if (listing && listing.sort.length) {
    const keys = totalSort(listing.sort);
    const conditions: Document[] = [];
    if (listing.filter) conditions.push(listing.filter);
    if (cursor?.k && cursor.k.length === keys.length) conditions.push(afterKey(keys, cursor.k));
    const keyset = Boolean(cursor?.k && cursor.k.length === keys.length);
    const page: Document[] = [
      ...(conditions.length
        ? [{ $match: conditions.length === 1 ? conditions[0] : { $and: conditions } }]
        : []),
      { $sort: Object.fromEntries(keys) },
      ...(keyset || start === 0 ? [] : [{ $skip: start }]),
      { $limit: asked },
      { $set: { [KEY_FIELD]: keys.map(([f]) => `$${f}`) } },
      ...keepKey(listing.rest),
    ];
    const res = await client.aggregate(source.collection, page, callOpts);
    docs = res.documents;
    if (docs.length < asked && keyset) {
      // A key of another type (or null) after the cursor: continue by row number.
      const more = await client.aggregate(source.collection, [
        ...(listing.filter ? [{ $match: listing.filter }] : []),
        { $sort: Object.fromEntries(keys) },
        { $skip: start + docs.length },
        { $limit: asked - docs.length },
        { $set: { [KEY_FIELD]: keys.map(([f]) => `$${f}`) } },
        ...keepKey(listing.rest),
      ], callOpts);
      docs = [...docs, ...more.documents];
    }
    for (const d of docs) {
      const k = d[KEY_FIELD];
      delete d[KEY_FIELD];
      lastKey = Array.isArray(k) ? k : null;
    }
  } else {
    const res = await client.aggregate(
      source.collection,
      [...pipeline, ...(start ? [{ $skip: start }] : []), { $limit: asked }],
      callOpts,
    );
    docs = res.documents;
  }
  docs = docs.slice(0, asked);
  const next = start + docs.length;
  const more = docs.length === asked && next < end;
  const key = lastKey && lastKey.every(rangeable) ? lastKey : undefined;
  return {
    docs,
    start,
    next_cursor: more ? encodeCursor(opts.sort, next, key) : null,
  };
}

/** The sort made total: cut after `_id`, or `_id` appended in the last key's direction. */
function totalSort(keys: [string, 1 | -1][]): [string, 1 | -1][] {
  const at = keys.findIndex(([f]) => f === "_id");
  if (at >= 0) return keys.slice(0, at + 1);
  return [...keys, ["_id", keys.length ? keys[keys.length - 1][1] : 1]];
}

/** A saved table's pipeline, read back. */
export function tablePipeline(meta: Pick<ReportMeta, "id" | "pipeline_ejson">): Document[] {
  const pipeline = EJSON.parse(meta.pipeline_ejson) as Document[];
  if (!Array.isArray(pipeline)) {
    throw new Error(`Cannot read table "${meta.id}": its pipeline is not an array`);
  }
  return pipeline;
}
