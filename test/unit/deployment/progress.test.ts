/** Status and conditions: upstream's DeploymentComplete/Progressing/TimedOut tables and the Progressing transitions. */
import { describe, expect, it } from "vitest";
import type { DeploymentCondition, DeploymentStatus } from "kubernetes-types/apps/v1";
import {
  calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, rolloutStatus,
} from "../../../src/controllers/deployment";
import { checkPausedConditions, requeueStuckDeployment, setDeploymentCondition, wireStatus } from "../../../src/controllers/deployment/progress";
import type { Ctx } from "../../../src/controllers/deployment";
import { deployment, iso, rs, snapshotOf, T0 } from "./fixtures";

const ctx = (now: number): Ctx => ({ snapshot: snapshotOf({}), now, timeScale: 1 });
const cond = (type: string, status: string, reason: string, at: number, message = ""): DeploymentCondition =>
  ({ type, status, lastUpdateTime: iso(at), lastTransitionTime: iso(at), reason, message });

describe("deploymentComplete", () => {
  // deployment(desired, current, updated, available, maxUnavailable, maxSurge)
  it.each([
    ["not complete: min but not all pods become available", 5, 5, 5, 4, 1, 0, false],
    ["not complete: min availability is not honored", 5, 5, 5, 3, 1, 0, false],
    ["complete", 5, 5, 5, 5, 0, 1, true],
    ["not complete: all pods are available but not updated", 5, 5, 4, 5, 0, 1, false],
    ["not complete: still running old pods", 1, 2, 1, 1, 0, 1, false],
    ["not complete: one replica deployment never comes up", 1, 1, 1, 0, 1, 1, false],
  ])("%s", (_name, desired, current, updated, available, unavailable, surge, expected) => {
    const d = deployment("foo", { replicas: desired, maxUnavailable: unavailable, maxSurge: surge, status: { replicas: current, updatedReplicas: updated, availableReplicas: available } });
    expect(deploymentComplete(d, d.status)).toBe(expected);
  });

  it("not complete until the spec is observed", () => {
    const d = deployment("foo", { replicas: 1, generation: 2, status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 } });
    expect(deploymentComplete(d, d.status)).toBe(false);
  });
});

describe("deploymentProgressing", () => {
  // (current, updated, ready, available) before → after
  it.each([
    ["progressing: updated pods", [10, 4, 4, 4], [10, 6, 4, 4], true],
    ["not progressing", [10, 4, 4, 4], [10, 4, 4, 4], false],
    ["progressing: old pods removed", [10, 4, 6, 6], [8, 4, 6, 6], true],
    ["not progressing: less new pods", [10, 7, 3, 3], [10, 6, 3, 3], false],
    ["progressing: less overall but more new pods", [10, 4, 7, 7], [8, 8, 5, 5], true],
    ["progressing: more ready pods", [10, 10, 9, 8], [10, 10, 10, 8], true],
    ["progressing: more available pods", [10, 10, 10, 9], [10, 10, 10, 10], true],
  ])("%s", (_name, before, after, expected) => {
    const s = (n: number[]): DeploymentStatus => ({ replicas: n[0], updatedReplicas: n[1], readyReplicas: n[2], availableReplicas: n[3] });
    expect(deploymentProgressing(deployment("foo", { status: s(before) }), s(after))).toBe(expected);
  });
});

describe("deploymentTimedOut", () => {
  const at = (min: number, sec: number) => Date.UTC(2016, 0, 1, 0, min, sec);
  it.each([
    ["no progressDeadlineSeconds: never", undefined, "", at(1, 9), at(1, 20), false],
    ["infinite progressDeadlineSeconds: never", 2147483647, "", at(1, 9), at(1, 20), false],
    ["10 s deadline, 00:01:20 − 00:01:09 = 11 s: timed out", 10, "", at(1, 9), at(1, 20), true],
    ["10 s deadline, 00:01:20 − 00:01:11 = 9 s: not yet", 10, "", at(1, 11), at(1, 20), false],
    ["a completed rollout never times out", 10, "NewReplicaSetAvailable", at(1, 9), at(1, 20), false],
    ["already timed out stays so", 10, "ProgressDeadlineExceeded", at(1, 19), at(1, 20), true],
  ])("%s", (_name, pds, reason, from, now, expected) => {
    const d = structuredClone(deployment("foo"));
    if (pds === undefined) delete d.spec.progressDeadlineSeconds;
    else d.spec.progressDeadlineSeconds = pds;
    const status = { conditions: [cond("Progressing", "True", reason, from)] };
    expect(deploymentTimedOut(d, status, now)).toBe(expected);
  });
});

