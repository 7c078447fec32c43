/**
 * Regular expressions that cannot freeze the server. A query's `$regex` (and
 * `$regexMatch`, `$regexFind`, `$regexFindAll`, regexes in `$in`, `$nin`, `$all`)
 * comes from a user or a model, and a backtracking engine spends exponential time on
 * patterns such as `^(\w+\s?)*!$`: one `count` held the CPU for over 25 s.
 *
 * - Patterns with no quantifier and no alternation (`1234$`, `^rohit`, `quinn`) run
 *   on the native engine: without a choice to backtrack into, a match costs at most
 *   the pattern's length per position, and they are 5–30 times faster there.
 * - Everything else runs on RE2 (npm `re2js`, a port of RE2), which matches in time
 *   linear in the input whatever the pattern. RE2 has no lookarounds or
 *   backreferences: such patterns are refused with an error that says so.
 *
 * MongoDB's options `i`, `m`, `s`, `u` keep their meaning; `x` (extended) drops
 * unescaped white space and `#` comments outside character classes, as PCRE does.
 *
 * @module
 */
import { evalExpr } from "mingo/core";
import * as mingoQuery from "mingo/operators/query";
import { RE2JS } from "re2js";
import type { AnyObject, ExpressionOperator, Options, QueryOperator } from "mingo/types";
import type { OperatorOverrides } from "./mingo_context.ts";

/** A `$regex` pattern or options the engine cannot run. */
export class RegexError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RegexError";
  }
}

type Re2 = ReturnType<typeof RE2JS.compile>;

/** A RegExp whose matching runs on RE2: linear time in the input, whatever the pattern. */
export class SafeRegExp extends RegExp {
  readonly #re2: Re2;

  constructor(pattern: string, flags = "") {
    super(pattern, flags);
    let re2Flags = 0;
    if (flags.includes("i")) re2Flags |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes("m")) re2Flags |= RE2JS.MULTILINE;
    if (flags.includes("s")) re2Flags |= RE2JS.DOTALL;
    try {
      this.#re2 = RE2JS.compile(pattern, re2Flags);
    } catch (e) {
      throw new RegexError(
        `Cannot run the regular expression /${pattern}/: ${
          e instanceof Error ? e.message : String(e)
        }. Patterns run in linear time (RE2 syntax): lookaheads, lookbehinds and backreferences are not supported`,
      );
    }
  }

  /** Like `RegExp#exec`, on RE2 (no `g`/`y` state: the search starts at 0). */
  override exec(input: string): RegExpExecArray | null {
    return this.#re2.exec(String(input)) as RegExpExecArray | null;
  }

  /** The first match at or after `start` (indices into the whole `input`), or null. */
  execFrom(input: string, start: number): RegExpExecArray | null {
    const m = this.#re2.matcher(input);
    if (!m.find(start)) return null;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= m.groupCount(); i++) groups.push(m.group(i) ?? undefined);
    return Object.assign(groups, { index: m.start(), input }) as unknown as RegExpExecArray;
  }

  /** Like `RegExp#test`, on RE2's DFA. */
  override test(input: string): boolean {
    return this.#re2.test(String(input));
  }

  static override get [Symbol.species](): RegExpConstructor {
    return RegExp;
  }
}

const OPTION_LETTERS = "imsxu";

/** Drops unescaped white space and `#…` comments outside character classes (PCRE's `x`). */
export function stripExtended(pattern: string): string {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      out += c + pattern[++i];
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal.
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") out += pattern[++i];
      continue;
    }
    if (/\s/.test(c)) continue;
    if (c === "#") {
      while (i + 1 < pattern.length && pattern[i + 1] !== "\n") i++;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Whether `pattern` has no quantifier, alternation, lookaround or backreference, so
 * a backtracking engine matches it in time linear in the pattern per input position.
 */
export function isLiteralPattern(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      // Backreferences (\1, \k<name>) and escapes RE2 and JS read differently go to RE2.
      if (/[1-9k]/.test(next)) return false;
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (pattern[i + 1] === "^") i++;
      if (pattern[i + 1] === "]") i++;
      continue;
    }
    if ("*+?{|".includes(c)) return false;
    if (c === "(" && pattern[i + 1] === "?") {
      // Only non-capturing groups; lookarounds and named groups go to RE2.
      if (pattern[i + 2] !== ":") return false;
      i += 2;
    }
  }
  return !inClass;
}

const cache = new Map<string, RegExp>();
const CACHE_SIZE = 256;

/**
 * A regex for MongoDB `pattern` and `options` that matches in linear time: a native
 * RegExp for literal patterns, else a {@link SafeRegExp}. Throws a {@link RegexError}
 * for unknown options and patterns neither engine accepts.
 */
