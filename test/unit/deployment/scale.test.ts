/** Proportional scaling and cleanup, with upstream's TestScale and cleanupDeployment tables (sync_test.go). */
import { describe, expect, it } from "vitest";
import { cleanupDeployment, findActiveOrLatest, maxSurge, scale, ScalePlan, type ReplicaSet } from "../../../src/controllers/deployment";
import { deepFreeze, deployment, rs, T0 } from "./fixtures";

const HOUR = 3600_000;
const [newer, old, older] = [T0 + 2 * HOUR, T0 + HOUR, T0];

/**
 * One TestScale case: the deployment went from `from` to `to` replicas (maxSurge/maxUnavailable as
 * given, upstream's newDeployment defaults 0/0); every ReplicaSet was sized for `from` (its
 * desired/max-replicas annotations) unless `desired` says otherwise. ReplicaSets have no available
 * pods, as upstream's rs() helper.
 */
interface Case {
  from: number;
  to: number;
  surge?: number;
  unavailable?: number;
  fromSurge?: number;
  newRS?: [string, number];
  oldRSs: [string, number, number][];
  desired?: Record<string, number>;
  expectedNew?: number;
  expectedOld: number[];
  available?: Record<string, number>;
}

function run(c: Case): { newSize?: number; oldSizes: number[]; events: string[] } {
  const fromD = deployment("foo", { replicas: c.from, maxSurge: c.fromSurge ?? c.surge ?? 0, maxUnavailable: c.unavailable ?? 0 });
  const d = deployment("foo", { replicas: c.to, maxSurge: c.surge ?? 0, maxUnavailable: c.unavailable ?? 0 });
  const make = (name: string, replicas: number, created: number) => {
    const desired = c.desired?.[name] ?? c.from;
    return rs(name, replicas, { created, desired, surge: maxSurge(fromD), available: c.available?.[name] ?? 0 });
  };
  const newRS = c.newRS && make(c.newRS[0], c.newRS[1], newer);
  const oldRSs = c.oldRSs.map(([name, replicas, created]) => make(name, replicas, created));
  const plan = new ScalePlan(d);
  scale(plan, d, newRS, oldRSs);
  const sizes = plan.sizes();
  const size = (r: ReplicaSet) => sizes[r.metadata.name!] ?? r.spec.replicas!;
  const events = plan.writes().flatMap((w) => (w.op === "event" ? [w.message] : []));
  return { newSize: newRS && size(newRS), oldSizes: oldRSs.map(size), events };
}

