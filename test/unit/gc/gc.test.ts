/** Garbage collector scenarios: background, foreground and orphan cascades on SimCluster. */
import { describe, expect, it } from "vitest";
import { remove } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { storeSnapshot } from "../../../src/controllers/snapshot";
import { createReplicaSetController, createReplicationControllerController } from "../../../src/controllers/replicaset";
import { SimCluster, type Invariant } from "../runtime/cluster";
import { activePodsOf, deepFreeze, fakeKubelet, names, podsOf, replicaSet, replicationController, standardInvariants } from "../replicaset/fixtures";

function cluster(opts: { bind?: boolean } = {}) {
  return new SimCluster([createReplicaSetController(), createReplicationControllerController(), createGarbageCollector(), fakeKubelet(opts)]);
}

function deleteWith(c: SimCluster, kind: string, name: string, propagationPolicy?: "Background" | "Foreground" | "Orphan") {
  c.write(() => remove(c.ctx, c.target(kind), name, { propagationPolicy }));
}

const ref = (owner: KObject, extra: { controller?: boolean; blockOwnerDeletion?: boolean } = {}) => ({
  apiVersion: owner.apiVersion!, kind: owner.kind!, name: owner.metadata.name!, uid: owner.metadata.uid!, ...extra,
});

function configMap(name: string, ownerReferences?: KObject["metadata"]["ownerReferences"]): KObject {
  return deepFreeze({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default", ...(ownerReferences ? { ownerReferences } : {}) }, data: {} });
}

function deployment(name: string): KObject {
  const labels = { app: name };
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "default" },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] } } },
  });
}

/** Foreground's promise: while a dependent that blocks its owner exists, so does the owner. */
function ownerOutlivesBlockingDependents(owners: { resource: string; name: string; uid: string }[]): Invariant {
  return (c) => {
    for (const owner of owners) {
      const blocking = [...c.list("pods"), ...c.list("replicasets.apps")].filter((o) =>
        o.metadata.ownerReferences?.some((r) => r.uid === owner.uid && r.blockOwnerDeletion));
      if (blocking.length) expect(c.get(owner.resource, owner.name)?.metadata.uid, `${owner.name} went before ${names(blocking)}`).toBe(owner.uid);
    }
  };
}

describe("garbage collector: background", () => {
  it("deletes an RC's pods after the RC is gone", () => {
    const c = cluster({ bind: true });
    const invariants = standardInvariants();
    c.apply(replicationController("nginx"));
    c.settle({ invariants });
    expect(c.list("pods", "default")).toHaveLength(3);
    deleteWith(c, "ReplicationController", "nginx");
    expect(c.get("replicationcontrollers", "nginx")).toBeUndefined();
    c.settle({ invariants });
    expect(c.list("pods", "default")).toHaveLength(0);
  });

  it("cascades down two levels: Deployment → ReplicaSet → pods", () => {
    const c = cluster({ bind: true });
    const invariants = standardInvariants();
    const deploy = c.apply(deployment("web"));
    c.apply(replicaSet("web-5d4f8c", { replicas: 2, labels: { app: "web" }, ownerReferences: [ref(deploy, { controller: true, blockOwnerDeletion: true })] }));
    c.settle({ invariants });
    expect(c.list("pods", "default")).toHaveLength(2);
    deleteWith(c, "Deployment", "web", "Background");
    c.settle({ invariants });
    expect(c.list("replicasets.apps", "default")).toHaveLength(0);
    expect(c.list("pods", "default")).toHaveLength(0);
  });

  it("a dependent with another live owner only loses the dangling reference", () => {
    const c = cluster();
    const a = c.apply(configMap("owner-a"));
    const b = c.apply(configMap("owner-b"));
    c.apply(configMap("dependent", [ref(a), ref(b)]));
    c.settle();
    c.delete("ConfigMap", "owner-a");
    c.settle();
    expect(c.get("configmaps", "dependent")?.metadata.ownerReferences).toEqual([ref(b)]);
    c.delete("ConfigMap", "owner-b");
    c.settle();
    expect(c.get("configmaps", "dependent")).toBeUndefined();
  });

  it("collects a dependent created after its owner was deleted", () => {
    const c = cluster();
    const gone = c.apply(configMap("gone"));
    c.delete("ConfigMap", "gone");
    c.settle();
    c.apply(configMap("late", [ref(gone)]));
    c.settle();
    expect(c.get("configmaps", "late")).toBeUndefined();
  });

  it("treats an owner of the same name but another uid as gone", () => {
    const c = cluster();
    const first = c.apply(configMap("owner"));
    c.delete("ConfigMap", "owner");
    c.apply(configMap("owner"));
    c.apply(configMap("dependent", [ref(first)]));
    c.settle();
    expect(c.get("configmaps", "dependent")).toBeUndefined();
    expect(c.get("configmaps", "owner")).toBeDefined();
  });

  it("leaves alone a dependent whose owner is of a kind this server does not serve", () => {
    const c = cluster();
    c.apply(configMap("dependent", [{ apiVersion: "example.com/v1", kind: "Widget", name: "w", uid: "0000-widget" }]));
    c.settle();
    expect(c.get("configmaps", "dependent")).toBeDefined();
  });
});

