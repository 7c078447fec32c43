/**
 * Accounting for every word of a question. After the rules have read their parts, what
 * is left is either filler ("please", "how many", "the") or something the planner could
 * not place: a name that is in no list of the data, a metric the data does not hold, a
 * number or a word that could change the result. Those make the planner ask back
 * (`clarified`) instead of answering a wider or narrower question. Requests to change
 * data or do things, and topics outside the call data, are declined (`refused`).
 */
import { editDistance } from "./text.ts";
import { dimensionOf, SUP_MAX, SUP_MIN } from "./lexicon.ts";
import type { Parsed } from "./intent.ts";
import type { Vocabulary } from "./vocabulary.ts";

/** Words that never change what a question asks, whatever is left of it. */
const FILLER = new Set(
  (
    "a an the of for in on at to with from by about as into onto within across among " +
    "and or but so then also too just " +
    "is are was were be been being am do does did done doing have has had having get got gets " +
    "getting give gives gave show shows showing display list lists tell find fetch pull see view " +
    "look lookup search generate create produce prepare run make made makes build bring provide " +
    "return pls please kindly hey hi hello ok okay quick quickly question questions thanks " +
    "thank you can could would will shall should may might must let lets let's me i we us our " +
    "ours my you your it its it's they them their there here this that these those what what's " +
    "whats which who whom whose how how's many much when where why s " +
    "number numbers count counts counted total totals tally figure figures volume amount " +
    "call calls called calling phone report reports data info information details stats " +
    "statistics overview summary record records entry entries log logs all every each any " +
    "some one ones exactly roughly approximately currently right now so far till date " +
    "receive received receives receiving involved involving been coming come came went " +
    "need want like know check able possible interested wondering curious " +
    "filter filtered filtering compare compared comparing comparison vs versus " +
    "break down broken split group grouped grouping spent spend spending before after " +
    "over during throughout together across history activity " +
    "altogether overall combined table tables chart charts graph graphs plot view " +
    "meant sorry oops actually rather yes yeah yep right correct"
  ).split(/\s+/),
);

/** A word or name the planner could not place. */
export interface UnplacedWord {
  /** As written in the question. */
  text: string;
  /** What the words around it say it is ("agent", "queue", "city", "customer"), if anything. */
  kind?: "agent" | "queue" | "city" | "customer" | "segment" | "disposition";
  /** Why a phrase the rules read could not be placed (said after it when asking back). */
  why?: string;
  /** Leaving it out would invert the question ("excluding"): no rewrite is offered. */
  inverts?: boolean;
  /** Names from the data it may be a misspelling of, closest first. */
  suggestions: string[];
}

/** What the leftover words of a question come to. */
export interface Accounting {
  /** Words that could change the result: the question must be asked back. */
  unplaced: UnplacedWord[];
  /** Leftover words that change nothing (shown as "not used"). */
  harmless: string[];
}

/** Harmless leftovers worth showing as "not used" (politeness, hedges; not grammar). */
const SHOWN = new Set(
  "please pls kindly hey hi hello quick quickly question thanks thank exactly roughly approximately currently interested wondering curious ok okay"
    .split(" "),
);

/** Words that lean on the previous turn ("same for outgoing", "which of them"). */
const FOLLOW_UP_WORDS = new Set(
  "same instead too well again previous above ones one also only just them those these it that this plus likewise"
    .split(" "),
);
const AVERAGE = /^(?:average|avg|mean)$/u;
/** Words that leave something out: dropping them would ask the opposite question. */
const NEGATION = /^(?:not|excluding|exclude|except|without|besides|minus|non)$/u;
/** The words that ask for a comparison, as `COMPARE_CUE` in understand.ts (case kept). */
const COMPARISON =
  /\b(?:compare[ds]?|comparing|comparison|versus|vs|against|difference|relative\s+to)\b/iu;
/** Metrics that are averages already ("average wait time": ASA). */
const AVERAGED: ReadonlySet<string> = new Set([
  "asa",
  "agent_performance",
  "handle_time",
  "talk_time",
  "duration",
]);
const DURATION_STAT =
  /^(?:max|maximum|min|minimum|average|avg|mean|total|sum|longest|shortest|median)$/u;
