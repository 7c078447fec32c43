/**
 * Reads the things a question names: customers (by number or name), agents, queues,
 * dispositions, cities, segments, statuses and directions. Names come from the data
 * (the vocabulary, and look-ups in the address book), never from code.
 */
import type { CallStatus, Direction } from "../../reports/types.ts";
import type { Parsed } from "./intent.ts";
import { dimensionOf, isReservedWord } from "./lexicon.ts";
import { closest, Reading, wordPattern } from "./text.ts";
import type { Vocabulary } from "./vocabulary.ts";

/** What reading a question needs besides its words. */
export interface ParseContext {
  vocab: Vocabulary;
  /** IANA business time zone. */
  tz: string;
  now: Date;
  /** The E.164 number stored for digits typed without "+" ("7093023557"), if any. */
  lookupPhone?: (digits: string) => Promise<string | null>;
  /**
   * Which of the candidate phrases are customer names in the address book
   * (case-insensitive, whole name): lower-cased candidate → the name as stored.
   */
  lookupCustomerNames?: (candidates: string[]) => Promise<Map<string, string>>;
}

// ---------------------------------------------------------------------------------------
// Vocabulary index

/** The vocabulary prepared for matching (patterns built once per vocabulary). */
export interface VocabIndex {
  agents: Set<string>;
  agentList: string[];
  agentPatterns: { value: string; re: RegExp }[];
  queuePatterns: { value: string; re: RegExp }[];
  dispositionPatterns: { value: string; re: RegExp }[];
  cityPatterns: { value: string; re: RegExp }[];
  segmentValues: string[];
}

const indexes = new WeakMap<Vocabulary, VocabIndex>();

function patterns(values: string[], skipCommon: boolean): { value: string; re: RegExp }[] {
  return [...values]
    .filter((v) => v.trim() !== "" && !(skipCommon && isReservedWord(v.toLowerCase())))
    .sort((a, b) => b.length - a.length)
    .map((value) => ({ value, re: new RegExp(wordPattern(value), "u") }));
}

/** The index of a vocabulary (cached). */
export function indexOf(vocab: Vocabulary): VocabIndex {
  let idx = indexes.get(vocab);
  if (idx) return idx;
  idx = {
    agents: new Set(vocab.agents.map((a) => a.toLowerCase())),
    agentList: vocab.agents.map((a) => a.toLowerCase()),
    agentPatterns: patterns(vocab.agents.map((a) => a.toLowerCase()), true),
    queuePatterns: patterns(vocab.queues, true),
    dispositionPatterns: patterns(vocab.dispositions, true),
    cityPatterns: patterns(vocab.cities, true),
    segmentValues: vocab.segments.filter((s) => s.trim() !== ""),
  };
  indexes.set(vocab, idx);
  return idx;
}

// ---------------------------------------------------------------------------------------
// Customers

/** Phone numbers: E.164 as written, or digits completed from the data. */
export async function readPhones(r: Reading, p: Parsed, ctx: ParseContext): Promise<void> {
  const hits = r.findAll(/(?<![\p{L}\p{N}+])\+?\d(?:[\s.()-]?\d){6,14}(?![\p{L}\p{N}])/u);
  for (const h of hits) {
    r.consume(h);
    if (p.filters.customer) continue;
    const raw = r.slice(h.index, h.text.length);
    const digits = raw.replace(/\D/g, "");
    let phone = raw.trim().startsWith("+") ? `+${digits}` : null;
    if (!phone && ctx.lookupPhone) phone = await ctx.lookupPhone(digits).catch(() => null);
    p.filters.customer = phone ?? digits;
    consumeCueBefore(r, h.index);
  }
}

function consumeCueBefore(r: Reading, index: number): void {
  const before = r.text.slice(0, index);
  const m = /\b(?:customers?|callers?|clients?|contacts?)(?:\s+(?:named|called|number|phone))?\s*$/u
    .exec(before);
  if (m) r.consumeAt(m.index, m[0].length);
}

/** Most words of a customer name looked for, and most candidate phrases per question. */
const MAX_NAME_WORDS = 4;
const MAX_NAME_CANDIDATES = 24;