describe("garbage collector: foreground", () => {
  it("deletes the pods first, and the ReplicaSet only once they are gone", () => {
    const c = cluster({ bind: true });
    c.apply(replicaSet("web"));
    c.settle({ invariants: standardInvariants() });
    const owner = c.get("replicasets.apps", "web")!;
    deleteWith(c, "ReplicaSet", "web", "Foreground");
    const deleting = c.get("replicasets.apps", "web")!;
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toEqual(["foregroundDeletion"]);
    const invariants = [...standardInvariants(), ownerOutlivesBlockingDependents([{ resource: "replicasets.apps", name: "web", uid: owner.metadata.uid! }])];
    // Stop as soon as the pods are terminating: the owner still waits for them.
    c.settle({ invariants, until: (cl) => podsOf(cl, owner).every((p) => !!p.metadata.deletionTimestamp) && podsOf(cl, owner).length > 0 });
    expect(c.get("replicasets.apps", "web")).toBeDefined();
    expect(activePodsOf(c, owner)).toHaveLength(0);
    c.settle({ invariants });
    expect(c.list("pods", "default")).toHaveLength(0);
    expect(c.get("replicasets.apps", "web")).toBeUndefined();
  });

  it("cascades down two levels: Deployment → ReplicaSet (deleted in the foreground too) → pods", () => {
    const c = cluster({ bind: true });
    const deploy = c.apply(deployment("web"));
    c.apply(replicaSet("web-5d4f8c", { replicas: 2, labels: { app: "web" }, ownerReferences: [ref(deploy, { controller: true, blockOwnerDeletion: true })] }));
    c.settle({ invariants: standardInvariants() });
    const replica = c.get("replicasets.apps", "web-5d4f8c")!;
    expect(podsOf(c, replica)).toHaveLength(2);
    deleteWith(c, "Deployment", "web", "Foreground");
    const invariants = [
      ...standardInvariants(),
      ownerOutlivesBlockingDependents([
        { resource: "deployments.apps", name: "web", uid: deploy.metadata.uid! },
        { resource: "replicasets.apps", name: "web-5d4f8c", uid: replica.metadata.uid! },
      ]),
    ];
    let rsForeground = false;
    invariants.push((cl) => {
      if (cl.get("replicasets.apps", "web-5d4f8c")?.metadata.finalizers?.includes("foregroundDeletion")) rsForeground = true;
    });
    c.settle({ invariants });
    expect(rsForeground).toBe(true);
    expect(c.list("pods", "default")).toHaveLength(0);
    expect(c.list("replicasets.apps", "default")).toHaveLength(0);
    expect(c.get("deployments.apps", "web")).toBeUndefined();
  });

  it("a dependent that also has a live owner is kept, without the deleted owner", () => {
    const c = cluster();
    const a = c.apply(configMap("a"));
    const b = c.apply(configMap("b"));
    c.apply(configMap("shared", [ref(a, { blockOwnerDeletion: true }), ref(b)]));
    c.settle();
    deleteWith(c, "ConfigMap", "a", "Foreground");
    c.settle();
    expect(c.get("configmaps", "a")).toBeUndefined();
    expect(c.get("configmaps", "shared")?.metadata.ownerReferences).toEqual([ref(b)]);
  });

  it("breaks an ownership cycle (each blocking the other) and deletes both", () => {
    const c = cluster();
    const a = c.apply(configMap("a"));
    const b = c.apply(configMap("b", [ref(a, { blockOwnerDeletion: true })]));
    c.patch("ConfigMap", "a", { metadata: { ownerReferences: [ref(b, { blockOwnerDeletion: true })] } });
    c.settle();
    deleteWith(c, "ConfigMap", "a", "Foreground");
    c.settle();
    expect(c.get("configmaps", "a")).toBeUndefined();
    expect(c.get("configmaps", "b")).toBeUndefined();
  });

  it("an owner without dependents goes at once", () => {
    const c = cluster();
    c.apply(configMap("lonely"));
    deleteWith(c, "ConfigMap", "lonely", "Foreground");
    expect(c.get("configmaps", "lonely")?.metadata.finalizers).toEqual(["foregroundDeletion"]);
    c.settle();
    expect(c.get("configmaps", "lonely")).toBeUndefined();
  });
});

