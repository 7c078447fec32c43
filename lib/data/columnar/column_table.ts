/**
 * Columnar storage for a collection: one column per top-level field, typed arrays
 * instead of one JS object per document.
 *
 * - Each column has a kind per row ({@link Kind}): missing, null, number, string,
 *   date, true, false, ObjectId or other.
 * - Numbers and dates live in a Float64Array (dates as epoch ms), strings as Int32
 *   codes into a dictionary (codes are given in order of first appearance), ObjectIds
 *   as 12-byte blocks; any other value (arrays, sub-documents, other BSON classes) is
 *   kept as it is in a sparse map and marks the column as not usable for columnar
 *   execution.
 * - Each row remembers its field order (a "shape"), so a materialised document has
 *   the same keys in the same order as the original, and the same Date / ObjectId types.
 *
 * @module
 */
import { ObjectId } from "bson";
import type { Document } from "../types.ts";
import { StringHeap, type StringHeapData } from "./string_heap.ts";

/** Kind of the value a column holds at a row. */
export const Kind = {
  MISSING: 0,
  NULL: 1,
  NUMBER: 2,
  STRING: 3,
  DATE: 4,
  TRUE: 5,
  FALSE: 6,
  OBJECT_ID: 7,
  OTHER: 8,
} as const;

const INITIAL_CAPACITY = 1024;
/** A column switches from a dictionary to strings by row past this many distinct strings
 * when they are more than half its rows. */
const RAW_FROM = 50_000;

function isObjectId(v: object): v is ObjectId {
  return (v as { _bsontype?: unknown })._bsontype === "ObjectId" &&
    (v as { id?: unknown }).id instanceof Uint8Array;
}

/** One field's values over every row of a table. */
export class Column {
  /** Field name. */
  readonly name: string;
  kinds: Uint8Array;
  /** Numbers and dates (epoch ms); null until the column holds one. */
  nums: Float64Array | null = null;
  /** Dictionary codes of strings; null until the column holds one. */
  codes: Int32Array | null = null;
  /** ObjectIds, 12 bytes a row; null until the column holds one. */
  oids: Uint8Array | null = null;
  /** Strings by code, in order of first appearance. */
  dict: string[] = [];
  /**
   * Strings by row, for a column of (nearly) unique strings (ids, URLs), where a
   * dictionary would only cost time and memory; `codes` is then null.
   */
  raw: StringHeap | null = null;
  #dictIndex = new Map<string, number>();
  #lastString: string | null = null;
  #lastCode = 0;
  /** Values of kind OTHER by row. */
  readonly others = new Map<number, unknown>();
  /** Bit `1 << kind` is set when some row has that kind (MISSING included once a row lacks it). */
  kindMask = 0;

  readonly #rawFrom: number;

  constructor(name: string, capacity: number, rawFrom = RAW_FROM) {
    this.name = name;
    this.kinds = new Uint8Array(capacity);
    this.#rawFrom = rawFrom;
  }

  /** Whether every value is a scalar the columnar executor models (no OTHER values). */
  get scalar(): boolean {
    return (this.kindMask & (1 << Kind.OTHER)) === 0;
  }

  /** Whether some row has one of `kinds`. */
  has(...kinds: number[]): boolean {
    return kinds.some((k) => (this.kindMask & (1 << k)) !== 0);
  }

  /** Code of `s` in the dictionary, or -1 when no row holds it. */
  codeOf(s: string): number {
    return this.#dictIndex.get(s) ?? -1;
  }

  grow(capacity: number): void {
    this.kinds = resize(this.kinds, capacity);
    if (this.nums) this.nums = resize(this.nums, capacity);
    if (this.codes) this.codes = resize(this.codes, capacity);
    if (this.oids) this.oids = resize(this.oids, capacity * 12);
    this.raw?.grow(capacity);
  }

  set(row: number, v: unknown, capacity: number): void {
    const kind = this.#store(row, v, capacity);
    this.kinds[row] = kind;
    this.kindMask |= 1 << kind;
  }

