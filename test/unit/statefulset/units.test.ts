/**
 * The pure pieces behind the StatefulSet controller and the shared ControllerRevision helpers, as
 * table tests named by upstream's examples.
 */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import {
  fnv32, hashControllerRevision, historyToDelete, nextRevision, revisionData, revisionTemplate, sortControllerRevisions, type ControllerRevision,
} from "../../../src/controllers/history";
import { isClaimOwnerUpToDate, claimWithPolicyOwners } from "../../../src/controllers/statefulset/claims";
import { claimsFor, maxUnavailableOf, newVersionedStatefulSetPod, parentAndOrdinal, type StatefulSet } from "../../../src/controllers/statefulset";
import { deepFreeze, web } from "./harness";

const rev = (name: string, revision: number, created = "2026-01-01T00:00:00Z"): ControllerRevision =>
  deepFreeze({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name, creationTimestamp: created }, data: revisionData({}), revision });

const set = (patch: Record<string, unknown> = {}, status: Record<string, unknown> = {}): StatefulSet => {
  const base = structuredClone(web()) as StatefulSet;
  return deepFreeze({ ...base, metadata: { ...base.metadata, uid: "set-uid" }, spec: { ...base.spec, ...patch }, status }) as StatefulSet;
};

describe("ControllerRevision helpers", () => {
  it.each([
    ["", 0x811c9dc5],
    ["a", 0x050c5d7e],
    ["foobar", 0x31f0b262],
  ])("fnv32 (FNV-1) of %j", (text, want) => {
    expect(fnv32(new TextEncoder().encode(text))).toBe(want);
  });

  it("hashes the data, and a collision count gives another name", () => {
    const data = revisionData({ metadata: { labels: { app: "nginx" } } });
    expect(hashControllerRevision(data, 0)).toBe(hashControllerRevision(revisionData({ metadata: { labels: { app: "nginx" } } }), 0));
    expect(hashControllerRevision(data, 1)).not.toBe(hashControllerRevision(data, 0));
    expect(hashControllerRevision(data, 0)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it("wraps the template as kubectl's undo patch, keys sorted, and unwraps it again", () => {
    const template = { spec: { containers: [{ name: "c", image: "x" }] }, metadata: { labels: { b: "2", a: "1" } } };
    const data = revisionData(template);
    expect(JSON.stringify(data)).toBe('{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"a":"1","b":"2"}},"spec":{"containers":[{"image":"x","name":"c"}]}}}}');
    expect(revisionTemplate({ ...rev("r", 1), data })).toEqual(template);
  });

  it("sorts by revision, then age, then name; the next revision follows the highest", () => {
    const sorted = sortControllerRevisions([rev("c", 2), rev("b", 1, "2026-01-02T00:00:00Z"), rev("a", 1, "2026-01-02T00:00:00Z"), rev("z", 1)]);
    expect(sorted.map((r) => r.metadata.name)).toEqual(["z", "a", "b", "c"]);
    expect(nextRevision(sorted)).toBe(3);
    expect(nextRevision([])).toBe(1);
  });

  it.each([
    ["StatefulSet: only dead revisions count", false, ["r1", "r3"]],
    ["DaemonSet: every old revision counts, live ones are skipped", true, ["r1", "r3", "r4"]],
  ])("truncates history, old r1..r5 with r2 live and limit 2 (%s)", (_name, countLive, want) => {
    const old = [1, 2, 3, 4, 5].map((n) => rev(`r${n}`, n));
    expect(historyToDelete(old, (r) => r.metadata.name === "r2", 2, countLive).map((r) => r.metadata.name)).toEqual(want);
    expect(historyToDelete(old, () => false, undefined, countLive)).toEqual([]);
  });
});

describe("StatefulSet identity", () => {
  it.each([
    ["web-0", "web", 0],
    ["web-12", "web", 12],
    ["my-db-3", "my-db", 3],
    ["web", "", -1],
    ["web-x", "", -1],
    ["web-99999999999", "web", -1],
  ])("parentAndOrdinal(%j)", (name, parent, ordinal) => {
    expect(parentAndOrdinal(name)).toEqual(ordinal === -1 && parent === "" ? { parent: "", ordinal: -1 } : { parent, ordinal });
  });

  it("labels a claim from its template and the selector, the selector winning", () => {
    const s = set({ volumeClaimTemplates: [{ metadata: { name: "www", labels: { app: "other", tier: "db" } }, spec: { accessModes: ["ReadWriteOnce"] }, status: { phase: "Pending" } }] });
    const claim = claimsFor(s, 4).get("www")!;
    expect(claim.metadata).toEqual({ name: "www-web-4", namespace: "default", labels: { app: "nginx", tier: "db" } });
    expect(claim.status).toBeUndefined();
  });

  it.each([
    ["below the partition", 3, 1, "r1"],
    ["at the partition", 3, 3, "r2"],
    ["partition 0", 0, 0, "r2"],
  ])("a recreated pod %s gets the right revision", (_name, partition, ordinal, want) => {
    const s = set({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition } } });
    const template = (v: string) => ({ metadata: { labels: { app: "nginx", v } }, spec: { containers: [{ name: "nginx", image: `nginx:${v}` }] } });
    const versions = { currentTemplate: template("1"), updateTemplate: template("2"), currentRevision: "r1", updateRevision: "r2" };
    const pod = newVersionedStatefulSetPod(s, versions, ordinal);
    expect(pod.metadata.labels).toMatchObject({ "controller-revision-hash": want, v: want === "r1" ? "1" : "2", "apps.kubernetes.io/pod-index": String(ordinal) });
  });

  it.each([
    [undefined, 5, 1],
    [2, 5, 2],
    ["50%", 5, 2],
    ["10%", 3, 1],
  ])("maxUnavailable %j of %i replicas → %i", (maxUnavailable, replicas, want) => {
    expect(maxUnavailableOf(set({ replicas, updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0, maxUnavailable } } }))).toBe(want);
  });
});

