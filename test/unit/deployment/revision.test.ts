/** The pod-template-hash and the revision annotations kubectl's rollout history/undo read. */
import { describe, expect, it } from "vitest";
import { computeHash, equalIgnoreHash, fnv32a, lastRevision, maxRevision, safeEncodeString } from "../../../src/controllers/deployment";
import { setDeploymentAnnotationsTo, setNewReplicaSetAnnotations } from "../../../src/controllers/deployment/revision";
import { deployment, deploymentObject, rs } from "./fixtures";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("pod-template-hash", () => {
  it.each([["", 0x811c9dc5], ["a", 0xe40c292c], ["foobar", 0xbf9cf968]])("fnv32a(%j)", (input, expected) => {
    expect(fnv32a(bytes(input))).toBe(expected);
  });

  it("safe-encodes the decimal digits into the consonant alphabet", () => {
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  const template = deploymentObject("web").spec.template;

  it("is a stable, upstream-shaped label value", () => {
    const hash = computeHash(template);
    expect(hash).toMatch(/^[456789bcdf]{1,10}$/);
    expect(computeHash(structuredClone(template))).toBe(hash);
  });

  it("changes with the template, not with key order, nulls or empty maps", () => {
    const hash = computeHash(template);
    expect(computeHash(deploymentObject("web", { image: "nginx:1.16.1" }).spec.template)).not.toBe(hash);
    const reordered = { spec: template.spec, metadata: { creationTimestamp: null, annotations: {}, labels: template.metadata!.labels } };
    expect(computeHash(reordered as never)).toBe(hash);
  });

  it("mixes in collisionCount when set (0 included, as a non-nil pointer upstream)", () => {
    const hashes = new Set([computeHash(template), computeHash(template, 0), computeHash(template, 1)]);
    expect(hashes.size).toBe(3);
  });
});

describe("template equality (EqualIgnoreHash)", () => {
  const t = deploymentObject("web").spec.template;
  it.each([
    ["the pod-template-hash label is ignored", { ...t, metadata: { labels: { ...t.metadata!.labels, "pod-template-hash": "abc" } } }, true],
    ["kubectl undo's creationTimestamp: null", { ...t, metadata: { ...t.metadata, creationTimestamp: null } }, true],
    ["an empty annotations map equals none", { ...t, metadata: { ...t.metadata, annotations: {} } }, true],
    ["another image is another template", deploymentObject("web", { image: "nginx:1.16.1" }).spec.template, false],
    ["a restartedAt annotation is another template", { ...t, metadata: { ...t.metadata, annotations: { "kubectl.kubernetes.io/restartedAt": "2026-11-25T00:00:00Z" } } }, false],
  ])("%s", (_name, other, expected) => {
    expect(equalIgnoreHash(t, other as typeof t)).toBe(expected);
  });
});

describe("revisions", () => {
  it.each([
    ["none", [], 0, 0],
    ["1, 2, 3", [1, 2, 3], 3, 2],
    ["out of order", [3, 1, 4, 2], 4, 3],
    ["one", [5], 5, 0],
  ])("%s → max %d, last %d", (_name, revs, max, last) => {
    const rss = revs.map((r, i) => rs(`web-${i}`, 0, { revision: r }));
    expect(maxRevision(rss)).toBe(max);
    expect(lastRevision(rss)).toBe(last);
  });

  it("skips revisions that are not integers", () => {
    const bad = structuredClone(rs("web-x", 0));
    bad.metadata.annotations!["deployment.kubernetes.io/revision"] = "x";
    expect(maxRevision([bad, rs("web-1", 0, { revision: 2 })])).toBe(2);
  });
});

describe("setNewReplicaSetAnnotations", () => {
  const d = deployment("web", {
    replicas: 10,
    annotations: { "kubernetes.io/change-cause": "kubectl set image", "kubectl.kubernetes.io/last-applied-configuration": "{}", "deployment.kubernetes.io/revision": "7", team: "a" },
  });

  it("a ReplicaSet to create: the deployment's annotations (not the skipped ones), revision, desired and max replicas", () => {
    const r = structuredClone(rs("web-new", 0));
    r.metadata.annotations = {};
    expect(setNewReplicaSetAnnotations(d, r, "8", false)).toBe(true);
    expect(r.metadata.annotations).toEqual({
      "kubernetes.io/change-cause": "kubectl set image",
      team: "a",
      "deployment.kubernetes.io/revision": "8",
      "deployment.kubernetes.io/desired-replicas": "10",
      "deployment.kubernetes.io/max-replicas": "13",
    });
  });

  it("a rollback reuses a ReplicaSet: revision 2 → 4 with history 2, then 4 → 6 with history 2,4", () => {
    const r = structuredClone(rs("web-v2", 0, { revision: 2 }));
    setNewReplicaSetAnnotations(d, r, "4", true);
    expect(r.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "4", "deployment.kubernetes.io/revision-history": "2" });
    expect(r.metadata.annotations!["deployment.kubernetes.io/desired-replicas"]).toBeUndefined();
    setNewReplicaSetAnnotations(d, r, "6", true);
    expect(r.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "6", "deployment.kubernetes.io/revision-history": "2,4" });
  });

  it("never lowers a revision, and reports no change when in sync", () => {
    const r = structuredClone(rs("web-v5", 0, { revision: 5 }));
    setNewReplicaSetAnnotations(d, r, "5", true);
    expect(setNewReplicaSetAnnotations(d, r, "3", true)).toBe(false);
    expect(r.metadata.annotations!["deployment.kubernetes.io/revision"]).toBe("5");
  });

  it("keeps revision-history under its length cap by dropping the oldest", () => {
    const r = structuredClone(rs("web-v", 0, { revision: 9 }));
    r.metadata.annotations!["deployment.kubernetes.io/revision-history"] = "1,3,5,7";
    setNewReplicaSetAnnotations(d, r, "10", true, 8);
    expect(r.metadata.annotations!["deployment.kubernetes.io/revision-history"]).toBe("3,5,7,9");
  });
});

describe("setDeploymentAnnotationsTo (rollback)", () => {
  it("takes the ReplicaSet's annotations, keeps only its own skipped ones", () => {
    const d = structuredClone(deployment("web", { annotations: { "kubernetes.io/change-cause": "v3", "deployment.kubernetes.io/revision": "3", other: "x" } }));
    const r = structuredClone(rs("web-v1", 0, { revision: 1, desired: 3 }));
    r.metadata.annotations!["kubernetes.io/change-cause"] = "v1";
    setDeploymentAnnotationsTo(d, r);
    expect(d.metadata.annotations).toEqual({ "deployment.kubernetes.io/revision": "3", "kubernetes.io/change-cause": "v1" });
  });
});
