/** Node failure, taint-based eviction, recovery and cordoning, run to quiescence on a virtual clock. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../src/api/types";
import { createNodeLifecycle, desiredControllerTaints, FAILED_AT_ANNOTATION, reconcileTaints } from "../../src/sim/nodeLifecycle";
import { createScheduler } from "../../src/sim/scheduler";
import { DEFAULT_SETTINGS, FAST_SETTINGS, type SimulationSettings } from "../../src/sim/settings";
import { Cluster, condition, iso, nodes, pod, runningPod, T0 } from "./scheduler/harness";

const SECOND = 1000;
const DAEMON_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
];

function cluster(objects: KObject[], settings: SimulationSettings = DEFAULT_SETTINGS): Cluster {
  const c = new Cluster([createNodeLifecycle(settings), createScheduler(settings)]);
  for (const o of objects) c.create(o);
  return c.run(c.now);
}

const fail = (c: Cluster, node: string) => c.edit("nodes", "", node, (n) => (n.metadata.annotations["kubeflare.dev/failed"] = "true"));
const recover = (c: Cluster, node: string) => c.edit("nodes", "", node, (n) => delete n.metadata.annotations["kubeflare.dev/failed"]);
const taints = (c: Cluster, node: string) => (c.node(node).spec as { taints?: unknown[] }).taints ?? [];

/** Three nodes; on node-2 a pod with the default tolerations, one with none, and a DaemonSet-like one. */
function failingCluster(settings: SimulationSettings = DEFAULT_SETTINGS): Cluster {
  return cluster(
    [
      ...nodes(3),
      runningPod("tolerant", "node-2"),
      runningPod("intolerant", "node-2", { tolerations: [] }),
      runningPod("daemon", "node-2", { tolerations: DAEMON_TOLERATIONS }),
      runningPod("elsewhere", "node-1"),
    ],
    settings,
  );
}

describe("a failed node", () => {
  it("stays Ready through the node monitor grace period", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(49 * SECOND);
    expect(condition(c.node("node-2"), "Ready").status).toBe("True");
    expect(taints(c, "node-2")).toEqual([]);
    expect(c.node("node-2").metadata.annotations![FAILED_AT_ANNOTATION]).toBe(iso(T0));
  });

  it("goes Unknown after 50 s, gets the unreachable taints, and its pods go not Ready", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(50 * SECOND);
    const at = iso(T0 + 50 * SECOND);
    const node = c.node("node-2");
    for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
      expect(condition(node, type)).toMatchObject({ status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: at });
    }
    expect(taints(c, "node-2")).toEqual([
      { key: "node.kubernetes.io/unreachable", effect: "NoSchedule", timeAdded: at },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: at },
    ]);
    expect(c.eventsFor("node-2", "NodeNotReady")).toEqual([
      expect.objectContaining({ type: "Normal", message: "Node node-2 status is now: NodeNotReady", component: "node-controller", at: T0 + 50 * SECOND }),
    ]);
    for (const p of ["tolerant", "daemon"]) {
      expect(condition(c.pod(p), "Ready")).toMatchObject({ status: "False", lastTransitionTime: at });
      expect(c.eventsFor(`default/${p}`, "NodeNotReady")).toEqual([expect.objectContaining({ type: "Warning", message: "Node is not ready" })]);
    }
    expect(condition(c.pod("elsewhere"), "Ready").status).toBe("True");
  });

  it("evicts pods without a toleration at once", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(51 * SECOND);
    expect(c.pod("intolerant")).toBeUndefined();
    expect(c.deleted).toEqual([{ pod: "default/intolerant", at: T0 + 50 * SECOND }]);
    expect(c.eventsFor("default/intolerant", "TaintManagerEviction")).toEqual([
      expect.objectContaining({ type: "Normal", message: "Marking for deletion Pod default/intolerant", component: "taint-eviction-controller" }),
    ]);
  });

  it("evicts pods with the default toleration 300 s after the taint, never DaemonSet-style ones", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(50 * SECOND + 299 * SECOND);
    expect(c.pod("tolerant")).toBeDefined();
    c.advance(1 * SECOND);
    expect(c.pod("tolerant")).toBeUndefined();
    expect(c.deleted.map((d) => d.pod)).toEqual(["default/intolerant", "default/tolerant"]);
    expect(c.deleted[1].at).toBe(T0 + 350 * SECOND);
    c.advance(3600 * SECOND);
    expect(c.pod("daemon")).toBeDefined();
    expect(c.pending()).toBe(false);
  });

  it("marks evicted pods as disruption targets before deleting them", () => {
    const c = new Cluster([createNodeLifecycle(DEFAULT_SETTINGS)]);
    for (const o of [...nodes(1), runningPod("p", "node-1", { tolerations: [] })]) c.create(o);
    c.run(c.now);
    fail(c, "node-1");
    // Stop right after the taints land: the status write comes before the delete in the same pass.
    const seen: unknown[] = [];
    const original = c.controllers[0].reconcile;
    c.controllers[0].reconcile = (key, snap, now, rng) => {
      const r = original(key, snap, now, rng);
      for (const w of r.writes) if (w.op === "status" && w.resource === "pods") seen.push(condition(w.object, "DisruptionTarget"));
      return r;
    };
    c.advance(50 * SECOND);
    expect(seen).toContainEqual({ type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: iso(T0 + 50 * SECOND), reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" });
  });

  it("keeps new pods off the failed node", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(60 * SECOND);
    for (let i = 0; i < 6; i++) c.create(pod(`new-${i}`));
    c.run(c.now);
    for (let i = 0; i < 6; i++) expect(["node-1", "node-3"]).toContain(c.placement()[`new-${i}`]);
  });

  it("runs the whole story in the fast profile (timings scaled by 0.02)", () => {
    const c = failingCluster(FAST_SETTINGS);
    fail(c, "node-2");
    c.advance(999);
    expect(condition(c.node("node-2"), "Ready").status).toBe("True");
    c.advance(1);
    expect(condition(c.node("node-2"), "Ready").status).toBe("Unknown");
    expect(c.pod("intolerant")).toBeUndefined();
    c.advance(6 * SECOND);
    expect(c.pod("tolerant")).toBeUndefined();
    expect(c.deleted.find((d) => d.pod === "default/tolerant")!.at).toBe(T0 + 7 * SECOND);
  });
});

