/**
 * Deterministic demo data in the shape of `../shared/contract/DATA.md`: agents,
 * customers (`address_book`) and calls (`calling_cdr`) with realistic local-hour and
 * weekday curves in the business zone.
 *
 * Every call is a pure function of the seed and its index, so calls stream in any
 * order without holding the dataset: `generateCalls` yields them in a shuffled stored
 * order (a keyed permutation of the time-ordered indices) in constant memory.
 */
import { EJSON, ObjectId } from "bson";
import type { Document } from "./types.ts";
import {
  addDays,
  type CivilDate,
  isValidTimeZone,
  localDate,
  localHour,
  startOfDay,
  weekdayOf,
} from "../time/zone.ts";

/** What to generate. */
export interface SeedOptions {
  /** Local calendar days of calls, ending on `now`'s local day (today included). */
  days: number;
  /** Average calls per day (weekdays above, weekends below). */
  callsPerDay: number;
  /** PRNG seed (default 42): same seed and options, same data. */
  seed?: number;
  /**
   * Nothing starts or ends after this instant (default: the real clock). Calls stop ten
   * minutes short of it, so every call in the data has ended.
   */
  now?: Date;
  /** IANA business zone the daily curves follow (default UTC). */
  tz?: string;
  /** Number of agents (default 16). */
  agents?: number;
  /** Number of address-book customers (default 3,000). */
  customers?: number;
}

/** Both collections, in stored order. */
export interface Dataset {
  calling_cdr: Document[];
  address_book: Document[];
}

/** Progress of `writeDataset`. */
export interface WriteProgress {
  collection: "calling_cdr" | "address_book";
  done: number;
  total: number;
}

/** What `writeDataset` wrote. */
export interface WriteResult {
  calls: number;
  customers: number;
  files: string[];
}

/** Generates the whole dataset in memory (use `generateCalls` for large runs). */
export function generateDataset(opts: SeedOptions): Dataset {
  const plan = makePlan(opts);
  return {
    calling_cdr: [...callsOf(plan)],
    address_book: [...customersOf(plan)],
  };
}

/** A part of the calls: positions `from` (inclusive) to `to` (exclusive) of the stream. */
export interface CallRange {
  from: number;
  to: number;
}

/**
 * Streams the calls in stored (shuffled) order, in constant memory; with `range`, only
 * those positions of the same stream (each call is made from its position alone, so parts
 * made apart and put together equal the whole).
 */
export function generateCalls(opts: SeedOptions, range?: CallRange): Generator<Document> {
  return callsOf(makePlan(opts), range);
}

/** Streams the address-book customers in `customer_id` order. */
export function generateCustomers(opts: SeedOptions): Generator<Document> {
  return customersOf(makePlan(opts));
}

/** The exact number of calls `generateCalls(opts)` yields. */
export function countCalls(opts: SeedOptions): number {
  return makePlan(opts, false).total;
}

/**
 * Writes `calling_cdr.jsonl.gz` and `address_book.jsonl.gz` into `dir` (created when
 * missing) as mongoexport relaxed-EJSON lines, gzipped and streamed. Each file appears
 * under its name only once complete.
 */
// deploy-check: local-only — for scripts/seed.ts, bench and eval; the server seeds in memory
export async function writeDataset(
  dir: string,
  opts: SeedOptions & { onProgress?: (p: WriteProgress) => void },
): Promise<WriteResult> {
  const plan = makePlan(opts);
  await Deno.mkdir(dir, { recursive: true });
  const cdr = `${dir}/calling_cdr.jsonl.gz`;
  const book = `${dir}/address_book.jsonl.gz`;
  const customers = await writeJsonLinesGz(
    book,
    customersOf(plan),
    (done) => opts.onProgress?.({ collection: "address_book", done, total: plan.customers.length }),
  );
  const calls = await writeJsonLinesGz(
    cdr,
    callsOf(plan),
    (done) => opts.onProgress?.({ collection: "calling_cdr", done, total: plan.total }),
  );
  return { calls, customers, files: [cdr, book] };
}

const CHUNK_BYTES = 1 << 18;

/**
 * Writes documents as relaxed-EJSON lines through gzip into `path` (via a temporary
 * file renamed at the end). Returns the number of documents written.
 */
