import { describe, expect, it } from "vitest";
import { humanDuration } from "../../../src/api/tables";
import { DAY, HOUR, MINUTE, SECOND } from "./fixtures";

const YEAR = 365 * DAY;

describe("humanDuration (duration.HumanDuration)", () => {
  it.each<[string, number, string]>([
    ["now", 0, "0s"],
    ["a clock 1s behind", -1 * SECOND, "0s"],
    ["a clock 1.999s behind", -1999, "0s"],
    ["a clock 2s behind", -2 * SECOND, "<invalid>"],
    ["sub-second", 999, "0s"],
    ["59s", 59 * SECOND, "59s"],
    ["seconds up to two minutes", 119 * SECOND + 999, "119s"],
    ["two minutes", 2 * MINUTE, "2m"],
    ["minutes and seconds", 2 * MINUTE + 30 * SECOND, "2m30s"],
    ["just under ten minutes", 10 * MINUTE - SECOND, "9m59s"],
    ["ten minutes drops seconds", 10 * MINUTE + 30 * SECOND, "10m"],
    ["minutes up to three hours", 3 * HOUR - SECOND, "179m"],
    ["three hours", 3 * HOUR, "3h"],
    ["hours and minutes", 3 * HOUR + 30 * MINUTE, "3h30m"],
    ["just under eight hours", 8 * HOUR - MINUTE, "7h59m"],
    ["eight hours drops minutes", 8 * HOUR + 30 * MINUTE, "8h"],
    ["hours up to two days", 48 * HOUR - SECOND, "47h"],
    ["two days", 48 * HOUR, "2d"],
    ["days and hours", 2 * DAY + 5 * HOUR, "2d5h"],
    ["just under eight days", 8 * DAY - HOUR, "7d23h"],
    ["eight days drops hours", 8 * DAY + 5 * HOUR, "8d"],
    ["days up to two years", 2 * YEAR - DAY, "729d"],
    ["two years", 2 * YEAR, "2y"],
    ["years and days", 2 * YEAR + 10 * DAY, "2y10d"],
    ["just under eight years", 8 * YEAR - DAY, "7y364d"],
    ["eight years drops days", 8 * YEAR + 100 * DAY, "8y"],
    ["decades", 25 * YEAR, "25y"],
  ])("%s → %s", (_name, ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});
