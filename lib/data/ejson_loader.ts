/**
 * Loads mongoexport files: relaxed or canonical Extended JSON, one document per
 * line (JSON lines, mongoexport's default) or one JSON array (`--jsonArray`),
 * optionally gzipped (detected by the gzip magic bytes, whatever the file name).
 *
 * Values are decoded with npm `bson` in relaxed mode: `$oid` → `ObjectId`, `$date` →
 * `Date`, `$numberInt` / `$numberLong` / `$numberDouble` → `number`.
 *
 * JSON lines are read as a stream, line by line; a JSON array is parsed whole.
 *
 * @module
 */
import { type ColumnTable, ColumnTableBuilder } from "./columnar/column_table.ts";
import { fromRelaxedEjson } from "./ejson_fast.ts";
import { CALLS, CUSTOMERS, type Document } from "./types.ts";

/** A dataset file or directory that cannot be loaded; the message names the file and line. */
export class DatasetError extends Error {
  /** The file (or directory) concerned. */
  readonly file: string;
  /** 1-based line of the problem, when known. */
  readonly line: number | undefined;

  constructor(file: string, problem: string, line?: number) {
    super(`Cannot load "${file}"${line === undefined ? "" : ` line ${line}`}: ${problem}`);
    this.name = "DatasetError";
    this.file = file;
    this.line = line;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Opens `path` as a text stream, gunzipping when the content starts with the gzip magic. */
async function openText(path: string): Promise<ReadableStream<string>> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    throw new DatasetError(
      path,
      e instanceof Deno.errors.NotFound ? "file not found" : message(e),
    );
  }
  let gzipped = false;
  try {
    const head = new Uint8Array(2);
    let got = 0;
    while (got < 2) {
      const n = await file.read(head.subarray(got));
      if (n === null) break;
      got += n;
    }
    gzipped = got === 2 && head[0] === 0x1f && head[1] === 0x8b;
    await file.seek(0, Deno.SeekMode.Start);
  } catch (e) {
    file.close();
    throw new DatasetError(path, message(e));
  }
  let bytes: ReadableStream<Uint8Array> = file.readable;
  if (gzipped) {
    const gunzip = new DecompressionStream("gzip");
    bytes = bytes.pipeThrough(gunzip as unknown as TransformStream<Uint8Array, Uint8Array>);
  }
  const decoder = new TextDecoderStream("utf-8", { fatal: true });
  return bytes.pipeThrough(decoder as unknown as TransformStream<Uint8Array, string>);
}

/** Streams the documents of one mongoexport file. */
export async function* readEjsonFile(path: string): AsyncGenerator<Document> {
  const text = await openText(path);
  const reader = text.getReader();
  let buffer = "";
  let line = 0;
  let mode: "unknown" | "lines" | "array" = "unknown";
  const parseLine = (raw: string): Document | null => {
    line++;
    const s = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (s.trim() === "") return null;
    let doc: unknown;
    try {
      doc = fromRelaxedEjson(JSON.parse(s));
    } catch (e) {
      throw new DatasetError(path, message(e), line);
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) {
      throw new DatasetError(path, "expected a document (a JSON object)", line);
    }
    return doc as Document;
  };
  try {
    while (true) {
      let chunk: string | undefined;
      try {
        const r = await reader.read();
        if (r.done) break;
        chunk = r.value;
      } catch (e) {
        throw new DatasetError(path, `cannot read the file (${message(e)})`);
      }
      if (mode === "unknown" && line === 0 && buffer === "" && chunk.charCodeAt(0) === 0xfeff) {
        chunk = chunk.slice(1);
      }
      buffer += chunk;
      if (mode === "unknown") {
        const first = buffer.trimStart();
        if (first === "") continue;
        mode = first.startsWith("[") ? "array" : "lines";
      }
      if (mode === "array") continue;
      let start = 0;
      let nl: number;
      const docs: Document[] = [];
      while ((nl = buffer.indexOf("\n", start)) !== -1) {
        const doc = parseLine(buffer.slice(start, nl));
        start = nl + 1;
        if (doc) docs.push(doc);
      }
      buffer = buffer.slice(start);
      yield* docs;
    }
    if (mode === "array") {
      yield* parseArray(path, buffer);
    } else if (buffer !== "") {
      const doc = parseLine(buffer);
      if (doc) yield doc;
    }
  } finally {
    reader.releaseLock();
    await text.cancel().catch(() => {});
  }
}

