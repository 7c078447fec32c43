/**
 * The query engine of the embedded server: mingo, plus index plans that return
 * exactly what mingo alone would, faster.
 *
 * - `[$match?, $sort, $skip?, $limit?, …]` with sort keys that are a prefix of an
 *   index (same or reversed directions): the index is scanned in order, each
 *   document tested with a mingo `Query`, stopping at the limit; runs of equal sort
 *   keys are emitted in collection order, as mingo's stable sort does. The rest of
 *   the pipeline runs in mingo. A `$skip` / `$limit` after `$project`, `$addFields`,
 *   `$set` or `$unset` stages is moved ahead of them first (as MongoDB does), so
 *   `[$match, $sort, $project, $limit]` only projects the documents it returns.
 * - A leading `$match` with an equality, `$in` or range on an index's first field
 *   narrows the scan to that part of the index (collection order is kept).
 * - `$sort` itself is replaced by a decorate-sort-undecorate version with the same
 *   order (mingo's groups dates and ObjectIds through a hash map: ~3 s for 200k).
 * - Paged pipelines (`…, $skip, $limit`) keep the materialised result of the part
 *   before `$skip` for a few minutes, so that paging through a grouped or sorted
 *   result costs one evaluation, not one per page.
 * - On a columnar collection (`columnar/`), a leading `$match` that compiles to a row
 *   test selects rows without materialising documents (narrowed by an index when one
 *   bounds it), then `$count`, `$group`, `$facet`, `$sort`/`$skip`/`$limit` run on the
 *   columns; only what mingo still has to do is materialised (the selected rows, or the
 *   groups). Filters outside the compiled vocabulary take the paths above unchanged.
 * - IANA time zones in date operators use cached offsets (`tz_operators.ts`).
 * - `$round`, `$trunc` and `$indexOfCP` follow MongoDB, not mingo (`operators.ts`).
 *
 * Server-side JavaScript (`$where`, `$function`, `$accumulator`) and writing stages
 * (`$out`, `$merge`) are disabled in the operator context.
 *
 * Every query runs with a {@link Budget} (`query_budget.ts`): a deadline like MongoDB's
 * `maxTimeMS` and an AbortSignal, checked on each document the engine scans, each
 * document entering a stage and each expression evaluated. The engine's scans (count,
 * index scans, and the per-document stages at the head of a pipeline, in chunks) give
 * the event loop a turn every few milliseconds, so other requests go on and a Stop is
 * seen at once; a blocking stage (`$group`, `$sort`, …) runs to its end or deadline.
 * Regexes match in linear time (`safe_regex.ts`).
 *
 * @module
 */
import { EJSON } from "bson";
import { Aggregator } from "mingo/aggregator";
import type { Context } from "mingo/core";
import { Lazy } from "mingo/lazy";
import type { Iterator } from "mingo/lazy";
import { $sort as mingoSort } from "mingo/operators/pipeline";
import { Query } from "mingo/query";
import type { AnyObject, Options } from "mingo/types";
import { createMatcher } from "./fast_filter.ts";
import { buildMingoContext } from "./mingo_context.ts";
import { type Budget, createBudget, QueryTimeoutError, tick, workDone } from "./query_budget.ts";
import { compileRegex, RegexError, safeRegexOperators } from "./safe_regex.ts";
import type { MemoryCollection, MemoryStore, SortedIndex } from "./memory_store.ts";
import { mongoExpressionOperators } from "./operators.ts";
import { compareWith, type EncodedKey, encodeKey, sortOrder } from "./sort_keys.ts";
import type { Document } from "./types.ts";
import { timeZoneOperators } from "./tz_operators.ts";
import {
  type ColumnarOptions,
  leadingFilter,
  listingSlice,
  orderListing,
  runColumnar,
  selectRows,
} from "./columnar/executor.ts";
import { compileFilter, type RowTest } from "./columnar/filter.ts";

/** Thrown for queries the engine refuses or cannot run. */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "QueryError";
  }
}

