/**
 * The in-memory database behind the embedded MCP server: databases → collections →
 * documents, with declared indexes kept as sorted arrays of document positions.
 *
 * Documents are frozen when added: the store is read-only, and a query stage that
 * tried to modify a stored document would fail loudly instead of corrupting data.
 * Documents without an `_id` get an ObjectId, as MongoDB gives them.
 *
 * Large collections (from {@link COLUMNAR_THRESHOLD} documents, or given as a
 * {@link ColumnTable}, e.g. from {@link createCollectionBuilder}) are stored column by
 * column and their documents materialised on demand, equal to the originals.
 *
 * @module
 */
import { calculateObjectSize, ObjectId } from "bson";
import {
  compareAt,
  encodeColumn,
  type KeyColumn,
  positionComparator,
  RANK_OBJECT_ID,
  RANK_STRING,
} from "./sort_keys.ts";
import { CALLS, CUSTOMERS, type Document } from "./types.ts";
import {
  ColumnTable,
  ColumnTableBuilder,
  type ColumnTableBuilderOptions,
} from "./columnar/column_table.ts";
import { keyColumnOf } from "./columnar/key_columns.ts";
import { countingOrder, integerOrder } from "./columnar/radix.ts";

export { ColumnTable, ColumnTableBuilder, type ColumnTableBuilderOptions };

/** Where an index reads its keys from: a row count and an encoder per field. */
export interface KeySource {
  readonly size: number;
  /** Encoded keys of `field`, or null when its values cannot be encoded. */
  keyColumn(field: string): KeyColumn | null;
}

function documentKeySource(docs: readonly Document[]): KeySource {
  return { size: docs.length, keyColumn: (field) => encodeColumn(docs, field) };
}

/** An index declaration, as MongoDB's `key` document (`{start_time: 1, _id: 1}`). */
export interface IndexSpec {
  key: Record<string, 1 | -1>;
  /** Defaults to MongoDB's naming: `start_time_1__id_1`. */
  name?: string;
}

/** MongoDB's default index name for a key document. */
export function indexName(key: Record<string, 1 | -1>): string {
  return Object.entries(key).map(([f, d]) => `${f}_${d}`).join("_");
}

/**
 * A sorted index: document positions ordered by the key fields (each in its
 * direction), ties by position. Built on first use. An index whose values mingo
 * would order in ways the key encoding does not model (arrays, sub-documents…) is
 * not `usable` and query planning skips it.
 */
export class SortedIndex {
  /** Index name, e.g. `start_time_1__id_1`. */
  readonly name: string;
  /** The key document, as declared. */
  readonly key: Record<string, 1 | -1>;
  /** Key fields in order. */
  readonly fields: string[];
  /** Direction of each key field. */
  readonly directions: (1 | -1)[];
  readonly #source: KeySource;
  #positions: Int32Array | null = null;
  #columns: KeyColumn[] | null = null;
  #built = false;

  constructor(source: readonly Document[] | KeySource, spec: IndexSpec) {
    this.#source = Array.isArray(source)
      ? documentKeySource(source as readonly Document[])
      : source as KeySource;
    this.key = { ...spec.key };
    this.name = spec.name ?? indexName(spec.key);
    this.fields = Object.keys(spec.key);
    this.directions = this.fields.map((f) => (spec.key[f] === -1 ? -1 : 1));
  }