function parseArray(path: string, text: string): Document[] {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (e) {
    const { errorAt } = scanJson(text);
    throw new DatasetError(path, message(e), lineAt(text, errorAt ?? text.length));
  }
  if (!Array.isArray(values)) throw new DatasetError(path, "expected an array of documents", 1);
  const docs: Document[] = [];
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    const where = () => lineAt(text, scanJson(text).elements[k] ?? 0);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new DatasetError(path, "expected a document (a JSON object)", where());
    }
    try {
      docs.push(fromRelaxedEjson(value) as Document);
    } catch (e) {
      throw new DatasetError(path, message(e), where());
    }
  }
  return docs;
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Validates JSON text, returning the offset of the first syntax error (or null)
 * and the start offsets of the top-level array's elements. Used to name the line
 * of a problem, since `JSON.parse` errors do not give positions.
 */
export function scanJson(text: string): { errorAt: number | null; elements: number[] } {
  const n = text.length;
  const elements: number[] = [];
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = () => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 92) i += 2;
      else if (c < 32) fail();
      else i++;
    }
    fail();
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number) => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (depth === 0) elements.push(i);
        value(depth + 1);
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    }
    if (c === '"') return str();
    for (const lit of ["true", "false", "null"]) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return;
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    fail();
  };
  try {
    value(0);
    ws();
    if (i < n) fail();
    return { errorAt: null, elements };
  } catch (e) {
    if (typeof e === "number") return { errorAt: e, elements };
    throw e;
  }
}

/** Loads every document of one mongoexport file. */
export async function loadEjsonFile(path: string): Promise<Document[]> {
  const docs: Document[] = [];
  for await (const doc of readEjsonFile(path)) docs.push(doc);
  return docs;
}

/**
 * Streams one mongoexport file into a columnar table (see `columnar/column_table.ts`), in
 * batches, without holding every document as an object: for large collections.
 */
export async function loadEjsonTable(
  path: string,
  opts: { batchSize?: number } = {},
): Promise<ColumnTable> {
  const builder = new ColumnTableBuilder();
  const size = Math.max(1, opts.batchSize ?? 10_000);
  let batch: Document[] = [];
  for await (const doc of readEjsonFile(path)) {
    batch.push(doc);
    if (batch.length >= size) {
      builder.append(batch);
      batch = [];
    }
  }
  builder.append(batch);
  return builder.finish();
}

const EXTENSIONS = [".jsonl", ".ndjson", ".json"];

/** The export file of collection `name` in `dir` (`NAME.jsonl|.ndjson|.json`, optionally `.gz`). */
async function findExport(dir: string, name: string): Promise<string | null> {
  for (const ext of EXTENSIONS) {
    for (const suffix of ["", ".gz"]) {
      const path = `${dir.replace(/\/+$/, "")}/${name}${ext}${suffix}`;
      try {
        if ((await Deno.stat(path)).isFile) return path;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw new DatasetError(path, message(e));
      }
    }
  }
  return null;
}

/** The two collections of the data contract. */
export interface Dataset {
  calling_cdr: Document[];
  address_book: Document[];
}

/** The calls and customers export files of `dir` (a DatasetError when unusable). */
async function exportPaths(
  dir: string,
): Promise<{ callsPath: string; customersPath: string | null }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(dir);
  } catch (e) {
    throw new DatasetError(
      dir,
      e instanceof Deno.errors.NotFound ? "directory not found" : message(e),
    );
  }
  if (!info.isDirectory) throw new DatasetError(dir, "not a directory");
  const callsPath = await findExport(dir, CALLS);
  if (!callsPath) {
    throw new DatasetError(
      dir,
      `no ${CALLS}.jsonl, ${CALLS}.ndjson or ${CALLS}.json file (optionally .gz) in the directory`,
    );
  }
  const customersPath = await findExport(dir, CUSTOMERS);
  return { callsPath, customersPath };
}

/**
 * Loads `calling_cdr` (required) and `address_book` (empty when absent) from the
 * mongoexport files in `dir`.
 */
export async function loadDataset(dir: string): Promise<Dataset> {
  const { callsPath, customersPath } = await exportPaths(dir);
  const [calling_cdr, address_book] = await Promise.all([
    loadEjsonFile(callsPath),
    customersPath ? loadEjsonFile(customersPath) : Promise.resolve([]),
  ]);
  return { calling_cdr, address_book };
}

/**
 * Like {@link loadDataset}, but the calls are read straight into a columnar table, batch by
 * batch, so a million calls are never held as objects at once (the embedded server's load).
 */
export async function loadDatasetColumnar(
  dir: string,
): Promise<{ calling_cdr: ColumnTable; address_book: Document[] }> {
  const { callsPath, customersPath } = await exportPaths(dir);
  const [calling_cdr, address_book] = await Promise.all([
    loadEjsonTable(callsPath),
    customersPath ? loadEjsonFile(customersPath) : Promise.resolve([]),
  ]);
  return { calling_cdr, address_book };
}