describe("garbage collector: keysFor", () => {
  const gc = createGarbageCollector();
  const keys = (c: SimCluster, change: Parameters<typeof gc.keysFor>[0]) => gc.keysFor(change, storeSnapshot(c.store)).sort();

  it("an owner deleted → its dependents; a dependent added for a missing owner → itself; unchanged refs → nothing", () => {
    const c = new SimCluster([]);
    const owner = c.apply(configMap("owner"));
    const dep = c.apply(configMap("dep", [ref(owner)]));
    const controlled = c.apply(configMap("controlled", [ref(owner, { controller: true })]));
    expect(keys(c, { type: "ADDED", resource: "configmaps", object: dep })).toEqual([]);
    expect(keys(c, { type: "MODIFIED", resource: "configmaps", object: dep, previous: dep })).toEqual([]);
    c.write(() => remove(c.ctx, c.target("ConfigMap"), "owner"));
    expect(keys(c, { type: "DELETED", resource: "configmaps", object: owner })).toEqual(["configmaps/default/controlled", "configmaps/default/dep"]);
    expect(keys(c, { type: "ADDED", resource: "configmaps", object: controlled })).toEqual(["configmaps/default/controlled"]);
  });

  it("an owner entering foreground or orphan deletion → itself; a dependent leaving it → the owner", () => {
    const c = new SimCluster([]);
    c.apply(configMap("owner"));
    const dep = c.apply(configMap("dep", [ref(c.get("configmaps", "owner")!)]));
    deleteWith(c, "ConfigMap", "owner", "Orphan");
    const owner = c.get("configmaps", "owner")!;
    expect(keys(c, { type: "MODIFIED", resource: "configmaps", object: owner })).toEqual(["configmaps/default/owner"]);
    const released = { ...dep, metadata: { ...dep.metadata, ownerReferences: undefined } };
    expect(keys(c, { type: "MODIFIED", resource: "configmaps", object: released, previous: dep })).toEqual(["configmaps/default/owner"]);
    expect(keys(c, { type: "DELETED", resource: "configmaps", object: dep })).toEqual(["configmaps/default/owner"]);
  });

  it("events wake nothing", () => {
    const c = new SimCluster([]);
    expect(keys(c, { type: "DELETED", resource: "events", object: configMap("x") })).toEqual([]);
  });
});

describe("garbage collector: orphan", () => {
  it("leaves the pods with no ownerReferences, and a new ReplicaSet adopts them", () => {
    const c = cluster({ bind: true });
    const invariants = standardInvariants();
    c.apply(replicaSet("web"));
    c.settle({ invariants });
    const pods = names(c.list("pods", "default"));
    deleteWith(c, "ReplicaSet", "web", "Orphan");
    expect(c.get("replicasets.apps", "web")?.metadata.finalizers).toEqual(["orphan"]);
    c.settle({ invariants });
    expect(c.get("replicasets.apps", "web")).toBeUndefined();
    expect(names(c.list("pods", "default"))).toEqual(pods);
    for (const pod of c.list("pods", "default")) expect(pod.metadata.ownerReferences).toBeUndefined();

    c.apply(replicaSet("web"));
    c.settle({ invariants });
    const owner = c.get("replicasets.apps", "web")!;
    expect(names(podsOf(c, owner))).toEqual(pods);
  });

  it("removes only the orphaning owner's reference", () => {
    const c = cluster();
    const a = c.apply(configMap("a"));
    const b = c.apply(configMap("b"));
    c.apply(configMap("shared", [ref(a), ref(b)]));
    c.settle();
    deleteWith(c, "ConfigMap", "a", "Orphan");
    c.settle();
    expect(c.get("configmaps", "a")).toBeUndefined();
    expect(c.get("configmaps", "shared")?.metadata.ownerReferences).toEqual([ref(b)]);
  });
});
