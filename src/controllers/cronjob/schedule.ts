/**
 * Cron schedules exactly as the CronJob controller reads them: robfig/cron v3's ParseStandard — five
 * fields (minute hour day-of-month month day-of-week; `*` `?` ranges `a-b`, steps `/n`, lists, JAN–DEC
 * and SUN–SAT names; day-of-week 0–6), the descriptors @yearly @annually @monthly @weekly @daily
 * @midnight @hourly and `@every <duration>`, and a `TZ=`/`CRON_TZ=` prefix — with its error messages
 * and its Next(): the first matching second after `t`, walking the wall clock of the schedule's zone
 * as robfig does (so DST gaps and repeats behave as upstream). No time within five years → undefined.
 */
import { UTC, loadLocation, wallClock, zonedDate, type Wall } from "./zone";

export interface Schedule {
  /** The first activation strictly after `t` (ms since the epoch), or undefined if none within five years. */
  next(t: number): number | undefined;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1, max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** A field's allowed values, and robfig's "star bit": the field was `*` or `?` (no step). */
interface Field {
  values: Set<number>;
  star: boolean;
}

const all = (b: Bounds): Field => ({ values: range(b.min, b.max, 1), star: true });
const only = (...values: number[]): Field => ({ values: new Set(values), star: false });

function range(start: number, end: number, step: number): Set<number> {
  const s = new Set<number>();
  for (let i = start; i <= end; i += step) s.add(i);
  return s;
}

/** strconv.Atoi, with its error text. */
function atoi(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`failed to parse int from ${text}: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
  return Number(text);
}

function mustParseInt(text: string): number {
  const n = atoi(text);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${text}`);
  return n;
}

function parseIntOrName(text: string, names?: Record<string, number>): number {
  const named = names?.[text.toLowerCase()];
  return named !== undefined ? named : mustParseInt(text);
}

/** getRange: `*`, `?`, `n`, `a-b`, each with an optional `/step` (`n/step` means n through max). */
function getRange(expr: string, b: Bounds, field: Field): void {
  const rangeAndStep = expr.split("/");
  const lowAndHigh = rangeAndStep[0].split("-");
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === "*" || lowAndHigh[0] === "?") {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0], b.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], b.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new Error(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (const v of range(start, end, step)) field.values.add(v);
  field.star ||= star;
}

/** getField: a comma-separated list of ranges (empty elements ignored, as strings.FieldsFunc does). */
function getField(text: string, b: Bounds): Field {
  const field: Field = { values: new Set(), star: false };
  for (const expr of text.split(",").filter((s) => s !== "")) getRange(expr, b, field);
  return field;
}

class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    private readonly zone: string,
  ) {}

  /** dayMatches: both day fields must match when either is `*`; otherwise either may. */
  private dayMatches(w: Wall): boolean {
    const domMatch = this.dom.values.has(w.day);
    const dowMatch = this.dow.values.has(w.weekday);
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(from: number): number | undefined {
    const zone = this.zone;
    let t = Math.floor(from / 1000) * 1000 + 1000;
    let w = wallClock(t, zone);
    const yearLimit = w.year + 5;
    let added = false;
    const set = (ms: number) => {
      t = ms;
      w = wallClock(t, zone);
    };
    wrap: for (;;) {
      if (w.year > yearLimit) return undefined;
      while (!this.month.values.has(w.month)) {
        if (!added) {
          added = true;
          set(zonedDate(w.year, w.month, 1, 0, 0, 0, zone));
        }
        set(zonedDate(w.year, w.month + 1, w.day, w.hour, w.minute, w.second, zone));
        if (w.month === 1) continue wrap;
      }
      while (!this.dayMatches(w)) {
        if (!added) {
          added = true;
          set(zonedDate(w.year, w.month, w.day, 0, 0, 0, zone));
        }
        set(zonedDate(w.year, w.month, w.day + 1, w.hour, w.minute, w.second, zone));
        // Midnight may not exist on a DST day: step back to it (or on to the next one).
        if (w.hour !== 0) set(t + (w.hour > 12 ? 24 - w.hour : -w.hour) * 3_600_000);
        if (w.day === 1) continue wrap;
      }
      while (!this.hour.values.has(w.hour)) {
        if (!added) {
          added = true;
          set(zonedDate(w.year, w.month, w.day, w.hour, 0, 0, zone));
        }
        set(t + 3_600_000);
        if (w.hour === 0) continue wrap;
      }
      while (!this.minute.values.has(w.minute)) {
        if (!added) {
          added = true;
          set(Math.floor(t / 60_000) * 60_000);
        }
        set(t + 60_000);
        if (w.minute === 0) continue wrap;
      }
      // ParseStandard fixes the seconds field at 0.
      while (w.second !== 0) {
        if (!added) {
          added = true;
          set(Math.floor(t / 1000) * 1000);
        }
        // Whole-minute offsets: jump to the next minute rather than walk 60 seconds.
        set(t + (60 - w.second) * 1000);
        if (w.second === 0) continue wrap;
      }
      return t;
    }
  }
}

