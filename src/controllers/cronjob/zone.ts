/**
 * Wall-clock time in an IANA time zone, as Go's time package computes it from the tz database, built
 * on Intl (available in workerd): reading a moment's local fields, and time.Date's mapping of local
 * fields back to a moment — including its choice for times that a DST change skips or repeats.
 */

export interface Wall {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

export const UTC = "UTC";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * time.LoadLocation: "" and "UTC" are UTC; any other name must be in the tz database. Throws Go's
 * "unknown time zone X" otherwise.
 */
export function loadLocation(name: string): string {
  if (name === "" || name === UTC) return UTC;
  try {
    formatter(name);
    return name;
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
}

export function wallClock(t: number, zone: string): Wall {
  if (zone === UTC) {
    const d = new Date(t);
    return {
      year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), weekday: d.getUTCDay(),
    };
  }
  const parts: Record<string, number> = {};
  for (const p of formatter(zone).formatToParts(new Date(t))) if (p.type !== "literal") parts[p.type] = Number(p.value);
  const { year, month, day, hour, minute, second } = parts;
  return { year, month, day, hour, minute, second, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** The zone's offset from UTC at moment `t`, in ms (east positive). */
export function offsetAt(t: number, zone: string): number {
  if (zone === UTC) return 0;
  const w = wallClock(t, zone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * time.Date(year, month, day, hour, min, sec, 0, zone): out-of-range fields normalise (month 13 is
 * January next year); a local time that does not exist or exists twice resolves as Go does — try the
 * offset in force at the local time read as UTC, and if the result falls outside it use the offset in
 * force there. New York, 2026-03-08 02:30 (skipped) → 01:30 EST; 2026-11-01 01:30 (twice) → 01:30 EDT.
 */
export function zonedDate(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  if (zone === UTC) return local;
  let offset = offsetAt(local, zone);
  if (offset !== 0) {
    const utc = local - offset;
    const there = offsetAt(utc, zone);
    if (there !== offset) offset = there;
  }
  return local - offset;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, "0");

/** Go's time.RFC3339 of `t` in `zone`: "2026-11-25T10:00:00+01:00", or "…Z" at offset zero. */
export function formatRFC3339(t: number, zone: string): string {
  const w = wallClock(t, zone);
  const offsetMinutes = Math.round(offsetAt(t, zone) / 60_000);
  const offset = offsetMinutes === 0 ? "Z" : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.trunc(offsetMinutes / 60))}:${pad(offsetMinutes % 60)}`;
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offset}`;
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's time.RFC1123Z in UTC: "Wed, 25 Nov 2026 00:01:00 +0000". */
export function formatRFC1123Z(t: number): string {
  const w = wallClock(t, UTC);
  return `${DAYS[w.weekday]}, ${pad(w.day)} ${MONTHS[w.month - 1]} ${pad(w.year, 4)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)} +0000`;
}