// deploy-check: local-only — called by writeDataset only (seed files, never the server)
export async function writeJsonLinesGz(
  path: string,
  docs: Iterable<Document>,
  onProgress?: (done: number) => void,
): Promise<number> {
  const tmp = `${path}.tmp-${Deno.pid}`;
  let file: Deno.FsFile;
  try {
    file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  } catch (e) {
    throw new Error(`Cannot write "${path}": ${(e as Error).message}`, { cause: e });
  }
  const gzip = new CompressionStream("gzip");
  const piped = gzip.readable.pipeTo(file.writable);
  const writer = gzip.writable.getWriter();
  const encoder = new TextEncoder();
  let count = 0;
  try {
    // Lines are encoded straight into 256 KiB buffers (a fresh one per write).
    let buf = new Uint8Array(CHUNK_BYTES);
    let pos = 0;
    for (const doc of docs) {
      const line = stringifyRelaxed(doc) + "\n";
      if (pos + line.length * 3 > buf.length) {
        if (pos > 0) await writer.write(buf.subarray(0, pos));
        buf = new Uint8Array(Math.max(CHUNK_BYTES, line.length * 3));
        pos = 0;
        onProgress?.(count);
      }
      pos += encoder.encodeInto(line, buf.subarray(pos)).written;
      count++;
    }
    if (pos > 0) await writer.write(buf.subarray(0, pos));
    await writer.close();
    await piped;
    onProgress?.(count);
    await Deno.rename(tmp, path);
  } catch (e) {
    await writer.abort(e).catch(() => {});
    await piped.catch(() => {});
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`Cannot write "${path}": ${(e as Error).message}`, { cause: e });
  }
  return count;
}

/**
 * One document as mongoexport relaxed EJSON, exactly as `EJSON.stringify(doc, {relaxed:
 * true})` writes it, several times faster for flat documents of strings, numbers, dates
 * and ObjectIds (anything else goes through `EJSON.stringify`).
 */
export function stringifyRelaxed(doc: Document): string {
  return encodeValue(doc) ?? EJSON.stringify(doc, { relaxed: true });
}

const MAX_RELAXED_DATE = 253402300800000;

function encodeValue(v: unknown): string | null {
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : null;
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (v instanceof Date) {
        const t = v.getTime();
        if (!(t > -1 && t < MAX_RELAXED_DATE)) return null;
        const iso = v.toISOString();
        return `{"$date":"${v.getUTCMilliseconds() !== 0 ? iso : iso.slice(0, -5) + "Z"}"}`;
      }
      if (v instanceof ObjectId) return `{"$oid":"${v.toHexString()}"}`;
      if (Array.isArray(v)) {
        const parts: string[] = [];
        for (const x of v) {
          const e = encodeValue(x);
          if (e === null) return null;
          parts.push(e);
        }
        return `[${parts.join(",")}]`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return null;
      let out = "{";
      for (const k in v) {
        if (k[0] === "$") return null;
        const e = encodeValue((v as Record<string, unknown>)[k]);
        if (e === null) return null;
        out += `${out.length > 1 ? "," : ""}${JSON.stringify(k)}:${e}`;
      }
      return out + "}";
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------
// Randomness

/** 32-bit integer hash (lowbias32). */
function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d);
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32: a small, fast PRNG returning floats in [0, 1). */
export function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG for item `index` of stream `salt` under `seed`. */
function rngFor(seed: number, salt: number, index: number): () => number {
  return mulberry32(hash32(hash32(seed ^ Math.imul(salt, 0x9e3779b9)) ^ hash32(index + 1)));
}

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)];
}

/** Picks a key by weight from `[key, weight]` pairs. */
function weighted<T>(r: () => number, table: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of table) total += w;
  let x = r() * total;
  for (const [k, w] of table) {
    x -= w;
    if (x < 0) return k;
  }
  return table[table.length - 1][0];
}

/** A `[key, weight]` table prepared for {@link pickWeighted} (total summed once). */
interface WeightTable<T> {
  keys: readonly T[];
  weights: Float64Array;
  total: number;
}

function weightTable<T>(table: readonly (readonly [T, number])[]): WeightTable<T> {
  let total = 0;
  for (const [, w] of table) total += w;
  return {
    keys: table.map(([k]) => k),
    weights: Float64Array.from(table, ([, w]) => w),
    total,
  };
}

/** Same pick as {@link weighted} on the same table, without summing it again. */
function pickWeighted<T>(r: () => number, t: WeightTable<T>): T {
  let x = r() * t.total;
  const weights = t.weights;
  for (let k = 0; k < weights.length; k++) {
    x -= weights[k];
    if (x < 0) return t.keys[k];
  }
  return t.keys[t.keys.length - 1];
}

/** A keyed bijection of [0, n): a 4-round Feistel network with cycle walking. */
class Permutation {
  readonly #n: number;
  readonly #half: number;
  readonly #mask: number;
  readonly #k0: number;
  readonly #k1: number;
  readonly #k2: number;
  readonly #k3: number;

