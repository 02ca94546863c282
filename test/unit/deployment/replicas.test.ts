/** Rolling-update arithmetic, with upstream's documented examples (deployment_util_test.go, the concept page). */
import { describe, expect, it } from "vitest";
import {
  getProportion, getReplicaSetFraction, getScaledValueFromIntOrPercent, isSaturated, maxSurge, maxUnavailable, minAvailable,
  newRSNewReplicas, resolveFenceposts, roundToInt32,
} from "../../../src/controllers/deployment";
import { deployment, rs } from "./fixtures";

describe("getScaledValueFromIntOrPercent", () => {
  it.each([
    ["25% of 10 rounded up", "25%", 10, true, 3],
    ["25% of 10 rounded down", "25%", 10, false, 2],
    ["25% of 3 rounded up", "25%", 3, true, 1],
    ["25% of 3 rounded down", "25%", 3, false, 0],
    ["an absolute number as is", 5, 3, false, 5],
    ["100% of 7", "100%", 7, false, 7],
    ["nil is 0", undefined, 10, true, 0],
  ] as const)("%s", (_name, value, total, roundUp, expected) => {
    expect(getScaledValueFromIntOrPercent(value, total, roundUp)).toBe(expected);
  });

  it("rejects a string that is not a percentage", () => {
    expect(() => getScaledValueFromIntOrPercent("oops", 10, true)).toThrow("string is not a percentage");
  });
});

describe("resolveFenceposts", () => {
  it.each([
    ["10 replicas 25%/25% → surge 3, unavailable 2", "25%", "25%", 10, 3, 2],
    ["3 replicas 25%/25% (the docs' nginx) → surge 1, unavailable 0", "25%", "25%", 3, 1, 0],
    ["maxSurge 0, maxUnavailable 1", 0, 1, 3, 0, 1],
    ["both 0% of 0 → unavailable 1 (surge may be blocked by quota)", "0%", "0%", 0, 0, 1],
    ["39%/39% of 10 → 4 up, 3 down", "39%", "39%", 10, 4, 3],
    ["no maxSurge, 39% unavailable", undefined, "39%", 10, 0, 3],
    ["39% surge, no maxUnavailable", "39%", undefined, 10, 4, 0],
    ["neither → unavailable 1", undefined, undefined, 10, 0, 1],
    ["2 desired, surge 0%, unavailable 1% → old −1 then new +1", "0%", "1%", 2, 0, 1],
    ["2 desired, surge 1%, unavailable 25% → new +1 then old −1", "1%", "25%", 2, 1, 0],
    ["1 desired, surge 1%, unavailable 0% → new +1 then old −1", "1%", "0%", 1, 1, 0],
  ] as const)("%s", (_name, surge, unavailable, desired, expectSurge, expectUnavailable) => {
    expect(resolveFenceposts(surge, unavailable, desired)).toEqual({ surge: expectSurge, unavailable: expectUnavailable });
  });

  it.each([["oops", "39%"], ["55%", "urg"]])("rejects %s / %s", (surge, unavailable) => {
    expect(() => resolveFenceposts(surge, unavailable, 10)).toThrow();
  });
});

describe("maxSurge / maxUnavailable / minAvailable", () => {
  it.each([
    ["10 replicas, 25%/25%", deployment("web", { replicas: 10 }), 3, 2, 8],
    ["3 replicas, defaults", deployment("web"), 1, 0, 3],
    ["maxUnavailable above replicas is capped", deployment("web", { replicas: 3, maxUnavailable: 5, maxSurge: 0 }), 0, 3, 0],
    ["0 replicas: nothing may be unavailable", deployment("web", { replicas: 0 }), 0, 0, 0],
    ["Recreate: no surge, no unavailability budget", deployment("web", { strategy: "Recreate" }), 0, 0, 0],
  ])("%s", (_name, d, surge, unavailable, min) => {
    expect(maxSurge(d)).toBe(surge);
    expect(maxUnavailable(d)).toBe(unavailable);
    expect(minAvailable(d)).toBe(min);
  });
});

