/** A rule's filters in words, for its description, emails and notifications. */
import { durationLabel } from "../reports/filters.ts";
import { timeOfDayLabel } from "../reports/time_of_day.ts";
import type { DurationRange, ReportParams, TimeOfDay } from "../reports/types.ts";

/** `{queue: ["support"], direction: "incoming"}` → `["queue: support", "direction: incoming"]`. */
export function describeParams(params: ReportParams): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || k === "period") continue;
    if (k === "duration") out.push(`duration: ${durationLabel(v as DurationRange)}`);
    else if (k === "time_of_day") out.push(`time of day: ${timeOfDayLabel(v as TimeOfDay)}`);
    else if (k === "threshold_seconds") out.push(`answered within ${v}s`);
    else out.push(`${k}: ${Array.isArray(v) ? v.join(" or ") : String(v)}`);
  }
  return out;
}
