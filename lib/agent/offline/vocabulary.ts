/**
 * The words the offline planner recognises that come from the data, not from code:
 * agent names, queues, dispositions, cities and segments, read with the DataClient at
 * run time (paging past the MCP server's per-query cap). Customer names are many; they
 * are looked up per question instead (see planner.ts).
 *
 * The vocabulary of a data client is built once, in the background, as soon as the app
 * opens the client ({@link warmVocabulary}), from distinct-value queries an index on
 * the field answers. After that it is refreshed on a timer, outside turns and one
 * refresh at a time: only the calls that started after the newest call already seen
 * (the high-water mark) are read, and the small address book is read again; every sixth
 * timed refresh (hourly) is a full build instead, so calls stored later with an earlier
 * start (back-filled data) are not missed for long. A turn uses the vocabulary it finds;
 * only while the very first build runs does it wait.
 *
 * Query shapes (`f` one field; `t` the high-water mark):
 * - full build, per field: `[{$match: {f: {$type: "string"}}}, {$group: {_id: "$f"}},
 *   {$sort: {_id: 1}}, {$limit: 5000}]` — an index starting with `f` serves it.
 * - refresh, per call field: `[{$match: {start_time: {$gt: t}, f: {$type: "string"}}},
 *   {$group: {_id: "$f"}}, {$sort: {_id: 1}}, {$limit: 5000}]` — a `start_time` range.
 * - the high-water mark: `find` sorted `{start_time: -1}`, limit 1 (the `start_time`
 *   index), filtered `{start_time: {$type: "date"}}` or `{start_time: {$gt: t}}`.
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

/** How often a started vocabulary is refreshed, by default (milliseconds). */
export const VOCABULARY_REFRESH_MS = 10 * 60_000;

/**
 * Every this many timed refreshes the vocabulary is built again from all calls (default:
 * hourly), in the background: calls stored later with an earlier `start_time` (back-filled
 * data), which the incremental refresh cannot see, are read then.
 */
export const VOCABULARY_REBUILD_EVERY = 6;

/** The distinct-value pipeline of `field`, over the documents `match` selects. */
export function distinctPipeline(field: string, match: Document = {}): Document[] {
  return [
    { $match: { ...match, [field]: { $type: "string" } } },
    { $group: { _id: `$${field}` } },
    { $sort: { _id: 1 } },
    { $limit: MAX_VALUES },
  ];
}

async function distinct(
  client: DataClient,
  opts: { collection: string; field: string; match?: Document; signal?: AbortSignal },
): Promise<string[]> {
  const pipeline = distinctPipeline(opts.field, opts.match);
  const values = new Set<string>();
  for await (
    const d of readAll(client, {
      collection: opts.collection,
      pipeline,
      signal: opts.signal,
      mode: "skip",
    })
  ) {
    if (typeof d._id === "string" && d._id.trim() !== "") values.add(d._id.trim());
  }
  return [...values].sort();
}

/**
 * The `start_time` of the newest call (after `after`, when given), or null when there
 * is none: one `find` sorted on `start_time`, which the `start_time` index answers.
 */
export async function newestCallStart(
  client: DataClient,
  after: Date | null,
  signal?: AbortSignal,
): Promise<Date | null> {
  const res = await client.find({
    collection: CALLS,
    filter: { start_time: after ? { $gt: after } : { $type: "date" } },
    projection: { _id: 0, start_time: 1 },
    sort: { start_time: -1 },
    limit: 1,
  }, { signal });
  const t = res.documents[0]?.start_time;
  return t instanceof Date && !Number.isNaN(t.getTime()) ? t : null;
}

