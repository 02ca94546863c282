/** Pod control: pods from templates, generated names, the claim (adopt / release). */
import { describe, expect, it } from "vitest";
import { labelSelectorFromSpec } from "../../../src/api/selectors";
import type { KObject } from "../../../src/api/types";
import { claimPods, createPods, deletePod, generateName, newControllerRef, podFromTemplate } from "../../../src/controllers/podControl";
import type { Snapshot } from "../../../src/controllers/types";
import { deepFreeze } from "./fixtures";

const owner = deepFreeze({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  metadata: { name: "web", namespace: "default", uid: "rs-uid" },
  spec: {},
}) as KObject;

const template = deepFreeze({
  metadata: { labels: { app: "web" }, annotations: { note: "x" }, finalizers: ["example.com/keep"] },
  spec: { containers: [{ name: "nginx", image: "nginx" }] },
});

function snapshotWith(pods: KObject[]): Snapshot {
  return {
    get: (resource, namespace, name) => (resource === "pods" ? pods.find((p) => p.metadata.namespace === namespace && p.metadata.name === name) : undefined),
    list: () => pods,
    ownedBy: () => [],
    podsOnNode: () => [],
  };
}

function pod(name: string, labels: Record<string, string>, refs?: KObject["metadata"]["ownerReferences"], extra: Partial<KObject["metadata"]> = {}): KObject {
  return deepFreeze({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7", labels, ...(refs ? { ownerReferences: refs } : {}), ...extra }, spec: {} });
}

/** A scripted rng returning `values` in turn (each maps to one alphabet index). */
const scripted = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe("podFromTemplate (GetPodFromTemplate)", () => {
  it("copies labels, annotations, finalizers and spec, and sets the controller ref", () => {
    const p = podFromTemplate(template, owner, "web-abcde");
    expect(p).toEqual({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: "web-abcde",
        namespace: "default",
        labels: { app: "web" },
        annotations: { note: "x" },
        finalizers: ["example.com/keep"],
        ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true }],
      },
      spec: { containers: [{ name: "nginx", image: "nginx" }] },
    });
    // A copy: the template is frozen, the pod is not.
    (p.spec as { containers: unknown[] }).containers.push({});
    expect(template.spec.containers).toHaveLength(1);
  });

  it("newControllerRef carries controller and blockOwnerDeletion", () => {
    expect(newControllerRef(owner)).toEqual({ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true, blockOwnerDeletion: true });
  });
});

describe("generateName", () => {
  it("appends five characters of the generateName alphabet", () => {
    expect(generateName("web-", scripted(0, 0.5, 0.99, 0.2, 0.75))).toBe("web-br9h2");
  });

  it("cuts the base to 58 characters, as upstream's generator", () => {
    const name = generateName(`${"a".repeat(70)}-`, () => 0);
    expect(name).toBe(`${"a".repeat(58)}bbbbb`);
    expect(name).toHaveLength(63);
  });
});

describe("createPods / deletePod", () => {
  it("creates count pods with distinct fresh names and a SuccessfulCreate event each", () => {
    const existing = pod("web-bbbbb", { app: "web" });
    // The rng first offers the taken name, then the same name again: both are skipped.
    const rng = scripted(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.04, 0.04, 0.04, 0.04, 0.04, 0.08, 0.08, 0.08, 0.08, 0.08);
    const writes = createPods({ owner, template, count: 2, snapshot: snapshotWith([existing]), rng, component: "replicaset-controller" });
    const created = writes.filter((w) => w.op === "create").map((w) => (w.op === "create" ? w.object.metadata.name : ""));
    expect(created).toEqual(["web-ccccc", "web-ddddd"]);
    expect(writes.filter((w) => w.op === "event").map((w) => (w.op === "event" ? [w.reason, w.message, w.type, w.component] : []))).toEqual(
      created.map((n) => ["SuccessfulCreate", `Created pod: ${n}`, "Normal", "replicaset-controller"]),
    );
  });

  it("creates nothing from a template without labels", () => {
    const writes = createPods({ owner, template: { spec: template.spec }, count: 3, snapshot: snapshotWith([]), rng: Math.random, component: "x" });
    expect(writes).toEqual([]);
  });

  it("deletes a pod by name and uid and records SuccessfulDelete", () => {
    expect(deletePod(owner, pod("web-x", { app: "web" }), "replicaset-controller")).toEqual([
      { op: "delete", resource: "pods", namespace: "default", name: "web-x", uid: "uid-web-x" },
      { op: "event", involved: owner, type: "Normal", reason: "SuccessfulDelete", message: "Deleted pod: web-x", component: "replicaset-controller" },
    ]);
  });
});

describe("claimPods (PodControllerRefManager.ClaimPods)", () => {
  const selector = labelSelectorFromSpec({ matchLabels: { app: "web" } });
  const mine = { ...newControllerRef(owner) };
  const theirs = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "other", uid: "other-uid", controller: true, blockOwnerDeletion: true };
  const plainRef = { apiVersion: "v1", kind: "ConfigMap", name: "cm", uid: "cm-uid" };

  it.each<[string, KObject, { claimed: boolean; write?: "adopt" | "release" }]>([
    ["owned and matching: kept", pod("a", { app: "web" }, [mine]), { claimed: true }],
    ["owned, no longer matching: released", pod("b", { app: "debug" }, [mine]), { claimed: false, write: "release" }],
    ["orphan and matching: adopted", pod("c", { app: "web" }), { claimed: true, write: "adopt" }],
    ["orphan with a non-controller owner, matching: adopted", pod("d", { app: "web" }, [plainRef]), { claimed: true, write: "adopt" }],
    ["orphan, not matching: ignored", pod("e", { app: "db" }), { claimed: false }],
    ["someone else's: ignored", pod("f", { app: "web" }, [theirs]), { claimed: false }],
    ["orphan being deleted: not adopted", pod("g", { app: "web" }, undefined, { deletionTimestamp: "2026-01-01T00:00:00Z" }), { claimed: false }],
  ])("%s", (_name, p, want) => {
    const { claimed, writes } = claimPods(owner, selector, [p]);
    expect(claimed.map((c) => c.metadata.name)).toEqual(want.claimed ? [p.metadata.name] : []);
    if (!want.write) return expect(writes).toEqual([]);
    expect(writes).toHaveLength(1);
    const w = writes[0];
    expect(w.op).toBe("update");
    if (w.op !== "update") return;
    // The update is computed from the pod's resourceVersion (a Conflict just requeues).
    expect(w.object.metadata.resourceVersion).toBe("7");
    const refs = w.object.metadata.ownerReferences;
    if (want.write === "adopt") expect(refs).toEqual([...(p.metadata.ownerReferences ?? []), mine]);
    else expect(refs).toBeUndefined();
  });

  it("neither adopts nor releases while the owner is being deleted", () => {
    const deleting = { ...owner, metadata: { ...owner.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    const { claimed, writes } = claimPods(deleting, selector, [pod("a", { app: "debug" }, [mine]), pod("c", { app: "web" })]);
    expect(claimed).toEqual([]);
    expect(writes).toEqual([]);
  });
});
