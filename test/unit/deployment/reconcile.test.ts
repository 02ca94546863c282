/** One pass at a time: what a reconcile writes for a given world (no cluster, just the returned writes). */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { computeHash, createDeploymentController, type Deployment, type ReplicaSet } from "../../../src/controllers/deployment";
import type { Write } from "../../../src/controllers/types";
import { deepFreeze, deployment, deploymentObject, iso, rs, snapshotOf, T0 } from "./fixtures";

const controller = createDeploymentController();
const UID = "uid-web";

function pass(d: Deployment, rss: ReplicaSet[] = [], pods: KObject[] = [], now = T0) {
  return controller.reconcile("default/web", snapshotOf({ "deployments.apps": [d], "replicasets.apps": rss, pods }), now, () => 0);
}

/** The object a create/update/status write carries. */
function objectOf<T extends KObject>(w: Write): T {
  if (!("object" in w)) throw new Error(`a ${w.op} write carries no object`);
  return w.object as T;
}

const ops = (writes: Write[]) => writes.map((w) => (w.op === "event" ? `event ${w.reason}: ${w.message}` : `${w.op} ${"object" in w ? w.object.kind : ""}`.trim()));

describe("a new deployment", () => {
  const d = deployment("web", { uid: UID, generation: 1, annotations: { "kubernetes.io/change-cause": "first" } });
  const hash = computeHash(d.spec.template);
  const result = pass(d);

  it("creates its ReplicaSet, records the event and its revision, in one pass", () => {
    expect(ops(result.writes)).toEqual(["create ReplicaSet", `event ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`, "status Deployment"]);
  });

  it("names, labels, selects and owns the ReplicaSet as upstream does", () => {
    const created = objectOf<ReplicaSet>(result.writes[0]);
    expect(created.metadata).toEqual({
      name: `web-${hash}`,
      namespace: "default",
      labels: { app: "web", "pod-template-hash": hash },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: UID, controller: true, blockOwnerDeletion: true }],
      annotations: {
        "kubernetes.io/change-cause": "first",
        "deployment.kubernetes.io/revision": "1",
        "deployment.kubernetes.io/desired-replicas": "3",
        "deployment.kubernetes.io/max-replicas": "4",
      },
    });
    expect(created.spec.replicas).toBe(3);
    expect(created.spec.selector).toEqual({ matchLabels: { app: "web", "pod-template-hash": hash } });
    // A faithful copy of the deployment's template plus the hash label: kubectl finds "the new RS" by equality.
    expect(created.spec.template).toEqual({ ...d.spec.template, metadata: { labels: { app: "web", "pod-template-hash": hash } } });
  });

  it("writes the revision annotation and NewReplicaSetCreated through the status subresource", () => {
    const written = objectOf<Deployment>(result.writes[2]);
    expect(written.metadata.annotations!["deployment.kubernetes.io/revision"]).toBe("1");
    expect(written.status!.conditions).toEqual([
      { type: "Progressing", status: "True", lastUpdateTime: iso(T0), lastTransitionTime: iso(T0), reason: "NewReplicaSetCreated", message: `Created new replica set "web-${hash}"` },
    ]);
  });
});