/** ConstantDelaySchedule (`@every`): whole seconds, at least one. */
class EverySchedule implements Schedule {
  constructor(private readonly delayMs: number) {}
  next(t: number): number {
    return Math.floor(t / 1000) * 1000 + this.delayMs;
  }
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in ms: "1h30m", "90s", "1.5h". */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s[0] === "-" ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") throw invalid();
  let total = 0;
  while (s !== "") {
    const m = /^(\d*)(\.\d*)?/.exec(s)!;
    if (m[0] === "" || m[0] === ".") throw invalid();
    s = s.slice(m[0].length);
    const unit = /^[^\d.]+/.exec(s)?.[0];
    if (!unit) throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    if (!(unit in UNITS)) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`);
    s = s.slice(unit.length);
    total += Number(m[0]) * UNITS[unit];
  }
  return sign * total;
}

/** robfig Every(): below one second becomes one second; fractions of a second are dropped. */
function every(durationMs: number): Schedule {
  const ms = durationMs < 1000 ? 1000 : durationMs - (durationMs % 1000);
  return new EverySchedule(ms);
}

function parseDescriptor(descriptor: string, zone: string): Schedule {
  const spec = (minute: Field, hour: Field, dom: Field, month: Field, dow: Field) => new SpecSchedule(minute, hour, dom, month, dow, zone);
  switch (descriptor) {
    case "@yearly":
    case "@annually":
      return spec(only(0), only(0), only(1), only(1), all(DOW));
    case "@monthly":
      return spec(only(0), only(0), only(1), all(MONTHS), all(DOW));
    case "@weekly":
      return spec(only(0), only(0), all(DOM), all(MONTHS), only(0));
    case "@daily":
    case "@midnight":
      return spec(only(0), only(0), all(DOM), all(MONTHS), all(DOW));
    case "@hourly":
      return spec(only(0), all(HOURS), all(DOM), all(MONTHS), all(DOW));
  }
  const EVERY = "@every ";
  if (descriptor.startsWith(EVERY)) {
    const text = descriptor.slice(EVERY.length);
    let duration: number;
    try {
      duration = parseGoDuration(text);
    } catch (e) {
      throw new Error(`failed to parse duration ${descriptor}: ${(e as Error).message}`);
    }
    return every(duration);
  }
  throw new Error(`unrecognized descriptor: ${descriptor}`);
}

/**
 * cron.ParseStandard. Throws with robfig's message: "expected exactly 5 fields, found 4: [* * * *]",
 * "end of range (7) above maximum (6): 7", "unrecognized descriptor: @fortnightly"…
 */
export function parseStandard(text: string): Schedule {
  if (text.length === 0) throw new Error("empty spec string");
  let spec = text;
  let zone = UTC;
  if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
    const space = spec.indexOf(" ");
    const name = spec.slice(spec.indexOf("=") + 1, space < 0 ? undefined : space);
    try {
      zone = loadLocation(name);
    } catch (e) {
      throw new Error(`provided bad location ${name}: ${(e as Error).message}`);
    }
    spec = space < 0 ? "" : spec.slice(space).trim();
  }
  if (spec.startsWith("@")) return parseDescriptor(spec, zone);
  const fields = spec.split(/\s+/).filter((f) => f !== "");
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  return new SpecSchedule(getField(fields[0], MINUTES), getField(fields[1], HOURS), getField(fields[2], DOM), getField(fields[3], MONTHS), getField(fields[4], DOW), zone);
}