/**
 * Customer names: runs of words that are not the planner's own words are looked up in
 * the address book (two words or more, or one word right after "customer"); the
 * longest match wins. One look-up per question, whatever the size of the book.
 */
export async function readCustomerNames(r: Reading, p: Parsed, ctx: ParseContext): Promise<void> {
  if (p.filters.customer || !ctx.lookupCustomerNames) return;
  const words = r.words();
  const runs: { word: string; index: number }[][] = [];
  let run: { word: string; index: number }[] = [];
  for (const w of words) {
    const free = !isReservedWord(w.word) && !/^\d/.test(w.word) && !dimensionOf(w.word);
    if (free && (run.length === 0 || adjacent(r, [run[run.length - 1], w]))) {
      run.push(w);
      continue;
    }
    if (run.length) runs.push(run);
    run = free ? [w] : [];
  }
  if (run.length) runs.push(run);
  const spans: { word: string; index: number }[][] = [];
  for (const rw of runs) {
    for (let n = Math.min(MAX_NAME_WORDS, rw.length); n >= 1; n--) {
      for (let i = 0; i + n <= rw.length; i++) {
        const span = rw.slice(i, i + n);
        if (n === 1 && !afterCustomerCue(r, span[0].index)) continue;
        spans.push(span);
      }
    }
  }
  if (!spans.length) return;
  spans.sort((a, b) => b.length - a.length || a[0].index - b[0].index);
  const chosen = spans.slice(0, MAX_NAME_CANDIDATES);
  const key = (span: { word: string }[]) => span.map((w) => w.word).join(" ");
  let found: Map<string, string>;
  try {
    found = await ctx.lookupCustomerNames([...new Set(chosen.map(key))]);
  } catch {
    return;
  }
  for (const span of chosen) {
    const name = found.get(key(span));
    if (!name) continue;
    const end = span[span.length - 1].index + span[span.length - 1].word.length;
    p.filters.customer = name;
    r.consumeAt(span[0].index, end - span[0].index);
    consumeCueBefore(r, span[0].index);
    return;
  }
}

function adjacent(r: Reading, span: { word: string; index: number }[]): boolean {
  for (let k = 1; k < span.length; k++) {
    const gap = r.text.slice(span[k - 1].index + span[k - 1].word.length, span[k].index);
    if (!/^\s{1,2}$/u.test(gap)) return false;
  }
  return true;
}

function afterCustomerCue(r: Reading, index: number): boolean {
  return /\b(?:customers?|callers?|clients?|contacts?)(?:\s+(?:named|called))?\s*$/u.test(
    r.text.slice(0, index),
  );
}