describe("recovery", () => {
  it("brings the node back Ready, removes the taints, cancels pending evictions and readies its pods", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(100 * SECOND);
    recover(c, "node-2");
    c.run(c.now);
    const node = c.node("node-2");
    const at = iso(T0 + 100 * SECOND);
    expect(condition(node, "Ready")).toMatchObject({ status: "True", reason: "KubeletReady", message: "kubelet is posting ready status", lastTransitionTime: at });
    expect(condition(node, "MemoryPressure")).toMatchObject({ status: "False", reason: "KubeletHasSufficientMemory" });
    expect(taints(c, "node-2")).toEqual([]);
    expect(node.metadata.annotations![FAILED_AT_ANNOTATION]).toBeUndefined();
    expect(c.eventsFor("node-2", "NodeReady")).toEqual([expect.objectContaining({ message: "Node node-2 status is now: NodeReady", component: "kubelet" })]);
    expect(c.eventsFor("default/tolerant", "TaintManagerEviction")).toEqual([expect.objectContaining({ message: "Cancelling deletion of Pod default/tolerant" })]);
    expect(c.eventsFor("default/daemon", "TaintManagerEviction")).toEqual([]);
    expect(condition(c.pod("tolerant"), "Ready")).toMatchObject({ status: "True", lastTransitionTime: at });
    c.advance(3600 * SECOND);
    expect(c.pod("tolerant")).toBeDefined();
    expect(c.pending()).toBe(false);
  });

  it("lets the scheduler use the node again", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(60 * SECOND);
    c.create(pod("pinned", { nodeSelector: { "kubernetes.io/hostname": "node-2" } }));
    c.run(c.now);
    expect(condition(c.pod("pinned"), "PodScheduled").message).toBe(
      "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 2 node(s) didn't match Pod's node affinity/selector. " +
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    recover(c, "node-2");
    c.run(c.now);
    expect(c.placement().pinned).toBe("node-2");
  });

  it("recovering during the grace period leaves no trace", () => {
    const c = failingCluster();
    fail(c, "node-2");
    c.advance(20 * SECOND);
    recover(c, "node-2");
    c.advance(120 * SECOND);
    expect(condition(c.node("node-2"), "Ready").status).toBe("True");
    expect(c.node("node-2").metadata.annotations![FAILED_AT_ANNOTATION]).toBeUndefined();
    expect(c.events.filter((e) => e.reason !== "Scheduled")).toEqual([]);
  });
});

