/**
 * Big JSON values over Deno KV: a value is stored as UTF-8 JSON in chunks of at most
 * {@linkcode CHUNK_BYTES} under `[...key, 0]`, `[...key, 1]`… (KV values are limited to
 * 64 KiB). Values over {@linkcode MAX_VALUE_BYTES} are shrunk first: table `rows` are cut
 * (their `total_rows` kept), then the longest strings, so one atomic commit always fits.
 */

/** Bytes per stored chunk (under the 64 KiB value limit). */
export const CHUNK_BYTES = 60_000;
/** Largest JSON value stored (an atomic commit holds at most 800 KiB). */
export const MAX_VALUE_BYTES = 600_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a JSON value, shrinking it when it is larger than `maxBytes`. */
export function encodeFitted(value: unknown, maxBytes = MAX_VALUE_BYTES): Uint8Array {
  let bytes = encoder.encode(JSON.stringify(value));
  if (bytes.length <= maxBytes) return bytes;
  const copy = JSON.parse(JSON.stringify(value));
  for (let round = 0; round < 200 && bytes.length > maxBytes; round++) {
    if (!cutRows(copy) && !cutStrings(copy)) break;
    bytes = encoder.encode(JSON.stringify(copy));
  }
  if (bytes.length > maxBytes) {
    throw new Error(`Cannot store a value of ${bytes.length} bytes: it cannot be shrunk`);
  }
  return bytes;
}

/** Halves the longest `rows` array found; false when there is none left to cut. */
function cutRows(v: unknown): boolean {
  let longest: unknown[] | null = null;
  walk(v, (node) => {
    if (node && typeof node === "object" && !Array.isArray(node)) {
      const rows = (node as Record<string, unknown>).rows;
      if (Array.isArray(rows) && rows.length > 0 && (!longest || rows.length > longest.length)) {
        longest = rows;
      }
    }
  });
  if (!longest) return false;
  const rows = longest as unknown[];
  rows.length = Math.floor(rows.length / 2);
  return true;
}

/** Halves the longest string found (marking the cut with "…"); false when all are short. */
function cutStrings(v: unknown): boolean {
  let best:
    | { parent: Record<string, unknown> | unknown[]; key: string | number; len: number }
    | null = null;
  walk(v, (node) => {
    if (!node || typeof node !== "object") return;
    for (const [k, x] of Object.entries(node)) {
      if (typeof x === "string" && x.length > 64 && (!best || x.length > best.len)) {
        best = {
          parent: node as Record<string, unknown>,
          key: Array.isArray(node) ? Number(k) : k,
          len: x.length,
        };
      }
    }
  });
  if (!best) return false;
  const b = best as { parent: Record<string | number, unknown>; key: string | number };
  const s = b.parent[b.key] as string;
  b.parent[b.key] = s.slice(0, Math.floor(s.length / 2)) + "…";
  return true;
}

function walk(v: unknown, visit: (node: unknown) => void): void {
  visit(v);
  if (Array.isArray(v)) { for (const x of v) walk(x, visit); }
  else if (v && typeof v === "object") { for (const x of Object.values(v)) walk(x, visit); }
}

/** Adds the chunks of `value` under `key` to an atomic operation. */
export function setChunked(
  op: Deno.AtomicOperation,
  key: Deno.KvKey,
  value: unknown,
): Deno.AtomicOperation {
  const bytes = encodeFitted(value);
  const n = Math.max(1, Math.ceil(bytes.length / CHUNK_BYTES));
  for (let i = 0; i < n; i++) {
    op.set([...key, i], bytes.slice(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  }
  return op;
}

/**
 * Reads chunked values under `selector` (each value's key is its chunk key minus the last
 * part), in key order.
 */
export async function listChunked<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  options: Deno.KvListOptions = {},
): Promise<{ key: Deno.KvKey; value: T }[]> {
  const out: { key: Deno.KvKey; value: T }[] = [];
  let key: Deno.KvKey | null = null;
  let parts: Uint8Array[] = [];
  const flush = () => {
    if (key) out.push({ key, value: decode<T>(parts) });
  };
  for await (const e of kv.list<Uint8Array>(selector, options)) {
    const k = e.key.slice(0, -1);
    if (!key || !sameKey(k, key)) {
      flush();
      key = k;
      parts = [];
    }
    parts.push(e.value);
  }
  flush();
  return out;
}

/** Reads one chunked value, or null. */
export async function getChunked<T>(kv: Deno.Kv, key: Deno.KvKey): Promise<T | null> {
  const found = await listChunked<T>(kv, { prefix: key });
  const hit = found.find((f) => sameKey(f.key, key));
  return hit ? hit.value : null;
}

function decode<T>(parts: Uint8Array[]): T {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return JSON.parse(decoder.decode(all)) as T;
}

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Deletes every key under `prefix`, in batches that fit one atomic commit. */
export async function deletePrefix(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  let batch: Deno.KvKey[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const op = kv.atomic();
    for (const k of batch) op.delete(k);
    await op.commit();
    n += batch.length;
    batch = [];
  };
  for await (const e of kv.list({ prefix })) {
    batch.push(e.key);
    if (batch.length >= 500) await flush();
  }
  await flush();
  return n;
}
