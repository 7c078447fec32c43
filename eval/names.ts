/**
 * Made-up words and typos for the guard families: names that are far from every real
 * name of a dataset (so "unknown agent" questions cannot be read as a near miss of a real
 * agent), and one-edit misspellings of vocabulary words.
 */

/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * "outgoign" is one edit from "outgoing".
 */
export function editDistance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The words of names (`"New York"` → `new`, `york`, `new york`), lower case. */
export function nameTokens(names: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const name of names) {
    const low = name.trim().toLowerCase();
    if (!low) continue;
    out.add(low);
    for (const w of low.split(/[^\p{L}\p{N}]+/u)) if (w) out.add(w);
  }
  return out;
}

/**
 * True when `word` is at least `min` edits from every known token and neither holds the
 * other (so "tarana" is not far from "tara").
 */
export function isFar(word: string, known: Iterable<string>, min = 3): boolean {
  const w = word.toLowerCase();
  for (const k of known) {
    if (k.length >= 3 && (w.includes(k) || k.includes(w))) return false;
    if (editDistance(w, k) < min) return false;
  }
  return true;
}

const ONSETS = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr"]
  .concat(["gr", "kr", "pl", "st", "tr", "vl", "zh", "sk"]);
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ou"];
const CODAS = ["", "", "", "n", "r", "l", "x", "sk", "th", "m"];

/** A pronounceable made-up word of 2–3 syllables, lower case ("zorblat", "vantrik"). */
export function madeUpWord(random: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const syllables = 2 + Math.floor(random() * 2);
  let w = "";
  for (let k = 0; k < syllables; k++) w += pick(ONSETS) + pick(VOWELS) + pick(CODAS);
  return w;
}

/**
 * A made-up word at least `min` edits from every token of `known` (see `nameTokens`) and
 * not in `taken`; throws when none is found in many tries.
 */
export function unknownWord(
  random: () => number,
  known: ReadonlySet<string>,
  min = 3,
  taken: ReadonlySet<string> = new Set(),
): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const w = madeUpWord(random);
    if (w.length >= 5 && w.length <= 11 && !taken.has(w) && isFar(w, known, min)) return w;
  }
  throw new Error("Cannot make up a word far from every known name");
}

/** `word` with its first letter in upper case. */
export function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/**
 * A one-edit misspelling of a word of five or more letters: two adjacent letters swapped
 * after the first two ("outgoing" → "outgoign", "abandonment" → "abandonmnet"). Null when
 * the word is shorter or no swap changes it.
 */
export function typo(word: string, random: () => number): string | null {
  if (word.length < 5) return null;
  const spots: number[] = [];
  // Positions i (swap i and i+1), keeping the first two letters as typed.
  for (let i = 2; i < word.length - 1; i++) if (word[i] !== word[i + 1]) spots.push(i);
  if (spots.length === 0) return null;
  const i = spots[Math.floor(random() * spots.length)];
  return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}
