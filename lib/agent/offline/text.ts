/**
 * Text helpers of the offline planner: a question held as lower-case text whose
 * understood parts are blanked out as they are read ("consumed"), so later rules do not
 * read the same words twice, plus whole-word matching and a small edit distance.
 */

/** Characters that make up a word (letters, digits, underscore). */
const WORD = "[\\p{L}\\p{N}_]";

/** Escapes a string for use inside a regular expression. */
export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A pattern matching `phrase` as whole words, case-insensitive; spaces, hyphens and
 * underscores in the phrase match any of them ("follow_up" matches "follow-up").
 */
export function wordPattern(phrase: string): string {
  const parts = phrase.trim().toLowerCase().split(/[\s_-]+/).filter(Boolean).map(escapeRegExp);
  return `(?<!${WORD})${parts.join("[\\s_-]*")}(?!${WORD})`;
}

/** A match inside the question: where it starts, its text, and its capture groups. */
export interface Hit {
  index: number;
  text: string;
  groups: (string | undefined)[];
}

/**
 * The question being read: `text` is the lower-cased question with consumed parts
 * replaced by spaces (same length, so indexes stay aligned with `original`).
 */
export class Reading {
  readonly original: string;
  text: string;

  constructor(question: string) {
    this.original = normalizeQuestion(question);
    // Lower-cased character by character: a few characters change length when
    // lower-cased ("İ"); those stay as they are, so indexes stay aligned.
    this.text = Array.from(this.original, (c) => {
      const l = c.toLowerCase();
      return l.length === c.length ? l : c;
    }).join("");
  }

  /** First match of `re` in what is left, or null. */
  find(re: RegExp): Hit | null {
    const m = new RegExp(re.source, uniqueFlags(re.flags.replace("g", "") + "u")).exec(this.text);
    return m ? { index: m.index, text: m[0], groups: m.slice(1) } : null;
  }

  /** Every match of `re` in what is left. */
  findAll(re: RegExp): Hit[] {
    const out: Hit[] = [];
    for (const m of this.text.matchAll(new RegExp(re.source, uniqueFlags(re.flags + "gu")))) {
      out.push({ index: m.index!, text: m[0], groups: m.slice(1) });
    }
    return out;
  }

  /** True when `re` matches what is left. */
  has(re: RegExp): boolean {
    return this.find(re) !== null;
  }

  /** Blanks out `length` characters from `index`. */
  consumeAt(index: number, length: number): void {
    this.text = this.text.slice(0, index) + " ".repeat(length) + this.text.slice(index + length);
  }

  /** Blanks out a hit. */
  consume(hit: Hit): void {
    this.consumeAt(hit.index, hit.text.length);
  }

  /** Finds `re`, blanks out the match and returns it; null when it does not match. */
  take(re: RegExp): Hit | null {
    const hit = this.find(re);
    if (hit) this.consume(hit);
    return hit;
  }

  /** Finds every match of `re`, blanks them out and returns them. */
  takeAll(re: RegExp): Hit[] {
    const hits = this.findAll(re);
    for (const h of hits) this.consume(h);
    return hits;
  }

  /** The original (case-kept) text of a span. */
  slice(index: number, length: number): string {
    return this.original.slice(index, index + length);
  }

  /** The words left, in order, with their positions. */
  words(): { word: string; index: number }[] {
    const out: { word: string; index: number }[] = [];
    for (const m of this.text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}_.'’-]*/gu)) {
      out.push({ word: m[0].replace(/[.'’-]+$/, ""), index: m.index! });
    }
    return out;
  }
}

function uniqueFlags(flags: string): string {
  return [...new Set(flags.split(""))].join("");
}

/** Straight quotes and dashes, single spaces; same meaning, easier patterns. */
export function normalizeQuestion(q: string): string {
  return q
    .replace(/[‘’`]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[\u00a0\t\r\n]/g, " ");
}

/** Edit distance (insertions, deletions, substitutions, adjacent swaps), capped at `max + 1`. */
export function editDistance(a: string, b: string, max = 3): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, k) => k);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        cur[j] = Math.min(cur[j], before[j - 2] + 1); // "adtiya" / "aditya"
      }
      best = Math.min(best, cur[j]);
    }
    if (best > max) return max + 1;
    before = prev;
    prev = cur;
  }
  return Math.min(prev[b.length], max + 1);
}

/** How many typos a word of this length may carry and still match. */
export function typoAllowance(word: string): number {
  if (word.length >= 8) return 2;
  if (word.length >= 4) return 1;
  return 0;
}

/** The closest candidate within the typo allowance, or null (ties: null). */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const w = word.toLowerCase();
  const allow = typoAllowance(w);
  if (allow === 0) return null;
  let best: string | null = null;
  let bestD = allow + 1;
  let tie = false;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase(), allow);
    if (d < bestD) {
      best = c;
      bestD = d;
      tie = false;
    } else if (d === bestD) {
      tie = true;
    }
  }
  return bestD <= allow && !tie ? best : null;
}

/** Common words that never name an agent, queue, city… on their own (without a cue). */
export const COMMON_WORDS = new Set(
  (
    "a an the and or of for to in on at by with from about as is are was were be been do did " +
    "does done have has had how many much what which who whom whose when where why me my our " +
    "us we you your i it its this that these those there their them they all any each every " +
    "per vs versus compare show list give get find tell make made count number total calls call " +
    "rate time times day days hour hours week month year today yesterday now last next this " +
    "top max min most least best worst average avg mean sum report excel export data agent " +
    "agents queue queues customer customers status over under more less than not no yes please " +
    "may will can could would should just only also same new old up down out in into one two " +
    "three ten first second high low long short busy open close set run talk hold wait ring " +
    "answer answered missed failed incoming outgoing inbound outbound handle handled took take " +
    "takes taken got gets getting had having received receive make makes making called calling " +
    "see view let lets like want need who which what whose much very so too then than"
  ).split(/\s+/),
);
