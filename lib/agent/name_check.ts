/**
 * Names in report parameters checked against the data before a report runs, so an unknown
 * agent, queue, disposition, city, segment or customer name is asked back about instead
 * of answered with an empty (or silently wider) result. Agents, queues, dispositions,
 * cities and segments come from the offline planner's vocabulary (one cache per data
 * client); a customer name is looked up in `address_book` with one query.
 *
 * Checking never blocks a report: when the data cannot be read in time, nothing is
 * reported unknown.
 */
import { CUSTOMERS, type DataClient, type Document } from "../data/types.ts";
import { containsCaseless, looksLikePhone } from "../reports/filters.ts";
import type { ReportParams } from "../reports/types.ts";
import { editDistance } from "./offline/text.ts";
import { type Vocabulary, vocabularyFor } from "./offline/vocabulary.ts";

/** The parameters whose values are names checked against the data. */
export type NameField = "agent" | "queue" | "disposition" | "city" | "segment" | "customer";

/** A value that names nothing in the data. */
export interface UnknownName {
  field: NameField;
  /** The value as given (trimmed). */
  value: string;
  /** The closest known values, nearest first (at most 3). */
  suggestions: string[];
  /** Every known value of the field, sorted (empty for customers: they are many). */
  known: string[];
}

/** Options of {@link checkNames}. */
export interface NameCheckOptions {
  /** The tool call's signal: an aborted call stops waiting. */
  signal?: AbortSignal;
  /** How long the check may wait for the data (default {@link NAME_CHECK_TIMEOUT_MS}). */
  timeoutMs?: number;
}

/** How long a name check waits for the vocabulary or the address book, at most. */
export const NAME_CHECK_TIMEOUT_MS = 5_000;
/** Suggestions offered per unknown value, at most. */
export const MAX_SUGGESTIONS = 3;
/** Known values listed in a message, at most. */
export const MAX_LISTED = 20;
/** Customer names read for suggestions, at most. */
const MAX_CUSTOMER_CANDIDATES = 5_000;

const VOCABULARY_FIELDS: Record<
  Exclude<NameField, "customer">,
  keyof Vocabulary
> = {
  agent: "agents",
  queue: "queues",
  disposition: "dispositions",
  city: "cities",
  segment: "segments",
};

const PLURALS: Record<NameField, string> = {
  agent: "agents",
  queue: "queues",
  disposition: "dispositions",
  city: "cities",
  segment: "segments",
  customer: "customers",
};

export { vocabularyFor };

/** How far a candidate may be from `value` and still be suggested. */
export function suggestionDistance(value: string): number {
  return Math.max(2, Math.floor(value.length / 3));
}

/**
 * The known values closest to `value` by edit distance (ignoring case): at most
 * `max`, within {@link suggestionDistance}, nearest first, then alphabetically.
 */
export function closestNames(
  value: string,
  candidates: Iterable<string>,
  max = MAX_SUGGESTIONS,
): string[] {
  const v = value.trim().toLowerCase();
  const allow = suggestionDistance(v);
  const seen = new Set<string>();
  const found: { name: string; d: number }[] = [];
  for (const c of candidates) {
    const k = c.toLowerCase();
    if (seen.has(k) || k === v) continue;
    seen.add(k);
    const d = editDistance(v, k, allow);
    if (d <= allow) found.push({ name: c, d });
  }
  found.sort((a, b) => a.d - b.d || a.name.localeCompare(b.name));
  return found.slice(0, max).map((f) => f.name);
}

function valueOf(params: ReportParams, field: NameField): string | null {
  const v = (params as Record<string, unknown>)[field];
  if (typeof v !== "string" && typeof v !== "number") return null;
  const t = String(v).trim();
  return t === "" ? null : t;
}

/** Every value of a field given as one name or a list of names (trimmed, blanks dropped). */
function valuesOf(params: ReportParams, field: NameField): string[] {
  const v = (params as Record<string, unknown>)[field];
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of list) {
    if (typeof x !== "string" && typeof x !== "number") continue;
    const t = String(x).trim();
    if (t !== "" && !out.includes(t)) out.push(t);
  }
  return out;
}

/**
 * The agent, queue, disposition, city and segment values of `params` that are not in
 * `vocabulary` (ignoring case); each value of a list is checked. A field the vocabulary
 * holds nothing for is not checked.
 */
export function unknownVocabularyNames(
  params: ReportParams,
  vocabulary: Vocabulary,
): UnknownName[] {
  const out: UnknownName[] = [];
  for (const [field, key] of Object.entries(VOCABULARY_FIELDS) as [NameField, keyof Vocabulary][]) {
    const known = vocabulary[key];
    if (!known.length) continue;
    for (const value of valuesOf(params, field)) {
      const v = value.toLowerCase();
      if (known.some((k) => k.toLowerCase() === v)) continue;
      out.push({ field, value, suggestions: closestNames(value, known), known: [...known] });
    }
  }
  return out;
}

