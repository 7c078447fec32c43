/**
 * The indexes the app expects on a real MongoDB, and a check that tells the operator
 * which are missing, with the `createIndex` command for each. The indexes are read with
 * the MCP `collection-indexes` tool through the read-only DataClient.
 *
 * | collection    | index                                | serves                                   |
 * | ------------- | ------------------------------------ | ---------------------------------------- |
 * | `calling_cdr` | `{start_time: 1}`                    | every report's period; the vocabulary's  |
 * |               |                                      | refresh and high-water mark              |
 * | `calling_cdr` | `{agent_name: 1, start_time: 1}`     | an agent's calls in a period; the        |
 * |               |                                      | distinct agent names                     |
 * | `calling_cdr` | `{customer_number: 1, start_time: 1}`| a customer's calls in a period           |
 * | `address_book`| `{phone: 1}`                         | joining calls to customers               |
 *
 * An index satisfies a recommendation when the recommended key is a prefix of its key
 * (`{start_time: 1, _id: 1}` satisfies `{start_time: 1}`), directions all equal or all
 * reversed. An index on the leading field only (`{agent_name: 1}` for
 * `{agent_name: 1, start_time: 1}`) is "partial": it is used, but reads every call of
 * the agent before the period is applied.
 *
 * @module
 */
import { CALLS, CUSTOMERS, type DataClient, type Document } from "./types.ts";

/** An index key: field → 1 or -1, in order. */
export type IndexKey = Record<string, 1 | -1>;

/** An index the app expects. */
export interface RecommendedIndex {
  collection: string;
  key: IndexKey;
  /** What it serves, for the operator. */
  why: string;
}

/** The indexes the app expects on a real MongoDB. */
export const RECOMMENDED_INDEXES: readonly RecommendedIndex[] = [
  { collection: CALLS, key: { start_time: 1 }, why: "report periods, vocabulary refresh" },
  {
    collection: CALLS,
    key: { agent_name: 1, start_time: 1 },
    why: "an agent's calls in a period, distinct agent names",
  },
  {
    collection: CALLS,
    key: { customer_number: 1, start_time: 1 },
    why: "a customer's calls in a period",
  },
  { collection: CUSTOMERS, key: { phone: 1 }, why: "calls joined to customers" },
];

/** How far a collection's indexes meet one recommendation. */
export type IndexStatus = "present" | "partial" | "missing";

/** The check of one recommended index. */
export interface IndexFinding extends RecommendedIndex {
  status: IndexStatus;
  /** The existing index that satisfies it (fully or partially), by key. */
  satisfiedBy: Document | null;
  /** `db.<collection>.createIndex({...})`, to run in mongosh. */
  command: string;
}

/** The result of {@link checkIndexes}. */
export interface IndexReport {
  findings: IndexFinding[];
  /** The findings whose status is `missing`. */
  missing: IndexFinding[];
  /** The findings whose status is `partial`. */
  partial: IndexFinding[];
}

/** The mongosh text of an index key: `{ agent_name: 1, start_time: 1 }`. */
export function formatKey(key: Document): string {
  const fields = Object.entries(key).map(([f, d]) => {
    const name = /^[A-Za-z_$][\w$]*$/.test(f) ? f : JSON.stringify(f);
    return `${name}: ${JSON.stringify(d)}`;
  });
  return `{ ${fields.join(", ")} }`;
}

/** The mongosh command creating `key` on `collection`. */
export function createIndexCommand(collection: string, key: Document): string {
  const target = /^[A-Za-z_$][\w$]*$/.test(collection)
    ? `db.${collection}`
    : `db.getCollection(${JSON.stringify(collection)})`;
  return `${target}.createIndex(${formatKey(key)})`;
}

function direction(v: unknown): 1 | -1 | null {
  if (v === 1 || v === -1) return v;
  // Some servers report directions as 1.0 or as Long/Int32 wrappers.
  const n = Number(v);
  return n === 1 || n === -1 ? n : null;
}

/**
 * True when `wanted` is a prefix of `key` (same fields in the same order, directions all
 * equal or all reversed). Special index types ("text", "hashed", "2dsphere") never count.
 */