/** "customer <words>": the words as a customer name when nothing else named one. */
export function readCustomerCue(r: Reading, p: Parsed): void {
  if (p.filters.customer) return;
  const h = r.find(
    /\b(?:customers?|callers?|clients?)\s+(?:named\s+|called\s+)?([\p{L}][\p{L}'.-]*(?:\s+[\p{L}][\p{L}'.-]*){0,3})/u,
  );
  if (!h) return;
  const start = h.index + h.text.length - h.groups[0]!.length;
  const ws = h.groups[0]!.split(/\s+/);
  const kept: string[] = [];
  for (const w of ws) {
    if (isReservedWord(w.replace(/[.'-]+$/, ""))) break;
    kept.push(w);
  }
  if (!kept.length) return;
  const len = kept.join(" ").length;
  p.filters.customer = r.slice(start, len).replace(/[.,;:!?]+$/, "");
  r.consumeAt(h.index, start - h.index + len);
}

// ---------------------------------------------------------------------------------------
// Agents, queues, dispositions, cities, segments

/** Agents named after a cue word ("agent priya", with a typo allowed). */
export function readAgentCues(r: Reading, idx: VocabIndex): string[] {
  const found: string[] = [];
  const cue =
    /\b(?:agents?|reps?|representatives?|employees?|users?)\s+(?:named\s+|called\s+)?([\p{L}][\p{L}\p{N}_.-]*)/u;
  for (const h of r.findAll(cue)) {
    const w = h.groups[0]!.replace(/[.-]+$/u, "");
    let name: string | null = null;
    if (idx.agents.has(w)) name = w;
    else if (!isReservedWord(w) && !dimensionOf(w)) {
      // Without a vocabulary (the data could not be read), trust the cue.
      name = idx.agents.size ? closest(w, idx.agentList) : w;
    }
    if (!name) continue;
    found.push(name);
    const nameStart = h.index + h.text.length - h.groups[0]!.length;
    r.consumeAt(nameStart, w.length);
    r.consumeAt(h.index, nameStart - h.index); // the cue word too
  }
  return found;
}

/** Agent names written on their own ("priya's calls"). */
export function readAgentNames(r: Reading, idx: VocabIndex): string[] {
  const found: string[] = [];
  for (const { value, re } of idx.agentPatterns) {
    for (const _ of r.takeAll(re)) found.push(value);
  }
  return found;
}

/** "<x> queue" and "queue <x>": the word next to a cue word. */
export function cuePatterns(word: string): RegExp[] {
  return [
    new RegExp(`([\\p{L}][\\p{L}\\p{N}_-]*)\\s+${word}s?\\b`, "u"),
    new RegExp(`\\b${word}s?\\s+(?:named\\s+|called\\s+)?([\\p{L}][\\p{L}\\p{N}_-]*)`, "u"),
  ];
}

/** Values of one field: exact whole-word names first, then a cue word with a typo. */
export function readValues(
  r: Reading,
  pats: { value: string; re: RegExp }[],
  cues: RegExp[],
  all: string[],
): string[] {
  const found: string[] = [];
  for (const { value, re } of pats) {
    for (const _ of r.takeAll(re)) found.push(value);
  }
  if (found.length) return unique(found);
  for (const cue of cues) {
    const h = r.find(cue);
    if (!h) continue;
    const w = h.groups[0]!.toLowerCase();
    if (isReservedWord(w) || dimensionOf(w)) continue;
    const v = all.length
      ? all.find((x) => x.toLowerCase() === w) ??
        closest(w, all.filter((x) => !isReservedWord(x.toLowerCase())))
      : w;
    if (!v) continue;
    r.consume(h);
    found.push(v);
    break;
  }
  return unique(found);
}

/** Words that lead to a city: "customers based in", "who live in", "from the city of". */
const CITY_LEAD = new RegExp(
  "(?:\\b(?:customers?|callers?|clients?|people|contacts?)\\s+)?" +
    "(?:\\b(?:who|that)\\s+(?:are\\s+|is\\s+)?)?" +
    "(?:\\b(?:based|located|living|live|lives|residing|reside|resides|situated|staying)\\s+)?" +
    "(?:\\b(?:in|from|at|around|near|out\\s+of)\\s+)?" +
    "(?:\\bthe\\s+)?(?:\\b(?:city|town|area|region|metro)\\s+of\\s+)?$",
  "u",
);
/** Words after a city: "the Belfast area", "Pune-based". */
const CITY_TAIL =
  /^(?:[\s-]+based\b|\s+(?:(?:metro(?:politan)?|city|town|greater)\s+)?(?:area|region|city|town|metro)\b)/u;
/** A city word after a location cue (read with a typo allowed). */
const CITY_CUES = [
  /\b(?:based|located|living|lives?|residing|resides?|situated)\s+(?:in|at)\s+(?:the\s+(?:city|town|area)\s+of\s+)?([\p{L}][\p{L}.-]*)/u,
  /\b(?:city|town)\s+of\s+([\p{L}][\p{L}.-]*)/u,
];

/**
 * Cities: names from the data as whole words, with the words around them that say they
 * are a place ("customers based in", "who live in", "the city of", "the … area"), so
 * those words are not read as anything else; a typo is allowed after such a cue.
 * Without a city vocabulary, a capitalised name after a cue.
 */
export function readCities(r: Reading, idx: VocabIndex, all: string[]): string[] {
  if (!all.length) return readCityCue(r);
  const found: string[] = [];
  for (const { value, re } of idx.cityPatterns) {
    for (const h of r.findAll(re)) {
      r.consume(h);
      consumeAround(r, h.index, h.text.length);
      found.push(value);
    }
  }
  if (found.length) return unique(found);
  const candidates = all.filter((x) => !isReservedWord(x.toLowerCase()));
  for (const cue of CITY_CUES) {
    const h = r.find(cue);
    if (!h) continue;
    const w = h.groups[0]!.toLowerCase();
    if (isReservedWord(w) || dimensionOf(w)) continue;
    const v = closest(w, candidates);
    if (!v) continue;
    const start = h.index + h.text.length - h.groups[0]!.length;
    r.consumeAt(start, h.groups[0]!.length);
    consumeAround(r, start, h.groups[0]!.length);
    found.push(v);
    break;
  }
  return found;
}

/** Blanks out the place words before and after a city found at `index`. */
function consumeAround(r: Reading, index: number, length: number): void {
  const lead = CITY_LEAD.exec(r.text.slice(0, index));
  if (lead && lead[0].length) r.consumeAt(lead.index, lead[0].length);
  const tail = CITY_TAIL.exec(r.text.slice(index + length));
  if (tail) r.consumeAt(index + length, tail[0].length);
}

/** Without a city vocabulary: "customers from Mumbai" (a capitalised name after the cue). */
export function readCityCue(r: Reading): string[] {
  const h = r.find(
    /\b(?:customers?|callers?|clients?|people)\s+(?:(?:who|that)\s+(?:are\s+|is\s+)?)?(?:(?:based|located|living|live|lives|residing|resides?|situated)\s+)?(?:from|in|at)\s+(?:the\s+)?(?:(?:city|town|area|region)\s+of\s+)?([\p{L}][\p{L}.-]*(?:\s+[\p{L}][\p{L}.-]*)?)/u,
  );
  if (!h) return [];
  const start = h.index + h.text.length - h.groups[0]!.length;
  const words = r.slice(start, h.groups[0]!.length).split(/\s+/);
  const kept: string[] = [];
  for (const w of words) {
    if (!/^\p{Lu}/u.test(w) || isReservedWord(w.toLowerCase())) break;
    kept.push(w);
  }
  if (!kept.length) return [];
  const text = kept.join(" ");
  r.consumeAt(h.index, start - h.index + text.length);
  const tail = CITY_TAIL.exec(r.text.slice(start + text.length));
  if (tail) r.consumeAt(start + text.length, tail[0].length);
  return [text];
}

/** Segments, only next to a word that says so ("vip customers", "segment vip"). */
export function readSegments(r: Reading, idx: VocabIndex): string[] {
  const found: string[] = [];
  for (const seg of idx.segmentValues) {
    const w = wordPattern(seg);
    const after = new RegExp(
      `${w}(?=\\s+(?:customers?|clients?|callers?|segment|accounts?|calls?|users?)\\b)`,
      "u",
    );
    const before = new RegExp(`\\bsegments?\\s+(?:is\\s+|=\\s*|:\\s*)?${w}`, "u");
    const h = r.take(after) ?? r.take(before);
    if (h) found.push(seg);
  }
  return unique(found);
}

// ---------------------------------------------------------------------------------------
// Statuses and directions

const ALL_UNSUCCESSFUL: CallStatus[] = ["missed", "failed", "busy", "no_answer"];

/** Statuses; "unanswered" is decided once the direction is known. */
export function readStatuses(r: Reading): { list: CallStatus[]; unanswered: boolean } {
  const list: CallStatus[] = [];
  let unanswered = false;
  if (r.take(/\b(?:unsuccessful|not\s+successful|not\s+connected)\b/u)) {
    list.push(...ALL_UNSUCCESSFUL);
  }
  if (
    r.take(
      /\b(?:not\s+answered|unanswered|not\s+picked\s+up|(?:did\s+not|didn'?t)\s+(?:get\s+)?(?:answer(?:ed)?|pick(?:ed)?(?:\s+up)?))\b/u,
    )
  ) unanswered = true;
  if (r.take(/\bno[\s_-]?answers?\b|\bunreachable\b/u)) list.push("no_answer");
  if (
    r.take(
      /\b(?:answered|successful(?:ly)?|succeeded|connected|picked\s+up|completed|handled?|handles|handling|attended|took|taken|take|takes|taking)\b/u,
    )
  ) list.push("answered");
  // The verb after a doer: "how many calls did sales answer", "does priya answer", "who
  // answers the most" — not the nouns of "no answer", "answer rate", "speed of answer".
  if (
    !list.includes("answered") &&
    r.take(
      /(?<=\b(?:did|does|do|will|would|can|could)\b(?:\s+(?!not\b|never\b)[\p{L}\p{N}_.-]+){0,3}\s+)answer\b|(?<=\b(?:who|which\s+agents?|agents?)\s+)answer(?:s|ing)?\b(?!\s+(?:rate|time)\b)/u,
    )
  ) list.push("answered");
  // "missed", and the verb after a doer: "how many calls did the billing team miss",
  // "which queue misses the most".
  if (
    r.take(
      /\b(?:missed|abandoned|dropped|lost)\b|(?<=\bwe\s+)miss\b|(?<=\b(?:did|does|do|will|would|can|could)\b(?:\s+(?!not\b|never\b)[\p{L}\p{N}_.-]+){0,3}\s+)miss\b|(?<=\b(?:who|which\s+(?:agents?|queues?|teams?)|agents?|queues?|teams?)\s+)miss(?:es|ing)?\b/u,
    )
  ) list.push("missed");
  if (r.take(/\b(?:failed|failures?|failing|errored)\b/u)) list.push("failed");
  if (r.take(/\bbusy\b/u)) list.push("busy");
  return { list, unanswered };
}

/** Verbs of a customer reaching the contact center when followed by "us" ("phoned us"). */
const TO_US_VERBS =
  "called|call|calls|calling|rang|rung|ring|rings|ringing|phoned|phone|phones|phoning|" +
  "contacted|contact|contacts|contacting|reached|reach|reaches|reaching|dial(?:l)?ed|" +
  "dial(?:l)?ing|dials?|buzzed";

const HAVE = "(?:have\\s+|has\\s+|had\\s+)?";
const CALLED = "(?:called|phoned|rang|rung|contacted)\\b(?!\\s+(?:them|him|her|customers?|out)\\b)";

/**
 * Inbound in words: the direction's names, calls received or coming in, and customers
 * calling us ("who phoned us", "rang in", "customers who called"); never "we called".
 */
const INCOMING = new RegExp(
  [
    "\\b(?:incoming|inbound|in-bound|inward|received|receive[sd]?|receiving)\\b",
    `\\b(?:${TO_US_VERBS})\\s+(?:in\\s+)?(?:to\\s+|in\\s+to\\s+)?us\\b`,
    "\\b(?:reached|reaching|reach(?:es)?)\\s+out\\s+to\\s+us\\b",
    "\\b(?:got|get|gets|getting)\\s+in\\s+touch\\s+with\\s+us\\b",
    "\\b(?:gave|give|gives|giving)\\s+us\\s+a\\s+(?:call|ring|buzz)\\b",
    "(?<!\\bwe\\s+)\\b(?:called|calling|phoned|phoning|rang|ringing|rung)\\s+in\\b",
    "\\b(?:came|come|comes|coming)\\s+(?:into|in|through)\\b",
    "\\b(?:arrived|arriving|arrive|arrives)\\b",
    // "customers (who) called", "numbers that rang", "… who phoned" (not "agents who called").
    `(?<=\\b(?:customers?|callers?|clients?|people|numbers?)\\s+)${HAVE}${CALLED}`,
    "(?<!^\\s*)(?<!\\b(?:agents?|reps?|representatives?|employees?|staff|we|users?)\\s+)" +
    `\\b(?:who|that)\\s+${HAVE}${CALLED}`,
  ].join("|"),
  "u",
);

const OUTGOING =
  /\b(?:outgoing|outbound|out-bound|outward|dial(?:l)?ed|dial(?:l)?ing|dials?|made\s+by|(?<=\b(?:we|agents?)\s+)(?:made|make|called|call|dialled|dialed|placed)|did\s+we\s+(?:make|call|place|dial)|placed|called\s+out|(?:went|go|going)\s+out)\b/u;

/** Directions, from their names and from verbs ("called us", "came in", "dialled"). */
export function readDirections(r: Reading, agentNamed: boolean): Direction[] {
  const out: Direction[] = [];
  if (r.take(INCOMING)) out.push("incoming");
  if (r.take(OUTGOING) || (agentNamed && r.take(/\bdid\s+make\b|\bmade\b/u))) {
    out.push("outgoing");
  }
  return out;
}

/** The distinct values, in order. */
export function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