/**
 * Checks a customer given by name (not a phone number) against `address_book` with one
 * query: known when a name contains it ignoring case (as the report's filter matches);
 * else the closest names of about its length are suggested. Null when it is known or a
 * phone number. Throws when the query fails.
 */
export async function checkCustomerName(
  client: DataClient,
  customer: string,
  signal?: AbortSignal,
): Promise<UnknownName | null> {
  const value = customer.trim();
  if (value === "" || looksLikePhone(value)) return null;
  const len = [...value].length;
  const allow = suggestionDistance(value);
  const nearLength = {
    $expr: {
      $cond: [
        { $eq: [{ $type: "$name" }, "string"] },
        { $lte: [{ $abs: { $subtract: [{ $strLenCP: "$name" }, len] } }, allow] },
        false,
      ],
    },
  };
  const res = await client.aggregate(CUSTOMERS, [
    {
      $facet: {
        hit: [{ $match: containsCaseless("name", value) }, { $limit: 1 }, {
          $project: { _id: 0, name: 1 },
        }],
        near: [
          { $match: nearLength },
          { $group: { _id: "$name" } },
          { $limit: MAX_CUSTOMER_CANDIDATES },
        ],
      },
    },
  ], { signal });
  const doc = res.documents[0] as Document | undefined;
  if (!doc) throw new Error("The address book lookup returned nothing");
  if (Array.isArray(doc.hit) && doc.hit.length) return null;
  const names = (Array.isArray(doc.near) ? doc.near : [])
    .map((d) => (d as Document)?._id)
    .filter((n): n is string => typeof n === "string" && n.trim() !== "");
  return { field: "customer", value, suggestions: closestNames(value, names), known: [] };
}

/** Waits for `p` until `signal` aborts (the work behind `p` goes on). */
function until<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener("abort", stop, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", stop));
  });
}

/**
 * Every name in `params` that the data does not hold: vocabulary fields against the
 * cached vocabulary of `client`, a customer name against the address book. Whatever
 * cannot be read within the deadline (or fails) is not checked: the report runs as
 * before.
 */
export async function checkNames(
  client: DataClient,
  params: ReportParams,
  opts: NameCheckOptions = {},
): Promise<UnknownName[]> {
  const needsVocabulary = (Object.keys(VOCABULARY_FIELDS) as NameField[])
    .some((f) => valuesOf(params, f).length > 0);
  const customer = valueOf(params, "customer");
  const needsCustomer = customer !== null && !looksLikePhone(customer);
  if (!needsVocabulary && !needsCustomer) return [];

  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new Error("The name check timed out")),
    opts.timeoutMs ?? NAME_CHECK_TIMEOUT_MS,
  );
  const onAbort = () => deadline.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  if (opts.signal?.aborted) onAbort();
  try {
    const [fromVocabulary, fromCustomer] = await Promise.all([
      needsVocabulary
        // The load is not tied to this call, so a slow first load still fills the cache.
        ? until(vocabularyFor(client).get(), deadline.signal)
          .then((v) => unknownVocabularyNames(params, v), () => [])
        : Promise.resolve([]),
      needsCustomer
        ? until(checkCustomerName(client, customer, deadline.signal), deadline.signal)
          .catch(() => null)
        : Promise.resolve(null),
    ]);
    return fromCustomer ? [...fromVocabulary, fromCustomer] : fromVocabulary;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

function quoted(u: UnknownName): string {
  return u.field === "customer"
    ? `No customer named "${u.value}" in the address book`
    : `No ${u.field} named "${u.value}"`;
}

/** The known values for a message: at most {@link MAX_LISTED}, with the total. */
function knownList(known: string[]): string {
  const shown = known.slice(0, MAX_LISTED).join(", ");
  return known.length > MAX_LISTED ? `${shown}, … (${known.length})` : `${shown} (${known.length})`;
}

/** One line for the `outcome` event: `No agent named "jonathan"`. */
export function unknownNamesReason(unknown: UnknownName[]): string {
  return unknown.map(quoted).join("; ");
}

/**
 * The error message for the model: each unknown value with its closest matches and the
 * known values, then what to do: `No agent named "jonathan". Did you mean: jonas, johan?
 * Agents are: aditya, anjali, … (16). Ask the user which one they meant; do not answer
 * for all agents.`
 */
export function unknownNamesMessage(unknown: UnknownName[]): string {
  const parts: string[] = [];
  for (const u of unknown) {
    parts.push(`${quoted(u)}.`);
    if (u.suggestions.length) parts.push(`Did you mean: ${u.suggestions.join(", ")}?`);
    if (u.known.length) {
      const plural = PLURALS[u.field];
      parts.push(`${plural[0].toUpperCase()}${plural.slice(1)} are: ${knownList(u.known)}.`);
    }
  }
  const fields = [...new Set(unknown.map((u) => `all ${PLURALS[u.field]}`))];
  parts.push(
    `Ask the user which one they meant; do not answer for ${fields.join(" or ")}.`,
  );
  return parts.join(" ");
}
