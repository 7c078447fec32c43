/**
 * The words the offline planner recognises that come from the data, not from code:
 * agent names, queues, dispositions, cities and segments, read with the DataClient at
 * run time (paging past the MCP server's per-query cap) and cached for a while.
 * Customer names are many; they are looked up per question instead (see planner.ts).
 */
import { readAll } from "../../data/read_all.ts";
import { CALLS, CUSTOMERS, type DataClient, type Document } from "../../data/types.ts";

/** Names found in the database. */
export interface Vocabulary {
  /** Distinct `agent_name` values (lower-case logins). */
  agents: string[];
  queues: string[];
  dispositions: string[];
  cities: string[];
  segments: string[];
}

/** An empty vocabulary (nothing known from the data). */
export function emptyVocabulary(): Vocabulary {
  return {
    agents: [],
    queues: [],
    dispositions: [],
    cities: [],
    segments: [],
  };
}

/** Most distinct values read per field. */
const MAX_VALUES = 5_000;

async function distinct(
  client: DataClient,
  collection: string,
  field: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const pipeline: Document[] = [
    { $match: { [field]: { $type: "string" } } },
    { $group: { _id: `$${field}` } },
    { $sort: { _id: 1 } },
    { $limit: MAX_VALUES },
  ];
  const values = new Set<string>();
  for await (const d of readAll(client, { collection, pipeline, signal, mode: "skip" })) {
    if (typeof d._id === "string" && d._id.trim() !== "") values.add(d._id.trim());
  }
  return [...values].sort();
}

/** Reads the vocabulary from the database (five distinct-value queries, in parallel). */
export async function loadVocabulary(
  client: DataClient,
  signal?: AbortSignal,
): Promise<Vocabulary> {
  const [agents, queues, dispositions, cities, segments] = await Promise.all([
    distinct(client, CALLS, "agent_name", signal),
    distinct(client, CALLS, "queue", signal),
    distinct(client, CALLS, "disposition", signal),
    distinct(client, CUSTOMERS, "city", signal),
    distinct(client, CUSTOMERS, "segment", signal),
  ]);
  return {
    agents: [...new Set(agents.map((a) => a.toLowerCase()))],
    queues,
    dispositions,
    cities,
    segments,
  };
}

/** Options of {@link createVocabularyCache}. */
export interface VocabularyCacheOptions {
  /** How long a loaded vocabulary is reused (default 10 minutes). */
  ttlMs?: number;
  /** The clock (for tests). */
  clock?: () => number;
}

/** A cached vocabulary loader. */
export interface VocabularyCache {
  get(signal?: AbortSignal): Promise<Vocabulary>;
  /** Forgets the cached vocabulary. */
  clear(): void;
}

/**
 * Caches {@link loadVocabulary}: concurrent callers share one load; a failed load is not
 * cached.
 */
export function createVocabularyCache(
  client: DataClient,
  opts: VocabularyCacheOptions = {},
): VocabularyCache {
  const ttl = opts.ttlMs ?? 10 * 60_000;
  const clock = opts.clock ?? Date.now;
  let cached: { at: number; value: Promise<Vocabulary> } | null = null;
  return {
    get(signal) {
      if (cached && clock() - cached.at < ttl) return cached.value;
      const value = loadVocabulary(client, signal);
      const entry = { at: clock(), value };
      cached = entry;
      value.catch(() => {
        if (cached === entry) cached = null;
      });
      return value;
    },
    clear() {
      cached = null;
    },
  };
}

const caches = new WeakMap<DataClient, VocabularyCache>();

/**
 * The vocabulary cache of `client`: one per client, shared by every turn, the planner,
 * the data tools' name checks and the pickers, so the distinct values are read once.
 */
export function vocabularyFor(client: DataClient): VocabularyCache {
  let cache = caches.get(client);
  if (!cache) {
    cache = createVocabularyCache(client);
    caches.set(client, cache);
  }
  return cache;
}