  #store(row: number, v: unknown, capacity: number): number {
    // Tests in order of frequency (typeof compared to constants, not switched on).
    if (typeof v === "string") return this.#storeString(row, v, capacity);
    if (v === null) return Kind.NULL;
    if (typeof v === "number") {
      const nums = this.nums ??= new Float64Array(capacity);
      nums[row] = v;
      return Kind.NUMBER;
    }
    if (typeof v === "object") {
      if (v instanceof Date && Object.getPrototypeOf(v) === Date.prototype) {
        const nums = this.nums ??= new Float64Array(capacity);
        nums[row] = v.getTime();
        return Kind.DATE;
      }
      if (v instanceof ObjectId) {
        const oids = this.oids ??= new Uint8Array(capacity * 12);
        writeObjectId(oids, row * 12, v);
        return Kind.OBJECT_ID;
      }
      if (isObjectId(v)) {
        this.oids ??= new Uint8Array(capacity * 12);
        this.oids.set(v.id, row * 12);
        return Kind.OBJECT_ID;
      }
    } else if (v === undefined) return Kind.MISSING;
    else if (typeof v === "boolean") return v ? Kind.TRUE : Kind.FALSE;
    this.others.set(row, deepFreeze(v));
    return Kind.OTHER;
  }

  #storeString(row: number, v: string, capacity: number): number {
    if (this.raw) {
      this.raw.set(row, v);
      return Kind.STRING;
    }
    this.codes ??= new Int32Array(capacity);
    if (v === this.#lastString) {
      this.codes[row] = this.#lastCode;
      return Kind.STRING;
    }
    let code = this.#dictIndex.get(v);
    if (code === undefined) {
      code = this.dict.length;
      if (code >= this.#rawFrom && code * 2 > row) {
        this.#toRaw(row, capacity);
        this.raw!.set(row, v);
        return Kind.STRING;
      }
      this.dict.push(v);
      this.#dictIndex.set(v, code);
    }
    this.codes[row] = code;
    this.#lastString = v;
    this.#lastCode = code;
    return Kind.STRING;
  }

  /** The column as plain data (its arrays, not copies). */
  data(): ColumnData {
    return {
      name: this.name,
      kinds: this.kinds,
      kindMask: this.kindMask,
      nums: this.nums,
      codes: this.codes,
      oids: this.oids,
      dict: this.dict,
      raw: this.raw?.data() ?? null,
      others: [...this.others],
    };
  }

  /**
   * Appends `count` rows of another column's data as rows `base`… of this one: strings are
   * re-coded into this dictionary (new ones in their order there), the arrays copied.
   */
  appendData(src: ColumnData, base: number, count: number, capacity: number): void {
    this.kinds.set(src.kinds.subarray(0, count), base);
    this.kindMask |= src.kindMask;
    if (src.nums) (this.nums ??= new Float64Array(capacity)).set(src.nums.subarray(0, count), base);
    if (src.oids) {
      (this.oids ??= new Uint8Array(capacity * 12)).set(
        src.oids.subarray(0, count * 12),
        base * 12,
      );
    }
    for (const [r, v] of src.others) this.others.set(base + r, deepFreeze(v));
    this.#lastString = null;
    if (src.raw) {
      if (!this.raw) this.#toRaw(base, capacity);
      this.raw!.appendData(src.raw, base, count);
    } else if (src.codes && this.raw) {
      for (let r = 0; r < count; r++) {
        if (src.kinds[r] === Kind.STRING) this.raw.set(base + r, src.dict[src.codes[r]]);
      }
    } else if (src.codes) {
      const codes = this.codes ??= new Int32Array(capacity);
      const remap = new Int32Array(src.dict.length);
      for (let c = 0; c < src.dict.length; c++) {
        const s = src.dict[c];
        let code = this.#dictIndex.get(s);
        if (code === undefined) {
          code = this.dict.length;
          this.dict.push(s);
          this.#dictIndex.set(s, code);
        }
        remap[c] = code;
      }
      for (let r = 0; r < count; r++) {
        if (src.kinds[r] === Kind.STRING) codes[base + r] = remap[src.codes[r]];
      }
      const rows = base + count;
      if (this.dict.length > this.#rawFrom && this.dict.length * 2 > rows) {
        this.#toRaw(rows, capacity);
      }
    }
  }

  /** Switches to one string per row (rows before `row` converted). */
  #toRaw(row: number, capacity: number): void {
    const raw = new StringHeap(capacity);
    const kinds = this.kinds, codes = this.codes!;
    for (let i = 0; i < row; i++) if (kinds[i] === Kind.STRING) raw.set(i, this.dict[codes[i]]);
    this.raw = raw;
    this.codes = null;
    this.dict = [];
    this.#dictIndex = new Map();
    this.#lastString = null;
  }

  /** Trims the arrays to `size` rows. */
  trim(size: number): void {
    if (size === this.kinds.length) return;
    this.kinds = this.kinds.slice(0, size);
    if (this.nums) this.nums = this.nums.slice(0, size);
    if (this.codes) this.codes = this.codes.slice(0, size);
    if (this.oids) this.oids = this.oids.slice(0, size * 12);
    this.raw?.trim(size);
  }

  /** The value at `row`, as the original document had it (undefined when missing). */
  value(row: number): unknown {
    switch (this.kinds[row]) {
      case Kind.MISSING:
        return undefined;
      case Kind.NULL:
        return null;
      case Kind.NUMBER:
        return this.nums![row];
      case Kind.STRING:
        return this.raw ? this.raw.at(row) : this.dict[this.codes![row]];
      case Kind.DATE:
        return new Date(this.nums![row]);
      case Kind.TRUE:
        return true;
      case Kind.FALSE:
        return false;
      case Kind.OBJECT_ID:
        return new ObjectId(this.oids!.slice(row * 12, row * 12 + 12));
      default:
        return this.others.get(row);
    }
  }

  /** Hex string of the ObjectId at `row` (only for rows of kind OBJECT_ID). */
  hexAt(row: number): string {
    const o = this.oids!;
    let s = "";
    for (let i = row * 12, end = i + 12; i < end; i++) s += HEX[o[i]];
    return s;
  }
}

