/**
 * Streams the full result of a pipeline through any MongoDB MCP server, despite its
 * per-query cap (100 documents by default), by paging `aggregate` in a stable order.
 *
 * - Listings — `[$match…, $sort?, $limit?, $project/$addFields/$set/$unset/$lookup…]` —
 *   page by keyset: the sort is made total with an `_id` tie-breaker, and each page
 *   is `[$match(filter AND after the last key), $sort, $limit n, …rest]`, which an
 *   index on the sort keys serves directly (the embedded server's index plan, or
 *   MongoDB's). Each page costs the same however deep it is.
 * - Anything else (groups, unwinds, …) pages with `$skip`/`$limit` after making the
 *   pipeline's final order total (`_id` appended to its last `$sort`).
 *
 * A keyset page can stop early when a sort key holds values of several types
 * (range operators only compare like types), or hold a key a range cannot express
 * (null, arrays, sub-documents). When that happens the reader checks the count and
 * continues with `$skip` from where it is, in the same order, so no document is
 * skipped or repeated. When the server caps a page (`appliedLimits`), the page size
 * shrinks to what the server returns.
 *
 * A client with `readBatches` (the embedded server's, in a worker or in process) is
 * read in big batches instead, no MCP round trips: the same pipeline with its order
 * made total, the same documents in the same order.
 *
 * @module
 */
import { DataError } from "./errors.ts";
import type { DataClient, Document } from "./types.ts";

/** What {@link readAll} reads from: a data client, or anything with its `aggregate`. */
export type ReadAllSource =
  & Pick<DataClient, "aggregate">
  & Partial<Pick<DataClient, "readBatches">>;

/** Options of {@link readAll}. */
export interface ReadAllOptions {
  collection: string;
  pipeline: Document[];
  /** Documents asked for per page (default 100, the MongoDB MCP server's cap). */
  pageSize?: number;
  /** Documents per batch when the client has `readBatches` (default 5,000). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each page (or batch) with the number of documents read so far. */
  onProgress?: (read: number) => void;
  /** Paging strategy; `auto` (default) uses keyset paging for listings. */
  mode?: "auto" | "keyset" | "skip";
  /** Per-call timeout (ms), instead of the client's. */
  timeoutMs?: number;
}

const KEY_FIELD = "__read_all_key";
const SHAPING_STAGES = new Set(["$project", "$addFields", "$set", "$unset", "$lookup"]);
const ORDER_PRESERVING = new Set([
  ...SHAPING_STAGES,
  "$match",
  "$limit",
  "$skip",
  "$replaceRoot",
  "$replaceWith",
  "$redact",
]);

type SortKey = [field: string, direction: 1 | -1];