export function compileRegex(pattern: string, options = ""): RegExp {
  if (typeof pattern !== "string") throw new RegexError("$regex has to be a string");
  if (typeof options !== "string") throw new RegexError("$options has to be a string");
  for (const c of options) {
    if (!OPTION_LETTERS.includes(c)) {
      throw new RegexError(`Invalid flag in regex options: ${c} (allowed: i, m, s, x, u)`);
    }
  }
  const key = `${options}/${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const source = options.includes("x") ? stripExtended(pattern) : pattern;
  const flags = [...new Set(options.replace("x", ""))].join("");
  let re: RegExp;
  try {
    re = isLiteralPattern(source) ? new RegExp(source, flags) : new SafeRegExp(source, flags);
  } catch (e) {
    if (e instanceof RegexError) throw e;
    throw new RegexError(`Invalid regular expression /${source}/: ${(e as Error).message}`);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, re);
  return re;
}

/** A stand-in for `re` that only answers whether a string matches (no captures: faster). */
function asTester(re: RegExp): RegExp {
  return { exec: (s: string) => re.test(s) ? [s] : null } as unknown as RegExp;
}

/** `re` as a linear-time regex: itself when it is one already, else recompiled. */
export function toSafeRegex(re: RegExp): RegExp {
  if (re instanceof SafeRegExp) return re;
  const flags = [...re.flags].filter((f) => "imsu".includes(f)).join("");
  if (flags === re.flags && isLiteralPattern(re.source)) return re;
  return compileRegex(re.source, flags);
}

// ---------------------------------------------------------------------------------------
// mingo operators that match regexes through this module

/** The first match of `re` in `input` at or after `start`, or null. */
function searchFrom(
  re: RegExp,
  input: string,
  start: number,
): { index: number; match: string; captures: (string | null)[] } | null {
  let m: RegExpExecArray | null;
  if (re instanceof SafeRegExp) {
    m = re.execFrom(input, start);
  } else {
    const g = new RegExp(re.source, re.flags.replace(/[gy]/g, "") + "g");
    g.lastIndex = start;
    m = g.exec(input);
  }
  if (!m) return null;
  return {
    index: m.index,
    match: m[0],
    captures: Array.from({ length: m.length - 1 }, (_, i) => m[i + 1] ?? null),
  };
}

/** `$regexFind` / `$regexFindAll` results of `{input, regex, options}`. */
export function regexSearch(
  args: unknown,
  global: boolean,
): { match: string; idx: number; captures: (string | null)[] }[] {
  if (args === null || typeof args !== "object") {
    throw new RegexError("$regexFind, $regexFindAll and $regexMatch take {input, regex, options}");
  }
  const { input, regex, options } = args as { input?: unknown; regex?: unknown; options?: unknown };
  if (typeof input !== "string") return [];
  let re: RegExp;
  if (regex instanceof RegExp) {
    re = options === undefined || options === null
      ? toSafeRegex(regex)
      : compileRegex(regex.source, String(options));
  } else if (typeof regex === "string") {
    re = compileRegex(regex, options === undefined || options === null ? "" : String(options));
  } else {
    throw new RegexError("The regex of $regexFind, $regexFindAll and $regexMatch must be a string");
  }
  const out: { match: string; idx: number; captures: (string | null)[] }[] = [];
  let pos = 0;
  while (pos <= input.length) {
    const m = searchFrom(re, input, pos);
    if (!m) break;
    out.push({ match: m.match, idx: m.index, captures: m.captures });
    if (!global) break;
    // An empty match moves on by one character, so the search always ends.
    pos = m.index + Math.max(m.match.length, 1);
  }
  return out;
}

function safeList(value: unknown): unknown {
  return Array.isArray(value) ? value.map((v) => v instanceof RegExp ? toSafeRegex(v) : v) : value;
}

type LooseQueryOperator = (
  selector: string,
  value: unknown,
  options: Options,
) => (doc: AnyObject) => boolean;
type LooseExpressionOperator = (obj: AnyObject, expr: unknown, options: Options) => unknown;

const mingoRegex = mingoQuery.$regex as unknown as LooseQueryOperator;
const mingoIn = mingoQuery.$in as unknown as LooseQueryOperator;
const mingoNin = mingoQuery.$nin as unknown as LooseQueryOperator;
const mingoAll = mingoQuery.$all as unknown as LooseQueryOperator;
const evaluate = evalExpr as unknown as LooseExpressionOperator;

/**
 * Query and expression operators for the engine's mingo context: mingo's own, with every
 * regex they match through this module.
 */
export const safeRegexOperators: Required<Pick<OperatorOverrides, "query" | "expression">> = {
  query: {
    $regex: ((selector, value, options) =>
      mingoRegex(
        selector,
        value instanceof RegExp ? asTester(toSafeRegex(value)) : value,
        options,
      )) as LooseQueryOperator,
    $in:
      ((selector, value, options) =>
        mingoIn(selector, safeList(value), options)) as LooseQueryOperator,
    $nin:
      ((selector, value, options) =>
        mingoNin(selector, safeList(value), options)) as LooseQueryOperator,
    $all:
      ((selector, value, options) =>
        mingoAll(selector, safeList(value), options)) as LooseQueryOperator,
  } as unknown as Record<string, QueryOperator>,
  expression: {
    $regexMatch:
      ((obj, expr, options) =>
        regexSearch(evaluate(obj, expr, options), false).length > 0) as LooseExpressionOperator,
    $regexFind:
      ((obj, expr, options) =>
        regexSearch(evaluate(obj, expr, options), false)[0] ?? null) as LooseExpressionOperator,
    $regexFindAll:
      ((obj, expr, options) =>
        regexSearch(evaluate(obj, expr, options), true)) as LooseExpressionOperator,
  } as unknown as Record<string, ExpressionOperator>,
};