function sortedUnion(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function lowerAgents(agents: string[]): string[] {
  return [...new Set(agents.map((a) => a.toLowerCase()))].sort();
}

async function customerFields(
  client: DataClient,
  signal?: AbortSignal,
): Promise<Pick<Vocabulary, "cities" | "segments">> {
  const [cities, segments] = await Promise.all([
    distinct(client, { collection: CUSTOMERS, field: "city", signal }),
    distinct(client, { collection: CUSTOMERS, field: "segment", signal }),
  ]);
  return { cities, segments };
}

async function callFields(
  client: DataClient,
  match: Document | undefined,
  signal?: AbortSignal,
): Promise<Pick<Vocabulary, "agents" | "queues" | "dispositions">> {
  const [agents, queues, dispositions] = await Promise.all([
    distinct(client, { collection: CALLS, field: "agent_name", match, signal }),
    distinct(client, { collection: CALLS, field: "queue", match, signal }),
    distinct(client, { collection: CALLS, field: "disposition", match, signal }),
  ]);
  return { agents: lowerAgents(agents), queues, dispositions };
}

/** Reads the vocabulary from the database (five distinct-value queries, in parallel). */
export async function loadVocabulary(
  client: DataClient,
  signal?: AbortSignal,
): Promise<Vocabulary> {
  const [calls, customers] = await Promise.all([
    callFields(client, undefined, signal),
    customerFields(client, signal),
  ]);
  return { ...calls, ...customers };
}

/** A vocabulary and the newest call start it has seen. */
export interface VocabularySnapshot {
  vocabulary: Vocabulary;
  /** `start_time` of the newest call read; null when no call had one. */
  highWaterMark: Date | null;
}

/**
 * Builds the whole vocabulary: the newest call start first, then the five distinct-value
 * queries, so a call that arrives meanwhile is read again by the next refresh rather than
 * missed.
 */
export async function buildVocabulary(
  client: DataClient,
  signal?: AbortSignal,
): Promise<VocabularySnapshot> {
  const highWaterMark = await newestCallStart(client, null, signal);
  const vocabulary = await loadVocabulary(client, signal);
  return { vocabulary, highWaterMark };
}

/**
 * Brings `previous` up to date: the call fields of the calls that started after its
 * high-water mark are added (nothing is read from the calls when there are none), and
 * the address book's cities and segments are read again (it is small).
 */
export async function refreshVocabulary(
  client: DataClient,
  previous: VocabularySnapshot,
  signal?: AbortSignal,
): Promise<VocabularySnapshot> {
  const hwm = previous.highWaterMark;
  const [newest, customers] = await Promise.all([
    newestCallStart(client, hwm, signal),
    customerFields(client, signal),
  ]);
  const prev = previous.vocabulary;
  let calls: Pick<Vocabulary, "agents" | "queues" | "dispositions"> = prev;
  if (newest) {
    // No high-water mark means no call had a start time: every dated call is new.
    const match = { start_time: hwm ? { $gt: hwm } : { $type: "date" } };
    const added = await callFields(client, match, signal);
    calls = {
      agents: sortedUnion(prev.agents, added.agents),
      queues: sortedUnion(prev.queues, added.queues),
      dispositions: sortedUnion(prev.dispositions, added.dispositions),
    };
  }
  return {
    vocabulary: {
      agents: calls.agents,
      queues: calls.queues,
      dispositions: calls.dispositions,
      ...customers,
    },
    highWaterMark: newest ?? hwm,
  };
}

/** Options of {@link createVocabularyCache}. */
export interface VocabularyCacheOptions {
  /** How often a started cache refreshes (default {@link VOCABULARY_REFRESH_MS}). */
  refreshMs?: number;
  /** The former name of {@link refreshMs}. */
  ttlMs?: number;
  /** Timed refreshes between full rebuilds (default {@link VOCABULARY_REBUILD_EVERY}). */
  rebuildEvery?: number;
  /**
   * Where a failed build or refresh of a started cache is told, once per run of failures
   * (default stderr).
   */
  log?: (message: string, error?: unknown) => void;
}

/** The vocabulary of one data client, built once and kept up to date. */
export interface VocabularyCache {
  /**
   * The current vocabulary. Before the first build has finished this waits for it
   * (starting it if needed); `signal` stops the waiting, not the build. Rejects when
   * the first build fails (the next call tries again).
   */
  get(signal?: AbortSignal): Promise<Vocabulary>;
  /**
   * Starts the first build in the background, if not started, and the refresh timer
   * (unref'd: it does not keep the process alive). Returns the cache.
   */
  start(): VocabularyCache;
  /**
   * Brings the vocabulary up to date now (the first build if there is none yet). Calls
   * made while one runs share it. A failure keeps the previous vocabulary and rejects.
   */
  refresh(): Promise<Vocabulary>;
  /** The newest call start read so far (null before the first build, or without calls). */
  readonly highWaterMark: Date | null;
  /** Forgets the vocabulary; the next {@link get} builds it again. */
  clear(): void;
  /** Stops the timer and any query in flight. */
  close(): void;
}

function until<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

function defaultLog(message: string, error?: unknown): void {
  console.error(message, error ?? "");
}

/**
 * A vocabulary cache over `client`: one build shared by every caller, incremental
 * refreshes (on the timer once {@link VocabularyCache.start started}, or when asked),
 * failures logged once and never losing the vocabulary already read.
 */
export function createVocabularyCache(
  client: DataClient,
  opts: VocabularyCacheOptions = {},
): VocabularyCache {
  const every = opts.refreshMs ?? opts.ttlMs ?? VOCABULARY_REFRESH_MS;
  const rebuildEvery = Math.max(1, opts.rebuildEvery ?? VOCABULARY_REBUILD_EVERY);
  let ticks = 0;
  const log = opts.log ?? defaultLog;
  let current: VocabularySnapshot | null = null;
  let building: Promise<Vocabulary> | null = null;
  let refreshing: Promise<Vocabulary> | null = null;
  let generation = 0;
  let failing = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  let started = false;
  let stop = new AbortController();

  function failed(what: string, e: unknown): void {
    // A caller of get() or refresh() hears of its own failure; the background logs.
    if (!started || failing || closed) return;
    failing = true;
    log(`Cannot ${what} the vocabulary (the names from the data); will try again`, e);
  }

  function build(): Promise<Vocabulary> {
    if (building) return building;
    const gen = generation;
    const p = buildVocabulary(client, stop.signal).then((snapshot) => {
      if (gen === generation) {
        current = snapshot;
        failing = false;
      }
      return snapshot.vocabulary;
    }, (e) => {
      if (building === p) building = null;
      failed("read", e);
      throw e;
    });
    building = p;
    return p;
  }

  function refresh(): Promise<Vocabulary> {
    if (!current) return build();
    const previous = current;
    return update("refresh", () => refreshVocabulary(client, previous, stop.signal));
  }

  /** A full build that replaces the vocabulary only when it succeeds. */
  function rebuild(): Promise<Vocabulary> {
    return update("rebuild", () => buildVocabulary(client, stop.signal));
  }

  /** Runs one refresh or rebuild at a time; a failure keeps the vocabulary there is. */
  function update(
    what: string,
    read: () => Promise<VocabularySnapshot>,
  ): Promise<Vocabulary> {
    if (refreshing) return refreshing;
    const gen = generation;
    const p = read().then((snapshot) => {
      if (gen === generation) {
        current = snapshot;
        failing = false;
      }
      return snapshot.vocabulary;
    }, (e) => {
      failed(what, e);
      throw e;
    }).finally(() => {
      if (refreshing === p) refreshing = null;
    });
    refreshing = p;
    return p;
  }

  function schedule(): void {
    if (closed || timer !== undefined) return;
    const id = setTimeout(() => {
      timer = undefined;
      // Failures are logged; the previous vocabulary stays.
      const full = current !== null && ++ticks % rebuildEvery === 0;
      (full ? rebuild() : refresh()).catch(() => {}).finally(schedule);
    }, every);
    Deno.unrefTimer(id);
    timer = id;
  }

  const cache: VocabularyCache = {
    get(signal) {
      if (current) return Promise.resolve(current.vocabulary);
      return until(build(), signal);
    },
    start() {
      if (closed) return cache;
      started = true;
      if (!current) build().catch(() => {});
      schedule();
      return cache;
    },
    refresh,
    get highWaterMark() {
      return current?.highWaterMark ?? null;
    },
    clear() {
      generation++;
      current = null;
      building = null;
      refreshing = null;
    },
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      stop.abort(new Error("The vocabulary cache is closed"));
      stop = new AbortController();
    },
  };
  return cache;
}

const caches = new WeakMap<DataClient, VocabularyCache>();

/**
 * The vocabulary cache of `client`: one per client, shared by every turn, the planner,
 * the data tools' name checks and the pickers, so the distinct values are read once.
 * `opts` apply when this call creates the cache.
 */
export function vocabularyFor(
  client: DataClient,
  opts?: VocabularyCacheOptions,
): VocabularyCache {
  let cache = caches.get(client);
  if (!cache) {
    cache = createVocabularyCache(client, opts);
    caches.set(client, cache);
  }
  return cache;
}

/**
 * Starts building the vocabulary of `client` in the background and refreshing it on a
 * timer, without waiting: call it where the app opens its data client, and `close()`
 * the returned cache when the client closes.
 */
export function warmVocabulary(
  client: DataClient,
  opts?: VocabularyCacheOptions,
): VocabularyCache {
  return vocabularyFor(client, opts).start();
}
