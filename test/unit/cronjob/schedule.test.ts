/** Cron parsing and Next() as robfig/cron v3's ParseStandard, and upstream's schedule-time helpers. */
import { describe, expect, it } from "vitest";
import type { CronJob } from "kubernetes-types/batch/v1";
import { parseGoDuration, parseStandard } from "../../../src/controllers/cronjob/schedule";
import { getJobName, mostRecentScheduleTime, nextScheduleAfter } from "../../../src/controllers/cronjob/scheduleTimes";
import { formatRFC1123Z, formatRFC3339, zonedDate } from "../../../src/controllers/cronjob/zone";

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString().replace(".000Z", "Z"));
const nexts = (spec: string, from: string, n = 3) => {
  const s = parseStandard(spec);
  const out: (string | undefined)[] = [];
  let t: number | undefined = Date.parse(from);
  for (let i = 0; i < n && t !== undefined; i++) out.push(iso((t = s.next(t))));
  return out;
};

describe("parseStandard", () => {
  it.each([
    ["* * * * *", "2026-11-25T00:00:00Z", ["2026-11-25T00:01:00Z", "2026-11-25T00:02:00Z", "2026-11-25T00:03:00Z"]],
    ["*/5 * * * *", "2026-11-25T00:00:00.500Z", ["2026-11-25T00:05:00Z", "2026-11-25T00:10:00Z", "2026-11-25T00:15:00Z"]],
    ["5/15 * * * *", "2026-11-25T00:00:00Z", ["2026-11-25T00:05:00Z", "2026-11-25T00:20:00Z", "2026-11-25T00:35:00Z"]],
    ["0 9 * * MON-FRI", "2026-11-27T12:00:00Z", ["2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z", "2026-12-02T09:00:00Z"]],
    ["0 0 13 * 5", "2026-03-07T00:00:00Z", ["2026-03-13T00:00:00Z", "2026-03-20T00:00:00Z", "2026-03-27T00:00:00Z"]],
    ["0 0 1 jan,jul ?", "2026-03-07T00:00:00Z", ["2026-07-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-07-01T00:00:00Z"]],
    ["@hourly", "2026-11-25T00:30:00Z", ["2026-11-25T01:00:00Z", "2026-11-25T02:00:00Z", "2026-11-25T03:00:00Z"]],
    ["@daily", "2026-11-25T00:30:00Z", ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"]],
    ["@midnight", "2026-11-25T00:30:00Z", ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "2026-11-28T00:00:00Z"]],
    ["@weekly", "2026-11-25T00:30:00Z", ["2026-11-29T00:00:00Z", "2026-12-06T00:00:00Z", "2026-12-13T00:00:00Z"]],
    ["@monthly", "2026-11-25T00:30:00Z", ["2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z"]],
    ["@yearly", "2026-11-25T00:30:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]],
    ["@annually", "2026-11-25T00:30:00Z", ["2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z", "2029-01-01T00:00:00Z"]],
    ["@every 90s", "2026-11-25T00:00:00.700Z", ["2026-11-25T00:01:30Z", "2026-11-25T00:03:00Z", "2026-11-25T00:04:30Z"]],
    ["0 12 29 2 *", "2026-03-01T00:00:00Z", ["2028-02-29T12:00:00Z", "2032-02-29T12:00:00Z", "2036-02-29T12:00:00Z"]],
  ])("%s after %s", (spec, from, expected) => {
    expect(nexts(spec, from)).toEqual(expected);
  });

  it.each([
    ["TZ=Asia/Tokyo 0 9 * * *", "2026-11-25T01:00:00Z", ["2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z"]],
    // 02:30 does not exist in New York on 2026-03-08: robfig skips that day.
    ["TZ=America/New_York 30 2 * * *", "2026-03-07T12:00:00Z", ["2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"]],
    // 01:30 happens twice on 2026-11-01 in New York: robfig runs at both.
    ["TZ=America/New_York 30 1 * * *", "2026-11-01T00:00:00Z", ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"]],
    ["CRON_TZ=Europe/Berlin 0 0 * * *", "2026-06-01T00:00:00Z", ["2026-06-01T22:00:00Z", "2026-06-02T22:00:00Z"]],
  ])("%s after %s", (spec, from, expected) => {
    expect(nexts(spec, from, 2)).toEqual(expected);
  });

  it.each([
    ["", "empty spec string"],
    ["* * * *", "expected exactly 5 fields, found 4: [* * * *]"],
    ["* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"],
    ["0 0 * * 7", "end of range (7) above maximum (6): 7"],
    ["60 * * * *", "end of range (60) above maximum (59): 60"],
    ["0 0 0 * *", "beginning of range (0) below minimum (1): 0"],
    ["5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"],
    ["*/0 * * * *", "step of range should be a positive number: */0"],
    ["1-2-3 * * * *", "too many hyphens: 1-2-3"],
    ["x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ["@fortnightly", "unrecognized descriptor: @fortnightly"],
    ["@every 5d", 'failed to parse duration @every 5d: time: unknown unit "d" in duration "5d"'],
    ["TZ=Mars/Olympus * * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"],
  ])("rejects %j: %s", (spec, message) => {
    expect(() => parseStandard(spec)).toThrow(message);
  });

  it("finds nothing for an impossible date within five years", () => {
    expect(parseStandard("0 0 30 2 *").next(Date.parse("2026-01-01T00:00:00Z"))).toBeUndefined();
  });

  it("parses Go durations", () => {
    expect(parseGoDuration("1h30m")).toBe(5_400_000);
    expect(parseGoDuration("1.5s")).toBe(1_500);
    expect(() => parseGoDuration("5")).toThrow('time: missing unit in duration "5"');
  });
});

describe("zones", () => {
  it("maps local times as Go's time.Date does, across DST", () => {
    expect(iso(zonedDate(2026, 3, 8, 2, 30, 0, "America/New_York"))).toBe("2026-03-08T06:30:00Z");
    expect(iso(zonedDate(2026, 11, 1, 1, 30, 0, "America/New_York"))).toBe("2026-11-01T05:30:00Z");
    expect(iso(zonedDate(2026, 13, 1, 0, 0, 0, "UTC"))).toBe("2027-01-01T00:00:00Z");
  });

  it("formats RFC 3339 in a zone and RFC 1123Z in UTC", () => {
    const t = Date.parse("2026-11-25T00:00:00Z");
    expect(formatRFC3339(t, "Asia/Tokyo")).toBe("2026-11-25T09:00:00+09:00");
    expect(formatRFC3339(t, "America/St_Johns")).toBe("2026-11-24T20:30:00-03:30");
    expect(formatRFC3339(t, "UTC")).toBe("2026-11-25T00:00:00Z");
    expect(formatRFC1123Z(t)).toBe("Wed, 25 Nov 2026 00:00:00 +0000");
  });
});

describe("schedule times", () => {
  const cronJob = (status: Partial<NonNullable<CronJob["status"]>> = {}, spec: Partial<NonNullable<CronJob["spec"]>> = {}): CronJob =>
    ({ metadata: { name: "hello", creationTimestamp: "2026-11-25T10:00:00Z" }, spec: { schedule: "* * * * *", ...spec }, status } as CronJob);
  const everyMinute = parseStandard("* * * * *");
  const at = (s: string) => Date.parse(`2026-11-25T${s}Z`);

  it.each([
    ["nothing due yet", {}, "10:00:40", undefined, 0],
    ["one due", {}, "10:01:00", "10:01:00", 1],
    ["three missed, the latest counts", { lastScheduleTime: "2026-11-25T10:00:00Z" }, "10:03:30", "10:03:00", 3],
    ["101 missed", {}, "11:41:10", "11:41:00", 101],
  ])("%s", (_n, status, now, mostRecent, missed) => {
    const r = mostRecentScheduleTime(cronJob(status), at(now), everyMinute, false);
    expect(r.mostRecent === undefined ? undefined : iso(r.mostRecent)).toBe(mostRecent && `2026-11-25T${mostRecent}Z`);
    expect(r.missed).toBe(missed);
  });

  it("startingDeadlineSeconds moves the earliest time up", () => {
    const r = mostRecentScheduleTime(cronJob({}, { startingDeadlineSeconds: 200 }), at("12:00:30"), everyMinute, true);
    expect(iso(r.mostRecent)).toBe("2026-11-25T12:00:00Z");
    expect(r.missed).toBe(3); // 11:58, 11:59, 12:00
  });

  it("asks to look again at the next schedule time", () => {
    expect(iso(nextScheduleAfter(cronJob({ lastScheduleTime: "2026-11-25T10:03:00Z" }), at("10:03:30"), everyMinute))).toBe("2026-11-25T10:04:00Z");
    expect(iso(nextScheduleAfter(cronJob(), at("10:00:10"), everyMinute))).toBe("2026-11-25T10:01:00Z");
  });

  it("names the Job after the scheduled time in minutes since the epoch", () => {
    expect(getJobName("hello", Date.parse("2025-03-01T10:05:00Z"))).toBe("hello-29013725");
  });
});