  #build(): void {
    if (this.#built) return;
    this.#built = true;
    const columns: KeyColumn[] = [];
    for (const field of this.fields) {
      const col = this.#source.keyColumn(field);
      if (!col) return;
      columns.push(col);
    }
    let positions = radixOrder(columns, this.directions, this.#source.size);
    if (!positions) {
      positions = new Int32Array(this.#source.size);
      for (let i = 0; i < positions.length; i++) positions[i] = i;
      positions.sort(positionComparator(columns, this.directions));
    }
    this.#columns = columns;
    this.#positions = positions;
  }

  /** True when every indexed value can be ordered by the index (built on first call). */
  get usable(): boolean {
    this.#build();
    return this.#positions !== null;
  }

  /** Document positions in index order. Only valid when `usable`. */
  get positions(): Int32Array {
    this.#build();
    if (!this.#positions) throw new Error(`Index "${this.name}" cannot order its values`);
    return this.#positions;
  }

  /** Encoded key columns, one per field. Only valid when `usable`. */
  get columns(): KeyColumn[] {
    this.#build();
    if (!this.#columns) throw new Error(`Index "${this.name}" cannot order its values`);
    return this.#columns;
  }

  /** True when the documents at positions `a` and `b` have equal keys on the first `k` fields. */
  equalPrefix(a: number, b: number, k: number): boolean {
    const cols = this.columns;
    for (let i = 0; i < k; i++) if (compareAt(cols[i], a, b) !== 0) return false;
    return true;
  }
}

const TWO_42 = 2 ** 42;

/**
 * Dense ranks of a key column's keys (equal keys, equal ranks; order as `compareAt`),
 * or null when a payload is not an integer (the caller then sorts with a comparator).
 * Ranked string / ObjectId columns are dense ranks already; other keys are ordered by
 * an LSD radix sort of `value` (one type) or `type rank · 2^42 + value` (mixed types,
 * values in [0, 2^42): counts, dates from 1970 to 2109).
 */
function denseRanks(col: KeyColumn, n: number): Float64Array | null {
  if (!col.ranked && col.ranks.some((r) => r === RANK_STRING || r === RANK_OBJECT_ID)) {
    return null;
  }
  if (col.ranked && col.uniformRank >= 0) return col.nums;
  const uniform = col.uniformRank >= 0;
  const keys = uniform ? col.nums : new Float64Array(n);
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = col.nums[i];
    if (!Number.isInteger(v)) return null;
    let key = v;
    if (!uniform) {
      if (!(v >= 0 && v < TWO_42)) return null;
      key = keys[i] = col.ranks[i] * TWO_42 + v;
    }
    if (key < min) min = key;
    if (key > max) max = key;
  }
  if (n === 0 || max - min >= 2 ** 53) return null;
  const order = integerOrder(keys, min, max - min, n);
  const ranks = new Float64Array(n);
  let r = -1, prev = NaN;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (keys[i] !== prev) {
      r++;
      prev = keys[i];
    }
    ranks[i] = r;
  }
  return ranks;
}

/** Dense ranks by key column, computed once for every index using the column. */
const denseCache = new WeakMap<KeyColumn, Float64Array | null>();

function cachedDenseRanks(col: KeyColumn, n: number): Float64Array | null {
  let d = denseCache.get(col);
  if (d === undefined) {
    d = denseRanks(col, n);
    denseCache.set(col, d);
  }
  return d;
}

/**
 * Positions ordered by the columns (each in its direction), ties by position: one stable
 * counting sort per column on its dense ranks, last column first (no comparator, no
 * float sort: O(n + distinct keys) a column); null when a column's keys do not have dense
 * ranks.
 */
function radixOrder(cols: KeyColumn[], dirs: (1 | -1)[], n: number): Int32Array | null {
  if (n < 4096 || n >= 2 ** 26) return null;
  const dense: Float64Array[] = [];
  for (const col of cols) {
    const d = cachedDenseRanks(col, n);
    if (!d) return null;
    dense.push(d);
  }
  let order: Int32Array | null = null;
  for (let c = cols.length - 1; c >= 0; c--) {
    order = countingOrder(order, dense[c], dirs[c] === -1, n);
  }
  return order;
}

/**
 * One collection: its documents (insertion order) and its indexes. Small collections
 * keep their documents as frozen objects; large ones keep a {@link ColumnTable} and
 * materialise documents on demand ({@link MemoryCollection.doc}).
 */
export class MemoryCollection {
  readonly name: string;
  readonly indexes: SortedIndex[];
  /** The columns, for a columnar collection; null when documents are kept as objects. */
  readonly table: ColumnTable | null;
  readonly #documents: readonly Document[] | null;
  readonly #keyColumns = new Map<string, KeyColumn | null>();
  #bytes: number | null = null;

  constructor(name: string, documents: Document[] | ColumnTable, indexes: IndexSpec[] = []) {
    this.name = name;
    let source: KeySource;
    if (documents instanceof ColumnTable) {
      this.table = documents;
      this.#documents = null;
      source = { size: documents.size, keyColumn: (field) => this.keyColumn(field) };
    } else {
      this.table = null;
      for (const doc of documents) {
        // MongoDB gives every document an _id; so does the store (keyset paging relies on it).
        if (doc._id === undefined && !Object.isFrozen(doc)) doc._id = new ObjectId();
        deepFreeze(doc);
      }
      this.#documents = Object.freeze(documents);
      source = documentKeySource(this.#documents);
    }
    const specs = [{ key: { _id: 1 as const }, name: "_id_" }, ...indexes];
    const seen = new Set<string>();
    this.indexes = [];
    for (const spec of specs) {
      const index = new SortedIndex(source, spec);
      if (seen.has(index.name)) continue;
      seen.add(index.name);
      this.indexes.push(index);
    }
  }

  /**
   * Encoded sort keys of `field` for every document (see `sort_keys.ts`), or null when
   * some value cannot be encoded. Cached for a columnar collection.
   */
  keyColumn(field: string): KeyColumn | null {
    if (!this.table) return encodeColumn(this.#documents!, field);
    if (!this.#keyColumns.has(field)) this.#keyColumns.set(field, keyColumnOf(this.table, field));
    return this.#keyColumns.get(field)!;
  }

  /** A usable ascending index whose first field is `field`, or null. */
  indexOn(field: string): SortedIndex | null {
    for (const index of this.indexes) {
      if (index.fields[0] === field && index.directions[0] === 1 && index.usable) return index;
    }
    return null;
  }

  /**
   * Every document, in insertion order. A columnar collection materialises them all on
   * each call (slow for large ones: prefer {@link doc}, {@link docsAt} or {@link sample}).
   */
  get documents(): readonly Document[] {
    if (this.#documents) return this.#documents;
    const table = this.table!;
    const out = new Array<Document>(table.size);
    for (let i = 0; i < out.length; i++) out[i] = table.doc(i);
    return out;
  }

  /** The document at position `i` (frozen). */
  doc(i: number): Document {
    return this.#documents ? this.#documents[i] : this.table!.doc(i);
  }

  /** The documents at `positions`, in that order. */
  docsAt(positions: ArrayLike<number>): Document[] {
    const out = new Array<Document>(positions.length);
    for (let k = 0; k < positions.length; k++) out[k] = this.doc(positions[k]);
    return out;
  }

  /** Up to `n` documents spread evenly over the collection (all of them when it is small). */
  sample(n: number): Document[] {
    const size = this.size;
    const step = Math.max(1, Math.floor(size / Math.max(1, n)));
    const out: Document[] = [];
    for (let i = 0; i < size && out.length < n; i += step) out.push(this.doc(i));
    return out;
  }

  /** Number of documents. */
  get size(): number {
    return this.#documents ? this.#documents.length : this.table!.size;
  }

  /** Approximate BSON size of all documents (sampled above 2,000 documents). */
  get bytes(): number {
    if (this.#bytes === null) {
      const n = this.size;
      const step = Math.max(1, Math.floor(n / 2000));
      let sampled = 0, total = 0;
      for (let i = 0; i < n; i += step) {
        total += calculateObjectSize(this.doc(i));
        sampled++;
      }
      this.#bytes = sampled === 0 ? 0 : Math.round((total / sampled) * n);
    }
    return this.#bytes;
  }
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    for (const v of value) deepFreeze(v);
    Object.freeze(value);
  } else if (proto === Object.prototype || proto === null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
}

/** Databases → collections → documents, read-only once built. */
export class MemoryStore {
  readonly #databases = new Map<string, Map<string, MemoryCollection>>();

  /**
   * Adds (or replaces) a collection. Documents given as an array are frozen in place,
   * not copied; a {@link ColumnTable} makes a columnar collection.
   */
  addCollection(
    database: string,
    name: string,
    documents: Document[] | ColumnTable,
    indexes: IndexSpec[] = [],
  ): MemoryCollection {
    let db = this.#databases.get(database);
    if (!db) {
      db = new Map();
      this.#databases.set(database, db);
    }
    const coll = new MemoryCollection(name, documents, indexes);
    db.set(name, coll);
    return coll;
  }

  /** The collection, or undefined when the database or collection does not exist. */
  collection(database: string, name: string): MemoryCollection | undefined {
    return this.#databases.get(database)?.get(name);
  }

  /** Builds every index now (they are otherwise built on first use). */
  buildIndexes(): void {
    for (const db of this.#databases.values()) {
      for (const coll of db.values()) for (const index of coll.indexes) void index.usable;
    }
  }

  /** Database names, sorted. */
  databaseNames(): string[] {
    return [...this.#databases.keys()].sort();
  }

  /** Collections of a database, sorted by name (empty when the database does not exist). */
  collections(database: string): MemoryCollection[] {
    const db = this.#databases.get(database);
    return db ? [...db.values()].sort((a, b) => a.name.localeCompare(b.name)) : [];
  }
}

/** Indexes the contact-center collections get (see `contract/DATA.md`). */
export const DEFAULT_INDEXES: Readonly<Record<string, IndexSpec[]>> = {
  [CALLS]: [
    { key: { start_time: 1, _id: 1 } },
    { key: { agent_name: 1, start_time: 1 } },
    { key: { customer_number: 1, start_time: 1 } },
  ],
  [CUSTOMERS]: [
    { key: { phone: 1 } },
    { key: { customer_id: 1 } },
  ],
};

/** Options of {@link createMemoryStore}. */
export interface CreateStoreOptions {
  /** Database name; default `ccs_dev`. */
  database?: string;
  /** Indexes per collection name; default {@link DEFAULT_INDEXES}. */
  indexes?: Record<string, IndexSpec[]>;
  /**
   * Collections with at least this many documents are stored column by column
   * ({@link ColumnTable}); default {@link COLUMNAR_THRESHOLD}. `Infinity` keeps every
   * collection as objects, 0 makes every collection columnar.
   */
  columnarFrom?: number;
}

/** Default size from which a collection is stored column by column. */
export const COLUMNAR_THRESHOLD = 20_000;

/**
 * Builds a store holding one database with the given collections. Small collections
 * use the documents as they are, not copied: they (and the arrays) are frozen. Large
 * ones (see {@link CreateStoreOptions.columnarFrom}) are copied into columns and the
 * arrays are not kept. Any document without an `_id` gets one. Collections may also be
 * given as {@link ColumnTable}s (see {@link createCollectionBuilder}).
 */
export function createMemoryStore(
  collections: Record<string, Document[] | ColumnTable>,
  opts: CreateStoreOptions = {},
): MemoryStore {
  const database = opts.database ?? "ccs_dev";
  const indexes = opts.indexes ?? DEFAULT_INDEXES;
  const from = opts.columnarFrom ?? COLUMNAR_THRESHOLD;
  const store = new MemoryStore();
  for (const [name, docs] of Object.entries(collections)) {
    const data = Array.isArray(docs) && docs.length >= from
      ? new ColumnTableBuilder().append(docs).finish()
      : docs;
    store.addCollection(database, name, data, indexes[name] ?? []);
  }
  return store;
}

/**
 * A builder for a columnar collection fed in batches (`append(docs)` as often as
 * needed, then `finish()`), for loaders that should not hold every document as an
 * object: pass the finished table to {@link createMemoryStore} or
 * {@link MemoryStore.addCollection}.
 */
export function createCollectionBuilder(opts: ColumnTableBuilderOptions = {}): ColumnTableBuilder {
  return new ColumnTableBuilder(opts);
}
