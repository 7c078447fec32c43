/**
 * The offline planner's own words: numbers, dimensions, superlatives, the words that
 * never name a thing from the data, and the metrics named by their own words
 * ("abandonment rate", "AHT", "top 5 customers").
 */
import type { Dimension } from "../../reports/types.ts";
import type { Metric, Parsed } from "./intent.ts";
import { ONE_TO_TWELVE_WORDS } from "../../time/words.ts";
import { COMMON_WORDS, type Hit } from "./text.ts";

/** Counts written as words. */
export const NUMBER_WORDS: Record<string, number> = {
  ...ONE_TO_TWELVE_WORDS,
  fifteen: 15,
  twenty: 20,
  fifty: 50,
  hundred: 100,
};
/** A count in digits or words, as a regular expression. */
export const NUM = `\\d{1,4}|${Object.keys(NUMBER_WORDS).join("|")}`;

/** A count from digits or words ("5", "five"). */
export function toNumber(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const n = /^\d+$/.test(s) ? Number(s) : NUMBER_WORDS[s.toLowerCase()];
  return n && n > 0 ? n : undefined;
}

/** Words of the planner's own grammar: never names of agents, queues or customers. */
export const GRAMMAR_WORDS = new Set(
  (
    "breakdown distribution split wise summary trend chart analysis performance stats " +
    "statistics each every per across between among named called customer customers caller " +
    "callers client clients queue queues agent agents disposition dispositions segment segments " +
    "city cities hour hours hourly day days daily weekday weekdays date dates status direction " +
    "percentage percent share rate ratio compare versus vs against from with for in on by " +
    "busiest peak quietest lowest highest most fewest least top had has have did does do got " +
    "received made handled answered missed failed incoming outgoing inbound outbound calls call " +
    "report excel today yesterday week month numbers phones based located living residing " +
    "situated area region"
  ).split(/\s+/),
);

/** True for words of the planner's grammar and common English words. */
export function isReservedWord(w: string): boolean {
  return COMMON_WORDS.has(w) || GRAMMAR_WORDS.has(w);
}

/**
 * Customers' phone numbers in words ("phone numbers", "caller numbers", "numbers" but not
 * "number of").
 */
export const PHONE_NUMBERS =
  "(?:phone|customer|caller|mobile|cell|contact|telephone)\\s+numbers?|numbers(?!\\s+of\\b)";

/** Dimensions in words, more specific forms first. */
export const DIMENSION_WORDS: [Dimension, string][] = [
  ["weekday", "weekdays?|days?\\s+of\\s+(?:the\\s+)?week|week\\s?days?"],
  [
    "hour",
    "hours?|hourly|time\\s+of\\s+(?:the\\s+)?day|times\\s+of\\s+(?:the\\s+)?day|time\\s*slots?|hour\\s+of\\s+(?:the\\s+)?day",
  ],
  ["day", "days?|daily|dates?|date[\\s-]?wise|day[\\s-]?wise"],
  ["agent", "agents?|reps?|representatives?|employees?|staff|users?"],
  ["queue", "queues?|departments?|teams?"],
  ["disposition", "dispositions?|outcomes?|wrap[\\s-]?up\\s+codes?|disposition\\s+codes?|results?"],
  ["status", "status(?:es)?|call\\s+status(?:es)?"],
  ["direction", "directions?"],
  ["segment", "customer\\s+segments?|segments?"],
  ["city", "city|cities|locations?"],
  ["customer", `customers?|callers?|clients?|${PHONE_NUMBERS}`],
];
/** Any dimension in words, as a regular expression. */
export const DIM_ALT = DIMENSION_WORDS.map(([, re]) => `(?:${re})`).join("|");
const DIM_EXACT = DIMENSION_WORDS.map(([dim, re]) =>
  [dim, new RegExp(`^(?:${re})$`, "u")] as const
);

/** The dimension a phrase names ("agents" → agent), or null. */
export function dimensionOf(phrase: string): Dimension | null {
  const p = phrase.trim().toLowerCase().replace(/\s+/g, " ");
  if (p === "time") return "hour"; // "what time do we get the most calls"
  for (const [dim, re] of DIM_EXACT) if (re.test(p)) return dim;
  return null;
}

/** Superlatives of the most, as a regular expression. */
export const SUP_MAX =
  "most|highest|max(?:imum)?|busiest|peak|top|largest|biggest|greatest|best|longest|heaviest";
/** Superlatives of the least, as a regular expression. */
export const SUP_MIN =
  "least|lowest|min(?:imum)?|fewest|quietest|smallest|shortest|worst|lightest|quickest|fastest";