const ANSWER = /^(?:answer|answers|answered|answering)$/u;
/** Metrics about answering ("wait time before answer": ASA). */
const ANSWERING: ReadonlySet<string> = new Set(["asa", "service_level", "answer_rate"]);
const SUPERLATIVE = new RegExp(`^(?:${SUP_MAX}|${SUP_MIN}|slowest)$`, "u");

/**
 * Accounts for the words no rule read. In a follow-up, the words that refer back and a
 * superlative laid over the previous ranking ("and the highest?") are placed.
 */
export function accountFor(
  p: Parsed,
  vocab: Vocabulary,
  opts: { followUp?: boolean } = {},
): Accounting {
  const unplaced: UnplacedWord[] = [];
  const harmless: string[] = [];
  // Phrases a rule read but could not place ("after hours", a date and another weekday).
  for (const u of p.unplacedPhrases ?? []) {
    unplaced.push({ text: u.text, why: u.why, suggestions: [] });
  }
  // "yesterday vs the day before": a comparison with one side placed is not one count.
  if (!opts.followUp && p.compareCue && p.periods.length === 1 && !p.compare && !p.groupBy) {
    const cue = COMPARISON.exec(p.question);
    const text = cue ? p.question.slice(cue.index).replace(/[?.!:;]+.*$/su, "").trim() : "";
    unplaced.push({
      text: text || "the comparison",
      why: "a comparison with only one period placed; name both, e.g. “yesterday vs 26 Oct”.",
      suggestions: [],
    });
  }
  const words = p.leftover;
  for (let k = 0; k < words.length; k++) {
    const raw = words[k].word;
    const w = raw.toLowerCase().replace(/'s$/u, "");
    if (opts.followUp && (FOLLOW_UP_WORDS.has(w) || (p.superlative && SUPERLATIVE.test(w)))) {
      continue;
    }
    if (AVERAGE.test(w) && p.metric && AVERAGED.has(p.metric)) continue;
    if (w === "week" && p.groupBy === "weekday") continue; // "day of the week"
    if (p.metric === "duration" && DURATION_STAT.test(w)) continue; // the stats hold them all
    if (w === "out" && (p.filters.direction === "outgoing" || p.compare?.dim === "direction")) {
      continue; // "dial out", "called out"
    }
    if (ANSWER.test(w) && p.metric && ANSWERING.has(p.metric)) continue;
    if (FILLER.has(w) || (dimensionOf(w) && !/^\d/.test(w))) {
      if (SHOWN.has(w)) harmless.push(w);
      continue;
    }
    if (NEGATION.test(w)) {
      unplaced.push({
        text: raw,
        why: "the filters say which calls to count, not which to leave out; ask for the " +
          "ones you want (“answered calls” rather than “excluding missed calls”).",
        inverts: true,
        suggestions: [],
      });
      continue;
    }
    const kind = kindBefore(words, k, p.question) ?? kindAfter(words, k);
    // A name of several words ("Vidya Gupta") is one unplaced phrase.
    const last = unplaced[unplaced.length - 1];
    const prev = words[k - 1];
    if (
      last && prev && !/^\d/.test(raw) &&
      last.text.split(/\s+/).pop() === prev.word &&
      /^\s+$/u.test(p.question.slice(prev.index + prev.word.length, words[k].index))
    ) {
      last.text = `${last.text} ${raw}`;
      last.suggestions = suggest(last.text, last.kind, vocab);
      continue;
    }
    unplaced.push({ text: raw, kind, suggestions: suggest(raw, kind, vocab) });
  }
  return { unplaced, harmless: [...new Set(harmless)] };
}

const KIND_WORDS: [UnplacedWord["kind"], RegExp][] = [
  ["agent", /^(?:agents?|reps?|representatives?|employees?|staff|users?)$/u],
  ["queue", /^(?:queues?|departments?|teams?)$/u],
  ["city", /^(?:city|cities|town|based|located|living|residing)$/u],
  ["customer", /^(?:customers?|callers?|clients?|contacts?)$/u],
  ["segment", /^segments?$/u],
  ["disposition", /^(?:dispositions?|outcomes?)$/u],
];

function kindOf(word: string): UnplacedWord["kind"] {
  for (const [kind, re] of KIND_WORDS) if (re.test(word.toLowerCase())) return kind;
  return undefined;
}

/** "agent jonathan", "customer Vidya", "from Paris" (a place), "named x". */
function kindBefore(
  words: Parsed["leftover"],
  k: number,
  question: string,
): UnplacedWord["kind"] {
  const before = question.slice(0, words[k].index).toLowerCase();
  const m = /([\p{L}]+)\s+(?:named\s+|called\s+)?$/u.exec(before);
  if (!m) return undefined;
  const kind = kindOf(m[1]);
  if (kind) return kind;
  if (/^(?:from|in)$/u.test(m[1]) && /\p{Lu}/u.test(words[k].word[0] ?? "")) return "city";
  return undefined;
}

/** "marketing queue", "premium customers". */
function kindAfter(words: Parsed["leftover"], k: number): UnplacedWord["kind"] {
  const next = words[k + 1];
  return next ? kindOf(next.word) : undefined;
}

/** Closest names from the data (edit distance), for "did you mean". */
function suggest(text: string, kind: UnplacedWord["kind"], vocab: Vocabulary): string[] {
  const pools: string[][] = kind === "agent"
    ? [vocab.agents]
    : kind === "queue"
    ? [vocab.queues]
    : kind === "city"
    ? [vocab.cities]
    : kind === "segment"
    ? [vocab.segments]
    : kind === "disposition"
    ? [vocab.dispositions]
    : kind === "customer"
    ? []
    : [vocab.agents, vocab.queues, vocab.cities];
  const t = text.toLowerCase();
  const max = Math.max(2, Math.floor(t.length / 3));
  const scored: { name: string; d: number }[] = [];
  for (const pool of pools) {
    for (const name of pool) {
      const d = editDistance(t, name.toLowerCase(), max);
      if (d <= max) scored.push({ name, d });
    }
  }
  scored.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  return [...new Set(scored.map((s) => s.name))].slice(0, 3);
}

// ---------------------------------------------------------------------------------------
// Requests the assistant declines, and metrics the data does not hold

const WRITE_VERB =
  "delete|deleting|remove|removing|erase|purge|wipe|drop|truncate|destroy|update|updating|modify|modifying|change|changing|edit|editing|alter|overwrite|rename|insert|add|adding|append|upload|import|restore|reassign|assign|transfer|move|merge|mark|flag|tag|set|reset|cancel|block|unblock|ban|fire|hire|promote|suspend|archive|clean\\s+up|clear";
/** Verbs that change data wherever they stand in a request. */
const STRONG_WRITE_VERB =
  "delete|deleting|erase|purge|wipe|truncate|destroy|overwrite|insert|modify|modifying|edit|editing|alter|reassign|rename|remove|removing";
const DATA_NOUN =
  "calls?|records?|cdrs?|data|database|db|collections?|tables?|rows?|entries|entry|logs?|customers?|contacts?|agents?|users?|queues?|numbers?|address\\s+book|dispositions?|status(?:es)?|history|recordings?|notes?";

const REFUSALS: { re: RegExp; reason: string }[] = [
  {
    re: new RegExp(
      `^\\s*(?:(?:please|kindly|can\\s+you|could\\s+you|would\\s+you|i\\s+want\\s+(?:you\\s+)?to|go\\s+ahead\\s+and|let's|now)\\s+)*(?:${WRITE_VERB})\\b`,
      "iu",
    ),
    reason: "I can only read the call data: I cannot change, add or delete anything.",
  },
  {
    re: new RegExp(`\\b(?:${STRONG_WRITE_VERB})\\s+(?:\\S+\\s+){0,4}?(?:${DATA_NOUN})\\b`, "iu"),
    reason: "I can only read the call data: I cannot change, add or delete anything.",
  },
  {
    re:
      /^\s*(?:(?:please|kindly|can\s+you|could\s+you)\s+)*(?:call|ring|phone|dial|text|sms|message|e-?mail|whatsapp|notify|contact)\s+(?:back\s+)?(?:the\s+|this\s+|that\s+|our\s+|all\s+|these\s+|those\s+)?(?:customers?|callers?|clients?|agents?|him|her|them|me|everyone|back|numbers?|\+?\d[\d\s-]{5,})\b/iu,
    reason:
      "I cannot contact customers or agents or send messages; I answer questions about the call data.",
  },
  {
    re: /\bsend\s+(?:an?\s+)?(?:e-?mails?|sms|texts?|messages?|whatsapps?)\b/iu,
    reason: "I cannot send messages or emails yet; I can make an Excel report you can download.",
  },
  {
    re:
      /\b(?:weather|temperature|forecast|rain(?:ing)?|news|headlines?|stock\s+price|share\s+price|bitcoin|crypto|recipe|jokes?|poem|song|lyrics|movies?|football|cricket|soccer|horoscope|translate|capital\s+of|president\s+of|prime\s+minister|write\s+(?:me\s+)?(?:an?\s+)?(?:essay|story|code|program|script|email|letter))\b/iu,
    reason: "That is outside what I know: I answer questions about the contact center's calls.",
  },
];

/** The one-line reason to decline a request, or null when it is a question about the data. */
export function refusalOf(question: string): string | null {
  for (const r of REFUSALS) if (r.re.test(question)) return r.reason;
  return null;
}

/** Metrics people ask for that the call data does not hold. */
const UNSUPPORTED: { re: RegExp; name: string }[] = [
  {
    re: /\bc[\s-]?sat\b|\bcustomer\s+satisfaction\b|\bsatisfaction\b/iu,
    name: "CSAT (customer satisfaction)",
  },
  {
    re: /\bnps\b|\bnet\s+promoter\b|\bpromoters?\b|\bdetractors?\b/iu,
    name: "NPS (net promoter score)",
  },
  { re: /\bsentiments?\b|\bmood\b|\bemotions?\b|\bangry\b/iu, name: "sentiment" },
  { re: /\bces\b|\bcustomer\s+effort\b/iu, name: "customer effort score" },
  { re: /\bfcr\b|\bfirst[\s-]+(?:call|contact)\s+resolution\b/iu, name: "first-call resolution" },
  {
    re: /\brevenue\b|\bprofits?\b|\bsales\s+amount\b|\bturnover\b|\bearnings\b|\bincome\b/iu,
    name: "revenue",
  },
  { re: /\bcosts?\b|\bbudget\b|\bsalar(?:y|ies)\b|\bwages?\b/iu, name: "costs" },
  { re: /\bchurn(?:ed|\s+rate)?\b|\bretention\b/iu, name: "churn" },
  {
    re: /\b(?:survey|feedback|ratings?|reviews?|quality\s+scores?|qa\s+scores?)\b/iu,
    name: "survey scores",
  },
  {
    re: /\bshrinkage\b|\boccupancy\b|\badherence\b|\butili[sz]ation\b|\battendance\b/iu,
    name: "workforce (occupancy, adherence) figures",
  },
  {
    re:
      /\btranscripts?\b|\bkeywords?\b|\bwhat\s+(?:did|do)\s+(?:they|customers?)\s+(?:say|talk)\b/iu,
    name: "call transcripts",
  },
];

/** The metric asked for that the data does not hold, or null. */
export function unsupportedMetricOf(question: string): string | null {
  for (const u of UNSUPPORTED) if (u.re.test(question)) return u.name;
  return null;
}

// ---------------------------------------------------------------------------------------
// Typos

/** The planner's own words that a typo may stand for (five letters or more matter). */
const TERMS = (
  "abandonment abandoned abandon answered answer answers average handle handled handling " +
  "duration durations performance service level speed incoming inbound outgoing outbound " +
  "missed failed failure successful unsuccessful yesterday today customers customer callers " +
  "unique distinct breakdown disposition dispositions queues agents statistics stats report " +
  "reports excel export spreadsheet month months week weeks quarter quarters hourly daily " +
  "weekly busiest quietest highest lowest longest shortest minutes seconds hours between " +
  "longer shorter percentage percent share compare comparison number numbers calls " +
  "segment segments cities status direction total count talk hold wrap answered " +
  "monday tuesday wednesday thursday friday saturday sunday january february march april " +
  "june july august september october november december previous current overall " +
  "slowest fastest quickest longest shortest largest biggest greatest fewest least most " +
  "abandonment rate details received handled without within lasting lasted lasts " +
  "length lengths long minute second hour agent queue customer caller number call " +
  "outcome outcomes connected answered unanswered unreachable"
).split(/\s+/);

/** Prefixes that negate a word: a "typo" that adds or drops one flips the meaning. */
const NEGATIONS = ["un", "non", "in", "im", "dis", "not"];

/** True when `a` and `b` differ only by a negating prefix ("unanswered" / "answered"). */
function negationOf(a: string, b: string): boolean {
  return NEGATIONS.some((p) => a === p + b || b === p + a);
}

/** Abbreviations supervisors use, spelled out before the question is read. */
const ABBREVIATIONS: Record<string, string> = {
  "sl%": "service level",
  sl: "service level",
  perf: "performance",
  xl: "excel",
  xlsx: "excel",
  xls: "excel",
  "ab%": "abandonment rate",
  "abn%": "abandonment rate",
  "avg.": "average",
  mins: "minutes",
  secs: "seconds",
  hrs: "hours",
  lvl: "level",
  "w/": "with",
};
const ABBREVIATION = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${
    Object.keys(ABBREVIATIONS).map((k) => k.replace(/[./]/g, (c) => `\\${c}`)).join("|")
  })(?![\\p{L}\\p{N}%])`,
  "giu",
);

/** Words the rules read that are close to other words: never corrected. */
const READ_AS_IS = (
  "contacted contact reached phoned dialled dialed placed rang rung called handles talked " +
  "talking connect answers hourly daily weekly monthly shares rates numbered"
).split(/\s+/);

/** A word of the question read as another (a typo), for the reading shown to the user. */
export interface Correction {
  from: string;
  to: string;
}

/**
 * Corrects typos in words of five letters or more against the planner's words (edit
 * distance 1, or 2 from ten letters on, a swap of two letters counting 1; a tie corrects
 * nothing, nor does a correction that only adds or drops a negating prefix).
 * Capitalised words inside the question are names and stay as written.
 */
export function correctTypos(
  question: string,
  vocab: Vocabulary,
): { text: string; corrections: Correction[] } {
  const known = new Set<string>([...TERMS, ...FILLER, ...READ_AS_IS]);
  const names = [...vocab.agents, ...vocab.queues, ...vocab.cities, ...vocab.dispositions]
    .map((n) => n.toLowerCase()).filter((n) => /^[\p{L}_]+$/u.test(n));
  for (const n of names) known.add(n);
  // Names are matched (with their own typo allowance) where the question names them.
  const pool = TERMS.filter((w) => w.length >= 4);
  const corrections: Correction[] = [];
  const expanded = question.replace(ABBREVIATION, (w) => {
    const to = ABBREVIATIONS[w.toLowerCase()];
    corrections.push({ from: w, to });
    return to;
  });
  const text = expanded.replace(/[\p{L}]{5,}/gu, (word, offset: number) => {
    const w = word.toLowerCase();
    if (known.has(w) || known.has(w.replace(/s$/u, "")) || known.has(`${w}s`)) return word;
    if (offset > 0 && /^\p{Lu}/u.test(word)) return word;
    const allow = w.length >= 10 ? 2 : 1;
    let best: string | null = null;
    let bestD = allow + 1;
    let tie = false;
    for (const c of pool) {
      if (Math.abs(c.length - w.length) > allow) continue;
      const d = editDistance(w, c, allow);
      if (d < bestD) {
        best = c;
        bestD = d;
        tie = false;
      } else if (d === bestD && c !== best) tie = true;
    }
    if (!best || tie || bestD > allow || negationOf(w, best)) return word;
    corrections.push({ from: word, to: best });
    return best;
  });
  return { text, corrections };
}