describe("setDeploymentCondition", () => {
  it("same status and reason: nothing changes, not even the message or times", () => {
    const s: DeploymentStatus = { conditions: [cond("Available", "True", "MinimumReplicasAvailable", T0, "old")] };
    setDeploymentCondition(s, cond("Available", "True", "MinimumReplicasAvailable", T0 + 60_000, "new"));
    expect(s.conditions).toEqual([cond("Available", "True", "MinimumReplicasAvailable", T0, "old")]);
  });

  it("same status, new reason: lastTransitionTime kept, the condition moves to the end", () => {
    const s: DeploymentStatus = { conditions: [cond("Progressing", "True", "NewReplicaSetCreated", T0), cond("Available", "True", "MinimumReplicasAvailable", T0)] };
    setDeploymentCondition(s, cond("Progressing", "True", "NewReplicaSetAvailable", T0 + 5000));
    expect(s.conditions!.map((c) => c.type)).toEqual(["Available", "Progressing"]);
    expect(s.conditions![1]).toMatchObject({ reason: "NewReplicaSetAvailable", lastUpdateTime: iso(T0 + 5000), lastTransitionTime: iso(T0) });
  });

  it("new status: both times move", () => {
    const s: DeploymentStatus = { conditions: [cond("Available", "False", "MinimumReplicasUnavailable", T0)] };
    setDeploymentCondition(s, cond("Available", "True", "MinimumReplicasAvailable", T0 + 5000));
    expect(s.conditions![0]).toMatchObject({ lastUpdateTime: iso(T0 + 5000), lastTransitionTime: iso(T0 + 5000) });
  });
});

describe("calculateStatus", () => {
  it("the docs' stuck rollout: old 3 available, new 1 not → 4 pods, 1 updated, 1 unavailable, still Available", () => {
    const d = deployment("nginx", { generation: 3 });
    const newRS = rs("nginx-new", 1, { available: 0 });
    const s = wireStatus(calculateStatus([rs("nginx-old", 3), newRS], newRS, d, T0));
    expect(s).toEqual({
      observedGeneration: 3, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1,
      conditions: [cond("Available", "True", "MinimumReplicasAvailable", T0, "Deployment has minimum availability.")],
    });
  });

  it("omits zero counts as Go's omitempty does", () => {
    const d = deployment("web", { generation: 1 });
    const newRS = rs("web-new", 3, { available: 0, actual: 0 });
    expect(wireStatus(calculateStatus([newRS], newRS, d, T0))).toEqual({
      observedGeneration: 1, unavailableReplicas: 3,
      conditions: [cond("Available", "False", "MinimumReplicasUnavailable", T0, "Deployment does not have minimum availability.")],
    });
  });
});