// Metrics named by their own words

/** Who calls: customers, callers, clients or their numbers. */
const WHO_CALLS =
  `customers?|callers?|clients?|(?:phone\\s+|customer\\s+|caller\\s+|mobile\\s+)?numbers?`;

/** A metric named by its own words, and what else its words say. */
export interface MetricRule {
  metric: Metric;
  re: RegExp;
  apply?: (hit: Hit, p: Parsed) => void;
}

/** The metric rules, in the order they are tried. */
export const METRIC_RULES: MetricRule[] = [
  {
    metric: "service_level",
    re:
      /\b(?:service[\s-]?levels?|sla|svl)\b(?:\s+(?:of|at|with|within)\s+(?:a\s+)?(\d+)\s*(?:s|secs?|seconds?)\b)?/u,
    apply: (h, p) => {
      const t = toNumber(h.groups[0]);
      if (t !== undefined) p.threshold = t;
    },
  },
  {
    metric: "service_level",
    re:
      /\b(?:percentage|percent|share|proportion|how\s+many)?\s*(?:of\s+)?(?:calls?\s+)?answered\s+(?:within|in|under|below)\s+(\d+)\s*(?:s|secs?|seconds?)\b/u,
    apply: (h, p) => {
      const t = toNumber(h.groups[0]);
      if (t !== undefined) p.threshold = t;
    },
  },
  {
    // "slowest to answer", "takes the longest to pick up", "answers calls the fastest",
    // "longest wait time": how fast calls are answered (the superlative stays unread).
    metric: "asa",
    re:
      /\b(?:to|in)\s+(?:answer(?:ing)?|pick(?:ing)?\s+up)(?:\s+(?:the\s+|our\s+)?(?:calls?|phones?))?\b|\banswer(?:s|ed)?\s+(?:(?:the\s+|our\s+)?(?:calls?|phones?)\s+)?(?:the\s+)?(?=(?:slowest|fastest|quickest)\b)|\b(?:wait(?:ing)?|ring(?:ing)?)\s+times?\b/u,
  },
  {
    // "how long did callers wait (before being answered)": the average speed of answer.
    metric: "asa",
    re:
      /\b(?:on\s+average,?\s+)?how\s+long\s+(?:did|do|does|were|are|was|is|have)\s+(?:the\s+|our\s+)?(?:callers?|customers?|people|clients?|calls?)\s+(?:(?:been|kept|left)\s+)?(?:wait(?:ing)?|ring(?:ing)?|on\s+hold\s+before)\b(?:\s+(?:before|until|till)\s+(?:being\s+|they\s+were\s+|it\s+was\s+)?(?:answered|picked\s+up))?/u,
  },
  {
    metric: "asa",
    re:
      /\b(?:(?:average|avg|mean)\s+)?speed\s+(?:of|to)\s+answer(?:ing)?\b|\basa\b|\b(?:average|avg|mean)\s+(?:wait(?:ing)?|ring(?:ing)?|queue|answer(?:ing)?)\s*(?:time|seconds|duration)?\b|\b(?:average\s+)?time\s+to\s+answer\b|\bhow\s+(?:fast|quickly|long)\s+(?:do|did|does|are|were|is)\s+(?:we|calls|agents)\s+(?:answer(?:ed)?|pick(?:ed)?\s+up)\b/u,
  },
  {
    metric: "agent_performance",
    re: /\b(?:(?:average|avg|mean)\s+)?handl(?:e|ing)\s+times?\b|\baht\b/u,
    apply: (_h, p) => {
      p.focus = "aht";
    },
  },
  {
    metric: "agent_performance",
    re:
      /\b(?:(?:average|avg|mean)\s+)?(hold(?:ing)?|wrap[\s-]?ups?|after[\s-]call\s+work|acw)(?:\s+(?:times?|seconds|duration))?\b/u,
    apply: (h, p) => {
      p.focus = h.groups[0]!.startsWith("hold") ? "hold" : "wrap";
    },
  },
  {
    metric: "abandonment",
    re:
      /\b(?:abandon(?:ment|ed)?|missed(?:\s+calls?)?|drop(?:ped)?(?:\s+calls?)?)\s+(?:call\s+)?(?:rate|ratio|percentage|%)s?/u,
  },
  {
    metric: "answer_rate",
    re:
      /\b(?:answer(?:ed)?|pick[\s-]?up|success(?:ful)?|connect(?:ion|ed)?)\s+(?:call\s+)?(?:rate|ratio|percentage|%)s?/u,
  },
  {
    metric: "share",
    re: /\b(fail(?:ure|ed)?|busy|no[\s_-]?answer)\s+(?:call\s+)?(?:rate|ratio|percentage|%)s?/u,
    apply: (h, p) => {
      const w = h.groups[0]!;
      const value = w.startsWith("fail") ? "failed" : w === "busy" ? "busy" : "no_answer";
      p.share = { dim: "status", value };
    },
  },
  {
    metric: "talk_time",
    re:
      /\b(?:(total|average|avg|mean)\s+)?talk(?:ing)?[\s-]?(?:times?|seconds|duration)\b|\b(?:(total|average|avg|mean)\s+)?time\s+(?:spent\s+)?(?:on\s+(?:the\s+)?(?:calls?|phone)|talking)\b|\bspen[dt]\s+(?:(?:their|his|her|the)\s+)?(?:time\s+)?(?:talking|on\s+(?:the\s+)?(?:calls?|phone))\b|\btalked\b/u,
    apply: (h, p) => {
      const w = h.groups[0] ?? h.groups[1];
      if (w && w !== "total") p.focus = "avg";
    },
  },
  {
    metric: "duration",
    re:
      /\b(?:(average|avg|mean|total)\s+)?(?:call\s+)?(?:durations?|lengths?)(?:\s+stat(?:istic)?s)?\b|\b(longest|shortest)\s+calls?\b|\bhow\s+long\s+(?:were|are|did|do|was|is)\b/u,
    apply: (h, p) => {
      const w = h.groups[0] ?? h.groups[1];
      if (w === "longest") p.focus = "max";
      else if (w === "shortest") p.focus = "min";
      else if (w && w !== "total") p.focus = "avg";
    },
  },
  {
    metric: "unique_customers",
    re:
      /\b(?:(?:unique|distinct|different|individual)\s+(customers?|callers?|clients?|(?:phone\s+)?numbers?|people)|how\s+many\s+(customers|callers|clients|people))\b(?:\s+(?:(?:who|that)\s+)?(?:have\s+|has\s+|had\s+)?(called|phoned|rang|rung|contacted)\b(?!\s+(?:them|him|her|customers?|out)\b))?/u,
    apply: (h, p) => {
      // Callers, and customers who called: the customers who called us (incoming).
      const who = h.groups[0] ?? h.groups[1] ?? "";
      if (/^caller/.test(who) || h.groups[2]) p.filters.direction = "incoming";
    },
  },
  {
    metric: "top_customers",
    re: new RegExp(
      `\\btop\\s*(${NUM})?\\s+(?:${WHO_CALLS})\\b|\\b(?:which|what|who)\\s+(?:(${NUM})\\s+)?(?:${WHO_CALLS})?\\s*(?:called|call|calls|rang)\\s+(?:us\\s+)?(?:the\\s+)?most\\b|\\b(?:(${NUM})\\s+)?most\\s+(?:frequent|active|regular)\\s+(?:customers?|callers?|clients?)\\b|\\b(?:(${NUM})\\s+)?(?:${WHO_CALLS})\\s+(?:who|that|with)\\s+(?:called|call|calls|made|had)?\\s*(?:us\\s+)?(?:the\\s+)?most(?:\\s+calls)?\\b`,
      "u",
    ),
    apply: (h, p) => {
      const n = toNumber(h.groups.find((g) => g !== undefined));
      if (n !== undefined) p.limit = n;
    },
  },
  {
    // "how did quinn do last week", "how has agent priya been doing": one agent's performance.
    metric: "agent_performance",
    re:
      /\bhow\s+(?:did|does|is|was|has)(?=\s+(?:agent\s+)?(?!we\b|you\b|our\b|the\b|they\b|it\b|calls?\b)[\p{L}][\p{L}.]*\s+(?:been\s+)?(?:do|doing|done|fare|fared|faring)\b)/u,
  },
  {
    metric: "agent_performance",
    re:
      /\bagents?'?s?\s+(?:performance|productivity|stats|statistics|scorecards?|leaderboard|summary|metrics|kpis?|efficiency)\b|\b(?:performance|productivity|stats|statistics|scorecards?|leaderboard|metrics)\s+(?:of|for|by|per|across)\s+(?:the\s+|each\s+|all\s+|our\s+|every\s+)?agents?\b|\bhow\s+(?:are|were|is|was|did)\s+(?:the\s+|our\s+)?agents?\s+(?:doing|performing|perform|do)\b/u,
  },
];