describe("scale (proportional scaling)", () => {
  it.each<[string, Case]>([
    ["normal scaling event: 10 -> 12", { from: 10, to: 12, newRS: ["foo-v1", 10], oldRSs: [], expectedNew: 12, expectedOld: [] }],
    ["normal scaling event: 10 -> 5", { from: 10, to: 5, newRS: ["foo-v1", 10], oldRSs: [], expectedNew: 5, expectedOld: [] }],
    ["proportional scaling: 5 -> 10", { from: 5, to: 10, newRS: ["foo-v2", 2], oldRSs: [["foo-v1", 3, old]], expectedNew: 4, expectedOld: [6] }],
    ["proportional scaling: 5 -> 3", { from: 5, to: 3, newRS: ["foo-v2", 2], oldRSs: [["foo-v1", 3, old]], expectedNew: 1, expectedOld: [2] }],
    ["proportional scaling: 9 -> 4", { from: 9, to: 4, newRS: ["foo-v2", 8], oldRSs: [["foo-v1", 1, old]], expectedNew: 4, expectedOld: [0] }],
    ["proportional scaling: 7 -> 10", { from: 7, to: 10, newRS: ["foo-v3", 2], oldRSs: [["foo-v2", 3, old], ["foo-v1", 2, older]], expectedNew: 3, expectedOld: [4, 3] }],
    ["proportional scaling: 13 -> 8", { from: 13, to: 8, newRS: ["foo-v3", 2], oldRSs: [["foo-v2", 8, old], ["foo-v1", 3, older]], expectedNew: 1, expectedOld: [5, 2] }],
    ["leftover distribution: 3 -> 4 (to the newest of equals)", { from: 3, to: 4, newRS: ["foo-v3", 1], oldRSs: [["foo-v2", 1, old], ["foo-v1", 1, older]], expectedNew: 2, expectedOld: [1, 1] }],
    ["leftover distribution: 3 -> 2 (from the oldest of equals)", { from: 3, to: 2, newRS: ["foo-v3", 1], oldRSs: [["foo-v2", 1, old], ["foo-v1", 1, older]], expectedNew: 1, expectedOld: [1, 0] }],
    ["proportional scaling (no new rs): 4 -> 5", { from: 4, to: 5, oldRSs: [["foo-v2", 2, old], ["foo-v1", 2, older]], expectedOld: [3, 2] }],
    ["proportional scaling: 6 -> 0", { from: 6, to: 0, newRS: ["foo-v3", 3], oldRSs: [["foo-v2", 2, old], ["foo-v1", 1, older]], expectedNew: 0, expectedOld: [0, 0] }],
    ["proportional scaling: 0 -> 6", { from: 6, to: 6, newRS: ["foo-v3", 0], oldRSs: [["foo-v2", 0, old], ["foo-v1", 0, older]], expectedNew: 6, expectedOld: [0, 0] }],
    ["failed rs update (foo-v2 sized for 3)", { from: 5, to: 5, newRS: ["foo-v3", 2], oldRSs: [["foo-v2", 1, old], ["foo-v1", 1, older]], desired: { "foo-v2": 3 }, expectedNew: 2, expectedOld: [2, 1] }],
    ["deployment with surge pods: 10 -> 20, surge 2", { from: 10, to: 20, surge: 2, newRS: ["foo-v2", 6], oldRSs: [["foo-v1", 6, old]], expectedNew: 11, expectedOld: [11] }],
    ["change both surge and size: 10 (surge 3) -> 50 (surge 6)", { from: 10, to: 50, fromSurge: 3, surge: 6, newRS: ["foo-v2", 5], oldRSs: [["foo-v1", 8, old]], expectedNew: 22, expectedOld: [34] }],
    ["change both size and template: 10 -> 14, no new rs", { from: 10, to: 14, oldRSs: [["foo-v2", 7, newer], ["foo-v1", 3, old]], expectedOld: [10, 4] }],
    ["saturated but broken new replica set does not affect old pods", { from: 2, to: 2, surge: 1, unavailable: 1, newRS: ["foo-v2", 2], oldRSs: [["foo-v1", 1, old]], expectedNew: 2, expectedOld: [1] }],
    ["the concept page: 10 -> 15, surge 3, old 8 new 5 → +3 old, +2 new", { from: 10, to: 15, surge: 3, newRS: ["nginx-new", 5], oldRSs: [["nginx-old", 8, old]], expectedNew: 7, expectedOld: [11] }],
    ["mid-rollout, 5/5 sized for 10: 10 -> 15 (surge 0) → new 8, old 7 (the newer first among equals)", { from: 10, to: 15, newRS: ["web-new", 5], oldRSs: [["web-old", 5, old]], expectedNew: 8, expectedOld: [7] }],
  ])("%s", (_name, c) => {
    const got = run(c);
    if (c.expectedNew !== undefined) expect(got.newSize).toBe(c.expectedNew);
    expect(got.oldSizes).toEqual(c.expectedOld);
  });

  it("a saturated new ReplicaSet (all available) scales the old ones to 0", () => {
    const d = deployment("foo", { replicas: 3, maxSurge: 1, maxUnavailable: 0 });
    const plan = new ScalePlan(d);
    scale(plan, d, rs("foo-v2", 3, { desired: 3, surge: 1 }), [rs("foo-v1", 1, { desired: 3, surge: 1 })]);
    expect(plan.sizes()).toEqual({ "foo-v1": 0 });
  });

  it("records upstream's event wording and refreshes the replica annotations", () => {
    const got = run({ from: 10, to: 15, surge: 3, newRS: ["nginx-new", 5], oldRSs: [["nginx-old", 8, old]], expectedOld: [] });
    expect(got.events).toEqual(["Scaled up replica set nginx-old from 8 to 11", "Scaled up replica set nginx-new from 5 to 7"]);
    const d = deployment("nginx", { replicas: 15, maxSurge: 3 });
    const plan = new ScalePlan(d);
    scale(plan, d, rs("nginx-new", 5, { created: newer, desired: 10, surge: 3 }), [rs("nginx-old", 8, { created: old, desired: 10, surge: 3 })]);
    for (const w of plan.writes()) {
      if (w.op === "update") expect(w.object.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/desired-replicas": "15", "deployment.kubernetes.io/max-replicas": "18" });
    }
  });

  it("one write per ReplicaSet even when resized twice, with both events", () => {
    const d = deployment("foo");
    const plan = new ScalePlan(d);
    const r = rs("foo-v1", 5);
    plan.scaleAndRecordEvent(r, 3);
    plan.scaleAndRecordEvent(r, 1);
    const writes = plan.writes();
    expect(writes.filter((w) => w.op === "update")).toHaveLength(1);
    expect(writes.flatMap((w) => (w.op === "event" ? [w.message] : []))).toEqual([
      "Scaled down replica set foo-v1 from 5 to 3",
      "Scaled down replica set foo-v1 from 3 to 1",
    ]);
  });
});

describe("findActiveOrLatest", () => {
  const [a, b] = [rs("a", 0, { created: older }), rs("b", 0, { created: old })];
  it.each([
    ["the only active one", rs("n", 0, { created: newer }), [a, rs("b", 2, { created: old })], "b"],
    ["none active: the new one", rs("n", 0, { created: newer }), [a, b], "n"],
    ["none active, no new: the newest old", undefined, [a, b], "b"],
    ["several active: none (scale proportionally)", rs("n", 1, { created: newer }), [rs("b", 2, { created: old })], undefined],
    ["nothing at all", undefined, [], undefined],
  ])("%s", (_name, newRS, oldRSs, expected) => {
    expect(findActiveOrLatest(newRS, oldRSs)?.metadata.name).toBe(expected);
  });
});

describe("cleanupDeployment", () => {
  /** newRSWithStatus: spec and status replicas, revisions in name order. */
  const withStatus = (name: string, spec: number, status: number, extra: { generation?: number; observed?: number; deleting?: boolean } = {}) => {
    const r = structuredClone(rs(name, spec, { revision: Number(name.split("-")[1]), actual: status, generation: extra.generation, observedGeneration: extra.observed }));
    if (extra.deleting) r.metadata.deletionTimestamp = "2026-11-25T00:00:00Z";
    return deepFreeze(r);
  };
  const deleted = (oldRSs: ReplicaSet[], limit: number) =>
    cleanupDeployment(oldRSs, deployment("foo", { revisionHistoryLimit: limit })).flatMap((w) => (w.op === "delete" ? [w.name] : []));

  it.each([
    ["limit 1 of three empty: the two lowest revisions go", [withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0), withStatus("foo-3", 0, 0)], 1, ["foo-1", "foo-2"]],
    ["only spec = status = 0 go", [withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 1), withStatus("foo-3", 1, 0), withStatus("foo-4", 1, 1)], 0, ["foo-1"]],
    ["limit 0 of two empty", [withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0)], 0, ["foo-1", "foo-2"]],
    ["limit 0 of two busy", [withStatus("foo-1", 1, 1), withStatus("foo-2", 1, 1)], 0, []],
    ["already being deleted", [withStatus("foo-1", 0, 0, { deleting: true })], 0, []],
    ["unlimited (MaxInt32)", [withStatus("foo-1", 0, 0), withStatus("foo-2", 0, 0), withStatus("foo-3", 0, 0)], 2147483647, []],
    ["a spec change its controller has not seen yet", [withStatus("foo-1", 0, 0, { generation: 2, observed: 1 })], 0, []],
  ])("%s", (_name, oldRSs, limit, expected) => {
    expect(deleted(oldRSs, limit)).toEqual(expected);
  });
});
