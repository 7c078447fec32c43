/**
 * Message times in the business time zone, with the zone named: `14:32 IST` today,
 * `23 Nov, 14:32 IST` on another day, and a full title for the tooltip. Pure functions,
 * the same on the server and in the browser.
 */

/** Locales tried, in order, for a zone's short name that is not a bare offset. */
const NAME_LOCALES = ["en-US", "en-GB", "en-IN", "en-AU"];

function formatter(
  locale: string,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat(locale, { ...options, timeZone });
  } catch {
    return null;
  }
}

function part(f: Intl.DateTimeFormat, at: Date, type: Intl.DateTimeFormatPartTypes): string {
  return f.formatToParts(at).find((p) => p.type === type)?.value ?? "";
}

/**
 * The short name of `timeZone` at `at`: `IST`, `EST`, `CET`, `AEDT`, `UTC`… where one of a
 * few English locales has a name, else the offset (`GMT+8`). Unknown zones give "".
 */
export function zoneAbbreviation(timeZone: string | undefined, at: Date): string {
  let offset = "";
  for (const locale of NAME_LOCALES) {
    const f = formatter(locale, timeZone, { timeZoneName: "short" });
    if (!f) return "";
    const name = part(f, at, "timeZoneName");
    if (name && !/^(GMT|UTC)[+-−]/.test(name)) return name;
    offset ||= name;
  }
  return offset;
}

/** The long name of a zone at `at` (`India Standard Time`), or "". */
export function zoneLongName(timeZone: string | undefined, at: Date): string {
  const f = formatter("en-US", timeZone, { timeZoneName: "long" });
  return f ? part(f, at, "timeZoneName") : "";
}

/** A message time as shown, and its tooltip. */
export interface MessageTime {
  /** `14:32 IST`, or `23 Nov, 14:32 IST` when not on `now`'s day (with the year when not this year). */
  text: string;
  /** `Tue 24 Nov 2026, 14:32:05 India Standard Time (Asia/Kolkata)`. */
  title: string;
}

/**
 * Formats an ISO instant for a message in `timeZone` (the browser's when undefined), said
 * relative to `now`. Null when the instant or the zone cannot be read.
 */
export function messageTime(
  iso: string,
  options: { timeZone?: string; now: Date },
): MessageTime | null {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  const { timeZone, now } = options;
  const day = formatter("en-GB", timeZone, { year: "numeric", month: "short", day: "numeric" });
  const clock = formatter("en-GB", timeZone, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  const full = formatter("en-GB", timeZone, {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  if (!day || !clock || !full) return null;
  const zone = zoneAbbreviation(timeZone, at);
  const hm = `${clock.format(at)}${zone ? ` ${zone}` : ""}`;
  let text = hm;
  if (day.format(at) !== day.format(now)) {
    const sameYear = part(day, at, "year") === part(day, now, "year");
    const date = `${part(day, at, "day")} ${part(day, at, "month")}${
      sameYear ? "" : ` ${part(day, at, "year")}`
    }`;
    text = `${date}, ${hm}`;
  }
  const long = zoneLongName(timeZone, at);
  const zoneId = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const title = `${full.format(at)}${long ? ` ${long}` : ""}${zoneId ? ` (${zoneId})` : ""}`;
  return { text, title };
}