describe("one phase per pass", () => {
  const d = deployment("web", { uid: UID, generation: 2, annotations: { "deployment.kubernetes.io/revision": "1" } });
  const template = d.spec.template;

  it("adopts a matching orphan and stops there", () => {
    const orphan = rs("web-abc", 3, { template, revision: 1, desired: 3, surge: 1 });
    const result = pass(d, [orphan]);
    expect(ops(result.writes)).toEqual(["update ReplicaSet"]);
    expect(objectOf<ReplicaSet>(result.writes[0]).metadata.ownerReferences).toEqual([
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: UID, controller: true, blockOwnerDeletion: true },
    ]);
  });

  it("releases a ReplicaSet it owns but no longer selects", () => {
    const strayed = structuredClone(rs("web-abc", 0, { owner: d, template, revision: 1 }));
    strayed.metadata.labels = { app: "other" };
    const result = pass(d, [deepFreeze(strayed)]);
    expect(ops(result.writes)).toEqual(["update ReplicaSet"]);
    expect(objectOf<ReplicaSet>(result.writes[0]).metadata.ownerReferences).toBeUndefined();
  });

  it("ignores ReplicaSets controlled by someone else", () => {
    const other = deployment("other", { uid: "uid-other" });
    const result = pass(d, [rs("web-abc", 3, { owner: other, template })]);
    expect(result.writes.some((w) => w.op === "update")).toBe(false);
  });

  it("a taken name is a hash collision: collisionCount goes up, nothing is created", () => {
    const squatter = rs(`web-${computeHash(d.spec.template)}`, 1, { template: deploymentObject("x", { image: "busybox" }).spec.template });
    const result = pass(d, [squatter]);
    expect(ops(result.writes)).toEqual(["status Deployment"]);
    expect(objectOf<Deployment>(result.writes[0]).status!.collisionCount).toBe(1);
  });

  it("first brings the new ReplicaSet's revision up to max(old) + 1", () => {
    const rolledBack = deployment("web", { uid: UID, generation: 3, annotations: { "deployment.kubernetes.io/revision": "3" } });
    const v2 = rs("web-v2", 0, { owner: rolledBack, template, revision: 2, desired: 3, surge: 1 });
    const v3 = rs("web-v3", 1, { owner: rolledBack, template: deploymentObject("web", { image: "nginx:1.161" }).spec.template, revision: 3, desired: 3, surge: 1, available: 0 });
    const result = pass(rolledBack, [rs("web-v1", 0, { owner: rolledBack, template: deploymentObject("web", { image: "nginx:1.0" }).spec.template, revision: 1 }), v2, v3]);
    expect(ops(result.writes)).toEqual(["update ReplicaSet"]);
    const updated = objectOf<ReplicaSet>(result.writes[0]);
    expect(updated.metadata.name).toBe("web-v2");
    expect(updated.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "4", "deployment.kubernetes.io/revision-history": "2" });
  });

  it("then the deployment's revision, with FoundNewReplicaSet if it had no Progressing condition", () => {
    const v1 = rs("web-v1", 3, { owner: d, template, revision: 2, desired: 3, surge: 1 });
    const result = pass(d, [v1]);
    expect(ops(result.writes)).toEqual(["status Deployment"]);
    const written = objectOf<Deployment>(result.writes[0]);
    expect(written.metadata.annotations!["deployment.kubernetes.io/revision"]).toBe("2");
    expect(written.status!.conditions![0]).toMatchObject({ type: "Progressing", status: "True", reason: "FoundNewReplicaSet", message: 'Found new replica set "web-v1"' });
  });

  it("a rolling step: a new pod is available, so one old pod may go (maxUnavailable 0)", () => {
    const progressing = { type: "Progressing", status: "True", reason: "ReplicaSetUpdated", message: 'ReplicaSet "web-v2" is progressing.', lastUpdateTime: iso(T0 + 60_000), lastTransitionTime: iso(T0) };
    const v2d = deployment("web", { uid: UID, generation: 2, image: "nginx:1.16.1", annotations: { "deployment.kubernetes.io/revision": "2" }, status: { observedGeneration: 2, replicas: 4, updatedReplicas: 1, conditions: [progressing] } });
    const old = rs("web-v1", 3, { owner: v2d, template, revision: 1, desired: 3, surge: 1, created: T0 });
    const neu = rs("web-v2", 1, { owner: v2d, template: v2d.spec.template, revision: 2, desired: 3, surge: 1, created: T0 + 60_000 });
    const result = pass(v2d, [old, neu], [], T0 + 70_000);
    expect(ops(result.writes)).toEqual(["update ReplicaSet", "event ScalingReplicaSet: Scaled down replica set web-v1 from 3 to 2", "status Deployment"]);
    expect(objectOf<ReplicaSet>(result.writes[0]).spec.replicas).toBe(2);
  });
});