  constructor(n: number, seed: number) {
    this.#n = n;
    let bits = Math.max(2, Math.ceil(Math.log2(Math.max(n, 2))));
    if (bits % 2) bits++;
    this.#half = bits / 2;
    this.#mask = (1 << this.#half) - 1;
    [this.#k0, this.#k1, this.#k2, this.#k3] = [1, 2, 3, 4].map((k) =>
      hash32(seed ^ hash32(k * 0x1000193))
    );
  }

  at(i: number): number {
    let x = i;
    const n = this.#n, half = this.#half, mask = this.#mask;
    const k0 = this.#k0, k1 = this.#k1, k2 = this.#k2, k3 = this.#k3;
    do {
      // Four Feistel rounds (as #round), unrolled.
      const l0 = (x >>> half) & mask;
      const r0 = x & mask;
      const r1 = l0 ^ (hash32(r0 ^ k0) & mask);
      const r2 = r0 ^ (hash32(r1 ^ k1) & mask);
      const r3 = r1 ^ (hash32(r2 ^ k2) & mask);
      const r4 = r2 ^ (hash32(r3 ^ k3) & mask);
      x = ((r3 << half) | r4) >>> 0;
    } while (x >= n);
    return x;
  }
}

// ---------------------------------------------------------------------------------------
// Vocabulary

interface Profile {
  countryCode: string;
  /** A mobile number's digits after the country code. */
  mobile: (r: () => number) => string;
  /** Contact-center line without its last two digits (one line per queue). */
  did: string;
  emailDomain: string;
  recordingHost: string;
  firstNames: readonly string[];
  lastNames: readonly string[];
  places: readonly (readonly [string, string, number])[];
}

const INDIAN_FIRST = (
  "Aisha Bharat Chitra Dhruv Esha Faisal Gauri Hemant Indira Jatin Komal Lalit Madhu " +
  "Nitin Ojas Parvati Rohini Suresh Trisha Uday Vandana Waseem Yamini Zubin Ketan " +
  "Meenal Sachin Rupa Girish Kavita Irfan Aparna Ravi Sonal Hari Tanvi Ishaan Meghna " +
  "Farhan Ritika"
).split(" ");
const INDIAN_LAST = (
  "Bajaj Kaur Saxena Ghosh Sinha Dutta Naidu Shetty Hegde Kamath Bhattacharya Qureshi " +
  "Sethi Arora Bhandari Dubey Srivastava Thakur Goswami Chakraborty Mathur Kohli Ansari " +
  "Rathore Pawar Dixit Rajan Bhosale"
).split(" ");
const ENGLISH_FIRST = (
  "Olivia Liam Emma Noah Ava Ethan Sophia Mason Isabella Lucas Mia Logan Charlotte Owen " +
  "Amelia Caleb Harper Wyatt Evelyn Jack Abigail Henry Ella Leo Grace Isaac Chloe " +
  "Samuel Zoe Daniel Nora Oscar Ruby Felix Hazel Theo"
).split(" ");
const ENGLISH_LAST = (
  "Smith Brown Taylor Wilson Evans Walker Wright Hughes Green Hall Clarke Turner Morgan " +
  "Cooper Ward Bennett Price Reed Foster Hayes Murphy Parker Collins Mitchell Russell " +
  "Griffin"
).split(" ");

function digits(r: () => number, n: number): string {
  let s = "";
  for (let k = 0; k < n; k++) s += Math.floor(r() * 10);
  return s;
}

