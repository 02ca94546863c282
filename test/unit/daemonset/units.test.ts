/**
 * The pure pieces behind the DaemonSet controller as table tests: node eligibility, daemon
 * tolerations, node pinning, and the rolling-update arithmetic over hand-made pods.
 */
import { describe, expect, it } from "vitest";
import type { Taint } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";
import {
  addDaemonPodTolerations, daemonPodTolerations, nodeShouldRunDaemonPod, pinToNode, targetNodeName, updatedDesiredNodeCounts, type DaemonSet, type Node,
} from "../../../src/controllers/daemonset";
import { rollingUpdate } from "../../../src/controllers/daemonset/rolling";
import { deepFreeze, fluentd } from "./harness";

const NOW = Date.parse("2026-11-25T00:10:00Z");

const node = (name: string, o: { labels?: Record<string, string>; taints?: Taint[] } = {}): Node =>
  deepFreeze({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name, ...o.labels } }, spec: { taints: o.taints } });

const ds = (o: Parameters<typeof fluentd>[0] = {}, strategy?: Record<string, unknown>): DaemonSet => {
  const base = structuredClone(fluentd(o)) as DaemonSet;
  base.metadata.generation = 2;
  base.spec.updateStrategy = (strategy ?? { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }) as DaemonSet["spec"]["updateStrategy"];
  return deepFreeze(base);
};

/** A bound daemon pod: `hash` new or old, ready (and so available) or not. */
const pod = (name: string, nodeName: string, hash: string, ready: boolean, terminating = false): KObject =>
  deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, uid: name, creationTimestamp: "2026-11-25T00:00:00Z", labels: { "controller-revision-hash": hash }, ...(terminating ? { deletionTimestamp: "2026-11-25T00:09:00Z" } : {}) },
    spec: { nodeName, containers: [] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime: "2026-11-25T00:01:00Z" }] },
  });

describe("nodeShouldRunDaemonPod", () => {
  it.each([
    ["a plain node", node("n"), {}, true, true],
    ["a nodeSelector it matches", node("n", { labels: { disktype: "ssd" } }), { nodeSelector: { disktype: "ssd" } }, true, true],
    ["a nodeSelector it does not match", node("n"), { nodeSelector: { disktype: "ssd" } }, false, false],
    ["an untolerated NoSchedule taint", node("n", { taints: [{ key: "dedicated", effect: "NoSchedule" }] }), {}, false, true],
    ["an untolerated NoExecute taint", node("n", { taints: [{ key: "dedicated", effect: "NoExecute" }] }), {}, false, false],
    ["a PreferNoSchedule taint", node("n", { taints: [{ key: "dedicated", effect: "PreferNoSchedule" }] }), {}, true, true],
    ["the control-plane taint, tolerated", node("n", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }), {}, true, true],
    ["the control-plane taint, without tolerations", node("n", { taints: [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }] }), { tolerations: null }, false, true],
    ["not-ready and unreachable (daemon tolerations)", node("n", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] }), {}, true, true],
    ["cordoned (daemon toleration)", node("n", { taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }] }), {}, true, true],
    ["network-unavailable without hostNetwork", node("n", { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] }), {}, false, true],
    ["network-unavailable with hostNetwork", node("n", { taints: [{ key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" }] }), { hostNetwork: true }, true, true],
  ])("%s", (_name, n, o, shouldRun, shouldContinueRunning) => {
    expect(nodeShouldRunDaemonPod(n, ds(o))).toEqual({ shouldRun, shouldContinueRunning });
  });
});

describe("daemon pod spec", () => {
  it("replaces a matching toleration and appends the others (network-unavailable only for hostNetwork)", () => {
    const spec = { containers: [], hostNetwork: true, tolerations: [{ key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }] };
    addDaemonPodTolerations(spec);
    expect(spec.tolerations).toEqual(daemonPodTolerations(true));
    expect(daemonPodTolerations(true).at(-1)).toEqual({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  });

  it("pins to a node by replacing the required terms, keeping preferred ones", () => {
    const affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "ssd", operator: "Exists" }] } }],
      },
    };
    const pinned = pinToNode(affinity, "node-2");
    expect(pinned.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution).toEqual({ nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }] });
    expect(pinned.nodeAffinity!.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(targetNodeName({ metadata: {}, spec: { affinity: pinned } })).toBe("node-2");
    expect(targetNodeName({ metadata: {}, spec: { nodeName: "node-3", affinity: pinned } })).toBe("node-3");
    expect(targetNodeName({ metadata: {}, spec: {} })).toBeUndefined();
  });
});

describe("rolling update arithmetic", () => {
  const nodes = ["a", "b", "c"].map((n) => node(n));
  const byNode = (pods: KObject[]) => {
    const m = new Map<string, KObject[]>();
    for (const p of pods) m.set((p.spec as { nodeName: string }).nodeName, [...(m.get((p.spec as { nodeName: string }).nodeName) ?? []), p]);
    return m;
  };
  const plan = (d: DaemonSet, pods: KObject[]) => {
    const p = rollingUpdate(d, nodes, byNode(pods), "new", NOW);
    return { create: p.create, remove: p.remove.map((x) => x.metadata.name) };
  };

  it.each([
    ["maxUnavailable 1, all old and available → delete one", 1, [["a", "old", true], ["b", "old", true], ["c", "old", true]], ["pa"]],
    ["maxUnavailable 1, a new pod not ready yet → wait", 1, [["a", "new", false], ["b", "old", true], ["c", "old", true]], []],
    ["maxUnavailable 1, a node without a pod → wait", 1, [["b", "old", true], ["c", "old", true]], []],
    ["maxUnavailable 1, an old pod not ready → replace it at once", 1, [["a", "old", false], ["b", "old", true], ["c", "old", true]], ["pa"]],
    ["maxUnavailable 2, one old not ready → it and one more", 2, [["a", "old", false], ["b", "old", true], ["c", "old", true]], ["pa", "pb"]],
  ] as [string, number, [string, string, boolean][], string[]][])("%s", (_name, maxUnavailable, specs, removed) => {
    const d = ds({}, { type: "RollingUpdate", rollingUpdate: { maxUnavailable, maxSurge: 0 } });
    expect(plan(d, specs.map(([n, h, r]) => pod(`p${n}`, n, h, r)))).toEqual({ create: [], remove: removed });
  });

  it.each([
    ["all old available → one new pod beside an old one", [["a", "old", true], ["b", "old", true], ["c", "old", true]], ["a"], []],
    ["a surged pod not ready yet → wait", [["a", "old", true], ["a", "new", false], ["b", "old", true], ["c", "old", true]], [], []],
    ["a surged pod available → its old pod goes, the next node surges", [["a", "old", true], ["a", "new", true], ["b", "old", true], ["c", "old", true]], ["b"], ["pa-old"]],
  ] as [string, [string, string, boolean][], string[], string[]][])("maxSurge 1: %s", (_name, specs, created, removed) => {
    const d = ds({}, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(plan(d, specs.map(([n, h, r]) => pod(`p${n}-${h}`, n, h, r)))).toEqual({ create: created, remove: removed });
  });

  it("allows one unavailable node when both budgets come out 0", () => {
    const d = ds({}, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } });
    expect(updatedDesiredNodeCounts(d, nodes, new Map())).toEqual({ maxSurge: 0, maxUnavailable: 1, desired: 3 });
    const pct = ds({}, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "50%", maxSurge: 0 } });
    expect(updatedDesiredNodeCounts(pct, nodes, new Map()).maxUnavailable).toBe(2);
  });
});