describe("rolloutStatus (the Progressing condition)", () => {
  const created = cond("Progressing", "True", "NewReplicaSetCreated", T0, 'Created new replica set "web-new"');

  it("progress refreshes lastUpdateTime and keeps lastTransitionTime: ReplicaSetUpdated", () => {
    const d = deployment("web", { generation: 2, status: { observedGeneration: 2, replicas: 3, updatedReplicas: 0, conditions: [created] } });
    const newRS = rs("web-new", 1, { available: 0 });
    const s = rolloutStatus(ctx(T0 + 7000), [rs("web-old", 3), newRS], newRS, d);
    expect(s.conditions!.find((c) => c.type === "Progressing")).toEqual({
      type: "Progressing", status: "True", lastUpdateTime: iso(T0 + 7000), lastTransitionTime: iso(T0), reason: "ReplicaSetUpdated", message: 'ReplicaSet "web-new" is progressing.',
    });
  });

  it("complete: NewReplicaSetAvailable", () => {
    const d = deployment("web", { generation: 2, status: { observedGeneration: 2, conditions: [created] } });
    const newRS = rs("web-new", 3);
    const s = rolloutStatus(ctx(T0 + 9000), [rs("web-old", 0, { actual: 0, available: 0 }), newRS], newRS, d);
    expect(s.conditions!.find((c) => c.type === "Progressing")).toMatchObject({ reason: "NewReplicaSetAvailable", message: 'ReplicaSet "web-new" has successfully progressed.', lastTransitionTime: iso(T0) });
  });

  it("no progress for progressDeadlineSeconds: False/ProgressDeadlineExceeded", () => {
    const status = { observedGeneration: 2, replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [created] };
    const d = deployment("web", { generation: 2, status });
    const newRS = rs("web-new", 1, { available: 0 });
    const before = rolloutStatus(ctx(T0 + 600_000), [rs("web-old", 3), newRS], newRS, d);
    expect(before.conditions!.find((c) => c.type === "Progressing")!.reason).toBe("NewReplicaSetCreated");
    const after = rolloutStatus(ctx(T0 + 601_000), [rs("web-old", 3), newRS], newRS, d);
    expect(after.conditions!.find((c) => c.type === "Progressing")).toEqual({
      type: "Progressing", status: "False", lastUpdateTime: iso(T0 + 601_000), lastTransitionTime: iso(T0 + 601_000),
      reason: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-new" has timed out progressing.',
    });
  });

  it("comes back when the deadline passes: 3 min since the last progress, 10 min deadline → 7 min 1 s", () => {
    const d = deployment("web", { status: { conditions: [created] } });
    expect(requeueStuckDeployment(ctx(T0 + 180_000), d, { replicas: 4, updatedReplicas: 1 })).toBe(421_000);
  });

  it("no deadline, no Progressing condition", () => {
    const d = structuredClone(deployment("web", { status: { conditions: [created] } }));
    d.spec.progressDeadlineSeconds = 2147483647;
    const newRS = rs("web-new", 3);
    expect(rolloutStatus(ctx(T0), [newRS], newRS, d).conditions!.map((c) => c.type)).toEqual(["Available"]);
  });

  it("promotes a ReplicaSet's ReplicaFailure", () => {
    const failing = structuredClone(rs("web-new", 1, { available: 0 }));
    (failing.status as { conditions?: unknown[] }).conditions = [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "quota", lastTransitionTime: iso(T0) }];
    const s = rolloutStatus(ctx(T0), [failing], failing, deployment("web"));
    expect(s.conditions!.find((c) => c.type === "ReplicaFailure")).toEqual({ type: "ReplicaFailure", status: "True", lastUpdateTime: iso(T0), lastTransitionTime: iso(T0), reason: "FailedCreate", message: "quota" });
  });
});

describe("checkPausedConditions", () => {
  const available = cond("Progressing", "True", "NewReplicaSetAvailable", T0, 'ReplicaSet "web-1" has successfully progressed.');
  const progressing = (w: ReturnType<typeof checkPausedConditions>) =>
    (w!.writes[0].op === "status" ? (w!.writes[0].object.status as DeploymentStatus) : undefined)!.conditions!.find((c) => c.type === "Progressing");

  it("paused: Unknown/DeploymentPaused", () => {
    expect(progressing(checkPausedConditions(ctx(T0 + 1000), deployment("web", { paused: true, status: { conditions: [available] } })))).toEqual({
      type: "Progressing", status: "Unknown", lastUpdateTime: iso(T0 + 1000), lastTransitionTime: iso(T0 + 1000), reason: "DeploymentPaused", message: "Deployment is paused",
    });
  });

  it("resumed: Unknown/DeploymentResumed", () => {
    const paused = cond("Progressing", "Unknown", "DeploymentPaused", T0, "Deployment is paused");
    expect(progressing(checkPausedConditions(ctx(T0 + 2000), deployment("web", { status: { conditions: [paused] } })))).toMatchObject({
      status: "Unknown", reason: "DeploymentResumed", message: "Deployment is resumed", lastTransitionTime: iso(T0),
    });
  });

  it("a timed-out deployment keeps saying so; nothing to do otherwise", () => {
    const timedOut = cond("Progressing", "False", "ProgressDeadlineExceeded", T0);
    expect(checkPausedConditions(ctx(T0), deployment("web", { paused: true, status: { conditions: [timedOut] } }))).toBeUndefined();
    expect(checkPausedConditions(ctx(T0), deployment("web", { status: { conditions: [available] } }))).toBeUndefined();
  });
});