const PROFILES: Record<string, Profile> = {
  IN: {
    countryCode: "+91",
    mobile: (r) => `${6 + Math.floor(r() * 4)}${digits(r, 9)}`,
    did: "+9180619900",
    emailDomain: "example.in",
    recordingHost: "recordings.example.in",
    firstNames: INDIAN_FIRST,
    lastNames: INDIAN_LAST,
    places: [
      ["Mumbai", "Maharashtra", 9],
      ["Bengaluru", "Karnataka", 8],
      ["Delhi", "Delhi", 8],
      ["Pune", "Maharashtra", 4],
      ["Nagpur", "Maharashtra", 2],
      ["Surat", "Gujarat", 3],
      ["Vadodara", "Gujarat", 2],
      ["Coimbatore", "Tamil Nadu", 3],
      ["Madurai", "Tamil Nadu", 2],
      ["Mysuru", "Karnataka", 2],
      ["Visakhapatnam", "Andhra Pradesh", 3],
      ["Bhopal", "Madhya Pradesh", 2],
      ["Patna", "Bihar", 2],
      ["Guwahati", "Assam", 2],
      ["Thiruvananthapuram", "Kerala", 2],
      ["Ludhiana", "Punjab", 2],
      ["Noida", "Uttar Pradesh", 3],
      ["Bhubaneswar", "Odisha", 2],
      ["Dehradun", "Uttarakhand", 1],
      ["Raipur", "Chhattisgarh", 1],
    ],
  },
  US: {
    countryCode: "+1",
    mobile: (r) =>
      `${2 + Math.floor(r() * 8)}${digits(r, 2)}${2 + Math.floor(r() * 8)}${digits(r, 6)}`,
    did: "+188855501",
    emailDomain: "example.com",
    recordingHost: "recordings.example.com",
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    places: [
      ["New York", "NY", 9],
      ["Los Angeles", "CA", 7],
      ["Chicago", "IL", 5],
      ["Houston", "TX", 5],
      ["Phoenix", "AZ", 3],
      ["Philadelphia", "PA", 3],
      ["San Antonio", "TX", 2],
      ["Denver", "CO", 2],
      ["Seattle", "WA", 3],
      ["Atlanta", "GA", 3],
      ["Miami", "FL", 3],
      ["Boston", "MA", 2],
      ["Columbus", "OH", 2],
      ["Portland", "OR", 1],
    ],
  },
  GB: {
    countryCode: "+44",
    mobile: (r) => `7${digits(r, 9)}`,
    did: "+4480012300",
    emailDomain: "example.co.uk",
    recordingHost: "recordings.example.co.uk",
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    places: [
      ["London", "England", 10],
      ["Manchester", "England", 4],
      ["Birmingham", "England", 4],
      ["Leeds", "England", 3],
      ["Bristol", "England", 2],
      ["Glasgow", "Scotland", 3],
      ["Edinburgh", "Scotland", 2],
      ["Cardiff", "Wales", 2],
      ["Belfast", "Northern Ireland", 2],
      ["Newcastle", "England", 2],
    ],
  },
  AU: {
    countryCode: "+61",
    mobile: (r) => `4${digits(r, 8)}`,
    did: "+612900010",
    emailDomain: "example.com.au",
    recordingHost: "recordings.example.com.au",
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
    places: [
      ["Sydney", "NSW", 9],
      ["Melbourne", "VIC", 8],
      ["Brisbane", "QLD", 5],
      ["Perth", "WA", 4],
      ["Adelaide", "SA", 3],
      ["Canberra", "ACT", 1],
      ["Hobart", "TAS", 1],
      ["Gold Coast", "QLD", 2],
    ],
  },
};

function profileFor(tz: string): Profile {
  if (tz.startsWith("America/") || tz.startsWith("US/")) return PROFILES.US;
  if (tz.startsWith("Europe/")) return PROFILES.GB;
  if (tz.startsWith("Australia/")) return PROFILES.AU;
  return PROFILES.IN;
}

/** Relative call volume by local hour of day: business hours peak, nights low. */
// deno-fmt-ignore
const HOUR_WEIGHTS = [
  0.5, 0.35, 0.25, 0.2, 0.25, 0.45, 1.1, 2.8,
  6, 9.5, 11, 11.5, 10, 8.5, 9.5, 10.5,
  9.5, 8, 6, 4.5, 3, 2, 1.3, 0.8,
];
const MAX_HOUR_WEIGHT = Math.max(...HOUR_WEIGHTS);
/** Relative call volume by ISO weekday (Monday busiest, Sunday quietest). */
const WEEKDAY_WEIGHTS = [0, 1.12, 1.06, 1.04, 1.04, 1.0, 0.8, 0.6];
const WEEKDAY_MEAN = WEEKDAY_WEIGHTS.reduce((a, b) => a + b, 0) / 7;

const QUEUES = ["support", "sales", "billing", "collections"] as const;
type Queue = typeof QUEUES[number];
const QUEUE_IN = weightTable<Queue>([["support", 45], ["sales", 25], ["billing", 20], [
  "collections",
  10,
]]);
const QUEUE_OUT = weightTable<Queue>([["sales", 45], ["collections", 35], ["support", 14], [
  "billing",
  6,
]]);
const DISPOSITIONS: Record<Queue, WeightTable<string>> = {
  support: weightTable([["resolved", 60], ["follow_up", 25], ["escalated", 15]]),
  billing: weightTable([["resolved", 68], ["follow_up", 21], ["escalated", 11]]),
  sales: weightTable([["sale", 30], ["no_sale", 50], ["follow_up", 20]]),
  collections: weightTable([["promise_to_pay", 45], ["refused", 30], ["follow_up", 25]]),
};
const TALK_MEDIAN: Record<Queue, number> = {
  support: 260,
  sales: 300,
  billing: 200,
  collections: 150,
};
const OUTGOING_STATUS = weightTable([["answered", 56], ["no_answer", 24.5], ["busy", 12], [
  "failed",
  7.5,
]]);
const HANGUP = weightTable([["customer", 55], ["agent", 42], ["system", 3]]);