/** bson's packed fields of an ObjectId: 24 bits each (bytes 0-2, 3-5, 6-8, 9-11). */
interface PackedObjectId {
  i0?: unknown;
  i1?: unknown;
  i2?: unknown;
  i3?: unknown;
}

/** Writes the 12 bytes of `oid` at `at`, from bson's packed fields when it has them. */
function writeObjectId(out: Uint8Array, at: number, oid: ObjectId): void {
  const { i0, i1, i2, i3 } = oid as unknown as PackedObjectId;
  if (
    typeof i0 === "number" && typeof i1 === "number" && typeof i2 === "number" &&
    typeof i3 === "number"
  ) {
    out[at] = i0 >>> 16;
    out[at + 1] = i0 >>> 8;
    out[at + 2] = i0;
    out[at + 3] = i1 >>> 16;
    out[at + 4] = i1 >>> 8;
    out[at + 5] = i1;
    out[at + 6] = i2 >>> 16;
    out[at + 7] = i2 >>> 8;
    out[at + 8] = i2;
    out[at + 9] = i3 >>> 16;
    out[at + 10] = i3 >>> 8;
    out[at + 11] = i3;
  } else out.set(oid.id, at);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function resize<T extends Uint8Array | Int32Array | Float64Array>(a: T, n: number): T {
  const out = new (a.constructor as new (n: number) => T)(n);
  out.set(a.subarray(0, Math.min(a.length, n)) as never);
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value) || proto === Object.prototype || proto === null) {
    for (const v of Object.values(value as object)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A {@link Column} as plain data (see `Column.data()`). */
export interface ColumnData {
  name: string;
  kinds: Uint8Array;
  kindMask: number;
  nums: Float64Array | null;
  codes: Int32Array | null;
  oids: Uint8Array | null;
  dict: string[];
  raw: StringHeapData | null;
  /** Values of kind OTHER, by row. */
  others: [number, unknown][];
}

/** A {@link ColumnTable} as plain data (see `ColumnTable.data()`). */
export interface TableData {
  size: number;
  shapes: string[][];
  rowShapes: Uint16Array | Uint32Array;
  columns: ColumnData[];
}

/** The buffers of `data` a `postMessage` can transfer instead of copying. */
export function transferablesOf(data: TableData): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>([data.rowShapes.buffer as ArrayBuffer]);
  for (const c of data.columns) {
    for (const a of [c.kinds, c.nums, c.codes, c.oids, c.raw?.bytes, c.raw?.starts, c.raw?.lens]) {
      if (a) out.add(a.buffer as ArrayBuffer);
    }
  }
  return [...out];
}

/** A read-only table of rows stored column by column. */
export class ColumnTable {
  /** Number of rows. */
  readonly size: number;
  readonly #columns: Map<string, Column>;
  /** Field names of each shape, in document key order. */
  readonly #shapes: string[][];
  readonly #shapeColumns: Column[][];
  readonly #rowShapes: Uint16Array | Uint32Array;

  constructor(
    size: number,
    columns: Map<string, Column>,
    shapes: string[][],
    rowShapes: Uint16Array | Uint32Array,
  ) {
    this.size = size;
    this.#columns = columns;
    this.#shapes = shapes;
    this.#rowShapes = rowShapes;
    this.#shapeColumns = shapes.map((s) => s.map((f) => columns.get(f)!));
  }

  /** The column of a top-level field, or undefined when no row has it. */
  column(field: string): Column | undefined {
    return this.#columns.get(field);
  }

  /** Field names of the table, in order of first appearance. */
  get fields(): string[] {
    return [...this.#columns.keys()];
  }

  /** The value of `field` at `row` (undefined when missing). */
  value(row: number, field: string): unknown {
    return this.#columns.get(field)?.value(row);
  }

  /** The document at `row`, equal to the one appended (same keys and order), frozen. */
  doc(row: number): Document {
    const cols = this.#shapeColumns[this.#rowShapes[row]];
    const names = this.#shapes[this.#rowShapes[row]];
    const out: Document = {};
    for (let i = 0; i < cols.length; i++) out[names[i]] = cols[i].value(row);
    return Object.freeze(out);
  }

  /** The documents at `rows`, in that order. */
  docs(rows: ArrayLike<number>): Document[] {
    const out = new Array<Document>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.doc(rows[i]);
    return out;
  }

  /**
   * The table as plain data (its arrays, not copies): what a worker posts, with
   * {@link transferablesOf}, for {@link ColumnTableBuilder.appendData}.
   */
  data(): TableData {
    return {
      size: this.size,
      shapes: this.#shapes,
      rowShapes: this.#rowShapes,
      columns: [...this.#columns.values()].map((c) => c.data()),
    };
  }

  /** Approximate memory held by the columns (bytes). */
  get memoryBytes(): number {
    let n = this.#rowShapes.byteLength;
    for (const c of this.#columns.values()) {
      n += c.kinds.byteLength + (c.nums?.byteLength ?? 0) + (c.codes?.byteLength ?? 0) +
        (c.oids?.byteLength ?? 0) + (c.raw?.byteLength ?? 0);
    }
    return n;
  }
}

/** Options of {@link ColumnTableBuilder}. */
export interface ColumnTableBuilderOptions {
  /** Distinct strings from which a mostly-unique string column is kept by row. */
  rawStringsFrom?: number;
  /** Rows expected (the arrays are sized for them up front). */
  capacity?: number;
}

/**
 * Builds a {@link ColumnTable} from batches of documents, so that a loader can feed
 * a million documents without holding them all as objects. Documents without an
 * `_id` get an ObjectId (set on the appended document when it is not frozen).
 */
export class ColumnTableBuilder {
  readonly #rawFrom: number;
  #size = 0;
  #capacity: number;
  readonly #columns = new Map<string, Column>();
  readonly #shapes: string[][] = [];
  readonly #shapeIds = new Map<string, number>();
  /** Columns of each shape's keys (filled as columns are created). */
  readonly #shapeCols: (Column | undefined)[][] = [];
  #lastShape = 0;
  #rowShapes: Uint32Array;
  #done = false;

  /**
   * `rawStringsFrom`: distinct strings from which a column of mostly unique strings
   * keeps one string per row instead of a dictionary (default 50,000). `capacity`: the
   * number of rows expected, when known (saves growing and trimming the arrays).
   */
  constructor(opts: ColumnTableBuilderOptions = {}) {
    this.#rawFrom = opts.rawStringsFrom ?? RAW_FROM;
    this.#capacity = Math.max(1, opts.capacity ?? INITIAL_CAPACITY);
    this.#rowShapes = new Uint32Array(this.#capacity);
  }

  /** Rows appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends documents in order. */
  append(docs: Iterable<Document>): this {
    if (this.#done) throw new Error("Cannot append to a column table that is already built");
    for (const doc of docs) this.#appendOne(doc);
    return this;
  }

  #appendOne(doc: Document): void {
    if (this.#size === this.#capacity) this.#grow();
    const row = this.#size++;
    // As MemoryCollection does: a document that is not frozen gets an _id it lacks.
    if (doc._id === undefined && !Object.isFrozen(doc)) doc._id = new ObjectId();
    if (this.#appendSameShape(doc, row)) return;
    const keys = Object.keys(doc);
    const shape = this.#shapeOf(keys);
    this.#rowShapes[row] = shape;
    const cols = this.#shapeCols[shape];
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      let col = cols[k];
      if (!col) {
        col = new Column(key, this.#capacity, this.#rawFrom);
        // Rows before this one lack the field (kinds start at MISSING).
        if (row > 0) col.kindMask |= 1 << Kind.MISSING;
        this.#columns.set(key, col);
        cols[k] = col;
      }
      col.set(row, doc[key], this.#capacity);
    }
    if (keys.length < this.#columns.size) {
      for (const col of this.#columns.values()) {
        if (!(col.name in doc)) col.kindMask |= 1 << Kind.MISSING;
      }
    }
  }

  /**
   * Stores `doc` at `row` when it has the previous row's keys in the same order (every
   * column then exists), reading keys and values in one `for…in` pass; false (some values
   * possibly stored, which the general path stores again) otherwise.
   */
  #appendSameShape(doc: Document, row: number): boolean {
    const keys = this.#shapes[this.#lastShape];
    if (!keys) return false;
    const cols = this.#shapeCols[this.#lastShape] as Column[];
    const capacity = this.#capacity;
    let k = 0;
    for (const key in doc) {
      if (k >= keys.length || key !== keys[k]) return false;
      cols[k].set(row, doc[key], capacity);
      k++;
    }
    // Inherited keys come after own ones: the last key being own, all of them are.
    if (k !== keys.length || (k > 0 && !Object.hasOwn(doc, keys[k - 1]))) return false;
    this.#rowShapes[row] = this.#lastShape;
    if (k < this.#columns.size) {
      for (const col of this.#columns.values()) {
        if (!(col.name in doc)) col.kindMask |= 1 << Kind.MISSING;
      }
    }
    return true;
  }

  /**
   * Appends the rows of a table made elsewhere (`ColumnTable.data()`, possibly from
   * another thread), after the rows appended so far: the same table as appending its
   * documents, without making them.
   */
  appendData(data: TableData): this {
    if (this.#done) throw new Error("Cannot append to a column table that is already built");
    const base = this.#size, count = data.size;
    while (base + count > this.#capacity) this.#grow();
    const shapeIds = data.shapes.map((keys) => this.#shapeOf(keys));
    for (let r = 0; r < count; r++) this.#rowShapes[base + r] = shapeIds[data.rowShapes[r]];
    const names = new Set<string>();
    for (const src of data.columns) {
      names.add(src.name);
      let col = this.#columns.get(src.name);
      if (!col) {
        col = new Column(src.name, this.#capacity, this.#rawFrom);
        if (base > 0) col.kindMask |= 1 << Kind.MISSING;
        this.#columns.set(src.name, col);
      }
      col.appendData(src, base, count, this.#capacity);
    }
    if (count > 0) {
      for (const col of this.#columns.values()) {
        if (!names.has(col.name)) col.kindMask |= 1 << Kind.MISSING;
      }
    }
    // Shapes first seen here get their columns (the same-shape path needs them all).
    for (let s = 0; s < this.#shapes.length; s++) {
      this.#shapeCols[s] = this.#shapes[s].map((k) => this.#columns.get(k));
    }
    this.#size += count;
    return this;
  }

  /** The shape id of a key list; the previous row's shape is tried first. */
  #shapeOf(keys: string[]): number {
    const last = this.#shapes[this.#lastShape];
    if (last && last.length === keys.length) {
      let same = true;
      for (let i = 0; i < keys.length && same; i++) same = last[i] === keys[i];
      if (same) return this.#lastShape;
    }
    const shapeKey = keys.join("\u0000");
    let shape = this.#shapeIds.get(shapeKey);
    if (shape === undefined) {
      shape = this.#shapes.length;
      this.#shapes.push(keys);
      this.#shapeCols.push(keys.map((k) => this.#columns.get(k)));
      this.#shapeIds.set(shapeKey, shape);
    }
    this.#lastShape = shape;
    return shape;
  }

  #grow(): void {
    this.#capacity *= 2;
    for (const col of this.#columns.values()) col.grow(this.#capacity);
    const shapes = new Uint32Array(this.#capacity);
    shapes.set(this.#rowShapes);
    this.#rowShapes = shapes;
  }

  /** The table; the builder cannot be used afterwards. */
  finish(): ColumnTable {
    this.#done = true;
    const n = this.#size;
    for (const col of this.#columns.values()) col.trim(n);
    const rowShapes = this.#shapes.length <= 65_536
      ? Uint16Array.from(this.#rowShapes.subarray(0, n))
      : this.#rowShapes.slice(0, n);
    return new ColumnTable(n, this.#columns, this.#shapes, rowShapes);
  }
}

/** A table holding `docs` (in order). */
export function buildColumnTable(
  docs: Iterable<Document>,
  opts: ColumnTableBuilderOptions = {},
): ColumnTable {
  return new ColumnTableBuilder(opts).append(docs).finish();
}
