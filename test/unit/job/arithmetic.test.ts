/** The Job controller's small pure functions, as tables of upstream's worked examples. */
import { describe, expect, it } from "vitest";
import type { Pod } from "kubernetes-types/core/v1";
import { remainingBackoff } from "../../../src/controllers/job/backoff";
import { firstPendingIndexes, formatIndexes, mergeIntervals, parseIndexes, withIndexes } from "../../../src/controllers/job/indexes";
import { wantActive } from "../../../src/controllers/job/manage";
import { matchPodFailurePolicy } from "../../../src/controllers/job/podFailurePolicy";
import { indexedPodNamePrefix, podNamePrefix } from "../../../src/controllers/job/pods";
import { matchSuccessPolicy } from "../../../src/controllers/job/successPolicy";

describe("completion indexes", () => {
  it.each([
    ["", 5, []],
    ["0-2,4", 5, [[0, 2], [4, 4]]],
    ["1,2-5,7", 3, [[1, 2]]],
    ["0,1,x,3", 10, [[0, 1], [3, 3]]],
  ])("parses %j with completions %i", (text, completions, expected) => {
    expect(parseIndexes(text, completions).map((i) => [i.first, i.last])).toEqual(expected);
  });

  it.each([
    [[0, 1, 2, 4], "0-2,4"],
    [[5, 6], "5,6"],
    [[0, 2, 4], "0,2,4"],
    [[], ""],
  ])("formats %j as %j", (indexes, text) => {
    expect(formatIndexes(withIndexes([], indexes))).toBe(text);
  });

  it("merges interval lists", () => {
    expect(formatIndexes(mergeIntervals(parseIndexes("0-1,7", 10), parseIndexes("2,5", 10)))).toBe("0-2,5,7");
  });

  it.each([
    ["0-1,3", 2, 6, [2, 4]],
    ["", 3, 2, [0, 1]],
    ["0-4", 1, 5, []],
  ])("first pending indexes after %j (count %i, completions %i)", (busy, count, completions, expected) => {
    expect(firstPendingIndexes(parseIndexes(busy, 100), count, completions)).toEqual(expected);
  });
});

describe("wantActive", () => {
  it.each([
    ["completions 5, parallelism 2, none done", 5, 2, 0, 0, 2],
    ["completions 5, parallelism 2, 4 done", 5, 2, 4, 1, 1],
    ["completions 5, all done", 5, 2, 5, 0, 0],
    ["work queue, parallelism 3, none done", null, 3, 0, 0, 3],
    ["work queue after a success keeps what runs", null, 3, 1, 2, 2],
  ])("%s", (_n, completions, parallelism, succeeded, active, want) => {
    expect(wantActive(completions, parallelism, succeeded, active)).toBe(want);
  });
});

describe("pod failure back-off (10 s doubling, capped at 6 min)", () => {
  const backoff = { baseMs: 10_000, maxMs: 360_000 };
  it.each([
    [0, 0, 0],
    [1, 0, 10_000],
    [1, 4_000, 6_000],
    [3, 25_000, 15_000],
    [6, 0, 320_000],
    [7, 0, 360_000],
    [20, 0, 360_000],
    [2, 30_000, 0],
  ])("%i failures, last %i ms ago → wait %i ms", (failures, ago, wait) => {
    expect(remainingBackoff(failures, 1_000_000 - ago, 1_000_000, backoff)).toBe(wait);
  });
});

describe("pod names", () => {
  it("cuts long Job names to leave room for the suffix", () => {
    const long = "a".repeat(70);
    expect(podNamePrefix("pi")).toBe("pi-");
    expect(podNamePrefix(long)).toHaveLength(58);
    expect(indexedPodNamePrefix("indexed", 3)).toBe("indexed-3-");
    expect(indexedPodNamePrefix(long, 12)).toBe(`${"a".repeat(54)}-12-`);
  });
});

describe("podFailurePolicy matching", () => {
  const failedPod = (exitCode: number, conditions: { type: string; status: string }[] = []) =>
    ({
      metadata: { name: "p", namespace: "ns" },
      status: { phase: "Failed", conditions, containerStatuses: [{ name: "main", state: { terminated: { exitCode } } }] },
    }) as unknown as Pod;
  const policy = {
    rules: [
      { action: "FailJob", onExitCodes: { containerName: "main", operator: "In", values: [42] } },
      { action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
      { action: "Count", onExitCodes: { operator: "NotIn", values: [1, 2] } },
    ],
  };
  it.each([
    ["exit 42 → FailJob", failedPod(42), { action: "FailJob", countFailed: true, failJobMessage: "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 0" }],
    ["DisruptionTarget → Ignore", failedPod(1, [{ type: "DisruptionTarget", status: "True" }]), { action: "Ignore", countFailed: false }],
    ["exit 3 → Count", failedPod(3), { action: "Count", countFailed: true }],
    ["exit 1 → no rule, counted", failedPod(1), { countFailed: true }],
  ])("%s", (_n, pod, expected) => {
    expect(matchPodFailurePolicy(policy as never, pod)).toEqual(expected);
  });
});

describe("successPolicy", () => {
  it.each([
    [{ rules: [{ succeededIndexes: "0" }] }, "0,3", "Matched rules at index 0"],
    [{ rules: [{ succeededIndexes: "0-2" }] }, "0,2", undefined],
    [{ rules: [{ succeededIndexes: "0-2", succeededCount: 2 }] }, "0,2", "Matched rules at index 0"],
    [{ rules: [{ succeededIndexes: "9" }, { succeededCount: 2 }] }, "1,4", "Matched rules at index 1"],
  ])("%j with %j succeeded → %j", (policy, succeeded, message) => {
    expect(matchSuccessPolicy(policy as never, 5, parseIndexes(succeeded, 5))).toBe(message);
  });
});