describe("pause and rollbackTo", () => {
  it("a paused deployment scales but does not roll out", () => {
    const d = deployment("web", { uid: UID, replicas: 5, paused: true, generation: 3, image: "nginx:1.16.1", annotations: { "deployment.kubernetes.io/revision": "1" },
      status: { conditions: [{ type: "Progressing", status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" }] } });
    const v1 = rs("web-v1", 3, { owner: d, revision: 1, desired: 3, surge: 1, template: deploymentObject("web").spec.template });
    const result = pass(d, [v1]);
    expect(ops(result.writes)).toEqual(["update ReplicaSet", "event ScalingReplicaSet: Scaled up replica set web-v1 from 3 to 5", "status Deployment"]);
  });

  it("the deprecated rollbackTo annotation restores that revision's template and annotations", () => {
    const complete = { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: 'ReplicaSet "web-v2" has successfully progressed.' };
    const d = deployment("web", { uid: UID, image: "nginx:1.16.1", status: { conditions: [complete] },
      annotations: { "deprecated.deployment.rollback.to": "0", "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "v2" } });
    const v1t = deploymentObject("web").spec.template;
    const withCause = (r: ReplicaSet, cause: string) => {
      const copy = structuredClone(r);
      copy.metadata.annotations!["kubernetes.io/change-cause"] = cause;
      return deepFreeze(copy);
    };
    const v1 = withCause(rs("web-v1", 0, { owner: d, revision: 1, template: v1t }), "v1");
    const v2 = withCause(rs("web-v2", 3, { owner: d, revision: 2, template: d.spec.template }), "v2");
    const result = pass(d, [v1, v2]);
    expect(ops(result.writes)).toEqual(["update Deployment", 'event DeploymentRollback: Rolled back deployment "web" to revision 1']);
    const updated = objectOf<Deployment>(result.writes[0]);
    expect(updated.spec.template).toEqual(v1t);
    expect(updated.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "2", "kubernetes.io/change-cause": "v1" });
  });
});

describe("a refused ReplicaSet create", () => {
  const d = deployment("web", { uid: UID });
  const create: Write = { op: "create", resource: "replicasets.apps", object: rs("web-abc", 3) };
  const snap = (terminating: boolean) => snapshotOf({
    "deployments.apps": [d],
    namespaces: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "default", ...(terminating ? { deletionTimestamp: iso(T0) } : {}) } }],
  });

  it("is reported as Progressing False/ReplicaSetCreateError and a Warning event", () => {
    const writes = controller.writeFailed!("default/web", create, "exceeded quota", snap(false), T0);
    const message = 'Failed to create new replica set "web-abc": exceeded quota';
    expect(ops(writes)).toEqual(["status Deployment", `event ReplicaSetCreateError: ${message}`]);
    expect(objectOf<Deployment>(writes[0]).status!.conditions).toEqual([
      { type: "Progressing", status: "False", lastUpdateTime: iso(T0), lastTransitionTime: iso(T0), reason: "ReplicaSetCreateError", message },
    ]);
    expect(writes[1]).toMatchObject({ type: "Warning" });
  });

  it("is not reported in a terminating namespace, nor for other writes", () => {
    expect(controller.writeFailed!("default/web", create, "x", snap(true), T0)).toEqual([]);
    expect(controller.writeFailed!("default/web", { ...create, op: "update" } as Write, "x", snap(false), T0)).toEqual([]);
  });
});

describe("keysFor", () => {
  const d = deployment("web", { uid: UID });
  const owned = rs("web-v1", 3, { owner: d });
  const snap = snapshotOf({ "deployments.apps": [d], "replicasets.apps": [owned] });
  const podOf = (r: ReplicaSet, status: object): KObject => ({
    apiVersion: "v1", kind: "Pod", metadata: { name: "p", namespace: "default", ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: r.metadata.name!, uid: r.metadata.uid!, controller: true }] }, status,
  });

  it.each([
    ["a deployment: itself", { type: "MODIFIED", resource: "deployments.apps", object: d }, ["default/web"]],
    ["its ReplicaSet: the owner", { type: "MODIFIED", resource: "replicasets.apps", object: owned }, ["default/web"]],
    ["a new orphan nobody selects", { type: "ADDED", resource: "replicasets.apps", object: rs("stray", 1) }, []],
    ["a new orphan with its labels", { type: "ADDED", resource: "replicasets.apps", object: rs("web-x", 1, { template: d.spec.template }) }, ["default/web"]],
    ["a pod gone: pod → ReplicaSet → deployment", { type: "DELETED", resource: "pods", object: podOf(owned, {}) }, ["default/web"]],
    ["a pod finishing", { type: "MODIFIED", resource: "pods", object: podOf(owned, { phase: "Failed" }), previous: podOf(owned, { phase: "Running" }) }, ["default/web"]],
    ["a pod going Ready (its ReplicaSet's status will say so)", { type: "MODIFIED", resource: "pods", object: podOf(owned, { phase: "Running", conditions: [{ type: "Ready", status: "True" }] }), previous: podOf(owned, { phase: "Running" }) }, []],
    ["a pod of a ReplicaSet no deployment controls", { type: "DELETED", resource: "pods", object: podOf(rs("stray", 1), {}) }, []],
  ] as const)("%s", (_name, change, expected) => {
    expect(controller.keysFor(change as never, snap)).toEqual(expected);
  });
});
