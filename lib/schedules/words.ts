/**
 * Schedules in words for the Schedules page: an instant in the business zone with the zone
 * named, a report's period and filters, and a run's outcome. Pure, browser-safe.
 */
import type { RunAttempt, ScheduleRun } from "./types.ts";

const PERIOD_LABELS: Readonly<Record<string, string>> = {
  "today": "today so far",
  "yesterday": "yesterday",
  "this week": "this week so far",
  "last week": "last week",
  "this month": "this month so far",
  "last month": "last month",
  "last 7 days": "the last 7 days",
  "last 30 days": "the last 30 days",
  "this quarter": "this quarter so far",
  "last quarter": "last quarter",
};

/** A relative period in words ("last week", "this month so far"); "all data" when none. */
export function periodInWords(period: unknown): string {
  if (typeof period !== "string" || !period.trim()) return "all data";
  const p = period.trim().toLowerCase();
  return PERIOD_LABELS[p] ?? period.trim();
}

/** Locales asked for a zone's short name, in order ("IST" comes from en-IN). */
const NAME_LOCALES = ["en-US", "en-GB", "en-IN", "en-AU"];

function zoneShortName(d: Date, tz: string): string {
  for (const locale of NAME_LOCALES) {
    try {
      const part = new Intl.DateTimeFormat(locale, { timeZone: tz, timeZoneName: "short" })
        .formatToParts(d).find((x) => x.type === "timeZoneName")?.value ?? "";
      if (part && !/^(GMT|UTC)[+-−]/.test(part)) return part;
    } catch {
      return "";
    }
  }
  return "";
}

/**
 * An ISO instant in `tz`, with the zone named: "Mon 30 Nov 2026, 09:00 IST (Asia/Kolkata)".
 * The input itself when it cannot be read.
 */
export function instantInZone(iso: string, tz: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  let text: string;
  try {
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(d);
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
    text = `${get("weekday")} ${get("day")} ${get("month")} ${get("year")}, ` +
      `${get("hour")}:${get("minute")}`;
  } catch {
    return iso;
  }
  const short = zoneShortName(d, tz);
  return short ? `${text} ${short} (${tz})` : `${text} (${tz})`;
}

/** Report parameters that are filters: `agent: Asha or Ben`, in the order given. */
export function filtersInWords(params: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (k === "period" || v === undefined || v === null || v === "") continue;
    const values = Array.isArray(v) ? v.map(String) : [String(v)];
    if (!values.length) continue;
    const name = k === "group_by" ? "grouped by" : k === "limit" ? "top" : k.replace(/_/g, " ");
    out.push(`${name}: ${values.join(" or ")}`);
  }
  return out;
}

/** A run's outcome in words: "Sent", "Delivered to the inbox", "Failed", "Retrying"… */
export function runStatusInWords(status: ScheduleRun["status"] | RunAttempt["status"]): string {
  switch (status) {
    case "queued":
      return "Queued";
    case "sending":
      return "Sending";
    case "sent":
      return "Sent";
    case "inbox":
      return "Delivered to the inbox";
    case "failed":
      return "Failed";
    case "retrying":
      return "Retrying";
  }
}

/** True while a run may still change (queued, sending or retrying). */
export function runInProgress(status: ScheduleRun["status"]): boolean {
  return status === "queued" || status === "sending" || status === "retrying";
}