/** A listing: filter, sort, optional limit, then one-document-in, one-out stages. */
interface Listing {
  filter: Document | null;
  sort: SortKey[];
  limit: number | undefined;
  rest: Document[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function stageName(stage: Document): string | null {
  if (!isPlainObject(stage)) return null;
  const keys = Object.keys(stage);
  return keys.length === 1 ? keys[0] : null;
}

function sortKeys(spec: unknown): SortKey[] | null {
  if (!isPlainObject(spec)) return null;
  const keys: SortKey[] = [];
  for (const [f, d] of Object.entries(spec)) {
    if (d !== 1 && d !== -1) return null;
    keys.push([f, d]);
  }
  return keys.length ? keys : null;
}

/** The sort made total: cut after `_id`, or `_id` appended in the last key's direction. */
function totalSort(keys: SortKey[]): SortKey[] {
  const at = keys.findIndex(([f]) => f === "_id");
  if (at >= 0) return keys.slice(0, at + 1);
  return [...keys, ["_id", keys.length ? keys[keys.length - 1][1] : 1]];
}

function sortDoc(keys: SortKey[]): Record<string, 1 | -1> {
  return Object.fromEntries(keys);
}

/** Recognises a listing pipeline, or returns null. */
export function analyseListing(pipeline: Document[]): Listing | null {
  let i = 0;
  const filters: Document[] = [];
  while (i < pipeline.length && stageName(pipeline[i]) === "$match") {
    if (!isPlainObject(pipeline[i].$match)) return null;
    filters.push(pipeline[i].$match as Document);
    i++;
  }
  let sort: SortKey[] = [];
  if (i < pipeline.length && stageName(pipeline[i]) === "$sort") {
    const keys = sortKeys(pipeline[i].$sort);
    if (!keys) return null;
    sort = keys;
    i++;
  }
  let limit: number | undefined;
  if (i < pipeline.length && stageName(pipeline[i]) === "$limit") {
    const v = pipeline[i].$limit;
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) return null;
    limit = v;
    i++;
  }
  const rest = pipeline.slice(i);
  if (!rest.every((s) => SHAPING_STAGES.has(stageName(s) ?? ""))) return null;
  const filter = filters.length === 0
    ? null
    : filters.length === 1
    ? filters[0]
    : { $and: filters };
  return { filter, sort, limit, rest };
}

/** Keeps the keyset key through inclusion projections of the rest of a listing. */
function keepKey(rest: Document[]): Document[] {
  return rest.map((stage) => {
    if (stageName(stage) !== "$project" || !isPlainObject(stage.$project)) return stage;
    const spec = stage.$project;
    const inclusion = Object.entries(spec).some(([k, v]) => k !== "_id" && v !== 0 && v !== false);
    return inclusion ? { $project: { ...spec, [KEY_FIELD]: 1 } } : stage;
  });
}

/** A key value a range query can continue from: a scalar, a date, or a BSON value. */
function rangeable(v: unknown): boolean {
  if (v === null || v === undefined || Array.isArray(v)) return false;
  if (typeof v === "number") return Number.isFinite(v);
  if (typeof v === "string" || typeof v === "boolean" || typeof v === "bigint") return true;
  if (v instanceof Date) return !Number.isNaN(v.getTime());
  return typeof v === "object" && typeof (v as { _bsontype?: unknown })._bsontype === "string";
}

/** `$match` for documents after `values` in the order of `keys`. */
function afterKey(keys: SortKey[], values: unknown[]): Document {
  const branches: Document[] = [];
  for (let i = 0; i < keys.length; i++) {
    const branch: Document = {};
    for (let j = 0; j < i; j++) branch[keys[j][0]] = values[j];
    branch[keys[i][0]] = { [keys[i][1] === 1 ? "$gt" : "$lt"]: values[i] };
    branches.push(branch);
  }
  // The range on the first key lets an index bound the scan.
  const first = { [keys[0][0]]: { [keys[0][1] === 1 ? "$gte" : "$lte"]: values[0] } };
  return { $and: [first, branches.length === 1 ? branches[0] : { $or: branches }] };
}

/** The pipeline with its final order made total, for `$skip` paging. */
export function totalOrderPipeline(pipeline: Document[]): Document[] {
  let last = -1;
  for (let i = pipeline.length - 1; i >= 0; i--) {
    if (stageName(pipeline[i]) === "$sort") {
      last = i;
      break;
    }
  }
  if (last >= 0) {
    const keys = sortKeys(pipeline[last].$sort);
    const preserved = pipeline.slice(last + 1).every((s) =>
      ORDER_PRESERVING.has(stageName(s) ?? "")
    );
    if (keys && preserved) {
      const out = [...pipeline];
      out[last] = { $sort: sortDoc(totalSort(keys)) };
      return out;
    }
  }
  return [...pipeline, { $sort: { _id: 1 } }];
}

interface Pager {
  client: ReadAllSource;
  opts: ReadAllOptions;
  pageSize: number;
  read: number;
}

async function page(p: Pager, pipeline: Document[], asked: number) {
  p.opts.signal?.throwIfAborted();
  const res = await p.client.aggregate(p.opts.collection, pipeline, {
    signal: p.opts.signal,
    timeoutMs: p.opts.timeoutMs,
  });
  const capped = res.appliedLimits.length > 0 && res.documents.length < asked;
  if (capped) {
    if (res.documents.length === 0) {
      throw new DataError(
        `Cannot read "${p.opts.collection}": a single document exceeds the server's limits (${
          res.appliedLimits.join(", ")
        })`,
        "aggregate",
      );
    }
    p.pageSize = Math.min(p.pageSize, res.documents.length);
  }
  return { docs: res.documents, capped };
}

async function* skipPages(p: Pager, pipeline: Document[], limit: number): AsyncGenerator<Document> {
  while (p.read < limit) {
    const asked = Math.min(p.pageSize, limit - p.read);
    const { docs, capped } = await page(
      p,
      [...pipeline, { $skip: p.read }, { $limit: asked }],
      asked,
    );
    for (const doc of docs) yield doc;
    p.read += docs.length;
    p.opts.onProgress?.(p.read);
    if (docs.length < asked && !capped) return;
  }
}

/** Keyset pages; returns true when done, false to continue with `$skip` from `p.read`. */
async function* keysetPages(p: Pager, listing: Listing): AsyncGenerator<Document, boolean> {
  const keys = totalSort(listing.sort);
  const limit = listing.limit ?? Infinity;
  const rest = keepKey(listing.rest);
  const capture = { $set: { [KEY_FIELD]: keys.map(([f]) => `$${f}`) } };
  let cursor: unknown[] | null = null;
  while (p.read < limit) {
    const asked = Math.min(p.pageSize, limit - p.read);
    const conditions: Document[] = [];
    if (listing.filter) conditions.push(listing.filter);
    if (cursor) conditions.push(afterKey(keys, cursor));
    const pipeline: Document[] = [
      ...(conditions.length === 0
        ? []
        : [{ $match: conditions.length === 1 ? conditions[0] : { $and: conditions } }]),
      { $sort: sortDoc(keys) },
      { $limit: asked },
      capture,
      ...rest,
    ];
    const { docs, capped } = await page(p, pipeline, asked);
    let next: unknown[] | null = null;
    for (const doc of docs) {
      const key = doc[KEY_FIELD];
      delete doc[KEY_FIELD];
      next = Array.isArray(key) ? key : null;
      yield doc;
    }
    p.read += docs.length;
    p.opts.onProgress?.(p.read);
    if (docs.length < asked && !capped) {
      if (!cursor) return true;
      // A short page after a cursor may mean a type change in a sort key: check the count.
      const counted = await p.client.aggregate(p.opts.collection, [
        ...(listing.filter ? [{ $match: listing.filter }] : []),
        { $count: "n" },
      ], { signal: p.opts.signal, timeoutMs: p.opts.timeoutMs });
      const total = Math.min(Number(counted.documents[0]?.n ?? 0), limit);
      return p.read >= total;
    }
    if (!next || next.length !== keys.length || !next.every(rangeable)) return false;
    cursor = next;
  }
  return true;
}

/** Reads every document of `pipeline` on `opts.collection`, page by page, each exactly once. */
export async function* readAll(
  client: ReadAllSource,
  opts: ReadAllOptions,
): AsyncGenerator<Document> {
  const pageSize = Math.max(1, Math.min(Math.floor(opts.pageSize ?? 100), 100_000));
  const p: Pager = { client, opts, pageSize, read: 0 };
  const mode = opts.mode ?? "auto";
  const listing = mode === "skip" ? null : analyseListing(opts.pipeline);
  if (mode === "keyset" && !listing) {
    throw new DataError(
      `Cannot page "${opts.collection}" by keyset: the pipeline is not a listing ($match, $sort, $limit, then $project-like stages)`,
    );
  }
  if (client.readBatches) {
    yield* batches(client.readBatches.bind(client), opts, listing);
    return;
  }
  if (listing) {
    const done = yield* keysetPages(p, listing);
    if (done) return;
    const ordered: Document[] = [
      ...(listing.filter ? [{ $match: listing.filter }] : []),
      { $sort: sortDoc(totalSort(listing.sort)) },
      ...listing.rest,
    ];
    yield* skipPages(p, ordered, listing.limit ?? Infinity);
    return;
  }
  yield* skipPages(p, totalOrderPipeline(opts.pipeline), Infinity);
}

/** Reads through `readBatches`: the pipeline in the total order the pages would use. */
async function* batches(
  readBatches: NonNullable<DataClient["readBatches"]>,
  opts: ReadAllOptions,
  listing: Listing | null,
): AsyncGenerator<Document> {
  opts.signal?.throwIfAborted();
  const ordered: Document[] = listing
    ? [
      ...(listing.filter ? [{ $match: listing.filter }] : []),
      { $sort: sortDoc(totalSort(listing.sort)) },
      ...(listing.limit !== undefined ? [{ $limit: listing.limit }] : []),
      ...listing.rest,
    ]
    : totalOrderPipeline(opts.pipeline);
  let read = 0;
  const stream = readBatches(opts.collection, ordered, {
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    batchSize: opts.batchSize,
  });
  for await (const batch of stream) {
    for (const doc of batch) {
      opts.signal?.throwIfAborted();
      yield doc;
    }
    read += batch.length;
    opts.onProgress?.(read);
  }
}
