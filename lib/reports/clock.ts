/**
 * Clock times of the `time_of_day` filter, with no imports but types: the catalog, the
 * offline planner and the chat's pickers (in the browser) read and say them alike.
 *
 * @module
 */
import type { TimeOfDay } from "./types.ts";

/**
 * Minutes after midnight of a clock time: "14:00", "9:30", "14", "2pm", "2:30 pm", "noon",
 * "midnight", or a number of hours (14); "24:00" only when `end`. Null when not a time.
 */
export function clockMinutes(v: unknown, end = false): number | null {
  let h: number, m = 0;
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return null;
    h = v;
  } else if (typeof v === "string") {
    const t = v.trim().toLowerCase().replace(/\./g, "");
    if (t === "noon" || t === "midday") return 720;
    if (t === "midnight") return end ? 1440 : 0;
    const x = t.match(/^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/);
    if (!x) return null;
    h = Number(x[1]);
    m = x[2] === undefined ? 0 : Number(x[2]);
    if (x[3]) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (x[3] === "pm" ? 12 : 0);
    }
  } else return null;
  if (m > 59 || h < 0 || h > 24 || (h === 24 && (m > 0 || !end))) return null;
  return h * 60 + m;
}

/** Minutes after midnight as "HH:MM" ("24:00" for 1440). */
export function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${
    String(minutes % 60).padStart(2, "0")
  }`;
}

/** "14:00–16:00"; a window past midnight reads "22:00–06:00 (overnight)". */
export function timeOfDayLabel(t: TimeOfDay): string {
  const wraps = (clockMinutes(t.from) ?? 0) > (clockMinutes(t.to, true) ?? 1440);
  return `${t.from}–${t.to}${wraps ? " (overnight)" : ""}`;
}