/** What a call needs of its queue, looked up once per call. */
interface QueueInfo {
  name: Queue;
  /** Position in {@link QUEUES}. */
  index: number;
  talkMedian: number;
  holdOdds: number;
  dispositions: WeightTable<string>;
}

const QUEUE_INFO = QUEUES.map((name, index): QueueInfo => ({
  name,
  index,
  talkMedian: TALK_MEDIAN[name],
  holdOdds: name === "support" || name === "billing" ? 0.35 : 0.15,
  dispositions: DISPOSITIONS[name],
}));

function queueInfoTable(t: WeightTable<Queue>): WeightTable<QueueInfo> {
  return { ...t, keys: t.keys.map((q) => QUEUE_INFO[QUEUES.indexOf(q)]) };
}

const QUEUE_INFO_IN = queueInfoTable(QUEUE_IN);
const QUEUE_INFO_OUT = queueInfoTable(QUEUE_OUT);
const AGENT_NAMES: Record<string, readonly string[]> = {
  IN: (
    "tanvi ishaan meghna farhan ritika siddharth nikhil swati gaurav lakshmi omkar " +
    "bhavesh jyoti harpreet zainab mihir radhika kunal shruti vinod alok pranav tejas " +
    "ishita"
  ).split(" "),
  EN: (
    "alice ben carla derek erin frank gina hugo iris jonas kelly lena marco nina " +
    "oliver paula quinn rosa simon tara victor wendy yusuf zara"
  ).split(" "),
};

// ---------------------------------------------------------------------------------------
// The plan: everything shared by all calls, computed once (O(days + customers)).

interface Agent {
  name: string;
  id: string;
  queue: Queue;
}

interface Day {
  date: CivilDate;
  /** `20261124`. */
  compact: string;
  /** `2026/11/24`. */
  path: string;
  /** Index of the day's first call. */
  first: number;
  count: number;
  /** Hour segments: start instant (ms), length (ms), weight, local hour; cumulative weight. */
  segStart: number[];
  segLen: number[];
  segWeight: number[];
  segHour: number[];
  cum: number[];
  total: number;
}

interface Plan {
  seed: number;
  tz: string;
  now: Date;
  profile: Profile;
  agents: Agent[];
  agentsByQueue: Record<Queue, Agent[]>;
  customers: { phone: string; id: string }[];
  phones: Set<string>;
  /** Distinct numbers callers outside the address book use. */
  unknownPool: number;
  /** `unknownNumber` results by pool index, filled on first use. */
  unknownNumbers: (string | undefined)[];
  /** `did_number` of each queue (by position in `QUEUES`). */
  didNumbers: string[];
  /** Agents taking each queue's calls (by position in `QUEUES`). */
  queueAgents: Agent[][];
  /** Stride coprime with the customer count (spreads popular callers over ids). */
  stride: number;
  days: Day[];
  total: number;
  windowStart: number;
  perm: Permutation;
  machine: number;
}