describe("claim owners under the retention policy", () => {
  const pod = (name: string): KObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "default", uid: `${name}-uid` } });
  const claim = (refs: { kind: string; name: string; uid: string }[]): KObject =>
    ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "www-web-1", namespace: "default", ownerReferences: refs.map((r) => ({ apiVersion: r.kind === "Pod" ? "v1" : "apps/v1", ...r, controller: true, blockOwnerDeletion: true })) } });
  const setRef = { kind: "StatefulSet", name: "web", uid: "set-uid" };
  const podRef = { kind: "Pod", name: "web-1", uid: "web-1-uid" };

  it.each([
    ["Retain/Retain, no refs", "Retain", "Retain", 2, [], true],
    ["Retain/Retain, a set ref", "Retain", "Retain", 2, [setRef], false],
    ["whenDeleted Delete, set ref", "Delete", "Retain", 2, [setRef], true],
    ["whenDeleted Delete, no ref", "Delete", "Retain", 2, [], false],
    ["whenScaled Delete, in range, no ref", "Retain", "Delete", 2, [], true],
    ["whenScaled Delete, scaled away, no ref", "Retain", "Delete", 1, [], false],
    ["whenScaled Delete, scaled away, pod ref", "Retain", "Delete", 1, [podRef], true],
    ["Delete/Delete, in range, set ref", "Delete", "Delete", 2, [setRef], true],
    ["Delete/Delete, scaled away, set ref", "Delete", "Delete", 1, [setRef], false],
    ["a stale set ref is left alone", "Delete", "Retain", 2, [{ ...setRef, uid: "old" }], true],
  ])("%s", (_name, whenDeleted, whenScaled, replicas, refs, upToDate) => {
    const s = set({ replicas, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } });
    const c = claim(refs);
    expect(isClaimOwnerUpToDate(c, s, pod("web-1"))).toBe(upToDate);
    // Only claims found out of date are rewritten; the rewrite then agrees with the policy.
    if (!upToDate) expect(isClaimOwnerUpToDate(claimWithPolicyOwners(c, s, pod("web-1")), s, pod("web-1"))).toBe(true);
  });
});