describe("cordon and taints by condition", () => {
  it("taints a cordoned node and untaints it when uncordoned", () => {
    const c = cluster(nodes(2));
    c.advance(10 * SECOND);
    c.edit("nodes", "", "node-1", (n) => (n.spec.unschedulable = true));
    c.run(c.now);
    expect(taints(c, "node-1")).toEqual([{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: iso(T0 + 10 * SECOND) }]);
    expect(c.eventsFor("node-1", "NodeNotSchedulable")).toEqual([expect.objectContaining({ message: "Node node-1 status is now: NodeNotSchedulable", component: "kubelet" })]);
    c.edit("nodes", "", "node-1", (n) => (n.spec.unschedulable = false));
    c.run(c.now);
    expect(taints(c, "node-1")).toEqual([]);
    expect(c.eventsFor("node-1", "NodeSchedulable")).toEqual([expect.objectContaining({ message: "Node node-1 status is now: NodeSchedulable" })]);
  });

  it("keeps taints it does not own, in order", () => {
    const [n] = nodes(1, (node) => {
      node.spec.taints = [{ key: "dedicated", value: "db", effect: "NoSchedule" }, { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: iso(T0) }];
      node.spec.unschedulable = true;
    });
    expect(reconcileTaints(n, T0 + 1000)).toEqual([
      { key: "dedicated", value: "db", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule", timeAdded: iso(T0 + 1000) },
    ]);
  });

  it.each<[string, Record<string, string>, boolean, string[]]>([
    ["healthy", { Ready: "True" }, false, []],
    ["cordoned", { Ready: "True" }, true, ["node.kubernetes.io/unschedulable:NoSchedule"]],
    ["not ready", { Ready: "False" }, false, ["node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"]],
    ["unreachable", { Ready: "Unknown" }, false, ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"]],
    ["memory pressure", { Ready: "True", MemoryPressure: "True" }, false, ["node.kubernetes.io/memory-pressure:NoSchedule"]],
  ])("desired taints when %s", (_name, conditions, unschedulable, expected) => {
    const node = { metadata: { name: "n" }, spec: { unschedulable }, status: { conditions: Object.entries(conditions).map(([type, status]) => ({ type, status })) } } as KObject;
    expect(desiredControllerTaints(node).map((t) => `${t.key}:${t.effect}`)).toEqual(expected);
  });

  it("evicts pods that do not tolerate a NoExecute taint added by hand, and stamps its time", () => {
    const c = cluster([...nodes(1), runningPod("plain", "node-1", { tolerations: [] }), runningPod("ok", "node-1", { tolerations: [{ key: "maintenance", operator: "Exists", effect: "NoExecute", tolerationSeconds: 60 }] })]);
    c.advance(5 * SECOND);
    c.edit("nodes", "", "node-1", (n) => (n.spec.taints = [{ key: "maintenance", value: "true", effect: "NoExecute" }]));
    c.run(c.now);
    expect(taints(c, "node-1")).toEqual([{ key: "maintenance", value: "true", effect: "NoExecute", timeAdded: iso(T0 + 5 * SECOND) }]);
    expect(c.pod("plain")).toBeUndefined();
    expect(c.pod("ok")).toBeDefined();
    c.advance(60 * SECOND);
    expect(c.pod("ok")).toBeUndefined();
    expect(c.deleted.map((d) => [d.pod, d.at])).toEqual([
      ["default/plain", T0 + 5 * SECOND],
      ["default/ok", T0 + 65 * SECOND],
    ]);
  });

  it("gives a Node created without status what its kubelet would post", () => {
    const c = cluster([{ apiVersion: "v1", kind: "Node", metadata: { name: "extra", labels: { "kubernetes.io/hostname": "extra" } }, spec: {} } as KObject]);
    const node = c.node("extra");
    expect(condition(node, "Ready")).toMatchObject({ status: "True", reason: "KubeletReady" });
    expect(node.status).toMatchObject({ allocatable: { cpu: "4", memory: "16Gi", pods: "110" } });
    c.create(pod("p"));
    c.run(c.now);
    expect(c.placement().p).toBe("extra");
  });

  it("is idle when nothing is wrong", () => {
    const c = cluster([...nodes(3), runningPod("a", "node-1")]);
    expect(c.pending()).toBe(false);
    expect(c.events).toEqual([]);
  });
});