const SALT_DAY = 1;
const SALT_CALL = 2;
const SALT_CUSTOMER = 3;
const SALT_UNKNOWN = 4;
const SALT_AGENT = 5;
const TODAY_MARGIN_MS = 10 * 60_000;

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(
      `Invalid seed option ${name}: must be a whole number from ${min} to ${max}, got ${v}`,
    );
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function makePlan(opts: SeedOptions, withCustomers = true): Plan {
  const tz = opts.tz ?? "UTC";
  const now = opts.now ? new Date(opts.now) : new Date();
  const seed = (opts.seed ?? 42) >>> 0;
  const agentCount = opts.agents ?? 16;
  const customerCount = opts.customers ?? 3000;
  checkInt("days", opts.days, 1, 36_500);
  checkInt("callsPerDay", opts.callsPerDay, 0, 10_000_000);
  checkInt("agents", agentCount, 1, 9_999);
  checkInt("customers", customerCount, 1, 10_000_000);
  if (opts.seed !== undefined) checkInt("seed", opts.seed, 0, 0xffffffff);
  if (Number.isNaN(now.getTime())) throw new RangeError("Invalid seed option now: not a date");
  if (!isValidTimeZone(tz)) {
    throw new RangeError(`Invalid seed option tz: "${tz}" is not an IANA time zone`);
  }
  const profile = profileFor(tz);
  const days = planDays({ seed, tz, now, days: opts.days, callsPerDay: opts.callsPerDay });
  const total = days.length ? days[days.length - 1].first + days[days.length - 1].count : 0;
  if (total > 2 ** 30) {
    throw new RangeError(`Invalid seed options: ${total} calls is more than ${2 ** 30}`);
  }
  const agents = planAgents(seed, agentCount, profile);
  const agentsByQueue = Object.fromEntries(
    QUEUES.map((q) => [q, agents.filter((a) => a.queue === q)]),
  ) as Record<Queue, Agent[]>;
  for (const q of QUEUES) if (agentsByQueue[q].length === 0) agentsByQueue[q] = agents;
  const customers: Plan["customers"] = [];
  const phones = new Set<string>();
  if (withCustomers) {
    for (let c = 0; c < customerCount; c++) {
      const r = rngFor(seed, SALT_CUSTOMER, c);
      let phone: string;
      do phone = profile.countryCode + profile.mobile(r); while (phones.has(phone));
      phones.add(phone);
      customers.push({ phone, id: `CUST${String(c + 1).padStart(5, "0")}` });
    }
  }
  let stride = Math.max(1, Math.floor(customerCount * 0.618)) | 1;
  while (gcd(stride, customerCount) !== 1) stride++;
  return {
    seed,
    tz,
    now,
    profile,
    agents,
    agentsByQueue,
    customers,
    phones,
    unknownPool: Math.max(20, Math.round(customerCount * 0.6)),
    unknownNumbers: [],
    didNumbers: QUEUES.map((_, k) => `${profile.did}${pad2(10 + k * 10)}`),
    queueAgents: QUEUES.map((q) => agentsByQueue[q]),
    stride,
    days,
    total,
    windowStart: days.length ? days[0].segStart[0] : now.getTime(),
    perm: new Permutation(Math.max(total, 1), seed),
    machine: hash32(seed ^ 0x5eed),
  };
}

function planAgents(seed: number, count: number, profile: Profile): Agent[] {
  const pool = AGENT_NAMES[profile === PROFILES.IN ? "IN" : "EN"];
  const r = rngFor(seed, SALT_AGENT, 0);
  const names = [...pool];
  for (let k = names.length - 1; k > 0; k--) {
    const j = Math.floor(r() * (k + 1));
    [names[k], names[j]] = [names[j], names[k]];
  }
  const queueCycle: Queue[] = ["support", "sales", "support", "collections", "sales", "billing"];
  const agents: Agent[] = [];
  for (let k = 0; k < count; k++) {
    const round = Math.floor(k / names.length);
    agents.push({
      name: names[k % names.length] + (round ? String(round + 1) : ""),
      id: `AG${String(k + 1).padStart(3, "0")}`,
      queue: queueCycle[k % queueCycle.length],
    });
  }
  return agents;
}