describe("newRSNewReplicas", () => {
  // Upstream's TestNewRSNewReplicas: another ReplicaSet of 5, maxUnavailable 1.
  it.each([
    ["can not scale up: 1 desired, surge 1, new RS already 5", "RollingUpdate", 1, 5, 1, 5],
    ["scale up to the desired 6 (surge 10 would allow more)", "RollingUpdate", 6, 2, 10, 6],
    ["Recreate: all at once", "Recreate", 3, 1, 1, 3],
  ] as const)("%s", (_name, strategy, replicas, newReplicas, surge, expected) => {
    const d = deployment("nginx", { replicas, maxSurge: surge, maxUnavailable: 1, strategy });
    const newRS = rs("nginx-new", newReplicas);
    expect(newRSNewReplicas(d, [rs("nginx-other", 5)], newRS)).toBe(expected);
  });

  it("grows the new RS by the surge: 3 replicas, 25% → old 3, new 0 → 1", () => {
    const d = deployment("web");
    const newRS = rs("web-new", 0);
    expect(newRSNewReplicas(d, [rs("web-old", 3), newRS], newRS)).toBe(1);
  });

  it("10 replicas, surge 3: old 8 and new 3 → new may reach 5", () => {
    const d = deployment("web", { replicas: 10, maxSurge: 3, maxUnavailable: 2 });
    const newRS = rs("web-new", 3);
    expect(newRSNewReplicas(d, [rs("web-old", 8), newRS], newRS)).toBe(5);
  });
});

describe("roundToInt32", () => {
  it.each([[2.5, 3], [-2.5, -3], [2.49, 2], [11.08, 11], [6.92, 7], [-0.4, 0]])("%d → %d", (a, expected) => {
    expect(roundToInt32(a)).toBe(expected);
  });
});

describe("getProportion", () => {
  // The concept page: 10 replicas, maxSurge 3, maxUnavailable 2, stuck at old 8 / new 5 (sized for 13),
  // then scaled to 15: 5 more to share, 3 to the old ReplicaSet and 2 to the new one.
  const scaled = deployment("nginx-deployment", { replicas: 15, maxSurge: 3, maxUnavailable: 2 });
  const old = rs("old", 8, { desired: 10, surge: 3 });
  const neu = rs("new", 5, { desired: 10, surge: 3 });

  it.each([
    ["old RS first: round(8·18/13) − 8 = 3", old, 5, 0, 3],
    ["then the new RS: round(5·18/13) − 5 = 2", neu, 5, 3, 2],
    ["never more than what is left", neu, 5, 4, 1],
    ["nothing left to add", neu, 5, 5, 0],
    ["an empty RS gets nothing", rs("empty", 0, { desired: 10, surge: 3 }), 5, 0, 0],
  ])("%s", (_name, r, toAdd, added, expected) => {
    expect(getProportion(r, scaled, toAdd, added)).toBe(expected);
  });

  it("scaling down never removes more than asked", () => {
    const d = deployment("foo", { replicas: 3, maxSurge: 0, maxUnavailable: 1 });
    expect(getProportion(rs("foo-v1", 3, { desired: 5 }), d, -2, 0)).toBe(-1); // round(3·3/5) − 3 = −1
    expect(getProportion(rs("foo-v1", 3, { desired: 5 }), d, -2, -2)).toBe(0);
  });

  it("scaling to 0 takes a ReplicaSet's whole size", () => {
    expect(getReplicaSetFraction(rs("foo-v1", 4, { desired: 6 }), deployment("foo", { replicas: 0 }))).toBe(-4);
  });

  it("falls back to status.replicas without a max-replicas annotation", () => {
    const d = deployment("foo", { replicas: 10, maxSurge: 0, maxUnavailable: 1, status: { replicas: 5 } });
    expect(getReplicaSetFraction(rs("foo-v1", 3), d)).toBe(3); // round(3·10/5) − 3
  });
});

describe("isSaturated", () => {
  const d = deployment("web", { replicas: 3 });
  it.each([
    ["all replicas, sized for them, all available", rs("new", 3, { desired: 3 }), true],
    ["not all available", rs("new", 3, { desired: 3, available: 2 }), false],
    ["sized for another size", rs("new", 3, { desired: 5 }), false],
    ["no desired-replicas annotation", rs("new", 3), false],
    ["no new ReplicaSet", undefined, false],
  ])("%s", (_name, r, expected) => {
    expect(isSaturated(d, r)).toBe(expected);
  });
});