export function keyHasPrefix(key: Document, wanted: IndexKey): boolean {
  const have = Object.entries(key);
  const want = Object.entries(wanted);
  if (want.length === 0 || have.length < want.length) return false;
  let flip: boolean | null = null;
  for (let i = 0; i < want.length; i++) {
    const [field, dir] = want[i];
    if (have[i][0] !== field) return false;
    const d = direction(have[i][1]);
    if (d === null) return false;
    const reversed = d !== dir;
    if (flip === null) flip = reversed;
    else if (flip !== reversed) return false;
  }
  return true;
}

/** The status of `wanted` among the index keys `keys`, and the key that decides it. */
export function indexStatus(
  keys: readonly Document[],
  wanted: IndexKey,
): { status: IndexStatus; satisfiedBy: Document | null } {
  const full = keys.find((k) => keyHasPrefix(k, wanted));
  if (full) return { status: "present", satisfiedBy: full };
  const [first, dir] = Object.entries(wanted)[0] ?? [];
  if (first !== undefined && Object.keys(wanted).length > 1) {
    const lead = keys.find((k) => keyHasPrefix(k, { [first]: dir }));
    if (lead) return { status: "partial", satisfiedBy: lead };
  }
  return { status: "missing", satisfiedBy: null };
}

/** `Name: "x", definition: {...}` lines of the tool's text (servers without structured output). */
function keysFromText(text: string): Document[] {
  const keys: Document[] = [];
  for (const m of text.matchAll(/definition: (\{.*\})\s*$/gm)) {
    try {
      const key = JSON.parse(m[1]);
      if (key && typeof key === "object" && !Array.isArray(key)) keys.push(key);
    } catch { /* not a key */ }
  }
  return keys;
}

/** The index keys of `collection`, read with the MCP `collection-indexes` tool. */
export async function readIndexKeys(
  client: DataClient,
  collection: string,
  signal?: AbortSignal,
): Promise<Document[]> {
  const res = await client.callTool("collection-indexes", { collection }, { signal });
  if (res.isError) {
    throw new Error(`Cannot read the indexes of ${collection}: ${res.text.trim() || "error"}`);
  }
  const listed = res.structured?.classicIndexes;
  if (Array.isArray(listed)) {
    return listed
      .map((i) => (i && typeof i === "object" ? (i as Document).key : null))
      .filter((k): k is Document => !!k && typeof k === "object" && !Array.isArray(k));
  }
  return keysFromText(res.text);
}

/** Options of {@link checkIndexes}. */
export interface CheckIndexesOptions {
  /** The indexes to look for (default {@link RECOMMENDED_INDEXES}). */
  expected?: readonly RecommendedIndex[];
  signal?: AbortSignal;
}

/** Compares the indexes of the data client's collections with the expected ones. */
export async function checkIndexes(
  client: DataClient,
  opts: CheckIndexesOptions = {},
): Promise<IndexReport> {
  const expected = opts.expected ?? RECOMMENDED_INDEXES;
  const collections = [...new Set(expected.map((e) => e.collection))];
  const keys = new Map<string, Document[]>();
  await Promise.all(collections.map(async (c) => {
    keys.set(c, await readIndexKeys(client, c, opts.signal));
  }));
  const findings = expected.map((e): IndexFinding => ({
    ...e,
    ...indexStatus(keys.get(e.collection) ?? [], e.key),
    command: createIndexCommand(e.collection, e.key),
  }));
  return {
    findings,
    missing: findings.filter((f) => f.status === "missing"),
    partial: findings.filter((f) => f.status === "partial"),
  };
}

/** The one-line startup warning when indexes are missing, or null when none is. */
export function missingIndexesWarning(report: IndexReport): string | null {
  if (report.missing.length === 0) return null;
  const list = report.missing.map((f) => `${f.collection} ${formatKey(f.key)}`).join(", ");
  return `Warning: missing MongoDB indexes (${list}); reports will scan whole collections. ` +
    "Run `deno task indexes` for the createIndex commands.";
}