function planDays(
  p: { seed: number; tz: string; now: Date; days: number; callsPerDay: number },
): Day[] {
  const today = localDate(p.now, p.tz);
  const limit = p.now.getTime() - TODAY_MARGIN_MS;
  const out: Day[] = [];
  let first = 0;
  let next = startOfDay(addDays(today, 1 - p.days), p.tz).getTime();
  for (let k = 0; k < p.days; k++) {
    const date = addDays(today, k + 1 - p.days);
    const start = next;
    next = startOfDay(addDays(date, 1), p.tz).getTime();
    const end = Math.min(next, limit);
    const r = rngFor(p.seed, SALT_DAY, Date.UTC(date.year, date.month - 1, date.day) / 86_400_000);
    const day: Day = {
      date,
      compact: `${date.year}${pad2(date.month)}${pad2(date.day)}`,
      path: `${date.year}/${pad2(date.month)}/${pad2(date.day)}`,
      first,
      count: 0,
      segStart: [],
      segLen: [],
      segWeight: [],
      segHour: [],
      cum: [0],
      total: 0,
    };
    // Hour segments of elapsed time (a DST day has 23 or 25), weighted by local hour.
    let full = 0;
    for (let t = start; t < next; t += 3_600_000) {
      const len = Math.min(3_600_000, next - t);
      const hour = localHour(new Date(t + len / 2), p.tz);
      const w = HOUR_WEIGHTS[hour] * (0.85 + 0.3 * r()) * (len / 3_600_000);
      full += w;
      if (t >= end) continue;
      const used = Math.min(len, end - t);
      day.segStart.push(t);
      day.segLen.push(used);
      day.segWeight.push(w * used / len);
      day.segHour.push(hour);
      day.total += w * used / len;
      day.cum.push(day.total);
    }
    const expected = p.callsPerDay * WEEKDAY_WEIGHTS[weekdayOf(date)] / WEEKDAY_MEAN *
      (0.92 + 0.16 * r());
    day.count = full > 0 ? Math.round(expected * day.total / full) : 0;
    if (day.count === 0 && day.total > 0 && p.callsPerDay > 0) day.count = 1;
    first += day.count;
    out.push(day);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Documents

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Scratch bytes of {@link objectId} (the ObjectId copies them). */
const OID_BYTES = new Uint8Array(12);
/** bson's constructor reading 12 bytes at an offset (the plain `Uint8Array` one otherwise). */
const ObjectIdAt = ObjectId as unknown as new (b: Uint8Array, offset: number) => ObjectId;

function objectId(seconds: number, machine: number, counter: number): ObjectId {
  const b = OID_BYTES;
  b[0] = seconds >>> 24;
  b[1] = seconds >>> 16;
  b[2] = seconds >>> 8;
  b[3] = seconds;
  b[4] = machine >>> 24;
  b[5] = machine >>> 16;
  b[6] = machine >>> 8;
  b[7] = machine;
  b[8] = Math.floor(counter / 0x1000000);
  b[9] = counter >>> 16;
  b[10] = counter >>> 8;
  b[11] = counter;
  return new ObjectIdAt(b, 0);
}

function* customersOf(plan: Plan): Generator<Document> {
  const p = plan.profile;
  const from = plan.windowStart - 3 * 365 * 86_400_000;
  const span = plan.windowStart - 86_400_000 - from;
  const names: string[] = [];
  for (let c = 0; c < plan.customers.length; c++) {
    const r = rngFor(plan.seed, SALT_CUSTOMER + 100, c);
    let first = pick(r, p.firstNames);
    let last = pick(r, p.lastNames);
    // Names are not unique: now and then a namesake of an earlier customer.
    if (c >= 10 && r() < 0.04) [first, last] = names[Math.floor(r() * c)].split(" ");
    names.push(`${first} ${last}`);
    const [city, state] = weighted(r, p.places.map(([ci, st, w]) => [[ci, st], w] as const));
    const created = from + Math.floor(r() * span / 1000) * 1000;
    yield {
      _id: objectId(Math.floor(created / 1000), plan.machine ^ 0xc0ffee, c),
      customer_id: plan.customers[c].id,
      name: `${first} ${last}`,
      phone: plan.customers[c].phone,
      email: `${first}.${last}${1 + Math.floor(r() * 99)}@${p.emailDomain}`.toLowerCase()
        .replace(/[^a-z0-9.@]/g, ""),
      city,
      state,
      segment: weighted(r, [["retail", 70], ["business", 22], ["vip", 8]]),
      created_at: new Date(created),
    };
  }
}

function unknownNumber(plan: Plan, k: number): string {
  return plan.unknownNumbers[k] ??= unknownNumberOf(plan, k);
}

function unknownNumberOf(plan: Plan, k: number): string {
  for (let attempt = 0;; attempt++) {
    const r = rngFor(plan.seed, SALT_UNKNOWN + attempt * 16, k);
    const phone = plan.profile.countryCode + plan.profile.mobile(r);
    if (!plan.phones.has(phone)) return phone;
  }
}

function* callsOf(plan: Plan, range?: CallRange): Generator<Document> {
  const from = Math.max(0, range?.from ?? 0);
  const to = Math.min(plan.total, range?.to ?? plan.total);
  for (let j = from; j < to; j++) yield makeCall(plan, plan.perm.at(j));
}

function findDay(days: Day[], i: number): Day {
  let lo = 0;
  let hi = days.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (days[mid].first <= i) lo = mid;
    else hi = mid - 1;
  }
  return days[lo];
}

function agentFor(plan: Plan, r: () => number, queue: QueueInfo): Agent {
  const pool = r() < 0.85 ? plan.queueAgents[queue.index] : plan.agents;
  // Some agents take more calls than others: favour the earlier ones in each pool.
  return pool[Math.floor(pool.length * Math.pow(r(), 1.25))];
}

/** Log-normal around `median` (Box–Muller). */
function logNormal(r: () => number, median: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return median * Math.exp(sigma * z);
}

function makeCall(plan: Plan, i: number): Document {
  const day = findDay(plan.days, i);
  const r = rngFor(plan.seed, SALT_CALL, i);
  // Stratified inverse-CDF sampling: the k-th call of the day falls in the k-th quantile.
  const q = (i - day.first + r()) / day.count * day.total;
  let s = 0;
  while (s < day.segWeight.length - 1 && day.cum[s + 1] <= q) s++;
  const frac = day.segWeight[s] > 0 ? Math.min(1, (q - day.cum[s]) / day.segWeight[s]) : 0;
  const startMs = Math.floor((day.segStart[s] + frac * day.segLen[s]) / 1000) * 1000;
  const hour = day.segHour[s];
  const load = HOUR_WEIGHTS[hour] / MAX_HOUR_WEIGHT;

  const afterHours = hour < 8 || hour >= 20;
  const incoming = r() < (afterHours ? 0.9 : 0.58);
  const qi = pickWeighted(r, incoming ? QUEUE_INFO_IN : QUEUE_INFO_OUT);
  const queue = qi.name;
  let status: string;
  if (incoming) {
    const x = r();
    status = x < 0.028 ? "failed" : x < 0.028 + 0.05 + 0.1 * load ? "missed" : "answered";
  } else {
    status = pickWeighted(r, OUTGOING_STATUS);
  }
  const answered = status === "answered";
  const agent = incoming && !answered ? null : agentFor(plan, r, qi);

  const known = r() < (incoming ? 0.8 : 0.93);
  const n = plan.customers.length;
  let customerNumber: string;
  let customerId: string | null = null;
  if (known && n > 0) {
    const c = (Math.floor(n * Math.pow(r(), 1.35)) * plan.stride) % n;
    customerNumber = plan.customers[c].phone;
    customerId = plan.customers[c].id;
  } else {
    customerNumber = unknownNumber(plan, Math.floor(plan.unknownPool * Math.pow(r(), 1.2)));
  }

  let ring: number;
  let talk = 0;
  let hold = 0;
  let wrap = 0;
  let disposition: string | null = null;
  let hangup: string;
  switch (status) {
    case "answered":
      ring = incoming
        ? Math.min(180, 1 + Math.floor(-Math.log(1 - r()) * (5 + 20 * load)))
        : 3 + Math.floor(r() * 25);
      talk = Math.round(Math.min(3600, Math.max(10, logNormal(r, qi.talkMedian, 0.7))));
      hold = r() < qi.holdOdds ? 10 + Math.floor(r() * 170) : 0;
      disposition = pickWeighted(r, qi.dispositions);
      wrap = 8 + Math.floor(r() * 55) + (disposition === "escalated" ? 30 : 0);
      hangup = pickWeighted(r, HANGUP);
      break;
    case "missed":
      ring = Math.min(300, 5 + Math.floor(-Math.log(1 - r()) * 40));
      hangup = "customer";
      break;
    case "busy":
      ring = 1 + Math.floor(r() * 3);
      hangup = "system";
      break;
    case "no_answer":
      ring = 25 + Math.floor(r() * 21);
      hangup = "system";
      break;
    default: // failed
      ring = Math.floor(r() * 6);
      hangup = "system";
  }
  // A call in the CDR has ended: keep the latest ones within now (today stops short of now).
  const room = Math.floor((plan.now.getTime() - startMs) / 1000) - ring;
  if (answered && talk + hold > room) {
    hold = Math.min(hold, Math.max(0, room - 1));
    talk = Math.max(1, room - hold);
  }
  const duration = answered ? ring + talk + hold : ring;
  const seq = String(i + 1).padStart(6, "0");
  const callId = `C${day.compact}-${seq}`;
  return {
    _id: objectId(Math.floor(startMs / 1000), plan.machine, i),
    call_id: callId,
    direction: incoming ? "incoming" : "outgoing",
    status,
    queue,
    agent_name: agent?.name ?? null,
    agent_id: agent?.id ?? null,
    customer_number: customerNumber,
    customer_id: customerId,
    did_number: plan.didNumbers[qi.index],
    start_time: new Date(startMs),
    answer_time: answered ? new Date(startMs + ring * 1000) : null,
    end_time: new Date(startMs + duration * 1000),
    ring_seconds: ring,
    talk_seconds: talk,
    hold_seconds: hold,
    wrap_up_seconds: wrap,
    duration_seconds: duration,
    disposition,
    hangup_by: hangup,
    recording_url: answered
      ? `https://${plan.profile.recordingHost}/${day.path}/${callId}.mp3`
      : null,
  };
}