function forbidden(name: string): () => never {
  return () => {
    throw new QueryError(`The ${name} operator is not allowed: the database is read-only`);
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null &&
    (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
}

/** Sort spec as `[field, direction]` pairs, or null when not plain 1/-1 keys. */
function sortSpec(spec: unknown): [string, 1 | -1][] | null {
  if (!isPlainObject(spec)) return null;
  const pairs: [string, 1 | -1][] = [];
  for (const [field, dir] of Object.entries(spec)) {
    if (dir !== 1 && dir !== -1) return null;
    pairs.push([field, dir]);
  }
  return pairs.length ? pairs : null;
}

/** `$sort` with mingo's exact order, without hashing every key. */
function fastSort(coll: Iterator, spec: AnyObject, options: Options): Iterator {
  const pairs = sortSpec(spec);
  if (!pairs || options.collation) return mingoSort(coll, spec as never, options);
  return coll.transform((docs: AnyObject[]) => {
    const order = sortOrder(docs, pairs);
    if (!order) return mingoSort(Lazy(docs), spec as never, options);
    const out = new Array(docs.length);
    for (let i = 0; i < order.length; i++) out[i] = docs[order[i]];
    return Lazy(out);
  });
}

/** Passes a document on, counting it against the running query's budget. */
function tickThrough<T>(doc: T): T {
  tick();
  return doc;
}

/** The engine's operator context: every operator counts against the query's budget. */
export const ENGINE_CONTEXT: Context = buildMingoContext({
  expression: {
    ...timeZoneOperators,
    ...mongoExpressionOperators,
    ...safeRegexOperators.expression,
    $function: forbidden("$function"),
  },
  accumulator: { $accumulator: forbidden("$accumulator") },
  query: { ...safeRegexOperators.query, $where: forbidden("$where") },
  pipeline: { $sort: fastSort, $out: forbidden("$out"), $merge: forbidden("$merge") } as never,
}, {
  pipeline: (op) => (coll: Iterator, expr, options) => op(coll.map(tickThrough), expr, options),
  expression: (op) => (obj, expr, options) => {
    tick();
    return op(obj, expr, options);
  },
  accumulator: (op) => (coll, expr, options) => {
    tick();
    return op(coll, expr, options);
  },
  query: (op) => (selector, value, options) => {
    const test = op(selector, value, options) as (doc: AnyObject) => boolean;
    return (doc: AnyObject) => {
      tick();
      return test(doc);
    };
  },
});

/** Options of the engine's queries. */
export interface QueryOptions {
  /** Deadline and signal; default 30 s and none. */
  budget?: Budget;
}

/**
 * `value` with MongoDB's `{$regex, $options}` read into linear-time regexes (the `x`
 * option applied), so mingo never compiles a pattern itself.
 */
export function prepareRegexes<T>(value: T): T {
  const visit = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(visit);
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = visit(x);
    if ("$regex" in out && (typeof out.$regex === "string" || out.$regex instanceof RegExp)) {
      const re = out.$regex;
      const options = out.$options;
      if (options !== undefined && typeof options !== "string") {
        throw new RegexError("$options has to be a string");
      }
      out.$regex = typeof re === "string"
        ? compileRegex(re, options ?? "")
        : compileRegex(re.source, options ?? re.flags.replace(/[^imsu]/g, ""));
      delete out.$options;
    }
    return out;
  };
  return visit(value) as T;
}

/** Counters of the plans used, for tests and benchmarks. */
export interface EngineStats {
  /** Pipelines served by an ordered index scan. */
  indexScans: number;
  /** Pipelines whose leading `$match` was narrowed by an index. */
  narrowed: number;
  /** Pipelines run by mingo over the whole collection. */
  fullScans: number;
  /** Pages served from a cached materialised prefix. */
  cacheHits: number;
  /** `$match…, $group…` results served from the group cache. */
  groupHits: number;
  /** Documents the index scans handed to the rest of their pipelines. */
  scannedDocs: number;
  /** Queries stopped by their deadline or signal. */
  stopped: number;
  /** Pipelines whose head ran on a columnar collection's columns. */
  columnar: number;
}

/** Options of {@link QueryEngine.find}. */
export interface FindOptions {
  filter?: Document;
  sort?: Record<string, 1 | -1>;
  limit?: number;
  projection?: Document;
}

interface Interval {
  lo: number;
  hi: number;
}

interface CacheEntry {
  docs: Document[];
  expires: number;
}

const CACHE_ENTRIES = 4;
const SELECTION_ENTRIES = 8;
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MIN_DOCS = 1000;
/** Group results kept for reuse: entries, and documents at most in one. */
const GROUPED_ENTRIES = 16;
const GROUPED_MAX_DOCS = 5_000;
/** From this `$skip` on, a page is cut from the cached prefix rather than an index scan. */
const DEEP_SKIP = 1000;

/** Stages the columnar executor runs itself after the leading `$match` stages. */
const COLUMNAR_STAGES = ["$sort", "$group", "$count", "$facet", "$skip", "$limit"];

/** Runs find, aggregate and count over one database of a {@link MemoryStore}. */
export class QueryEngine {
  readonly store: MemoryStore;
  readonly database: string;
  readonly stats: EngineStats = {
    indexScans: 0,
    narrowed: 0,
    fullScans: 0,
    cacheHits: 0,
    groupHits: 0,
    scannedDocs: 0,
    stopped: 0,
    columnar: 0,
  };
  readonly #options: Partial<Options>;
  readonly #cache = new Map<string, CacheEntry>();
  /** Results of `$match…, $group…` heads on columnar collections. */
  readonly #grouped = new Map<string, CacheEntry>();
  /** Rows selected by recent filters on columnar collections (a report's pipelines share one). */
  readonly #selections = new Map<string, Int32Array>();

  constructor(store: MemoryStore, database: string) {
    this.store = store;
    this.database = database;
    this.#options = {
      context: ENGINE_CONTEXT,
      scriptEnabled: false,
      collectionResolver: (name: string) =>
        (store.collection(database, name)?.documents ?? []) as AnyObject[],
    };
  }

  #collection(name: string): MemoryCollection | undefined {
    return this.store.collection(this.database, name);
  }

  /** Runs an aggregation pipeline; a missing collection has no documents. */
  aggregate(
    collection: string,
    pipeline: Document[],
    opts: QueryOptions = {},
  ): Promise<Document[]> {
    const budget = opts.budget ?? createBudget();
    return this.#counted(budget, this.#aggregate(collection, pipeline, budget));
  }

  /** `query`, counting it in `stats.stopped` when its budget stops it. */
  async #counted<T>(budget: Budget, query: Promise<T>): Promise<T> {
    try {
      return await query;
    } catch (e) {
      if (e instanceof QueryTimeoutError || budget.signal?.aborted) this.stats.stopped++;
      throw e;
    }
  }

  async #aggregate(collection: string, pipeline: Document[], budget: Budget): Promise<Document[]> {
    pipeline = prepareRegexes(pipeline);
    const coll = this.#collection(collection);
    if (!coll) return budget.run(() => new Aggregator(pipeline, this.#options).run([]));
    const hoisted = hoistPaging(pipeline);
    if (coll.table) {
      const done = await this.#columnar(coll, hoisted, budget);
      if (done) return done;
    }
    const paged = splitPaging(pipeline);
    // An index scan walks past every skipped document, so deep pages (skip-mode exports
    // through thousands of pages) come from the materialised prefix instead.
    const deep = paged !== null && paged.skip >= DEEP_SKIP;
    if (!deep && this.#sortIndex(coll, hoisted)) return await this.#run(coll, hoisted, budget);
    if (paged && paged.prefix.length > 0 && coll.size >= CACHE_MIN_DOCS) {
      const docs = await this.#materialised(coll, paged.prefix, budget);
      return docs.slice(paged.skip, paged.skip + paged.limit);
    }
    return await this.#run(coll, hoisted, budget);
  }

  /**
   * Runs `pipeline` on a columnar collection's columns when its leading `$match`
   * compiles: an ordered index scan with a row test for `[$match, $sort, $skip?,
   * $limit?, …]`, else the columnar executor (`columnar/executor.ts`). Null when the
   * filter does not compile.
   */
  async #columnar(
    coll: MemoryCollection,
    pipeline: Document[],
    budget: Budget,
  ): Promise<Document[] | null> {
    const table = coll.table!;
    const { filter, next } = leadingFilter(pipeline);
    if (!compileFilter(table, filter)) return null;
    if (this.#sortIndex(coll, pipeline)) return await this.#run(coll, pipeline, budget);
    // Pages of a pipeline whose head the columns do not serve (`[$project, $sort, $skip,
    // $limit]` in skip-mode reads) are cut from the cached result of the part before $skip.
    const paged = splitPaging(pipeline);
    if (
      paged && paged.prefix.length > next && coll.size >= CACHE_MIN_DOCS &&
      !COLUMNAR_STAGES.some((name) => isStage(pipeline[next], name))
    ) {
      const docs = await this.#materialised(coll, paged.prefix, budget);
      return docs.slice(paged.skip, paged.skip + paged.limit);
    }
    // A report's pipelines often group the same rows the same way (its table, its leaders):
    // the result of `$match…, $group…` is kept a while and shared (the data never changes).
    let groups = next;
    while (groups < pipeline.length && isStage(pipeline[groups], "$group")) groups++;
    const head = groups > next ? pipeline.slice(0, groups) : pipeline;
    const tail = groups > next ? pipeline.slice(groups) : [];
    const key = groups > next
      ? `${coll.name}\u0000${EJSON.stringify(head, { relaxed: false })}`
      : "";
    let docs = key ? this.#cached(this.#grouped, key) : null;
    if (docs) this.stats.groupHits++;
    else {
      const columnar = this.#columnarOptions(coll, filter, budget);
      const result = await runColumnar(table, head, columnar.options);
      if (!result) return null;
      if (columnar.narrowed()) this.stats.narrowed++;
      if (result.aggregated) this.stats.columnar++;
      docs = result.rest.length
        ? await this.#streamed(result.docs, result.rest, budget)
        : result.docs;
      if (key && docs.length <= GROUPED_MAX_DOCS) {
        this.#keep(this.#grouped, key, docs, GROUPED_ENTRIES);
      }
    }
    // The kept documents are never handed out: callers and later stages get copies.
    const own = docs.map(copyGroupDoc);
    return tail.length ? await this.#streamed(own, tail, budget) : own;
  }

  /** What the columnar executor needs for `filter` on `coll`, under `budget`. */
  #columnarOptions(
    coll: MemoryCollection,
    filter: Document,
    budget: Budget,
  ): { options: ColumnarOptions; narrowed: () => boolean } {
    let narrowed = false;
    const key = `${coll.name}\u0000${EJSON.stringify(filter, { relaxed: false })}`;
    const options: ColumnarOptions = {
      budget,
      candidates: () => {
        const c = this.#narrow(coll, filter);
        narrowed = c !== null;
        return c;
      },
      selections: { cache: this.#selections, key, max: SELECTION_ENTRIES },
      keyColumn: (field) => coll.keyColumn(field),
      indexOn: (field) => coll.indexOn(field),
      intervalsOn: (index) => intervalsFor(index, filter),
      finish: this.#finisher(budget),
    };
    return { options, narrowed: () => narrowed };
  }

  /** Runs stages over documents with mingo under `budget` (what the columns leave). */
  #finisher(budget: Budget): (stages: Document[], docs: Document[]) => Document[] {
    return (stages, docs) =>
      budget.run(() => new Aggregator(stages, this.#options).run(docs) as Document[]);
  }

  /**
   * A listing of a columnar collection (`[$match?, $sort, $skip?, $limit?, $project…]`)
   * read in batches of `batchSize`: the rows are selected and ordered once, then each batch
   * is materialised on its own (exports of a million rows hold one batch at a time). Each
   * step runs under a fresh budget from `budget`. Null when the columns cannot serve it.
   */
  async listingBatches(
    collection: string,
    pipeline: Document[],
    opts: { batchSize: number; budget: () => Budget },
  ): Promise<AsyncGenerator<Document[]> | null> {
    const coll = this.#collection(collection);
    if (!coll?.table) return null;
    const table = coll.table;
    const prepared = hoistPaging(prepareRegexes(pipeline));
    const { filter } = leadingFilter(prepared);
    const head = this.#columnarOptions(coll, filter, opts.budget());
    const listing = await orderListing(table, prepared, head.options);
    if (!listing) return null;
    const batchSize = Math.max(1, opts.batchSize);
    const finisher = (budget: Budget) => this.#finisher(budget);
    return (async function* () {
      for (let from = 0; from < listing.rows.length; from += batchSize) {
        const rows = listing.rows.subarray(from, from + batchSize);
        const budget = opts.budget();
        yield await listingSlice(table, rows, listing.rest, { budget, finish: finisher(budget) });
      }
    })();
  }

  /** Whether an index serves the leading `$match`es and `$sort` of `pipeline` in order. */
  #sortIndex(coll: MemoryCollection, pipeline: Document[]): boolean {
    const head = leadingMatchAndSort(pipeline);
    return head.sort !== null && findSortIndex(coll, head.sort) !== null;
  }

  /** Documents matching `filter`, sorted, limited, then projected (find semantics). */
  find(collection: string, find: FindOptions = {}, opts: QueryOptions = {}): Promise<Document[]> {
    const budget = opts.budget ?? createBudget();
    return this.#counted(budget, this.#find(collection, find, budget));
  }

  async #find(collection: string, find: FindOptions, budget: Budget): Promise<Document[]> {
    const pipeline: Document[] = [{ $match: prepareRegexes(find.filter ?? {}) }];
    if (find.sort && Object.keys(find.sort).length) pipeline.push({ $sort: find.sort });
    if (find.limit && find.limit > 0) pipeline.push({ $limit: find.limit });
    const coll = this.#collection(collection);
    const columnar = coll?.table ? await this.#columnar(coll, pipeline, budget) : null;
    const docs = columnar ?? (coll ? await this.#run(coll, pipeline, budget) : []);
    if (!find.projection || Object.keys(find.projection).length === 0) return docs;
    const projection = find.projection;
    return budget.run(() =>
      new Query({}, this.#options).find(docs, projection).all() as Document[]
    );
  }

  /** Number of documents matching `filter`. */
  count(collection: string, filter: Document = {}, opts: QueryOptions = {}): Promise<number> {
    const budget = opts.budget ?? createBudget();
    return this.#counted(budget, this.#count(collection, filter, budget));
  }

  async #count(collection: string, filter: Document, budget: Budget): Promise<number> {
    const coll = this.#collection(collection);
    if (!coll) return 0;
    if (Object.keys(filter).length === 0) return coll.size;
    filter = prepareRegexes(filter);
    const positions = this.#narrow(coll, filter);
    if (positions) this.stats.narrowed++;
    else this.stats.fullScans++;
    const rowTest = coll.table ? compileFilter(coll.table, filter) : null;
    if (rowTest) return (await selectRows(coll.table!, rowTest, positions, budget)).length;
    const test = budget.run(() => this.#matcher(filter));
    const total = positions ? positions.length : coll.size;
    let n = 0;
    await scanSlices(budget, total, (k) => {
      if (test(coll.doc(positions ? positions[k] : k))) n++;
    });
    return n;
  }

  /**
   * A test of document positions with mingo's semantics for `filter`: compiled over the
   * columns of a columnar collection when it can be, else mingo's on each document.
   */
  #positionTest(coll: MemoryCollection, filter: Document): RowTest {
    const compiled = coll.table ? compileFilter(coll.table, filter) : null;
    if (compiled) return compiled;
    const test = this.#matcher(filter);
    return (p) => test(coll.doc(p));
  }

  /** A document test with mingo's semantics for `filter`. */
  #matcher(filter: Document): (doc: Document) => boolean {
    return createMatcher(filter, () => new Query(filter, this.#options));
  }

  async #materialised(
    coll: MemoryCollection,
    prefix: Document[],
    budget: Budget,
  ): Promise<Document[]> {
    const key = `${coll.name}\u0000${EJSON.stringify(prefix, { relaxed: false })}`;
    const hit = this.#cached(this.#cache, key);
    if (hit) {
      this.stats.cacheHits++;
      return hit;
    }
    const docs = await this.#run(coll, prefix, budget);
    this.#keep(this.#cache, key, docs, CACHE_ENTRIES);
    return docs;
  }

  /** The unexpired entry of `cache` at `key` (now the most recent), or null. */
  #cached(cache: Map<string, CacheEntry>, key: string): Document[] | null {
    const hit = cache.get(key);
    if (!hit || hit.expires <= Date.now()) return null;
    cache.delete(key);
    cache.set(key, hit);
    return hit.docs;
  }

  /** Keeps `docs` at `key` for {@link CACHE_TTL_MS}, dropping the oldest past `max` entries. */
  #keep(cache: Map<string, CacheEntry>, key: string, docs: Document[], max: number): void {
    cache.delete(key);
    cache.set(key, { docs, expires: Date.now() + CACHE_TTL_MS });
    while (cache.size > max) cache.delete(cache.keys().next().value!);
  }

  async #run(coll: MemoryCollection, pipeline: Document[], budget: Budget): Promise<Document[]> {
    const planned = await this.#plan(coll, pipeline, budget);
    if (planned) {
      return planned.rest.length
        ? budget.run(() => new Aggregator(planned.rest, this.#options).run(planned.docs))
        : planned.docs;
    }
    this.stats.fullScans++;
    return await this.#streamed(documentSource(coll), pipeline, budget);
  }

  /**
   * Runs `pipeline` over `docs`: its head of per-document stages chunk by chunk (the
   * event loop gets turns between chunks), the rest in one go over what the head kept.
   */
  async #streamed(docs: DocSource, pipeline: Document[], budget: Budget): Promise<Document[]> {
    const { head, rest, need } = splitStreaming(pipeline);
    if (head.length === 0) {
      return budget.run(() => new Aggregator(pipeline, this.#options).run(ticking(docs)));
    }
    const steps = budget.run(() =>
      groupSteps(head).map((stages): (chunk: Document[]) => Document[] => {
        if (
          stages.length === 1 && isStage(stages[0], "$match") && isPlainObject(stages[0].$match)
        ) {
          const test = this.#matcher(stages[0].$match as Document);
          return (chunk) => chunk.filter(test);
        }
        const aggregator = new Aggregator(stages, this.#options);
        return (chunk) => aggregator.run(chunk) as Document[];
      })
    );
    const out: Document[] = [];
    await scanChunks(budget, docs, (chunk) => {
      for (const step of steps) chunk = step(chunk);
      for (const d of chunk) out.push(d);
      return out.length >= need;
    });
    return rest.length
      ? budget.run(() => new Aggregator(rest, this.#options).run(out) as Document[])
      : out;
  }

  /** An index plan for the head of the pipeline, or null to leave it all to mingo. */
  async #plan(
    coll: MemoryCollection,
    pipeline: Document[],
    budget: Budget,
  ): Promise<{ docs: Document[]; rest: Document[] } | null> {
    const { filter, sort, next: i } = leadingMatchAndSort(pipeline);
    const hasFilter = Object.keys(filter).length > 0;
    const test = hasFilter ? budget.run(() => this.#positionTest(coll, filter)) : null;
    if (sort) {
      const found = findSortIndex(coll, sort);
      if (found) {
        let j = i + 1;
        let skip = 0, limit = Infinity;
        if (j < pipeline.length && isStage(pipeline[j], "$skip") && isCount(pipeline[j].$skip)) {
          skip = pipeline[j].$skip as number;
          j++;
        }
        if (j < pipeline.length && isStage(pipeline[j], "$limit") && isCount(pipeline[j].$limit)) {
          limit = pipeline[j].$limit as number;
          j++;
        }
        const bounds = intervalFor(found.index, filter) ?? { lo: 0, hi: coll.size };
        const positions = await scanOrdered(found.index, {
          prefix: sort.length,
          reversed: found.reversed,
          bounds,
          test,
          need: skip + limit,
          budget,
        });
        this.stats.indexScans++;
        const page = coll.docsAt(positions.slice(skip, skip + limit));
        this.stats.scannedDocs += page.length;
        return { docs: page, rest: pipeline.slice(j) };
      }
    }
    if (test) {
      const positions = this.#narrow(coll, filter);
      if (positions) {
        this.stats.narrowed++;
        const docs: Document[] = [];
        const rowTest = coll.table ? compileFilter(coll.table, filter) : null;
        if (rowTest) {
          const rows = await selectRows(coll.table!, rowTest, positions, budget);
          return { docs: coll.docsAt(rows), rest: pipeline.slice(i) };
        }
        await scanSlices(budget, positions.length, (k) => {
          if (test(positions[k])) docs.push(coll.doc(positions[k]));
        });
        return { docs, rest: pipeline.slice(i) };
      }
    }
    return null;
  }

  /** Positions (ascending) that may match `filter`, from the most selective index; or null. */
  #narrow(coll: MemoryCollection, filter: Document): Int32Array | null {
    let best: Interval[] | null = null;
    let bestIndex: SortedIndex | null = null;
    let bestCount = coll.size * 0.5;
    for (const index of coll.indexes) {
      const intervals = intervalsFor(index, filter);
      if (!intervals) continue;
      const count = intervals.reduce((n, iv) => n + (iv.hi - iv.lo), 0);
      if (count < bestCount) {
        best = intervals;
        bestIndex = index;
        bestCount = count;
      }
    }
    if (!best || !bestIndex) return null;
    const out = new Int32Array(bestCount);
    let n = 0;
    const positions = bestIndex.positions;
    if (bestCount > coll.size / 32) {
      // Many positions: marking them is cheaper than sorting them.
      const marks = new Uint8Array(coll.size);
      for (const iv of best) for (let e = iv.lo; e < iv.hi; e++) marks[positions[e]] = 1;
      for (let p = 0; p < marks.length; p++) if (marks[p]) out[n++] = p;
      return out;
    }
    for (const iv of best) {
      out.set(positions.subarray(iv.lo, iv.hi), n);
      n += iv.hi - iv.lo;
    }
    return out.sort();
  }
}

/** A copy of a group result: its fields, and its `_id` when that is a document. */
function copyGroupDoc(doc: Document): Document {
  const out = { ...doc };
  if (isPlainObject(out._id)) out._id = { ...(out._id as Document) };
  return out;
}

function isStage(stage: Document, name: string): boolean {
  if (!isPlainObject(stage)) return false;
  const keys = Object.keys(stage);
  return keys.length === 1 && keys[0] === name;
}

/**
 * The leading `$match` stages of `pipeline` as one filter, and the plain `$sort` right
 * after them (null when there is none); `next` is the index of that `$sort` (or of the
 * first stage after the matches when there is no sort).
 */
function leadingMatchAndSort(
  pipeline: Document[],
): { filter: Document; sort: [string, 1 | -1][] | null; next: number } {
  let i = 0;
  const filters: Document[] = [];
  while (
    i < pipeline.length && isStage(pipeline[i], "$match") && isPlainObject(pipeline[i].$match)
  ) {
    filters.push(pipeline[i].$match as Document);
    i++;
  }
  const filter: Document = filters.length === 0
    ? {}
    : filters.length === 1
    ? filters[0]
    : { $and: filters };
  const sort = i < pipeline.length && isStage(pipeline[i], "$sort")
    ? sortSpec(pipeline[i].$sort)
    : null;
  return { filter, sort, next: i };
}

/** Stages that turn each document into exactly one document, keeping the order. */
const PER_DOCUMENT = ["$project", "$addFields", "$set", "$unset"];

function isPerDocument(stage: Document): boolean {
  return PER_DOCUMENT.some((name) => isStage(stage, name));
}

function isPaging(stage: Document): boolean {
  return (isStage(stage, "$skip") && isCount(stage.$skip)) ||
    (isStage(stage, "$limit") && isCount(stage.$limit));
}

/**
 * `pipeline` with each `$skip` / `$limit` moved ahead of the `$project`, `$addFields`,
 * `$set` and `$unset` stages right before it, as MongoDB's optimiser does: those stages
 * map one document to one document in order, so the result is the same, and a
 * `[$match, $sort, $project, $limit]` pipeline becomes one the index plan serves.
 */
export function hoistPaging(pipeline: Document[]): Document[] {
  const out = [...pipeline];
  for (let i = 1; i < out.length; i++) {
    if (!isPaging(out[i])) continue;
    let j = i;
    while (j > 0 && isPerDocument(out[j - 1])) {
      [out[j - 1], out[j]] = [out[j], out[j - 1]];
      j--;
    }
  }
  return out;
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0;
}

/** `[…prefix, $skip n, $limit m?]` → prefix and the page. Null without a `$skip`. */
function splitPaging(
  pipeline: Document[],
): { prefix: Document[]; skip: number; limit: number } | null {
  let end = pipeline.length;
  let limit = Infinity;
  if (end > 0 && isStage(pipeline[end - 1], "$limit") && isCount(pipeline[end - 1].$limit)) {
    limit = pipeline[end - 1].$limit as number;
    end--;
  }
  if (end > 0 && isStage(pipeline[end - 1], "$skip") && isCount(pipeline[end - 1].$skip)) {
    return { prefix: pipeline.slice(0, end - 1), skip: pipeline[end - 1].$skip as number, limit };
  }
  return null;
}

function findSortIndex(
  coll: MemoryCollection,
  sort: [string, 1 | -1][],
): { index: SortedIndex; reversed: boolean } | null {
  for (const index of coll.indexes) {
    if (index.fields.length < sort.length) continue;
    let same = true, opposite = true;
    for (let k = 0; k < sort.length; k++) {
      if (index.fields[k] !== sort[k][0]) {
        same = opposite = false;
        break;
      }
      if (index.directions[k] === sort[k][1]) opposite = false;
      else same = false;
    }
    if ((same || opposite) && index.usable) return { index, reversed: opposite };
  }
  return null;
}

interface ScanOptions {
  /** Number of leading index fields the sort uses. */
  prefix: number;
  reversed: boolean;
  bounds: Interval;
  /** Position test; null matches everything. */
  test: RowTest | null;
  /** Stop once this many matches are collected (at a run boundary). */
  need: number;
  budget: Budget;
}

/** Index entries an ordered scan handles between two looks at the budget. */
const SCAN_SLICE = 1024;

/**
 * Positions of matching documents in index order, runs of equal sort keys in collection order
 * (mingo's sort is stable, so ties keep the order of the collection).
 */
async function scanOrdered(index: SortedIndex, opts: ScanOptions): Promise<number[]> {
  const { prefix, reversed, bounds, test, need, budget } = opts;
  const positions = index.positions;
  const out: number[] = [];
  const runIsSorted = prefix === index.fields.length;
  const take = (start: number, end: number) => {
    if (end - start === 1 || runIsSorted) {
      for (let e = start; e < end; e++) {
        const p = positions[e];
        if (!test || test(p)) out.push(p);
      }
      return;
    }
    const run = positions.slice(start, end).sort();
    for (const p of run) if (!test || test(p)) out.push(p);
  };
  let e = reversed ? bounds.hi : bounds.lo;
  const done = () => out.length >= need || (reversed ? e <= bounds.lo : e >= bounds.hi);
  const slice = () => {
    let handled = 0;
    const end = performance.now() + SLICE_MS;
    while (!done() && handled < SCAN_SLICE && performance.now() < end) {
      if (!reversed) {
        let r = e + 1;
        while (r < bounds.hi && index.equalPrefix(positions[e], positions[r], prefix)) r++;
        take(e, r);
        handled += r - e;
        e = r;
      } else {
        let s = e - 1;
        while (s > bounds.lo && index.equalPrefix(positions[s - 1], positions[e - 1], prefix)) s--;
        take(s, e);
        handled += e - s;
        e = s;
      }
    }
  };
  while (!done()) {
    budget.run(slice);
    await budget.pause();
  }
  return out;
}

/** Longest synchronous stretch of a scan before it looks at the event loop (ms). */
const SLICE_MS = 8;

/**
 * Runs `step(k)` for each `k` in `[0, total)` with the budget installed, in stretches of
 * at most about {@link SLICE_MS}, giving the event loop a turn between them when the
 * budget's slice of time is used up. `step` returns true to stop early.
 */
async function scanSlices(
  budget: Budget,
  total: number,
  step: (k: number) => boolean | void,
): Promise<void> {
  let k = 0;
  const stretch = (): boolean => {
    const end = performance.now() + SLICE_MS;
    let mark = workDone();
    while (k < total) {
      if (step(k++)) return true;
      // The clock is read every 32 documents, or sooner when documents cost much work.
      if ((k & 31) === 0 || workDone() - mark > 32) {
        if (performance.now() >= end) break;
        mark = workDone();
      }
    }
    return false;
  };
  while (k < total) {
    if (budget.run(stretch)) return;
    await budget.pause();
  }
}

/**
 * Runs `work(chunk)` over `docs` in chunks sized to take a few milliseconds each (from 4
 * documents up), with the budget installed and turns of the event loop between them.
 * `work` returns true to stop early.
 */
async function scanChunks(
  budget: Budget,
  docs: DocSource,
  work: (chunk: Document[]) => boolean | void,
): Promise<void> {
  let size = 4;
  for (let from = 0; from < docs.length;) {
    const chunk = docs.slice(from, from + size);
    from += chunk.length;
    const started = performance.now();
    if (budget.run(() => work(chunk))) return;
    const took = performance.now() - started;
    if (took < SLICE_MS / 4 && size < 65_536) size *= 2;
    else if (took > SLICE_MS && size > 1) size >>= 1;
    await budget.pause();
  }
}

/** Documents by position: an array, or a collection that materialises them on demand. */
interface DocSource {
  readonly length: number;
  slice(from: number, to: number): Document[];
  at(i: number): Document | undefined;
}

/** A collection's documents as a {@link DocSource} (materialised on demand when columnar). */
function documentSource(coll: MemoryCollection): DocSource {
  if (!coll.table) return coll.documents as Document[];
  return {
    length: coll.size,
    slice: (from, to) => {
      const out: Document[] = [];
      for (let i = from; i < Math.min(to, coll.size); i++) out.push(coll.doc(i));
      return out;
    },
    at: (i) => coll.doc(i),
  };
}

/** `docs` as a mingo source that counts each document against the running budget. */
function ticking(docs: DocSource): AnyObject[] {
  let i = 0;
  const next = () => {
    if (i >= docs.length) return { done: true, value: undefined };
    tick();
    return { done: false, value: docs.at(i++) };
  };
  return next as unknown as AnyObject[];
}

/** Stages that map each document to zero or more documents on its own, keeping the order. */
const STREAMING = new Set([
  "$match",
  "$project",
  "$addFields",
  "$set",
  "$unset",
  "$replaceRoot",
  "$replaceWith",
  "$unwind",
  "$lookup",
  "$redact",
]);

/**
 * The head of per-document stages of `pipeline` (which can run chunk by chunk), the
 * rest, and how many head documents the rest needs at most (a `$limit` right after).
 */
export function splitStreaming(
  pipeline: Document[],
): { head: Document[]; rest: Document[]; need: number } {
  let i = 0;
  while (i < pipeline.length) {
    const stage = pipeline[i];
    const keys = isPlainObject(stage) ? Object.keys(stage) : [];
    if (keys.length !== 1 || !STREAMING.has(keys[0])) break;
    i++;
  }
  const rest = pipeline.slice(i);
  let need = Infinity;
  if (rest.length && isStage(rest[0], "$limit") && isCount(rest[0].$limit)) {
    need = rest[0].$limit as number;
  } else if (
    rest.length > 1 && isStage(rest[0], "$skip") && isCount(rest[0].$skip) &&
    isStage(rest[1], "$limit") && isCount(rest[1].$limit)
  ) {
    need = (rest[0].$skip as number) + (rest[1].$limit as number);
  }
  return { head: pipeline.slice(0, i), rest, need };
}

/** Head stages in runs: each `$match` alone, other stages together. */
function groupSteps(head: Document[]): Document[][] {
  const steps: Document[][] = [];
  for (const stage of head) {
    const last = steps[steps.length - 1];
    if (isStage(stage, "$match") || !last || isStage(last[0], "$match")) steps.push([stage]);
    else last.push(stage);
  }
  return steps;
}

/** Conditions on `field` in a filter's top level and nested `$and`s. */
function conditionsOn(filter: Document, field: string, out: unknown[] = []): unknown[] {
  for (const [key, value] of Object.entries(filter)) {
    if (key === field) out.push(value);
    else if (key === "$and" && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) conditionsOn(sub, field, out);
    }
  }
  return out;
}

/** The key of a comparable scalar (not null, arrays or documents), or null. */
function isScalarKey(v: unknown): EncodedKey | null {
  if (v === null || v === undefined) return null;
  if (
    typeof v === "object" && !(v instanceof Date) &&
    (v as { _bsontype?: string })._bsontype !== "ObjectId"
  ) {
    return null;
  }
  return encodeKey(v);
}

/** First entry whose first-field key is >= key (or > key when `after`), in [0, n). */
function bound(index: SortedIndex, key: EncodedKey, after: boolean): number {
  const positions = index.positions;
  const col = index.columns[0];
  let lo = 0, hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareWith(col, positions[mid], key);
    if (c < 0 || (after && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First entry whose first-field rank is >= rank (or > rank when `after`). */
function rankBound(index: SortedIndex, rank: number, after: boolean): number {
  const positions = index.positions;
  const ranks = index.columns[0].ranks;
  let lo = 0, hi = positions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const r = ranks[positions[mid]];
    if (r < rank || (after && r === rank)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const RANGE_OPS = new Set(["$gt", "$gte", "$lt", "$lte"]);

/** Intervals of index entries one condition allows, or null when it does not bound the field. */
function conditionIntervals(index: SortedIndex, cond: unknown): Interval[] | null {
  const eq = (v: unknown): Interval | null => {
    const key = isScalarKey(v);
    return key ? { lo: bound(index, key, false), hi: bound(index, key, true) } : null;
  };
  if (!isPlainObject(cond)) {
    const iv = cond instanceof RegExp ? null : eq(cond);
    return iv ? [iv] : null;
  }
  const ops = Object.keys(cond);
  if (ops.length === 0 || !ops.every((k) => k.startsWith("$"))) return null;
  let lo = 0, hi = index.positions.length;
  let bounded = false;
  let union: Interval[] | null = null;
  for (const op of ops) {
    const v = cond[op];
    if (op === "$eq") {
      const iv = eq(v);
      if (!iv) continue;
      lo = Math.max(lo, iv.lo);
      hi = Math.min(hi, iv.hi);
      bounded = true;
    } else if (RANGE_OPS.has(op)) {
      const key = isScalarKey(v);
      if (!key) continue;
      const start = rankBound(index, key.rank, false);
      const end = rankBound(index, key.rank, true);
      lo = Math.max(lo, start);
      hi = Math.min(hi, end);
      if (op === "$gt") lo = Math.max(lo, bound(index, key, true));
      if (op === "$gte") lo = Math.max(lo, bound(index, key, false));
      if (op === "$lt") hi = Math.min(hi, bound(index, key, false));
      if (op === "$lte") hi = Math.min(hi, bound(index, key, true));
      bounded = true;
    } else if (op === "$in" && Array.isArray(v) && v.length > 0) {
      const ivs: Interval[] = [];
      for (const item of v) {
        const iv = eq(item);
        if (!iv) {
          ivs.length = 0;
          break;
        }
        ivs.push(iv);
      }
      if (ivs.length) union = mergeIntervals(ivs);
    }
  }
  if (union) {
    return bounded
      ? union.map((iv) => ({ lo: Math.max(iv.lo, lo), hi: Math.min(iv.hi, hi) })).filter((iv) =>
        iv.lo < iv.hi
      )
      : union;
  }
  return bounded ? [{ lo, hi: Math.max(lo, hi) }] : null;
}

function mergeIntervals(ivs: Interval[]): Interval[] {
  const sorted = ivs.filter((iv) => iv.lo < iv.hi).sort((a, b) => a.lo - b.lo);
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.lo <= last.hi) last.hi = Math.max(last.hi, iv.hi);
    else out.push({ ...iv });
  }
  return out;
}

/** Entries of `index` that may match `filter`, by its first field; null when unbounded. */
function intervalsFor(index: SortedIndex, filter: Document): Interval[] | null {
  if (index.directions[0] !== 1 || !index.usable) return null;
  let result: Interval[] | null = null;
  for (const cond of conditionsOn(filter, index.fields[0])) {
    const ivs = conditionIntervals(index, cond);
    if (!ivs) continue;
    result = result ? intersect(result, ivs) : ivs;
  }
  // An `$or` of conditions on the field alone (a daily time window): the union of theirs.
  for (const branches of orsOn(filter, index.fields[0])) {
    const parts = branches.map((b) => conditionIntervals(index, b));
    if (parts.some((p) => p === null)) continue;
    const ivs = mergeIntervals(parts.flat() as Interval[]);
    result = result ? intersect(result, ivs) : ivs;
  }
  return result;
}

/** The conditions on `field` of each `$or` (top level or in `$and`) whose branches are only that. */
function orsOn(filter: Document, field: string, out: unknown[][] = []): unknown[][] {
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$or" && Array.isArray(value) && value.length > 0) {
      const only = value.every((b) =>
        isPlainObject(b) && Object.keys(b).length === 1 && field in b
      );
      if (only) out.push(value.map((b) => (b as Document)[field]));
    } else if (key === "$and" && Array.isArray(value)) {
      for (const sub of value) if (isPlainObject(sub)) orsOn(sub, field, out);
    }
  }
  return out;
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo), hi = Math.min(x.hi, y.hi);
      if (lo < hi) out.push({ lo, hi });
    }
  }
  return mergeIntervals(out);
}

/** One contiguous span of `index` holding every match of `filter`, or null. */
function intervalFor(index: SortedIndex, filter: Document): Interval | null {
  const ivs = intervalsFor(index, filter);
  if (!ivs) return null;
  if (ivs.length === 0) return { lo: 0, hi: 0 };
  return { lo: ivs[0].lo, hi: ivs[ivs.length - 1].hi };
}

/** An engine over database `database` of `store`. */
export function createQueryEngine(store: MemoryStore, database: string): QueryEngine {
  return new QueryEngine(store, database);
}
