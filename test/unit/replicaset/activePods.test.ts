/**
 * The scale-down order (upstream TestSortingActivePodsWithRanks' cases, PodDeletionCost and
 * LogarithmicScaleDown on) and the pod state predicates.
 */
import { describe, expect, it } from "vitest";
import { rfc3339 } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import {
  deletesBefore, isPodActive, isPodAvailable, logarithmicRankDiff, nextAvailableIn, podDeletionCost, podsToDelete, POD_DELETION_COST, type RankedPod,
} from "../../../src/controllers/replicaset/activePods";
import { deepFreeze } from "./fixtures";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const HOUR = 3_600_000;
const at = (msAgo: number) => rfc3339(new Date(NOW - msAgo));

interface PodShape {
  node?: string;
  phase?: string;
  ready?: boolean;
  /** ms ago the pod became ready; null: ready without a lastTransitionTime. */
  readySince?: number | null;
  restarts?: number;
  /** ms ago the pod was created; null: no creationTimestamp. */
  created?: number | null;
  cost?: string;
  uid?: string;
  deleting?: boolean;
}

function pod(name: string, s: PodShape = {}): KObject {
  const ready = s.ready ?? false;
  const conditions = ready ? [{ type: "Ready", status: "True", ...(s.readySince === null ? {} : { lastTransitionTime: at(s.readySince ?? 0) }) }] : [];
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: s.uid ?? `uid-${name}`,
      ...(s.created === null ? {} : { creationTimestamp: at(s.created ?? 0) }),
      ...(s.cost !== undefined ? { annotations: { [POD_DELETION_COST]: s.cost } } : {}),
      ...(s.deleting ? { deletionTimestamp: at(0) } : {}),
    },
    spec: { nodeName: s.node ?? "node", containers: [{ name: "c", image: "nginx" }] },
    status: { phase: s.phase ?? "Running", conditions, containerStatuses: [{ name: "c", restartCount: s.restarts ?? 0 }, { name: "d", restartCount: 0 }] },
  });
}

// Upstream's fixtures, one per situation a pod can be in.
const MONTH = 30 * 24 * HOUR;
const unscheduled = pod("unscheduled", { node: "", phase: "Pending", created: null });
const scheduledPending = pod("pending", { phase: "Pending", created: null });
const unknownPhase = pod("unknown-phase", { phase: "Unknown", created: null });
const runningNotReady = pod("not-ready", { created: null });
const readyNoLastTransitionTime = pod("ready-no-last-transition-time", { ready: true, readySince: null, created: null });
const readyNow = pod("ready-now", { ready: true, readySince: 0, created: 0 });
const readyThen = pod("ready-then", { ready: true, readySince: MONTH, created: MONTH });
const readyNowHighRestarts = pod("ready-high-restarts", { ready: true, readySince: 0, created: 0, restarts: 9001 });
const readyNowCreatedThen = pod("ready-now-created-then", { ready: true, readySince: 0, created: MONTH });
const lowDeletionCost = pod("low-deletion-cost", { ready: true, readySince: 0, created: MONTH, cost: "10" });
const highDeletionCost = pod("high-deletion-cost", { ready: true, readySince: 0, created: MONTH, cost: "100" });
const unscheduled5Hours = pod("unscheduled-5-hours", { node: "", phase: "Pending", created: 5 * HOUR, uid: "b" });
const unscheduled8Hours = pod("unscheduled-8-hours", { node: "", phase: "Pending", created: 8 * HOUR, uid: "a" });
const ready2Hours = pod("ready-2-hours", { ready: true, readySince: 2 * HOUR, created: MONTH });
const ready5Hours = pod("ready-5-hours", { ready: true, readySince: 5 * HOUR, created: MONTH });
const ready10Hours = pod("ready-10-hours", { ready: true, readySince: 10 * HOUR, created: MONTH });

const r = (p: KObject, rank = 0): RankedPod => ({ pod: p, rank });

