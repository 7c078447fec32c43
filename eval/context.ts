/**
 * What every question family of the generated evaluation reads: the calls and customers
 * as plain rows in the business zone, the frozen clock, the named periods, a PRNG per
 * family; and the shapes of the items it writes (the format of `questions.jsonl`).
 */
import {
  type CallRow,
  callRows,
  type CustomerRow,
  customerRows,
  type DayRange,
  type Doc,
  type Periods,
  periodsAt,
  within,
} from "./calls.ts";
import { dateOf, readLocal } from "./local_time.ts";
import type { Expectation, Pred } from "./stats.ts";
import { randomFor } from "./wording.ts";

/** One line of an evaluation file. */
export interface EvalItem {
  id: string;
  /** Frozen clock, ISO 8601 UTC. */
  now: string;
  /** Business time zone (IANA). */
  tz: string;
  turns: string[];
  /** Per turn: the expectations, or null when the turn is not checked. */
  expect: (Expectation[] | null)[];
  /** The family's name first, then what the question exercises. */
  tags: string[];
}

/** Which families a set holds: the public set's, the guard's (`guard.ts`), or both. */
export type FamilySelection = "public" | "guard" | "all";

/** What to build the set from. */
export interface BuildOptions {
  /** `calling_cdr` documents. */
  calls: readonly Doc[];
  /** `address_book` documents. */
  customers: readonly Doc[];
  /** The frozen clock the questions are asked at. */
  now: Date;
  /** Business time zone (IANA). */
  tz: string;
  /** Chooses wordings and picks (default 1): same seed and data, same set. */
  seed?: number;
  /** Prefix of the item ids (default `gen`): `gen-01` …, `gen-quarter-1` … */
  idPrefix?: string;
  /** The families to build (default `public`). */
  families?: FamilySelection;
}

/** A family's question: turns, expectations, tags. */
export interface Question {
  turns: string[];
  expect: (Expectation[] | null)[];
  tags: string[];
}

/** The data and clock a family builds its questions from. */
export interface Context {
  calls: CallRow[];
  customers: CustomerRow[];
  nowMs: number;
  tz: string;
  /** Today's local day number. */
  today: number;
  currentYear: number;
  periods: Periods;
  /** The first and last local day holding a call. */
  firstDay: number;
  lastDay: number;
  /** A PRNG for one family. */
  random: (family: string) => () => number;
}

/** The context of `opts` (calls after now are dropped: no period reaches past now). */
export function makeContext(opts: BuildOptions): Context {
  const nowMs = opts.now.getTime();
  if (Number.isNaN(nowMs)) {
    throw new RangeError("Cannot build the evaluation set: now is not a date");
  }
  const calls = callRows(opts.calls, opts.tz).filter((x) => x.start <= nowMs);
  const today = readLocal(nowMs, opts.tz).day;
  let firstDay = Infinity;
  let lastDay = -Infinity;
  for (const x of calls) {
    if (x.day < firstDay) firstDay = x.day;
    if (x.day > lastDay) lastDay = x.day;
  }
  const seed = opts.seed ?? 1;
  return {
    calls,
    customers: customerRows(opts.customers),
    nowMs,
    tz: opts.tz,
    today,
    currentYear: dateOf(today).year,
    periods: periodsAt(nowMs, opts.tz),
    firstDay,
    lastDay,
    random: (family) => randomFor(seed, family),
  };
}

/** Calls inside the local days of `range` (all data when null), none after now. */
export function inP(c: Context, range: DayRange | null): Pred {
  return (call) => within(call, range, c.nowMs);
}
