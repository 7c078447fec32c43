/**
 * Values from the database made JSON-safe, for the model (ISO instants with the
 * business zone's offset) and for tables (local wall-clock time).
 */
import { localParts } from "../time/zone.ts";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** `d` in `tz` as ISO 8601 with the zone's offset: `2026-11-24T14:30:05+05:30`. */
export function isoLocal(d: Date, tz: string): string {
  const p = localParts(d, tz);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const offsetMin = Math.round((wall - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${
    pad(p.second)
  }${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `d` as local wall-clock time in `tz`, to the second: `2026-11-24 14:30:05`. */
export function wallTime(d: Date, tz: string): string {
  const p = localParts(d, tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Converts BSON values (ObjectId, Long, Decimal128…) and dates into plain JSON values. */
export function toJsonValue(v: unknown, tz: string, date: "iso" | "wall" = "iso"): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return null;
    return date === "iso" ? isoLocal(v, tz) : wallTime(v, tz);
  }
  if (typeof v === "bigint") return Number(v);
  if (typeof v !== "object") return v;
  const bsonType = (v as { _bsontype?: string })._bsontype;
  if (bsonType) {
    if (bsonType === "ObjectId" || bsonType === "ObjectID") {
      return (v as { toHexString(): string }).toHexString();
    }
    if (bsonType === "Long" || bsonType === "Int32" || bsonType === "Double") {
      return Number((v as { toString(): string }).toString());
    }
    if (bsonType === "Decimal128") return Number((v as { toString(): string }).toString());
    if (bsonType === "Binary") return "<binary>";
    return String(v);
  }
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, tz, date));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toJsonValue(x, tz, date);
  return out;
}

/** A table cell: scalars as they are, dates as local time, objects as compact JSON. */
export function toCell(v: unknown, tz: string): unknown {
  const j = toJsonValue(v, tz, "wall");
  if (j !== null && typeof j === "object") return JSON.stringify(j);
  return j;
}

/** The column type a value suggests (for tables built from raw documents). */
export function inferType(v: unknown): string {
  if (v instanceof Date) return "datetime";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  if (typeof v === "bigint") return "integer";
  return "string";
}