describe("ActivePodsWithRanks order: the first pod is deleted before the second", () => {
  it.each<[string, RankedPod, RankedPod]>([
    ["unscheduled before scheduled, whatever the rank (1 vs 2)", r(unscheduled, 1), r(scheduledPending, 2)],
    ["unscheduled before scheduled, whatever the rank (2 vs 1)", r(unscheduled, 2), r(scheduledPending, 1)],
    ["Pending before Unknown", r(scheduledPending), r(unknownPhase)],
    ["Unknown before Running", r(unknownPhase), r(runningNotReady)],
    ["not ready before ready", r(runningNotReady), r(readyNoLastTransitionTime)],
    ["ready without a transition time before ready now", r(readyNoLastTransitionTime, 1), r(readyNow, 1)],
    ["more colocated related pods first, before ready time", r(readyNow, 2), r(readyNoLastTransitionTime, 1)],
    ["ready for less time first", r(readyNow), r(readyThen)],
    ["more colocated first, even when ready for less time", r(readyNow, 2), r(readyThen, 1)],
    ["more restarts first", r(readyNowHighRestarts), r(readyNow)],
    ["more colocated first, even with fewer restarts", r(readyNow, 2), r(readyNowHighRestarts, 1)],
    ["created later first", r(readyNow), r(readyNowCreatedThen)],
    ["more colocated first, even when created earlier", r(readyNowCreatedThen, 2), r(readyNow, 1)],
    ["lower pod-deletion-cost first", r(lowDeletionCost), r(highDeletionCost)],
    ["pod-deletion-cost before colocation", r(lowDeletionCost, 1), r(highDeletionCost, 2)],
    ["ready 2 h before ready 5 h (different log2 buckets)", r(ready2Hours), r(ready5Hours)],
    ["ready 5 h before ready 10 h (different log2 buckets)", r(ready5Hours), r(ready10Hours)],
    ["created 5 h and 8 h ago share a log2 bucket: the lower uid goes first", r(unscheduled8Hours), r(unscheduled5Hours)],
  ])("%s", (_name, lesser, greater) => {
    expect(deletesBefore(lesser, greater, NOW)).toBe(true);
    expect(deletesBefore(greater, lesser, NOW)).toBe(false);
  });

  it.each([unscheduled, scheduledPending, unknownPhase, runningNotReady, readyNoLastTransitionTime, readyNow, readyThen, readyNowHighRestarts])(
    "a pod is never before itself (%#)",
    (p) => expect(deletesBefore(r(p), r(p), NOW)).toBe(false),
  );
});

describe("podsToDelete (getPodsToDelete)", () => {
  it("picks the unscheduled, then the not ready pod", () => {
    const pods = [readyThen, runningNotReady, readyNow, unscheduled];
    expect(podsToDelete(pods, [], 2, NOW).map((p) => p.metadata.name)).toEqual(["unscheduled", "not-ready"]);
  });

  it("ranks by active related pods on the same node (a Deployment's other ReplicaSets)", () => {
    const a = pod("a", { ready: true, readySince: MONTH, created: MONTH, node: "node-1" });
    const b = pod("b", { ready: true, readySince: 0, created: 0, node: "node-2" });
    const crowd = [pod("x", { node: "node-1" }), pod("y", { node: "node-1" }), pod("gone", { node: "node-2", deleting: true })];
    // Without related pods b (ready for less time) goes; with two more active pods on node-1, a goes.
    expect(podsToDelete([a, b], [a, b], 1, NOW).map((p) => p.metadata.name)).toEqual(["b"]);
    expect(podsToDelete([a, b], [a, b, ...crowd], 1, NOW).map((p) => p.metadata.name)).toEqual(["a"]);
  });

  it("returns every pod when all go", () => {
    expect(podsToDelete([readyNow, readyThen], [], 5, NOW)).toHaveLength(2);
  });
});

describe("pod state", () => {
  it.each([
    ["Running", false, true],
    ["Pending", false, true],
    ["Succeeded", false, false],
    ["Failed", false, false],
    ["Running", true, false],
  ])("phase %s, deleting %s → active %s", (phase, deleting, active) => {
    expect(isPodActive(pod("p", { phase, deleting }))).toBe(active);
  });

  it.each([
    ["10", 10], ["-7", -7], ["-007", -7], ["0", 0], ["+10", 0], ["008", 0], ["x", 0], ["2147483648", 0], ["-2147483648", -2147483648],
  ])("pod-deletion-cost %s reads as %d", (value, cost) => {
    expect(podDeletionCost(pod("p", { cost: value }))).toBe(cost);
  });

  it("is available only once ready for longer than minReadySeconds", () => {
    const readyFor10s = pod("p", { ready: true, readySince: 10_000 });
    expect(isPodAvailable(readyFor10s, 0, NOW)).toBe(true);
    expect(isPodAvailable(readyFor10s, 10, NOW)).toBe(false);
    expect(isPodAvailable(readyFor10s, 10, NOW + 1)).toBe(true);
    expect(isPodAvailable(readyNoLastTransitionTime, 10, NOW)).toBe(false);
    expect(isPodAvailable(runningNotReady, 0, NOW)).toBe(false);
  });

  it("says when the next ready pod becomes available", () => {
    const pods = [pod("a", { ready: true, readySince: 4_000 }), pod("b", { ready: true, readySince: 1_000 }), runningNotReady];
    // minReadySeconds 10: a is available after 6 s (+1 ms, the comparison is strict), b after 9 s.
    expect(nextAvailableIn(pods, 10, NOW)).toBe(6_001);
    expect(nextAvailableIn(pods, 0, NOW)).toBeUndefined();
    expect(nextAvailableIn([readyThen], 10, NOW)).toBeUndefined();
  });

  it("compares ages on a log2 scale of nanoseconds", () => {
    expect(logarithmicRankDiff(NOW - 2 * HOUR, NOW - 5 * HOUR, NOW)).toBe(-2);
    expect(logarithmicRankDiff(NOW - 5 * HOUR, NOW - 8 * HOUR, NOW)).toBe(0);
    // A time in the future (or now) ranks −1, below any past time.
    expect(logarithmicRankDiff(NOW, NOW - 1, NOW)).toBeLessThan(0);
  });
});
