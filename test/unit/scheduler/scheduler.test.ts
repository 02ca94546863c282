/** Scheduler scenarios run to quiescence in the in-memory cluster (invariants checked at every step). */
import { describe, expect, it } from "vitest";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS, DEFAULT_SETTINGS } from "../../../src/sim/settings";
import type { KObject } from "../../../src/api/types";
import { Cluster, condition, nodes, pod, replicaSet, runningPod, T0 } from "./harness";

function cluster(objects: KObject[], seed = 1): Cluster {
  const c = new Cluster([createScheduler(DEFAULT_SETTINGS)], seed);
  for (const o of objects) c.create(o);
  return c.run();
}

/** The PodScheduled=False message of a pending pod. */
function unschedulable(c: Cluster, name: string): string {
  const cond = condition(c.pod(name), "PodScheduled");
  expect(cond?.status).toBe("False");
  expect(cond?.reason).toBe("Unschedulable");
  return cond.message;
}

const NO_VICTIMS = (n: number, total = n) => `preemption: 0/${total} nodes are available: ${n} No preemption victims found for incoming pod.`;
const NOT_HELPFUL = (n: number, total = n) => `preemption: 0/${total} nodes are available: ${n} Preemption is not helpful for scheduling.`;

describe("spreading", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])("puts a 3-replica ReplicaSet one per node on 3 nodes (seed %i)", (seed) => {
    const c = cluster([...nodes(3), ...replicaSet("web", 3)], seed);
    expect(c.podsPerNode()).toEqual({ "node-1": 1, "node-2": 1, "node-3": 1 });
  });

  it("puts 6 replicas two per node", () => {
    const c = cluster([...nodes(3), ...replicaSet("web", 6, { cpu: "100m", memory: "64Mi" })]);
    expect(c.podsPerNode()).toEqual({ "node-1": 2, "node-2": 2, "node-3": 2 });
  });

  it("spreads the pods selected by a Service too", () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "default" }, spec: { selector: { app: "web" } } } as KObject;
    const pods = [0, 1, 2].map((i) => pod(`web-${i}`, { labels: { app: "web" } }));
    const c = cluster([...nodes(3), svc, ...pods]);
    expect(c.podsPerNode()).toEqual({ "node-1": 1, "node-2": 1, "node-3": 1 });
  });

  it("spreads a ReplicaSet even onto a busier node (PodTopologySpread outweighs LeastAllocated)", () => {
    const [rs, web0, web1] = replicaSet("web", 2, { cpu: "100m", memory: "64Mi" });
    const running = { ...web0, spec: { ...(web0.spec as object), nodeName: "node-1" }, status: { phase: "Running" } } as KObject;
    for (const seed of [1, 2, 3]) {
      const c = cluster([...nodes(2), rs, running, runningPod("other", "node-2", { cpu: "500m", memory: "1Gi" }), web1], seed);
      expect(c.placement()["web-1"]).toBe("node-2");
    }
  });

  it("does not count another ReplicaSet's pods as its own", () => {
    const [, web0] = replicaSet("web", 1, { cpu: "100m", memory: "64Mi" });
    const running = { ...web0, spec: { ...(web0.spec as object), nodeName: "node-1" }, status: { phase: "Running" } } as KObject;
    const [rs2, api0] = replicaSet("api", 1, { cpu: "100m", memory: "64Mi" });
    const c = cluster([...nodes(2), running, runningPod("other", "node-2", { cpu: "500m", memory: "1Gi" }), rs2, api0]);
    expect(c.placement()["api-0"]).toBe("node-1");
  });

  it("prefers the emptier node for a lone pod (LeastAllocated)", () => {
    const c = cluster([...nodes(2), runningPod("big", "node-1", { cpu: "3", memory: "8Gi" }), pod("p", { cpu: "100m" })]);
    expect(c.placement().p).toBe("node-2");
  });

  it("emits Scheduled events from default-scheduler", () => {
    const c = cluster([...nodes(1), pod("web-x")]);
    expect(c.eventsFor("default/web-x")).toEqual([
      expect.objectContaining({ type: "Normal", reason: "Scheduled", message: "Successfully assigned default/web-x to node-1", component: "default-scheduler" }),
    ]);
  });
});

describe("unschedulable messages (FitError + preemption)", () => {
  it.each<[string, KObject[], string]>([
    ["Insufficient cpu", [...nodes(3), pod("p", { cpu: "5" })], `0/3 nodes are available: 3 Insufficient cpu. ${NO_VICTIMS(3)}`],
    ["Insufficient memory", [...nodes(3), pod("p", { memory: "20Gi" })], `0/3 nodes are available: 3 Insufficient memory. ${NO_VICTIMS(3)}`],
    ["Insufficient cpu and memory", [...nodes(2), pod("p", { cpu: "8", memory: "20Gi" })], `0/2 nodes are available: 2 Insufficient cpu, 2 Insufficient memory. ${NO_VICTIMS(2)}`],
    [
      "node selector mismatch",
      [...nodes(3), pod("p", { nodeSelector: { disktype: "ssd" } })],
      `0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL(3)}`,
    ],
    [
      "untolerated taint",
      [...nodes(1, (n) => (n.spec.taints = [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }])), pod("p")],
      `0/1 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ${NOT_HELPFUL(1)}`,
    ],
    [
      "mixed: control-plane taint and memory",
      [...nodes(3, (n, i) => i === 1 && (n.spec.taints = [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }])), pod("p", { memory: "20Gi" })],
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. " +
        "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.",
    ],
    [
      "mixed: selector, taint with a value, cordon",
      [
        ...nodes(4, (n, i) => {
          if (i === 1) n.spec.taints = [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }];
          if (i === 2) n.spec.unschedulable = true;
          if (i === 4) n.metadata.labels.disktype = "ssd";
        }),
        pod("p", { nodeSelector: { disktype: "hdd" } }),
      ],
      "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. " +
        NOT_HELPFUL(4),
    ],
    [
      "too many pods",
      [...nodes(1, (n) => (n.status.allocatable.pods = "1")), runningPod("a", "node-1"), pod("p")],
      `0/1 nodes are available: 1 Too many pods. ${NO_VICTIMS(1)}`,
    ],
    ["no nodes at all", [pod("p")], "no nodes available to schedule pods"],
    [
      "preemptionPolicy Never",
      [...nodes(1), pod("p", { cpu: "5", spec: { preemptionPolicy: "Never" } })],
      "0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.",
    ],
    [
      "a pod pinned to one node (the DaemonSet pattern)",
      [
        ...nodes(3),
        pod("ds-x", {
          cpu: "5",
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-2"] }] }] } } },
        }),
      ],
      "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. " +
        "preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    ],
    [
      "host port in use",
      [
        ...nodes(1),
        runningPod("a", "node-1", { spec: { containers: [{ name: "a", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080 }] }] } }),
        pod("p", { spec: { containers: [{ name: "a", image: "nginx", ports: [{ containerPort: 80, hostPort: 8080 }] }] } }),
      ],
      `0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. ${NO_VICTIMS(1)}`,
    ],
  ])("%s", (_name, objects, expected) => {
    const c = cluster(objects);
    expect(unschedulable(c, "p" in c.placement() ? "p" : "ds-x")).toBe(expected);
    const events = c.eventsFor(`default/${"p" in c.placement() ? "p" : "ds-x"}`, "FailedScheduling");
    expect(events).toEqual([expect.objectContaining({ type: "Warning", message: expected, component: "default-scheduler" })]);
  });

  it("writes the condition as upstream shapes it, and only when it changes", () => {
    const c = cluster([...nodes(1), pod("p", { cpu: "5" })]);
    const cond = condition(c.pod("p"), "PodScheduled");
    expect(cond).toEqual({ type: "PodScheduled", status: "False", lastProbeTime: null, lastTransitionTime: "2026-01-01T12:00:00Z", reason: "Unschedulable", message: expect.any(String) });
    expect(c.pod("p")!.status).toMatchObject({ phase: "Pending" });
    const rv = c.pod("p")!.metadata.resourceVersion;
    // Another attempt with the same outcome (a node label changed): an event, but no status write.
    c.advance(10_000);
    c.edit("nodes", "", "node-1", (n) => (n.metadata.labels.tier = "x"));
    c.run();
    expect(c.pod("p")!.metadata.resourceVersion).toBe(rv);
    expect(c.eventsFor("default/p", "FailedScheduling")).toHaveLength(2);
  });

  it("keeps lastTransitionTime when only the message changes", () => {
    const c = cluster([...nodes(1), pod("p", { cpu: "5" })]);
    c.advance(60_000);
    c.create(nodes(2, (n) => (n.spec.taints = [{ key: "x", effect: "NoSchedule" }]))[1]);
    c.run();
    const cond = condition(c.pod("p"), "PodScheduled");
    expect(cond.message).toBe(
      "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {x: }. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
    );
    expect(cond.lastTransitionTime).toBe("2026-01-01T12:00:00Z");
  });

  it("is not re-run by its own status write", () => {
    const c = cluster([...nodes(1), pod("p", { cpu: "5" })]);
    expect(c.pending()).toBe(false);
    expect(c.eventsFor("default/p", "FailedScheduling")).toHaveLength(1);
  });
});

describe("cordons and taints", () => {
  it("never places a pod on a cordoned node", () => {
    const c = cluster([...nodes(3, (n, i) => i === 2 && (n.spec.unschedulable = true)), ...replicaSet("web", 8, { cpu: "100m" })]);
    expect(c.podsPerNode()["node-2"]).toBe(0);
    expect(c.podsPerNode()["node-1"] + c.podsPerNode()["node-3"]).toBe(8);
  });

  it("lets a pod tolerating the unschedulable taint onto a cordoned node", () => {
    const tolerations = [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }];
    const c = cluster([...nodes(1, (n) => (n.spec.unschedulable = true)), pod("p", { tolerations })]);
    expect(c.placement().p).toBe("node-1");
  });

  it("keeps a tainted node for the pods that tolerate it", () => {
    const gpu = (n: any, i: number) => i === 1 && (n.spec.taints = [{ key: "gpu", value: "true", effect: "NoSchedule" }]);
    const tolerations = [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }];
    const c = cluster([...nodes(3, gpu), ...replicaSet("plain", 6), ...replicaSet("cuda", 1, { tolerations, nodeSelector: { "kubernetes.io/hostname": "node-1" } })]);
    const placement = c.placement();
    for (let i = 0; i < 6; i++) expect(placement[`plain-${i}`]).not.toBe("node-1");
    expect(placement["cuda-0"]).toBe("node-1");
  });

  it("avoids PreferNoSchedule taints when it can", () => {
    const c = cluster([...nodes(2, (n, i) => i === 1 && (n.spec.taints = [{ key: "spot", effect: "PreferNoSchedule" }])), ...replicaSet("web", 1)]);
    expect(c.placement()["web-0"]).toBe("node-2");
  });

  it("keeps NoExecute-tainted nodes out too", () => {
    const c = cluster([...nodes(1, (n) => (n.spec.taints = [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }])), pod("p", { tolerations: [] })]);
    expect(unschedulable(c, "p")).toBe(`0/1 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }. ${NOT_HELPFUL(1)}`);
  });
});

describe("node affinity", () => {
  const zones = (n: any, i: number) => (n.metadata.labels["topology.kubernetes.io/zone"] = i === 1 ? "a" : "b");

  it("honours required node affinity", () => {
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["a"] }] }] } } };
    const c = cluster([...nodes(3, zones), ...replicaSet("web", 4, { affinity })]);
    expect(c.podsPerNode()).toEqual({ "node-1": 4, "node-2": 0, "node-3": 0 });
  });

  it("prefers the nodes of preferred terms", () => {
    const affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: "topology.kubernetes.io/zone", operator: "In", values: ["b"] }] } }] } };
    for (const seed of [1, 2, 3, 4]) {
      const c = cluster([...nodes(3, zones), pod("p", { affinity })], seed);
      expect(["node-2", "node-3"]).toContain(c.placement().p);
    }
  });
});

describe("inter-pod affinity", () => {
  const antiSelf = (app: string) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: "kubernetes.io/hostname" }] } });

  it("puts one pod per node with required anti-affinity on hostname, and says why the fourth waits", () => {
    const c = cluster([...nodes(3), ...replicaSet("cache", 4, { affinity: antiSelf("cache") })]);
    const counts = c.podsPerNode();
    expect(counts).toEqual({ "node-1": 1, "node-2": 1, "node-3": 1 });
    const waiting = Object.entries(c.placement()).find(([, n]) => n === "")![0];
    expect(unschedulable(c, waiting)).toBe(`0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. ${NO_VICTIMS(3)}`);
  });

  it("respects the anti-affinity of pods already running (symmetry)", () => {
    const c = cluster([...nodes(2), runningPod("loner", "node-1", { labels: { app: "loner" }, affinity: antiSelf("web") }), pod("web-0", { labels: { app: "web" } })]);
    expect(c.placement()["web-0"]).toBe("node-2");
  });

  it("says when existing pods' anti-affinity is what blocks", () => {
    const c = cluster([...nodes(1), runningPod("loner", "node-1", { labels: { app: "loner" }, affinity: antiSelf("web") }), pod("p", { labels: { app: "web" } })]);
    expect(unschedulable(c, "p")).toBe(`0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules. ${NO_VICTIMS(1)}`);
  });

  it("co-locates with pod affinity (the docs' redis-cache / web-store example)", () => {
    const withStore = {
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "store" } }, topologyKey: "kubernetes.io/hostname" }] },
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "web-store" } }, topologyKey: "kubernetes.io/hostname" }] },
    };
    // The web pods come first and must wait for the cache pods they follow.
    const c = new Cluster([createScheduler(DEFAULT_SETTINGS)], 7);
    for (const n of nodes(4)) c.create(n);
    for (const o of replicaSet("web-store", 3, { affinity: withStore })) c.create(o);
    c.run(c.now);
    expect(unschedulable(c, "web-store-0")).toBe(`0/4 nodes are available: 4 node(s) didn't match pod affinity rules. ${NOT_HELPFUL(4)}`);
    for (const o of replicaSet("store", 3, { affinity: antiSelf("store") })) c.create(o);
    c.advance(30_000);
    const placement = c.placement();
    const storeNodes = new Set([0, 1, 2].map((i) => placement[`store-${i}`]));
    const webNodes = new Set([0, 1, 2].map((i) => placement[`web-store-${i}`]));
    expect(storeNodes.size).toBe(3);
    expect(webNodes).toEqual(storeNodes);
    expect(c.pending()).toBe(false);
  });

  it("lets the first pod of a self-affine group in", () => {
    const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: "team" } }, topologyKey: "kubernetes.io/hostname" }] } };
    const c = cluster([...nodes(3), ...replicaSet("team", 3, { affinity })]);
    expect(Object.values(c.podsPerNode()).sort()).toEqual([0, 0, 3]);
  });

  it("scores preferred anti-affinity", () => {
    const affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: "db" } }, topologyKey: "kubernetes.io/hostname" } }] } };
    const c = cluster([...nodes(2), runningPod("db", "node-1", { labels: { app: "db" } }), pod("p", { labels: { app: "api" }, affinity })]);
    expect(c.placement().p).toBe("node-2");
  });
});

describe("topology spread constraints", () => {
  it("keeps maxSkew 1 across zones with DoNotSchedule", () => {
    const zones = (n: any, i: number) => (n.metadata.labels["topology.kubernetes.io/zone"] = i <= 2 ? "a" : "b");
    const spec = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } } }] };
    const c = cluster([...nodes(4, zones), ...replicaSet("web", 6, { spec })]);
    const counts = c.podsPerNode();
    expect(counts["node-1"] + counts["node-2"]).toBe(3);
    expect(counts["node-3"] + counts["node-4"]).toBe(3);
  });

  it("reports a node without the topology label", () => {
    const spec = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "p" } } }] };
    const c = cluster([...nodes(2), pod("p", { spec })]);
    expect(unschedulable(c, "p")).toBe(`0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints (missing required label). ${NOT_HELPFUL(2)}`);
  });
});

describe("preemption", () => {
  const low = (name: string, node: string, cpu: string, priority = 0, startedMinutesAgo = 10) =>
    runningPod(name, node, { cpu, spec: { priority }, status: { startTime: new Date(T0 - startedMinutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z") } });

  it("evicts the fewest, least important lower-priority pods and nominates their node", () => {
    const c = cluster([
      ...nodes(1),
      low("old", "node-1", "1", 0, 30),
      low("older", "node-1", "1", 0, 60),
      low("new", "node-1", "1", 0, 5),
      low("newest", "node-1", "1", 0, 1),
      pod("vip", { cpu: "2", spec: { priority: 1000 } }),
    ]);
    // The two that started last go; the pod then fits and is bound after they are gone.
    expect(c.deleted.map((d) => d.pod).sort()).toEqual(["default/new", "default/newest"]);
    expect(c.eventsFor("default/newest", "Preempted")).toEqual([
      expect.objectContaining({ type: "Normal", message: `Preempted by pod ${c.pod("vip")!.metadata.uid} on node node-1`, component: "default-scheduler" }),
    ]);
    expect(c.eventsFor("default/vip", "FailedScheduling")).toEqual([expect.objectContaining({ message: "0/1 nodes are available: 1 Insufficient cpu." })]);
    expect(c.placement()).toEqual({ old: "node-1", older: "node-1", vip: "node-1" });
    expect(c.pod("vip")!.status).toMatchObject({ nominatedNodeName: "node-1" });
  });

  it("marks victims as disruption targets before deleting them", () => {
    const c = new Cluster([createScheduler(DEFAULT_SETTINGS)]);
    for (const o of [...nodes(1), low("victim", "node-1", "3"), pod("vip", { cpu: "2", spec: { priority: 1000 } })]) c.create(o);
    const seen: unknown[] = [];
    const original = c.controllers[0].reconcile;
    c.controllers[0].reconcile = (key, snap, now, rng) => {
      const r = original(key, snap, now, rng);
      for (const w of r.writes) if (w.op === "status" && w.object.metadata.name === "victim") seen.push(condition(w.object, "DisruptionTarget"));
      return r;
    };
    c.run();
    expect(seen).toEqual([
      { type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: "2026-01-01T12:00:00Z", reason: "PreemptionByScheduler", message: "default-scheduler: preempting to accommodate a higher priority pod" },
    ]);
  });

  it("prefers the node whose victims matter least", () => {
    const c = cluster([...nodes(2), low("a", "node-1", "4", 100), low("b", "node-2", "4", 10), pod("vip", { cpu: "2", spec: { priority: 1000 } })]);
    expect(c.deleted.map((d) => d.pod)).toEqual(["default/b"]);
    expect(c.placement().vip).toBe("node-2");
  });

  it("says so when even evicting every lower-priority pod would not be enough", () => {
    const c = cluster([...nodes(1), low("a", "node-1", "1"), pod("vip", { cpu: "5", spec: { priority: 1000 } })]);
    expect(unschedulable(c, "vip")).toBe("0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 Insufficient cpu.");
    expect(c.deleted).toEqual([]);
  });

  it("waits for its victims instead of preempting again", () => {
    const terminating = runningPod("going", "node-1", { cpu: "3", spec: { priority: 0 } });
    const going = {
      ...terminating,
      metadata: { ...terminating.metadata, deletionTimestamp: "2026-01-01T12:00:00Z" },
      status: { ...(terminating.status as object), conditions: [{ type: "DisruptionTarget", status: "True", reason: "PreemptionByScheduler" }] },
    } as KObject;
    const c = cluster([...nodes(2), going, low("other", "node-2", "3"), pod("vip", { cpu: "2", spec: { priority: 1000 }, status: { nominatedNodeName: "node-1" } })]);
    expect(unschedulable(c, "vip")).toBe("0/2 nodes are available: 2 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.");
    expect(c.deleted).toEqual([]);
  });

  it("sorts a long histogram as strings (10 before 2)", () => {
    const c = cluster([...nodes(12, (n, i) => i <= 2 && (n.spec.taints = [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }])), pod("p", { cpu: "5" })]);
    expect(unschedulable(c, "p")).toBe(
      "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. " +
        "preemption: 0/12 nodes are available: 10 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.",
    );
  });
});

describe("retries", () => {
  it("schedules a waiting pod once a node is added", () => {
    const c = cluster([...nodes(1), pod("p", { cpu: "5" })]);
    expect(c.placement().p).toBe("");
    c.advance(5000);
    c.create(nodes(2, (n) => (n.status.allocatable.cpu = n.status.capacity.cpu = "8"))[1]);
    c.run();
    expect(c.placement().p).toBe("node-2");
  });

  it("schedules a waiting pod once a running pod goes away", () => {
    const c = cluster([...nodes(1), runningPod("hog", "node-1", { cpu: "3" }), pod("p", { cpu: "2" })]);
    expect(c.placement().p).toBe("");
    c.remove("pods", "default", "hog");
    c.run();
    expect(c.placement().p).toBe("node-1");
  });

  it("schedules a waiting pod once a running pod finishes", () => {
    const c = cluster([...nodes(1), runningPod("job", "node-1", { cpu: "3" }), pod("p", { cpu: "2" })]);
    c.edit("pods", "default", "job", (p) => (p.status.phase = "Succeeded"));
    c.run();
    expect(c.placement().p).toBe("node-1");
  });

  it("schedules a waiting pod once a node is uncordoned or untainted", () => {
    const c = cluster([...nodes(1, (n) => ((n.spec.unschedulable = true), (n.spec.taints = [{ key: "x", effect: "NoSchedule" }]))), pod("p")]);
    c.edit("nodes", "", "node-1", (n) => delete n.spec.unschedulable);
    c.run();
    expect(unschedulable(c, "p")).toContain("untolerated taint {x: }");
    c.edit("nodes", "", "node-1", (n) => delete n.spec.taints);
    c.run();
    expect(c.placement().p).toBe("node-1");
  });

  it("leaves pods of another scheduler, bound pods and gated pods alone", () => {
    const c = cluster([
      ...nodes(1),
      pod("other", { spec: { schedulerName: "my-scheduler" } }),
      runningPod("bound", "node-1"),
      pod("gated", { spec: { schedulingGates: [{ name: "example.com/foo" }] } }),
    ]);
    expect(c.placement()).toEqual({ other: "", bound: "node-1", gated: "" });
    expect(condition(c.pod("other"), "PodScheduled")).toBeUndefined();
    expect(condition(c.pod("gated"), "PodScheduled")).toMatchObject({ status: "False", reason: "SchedulingGated", message: "Scheduling is blocked due to non-empty scheduling gates" });
    c.edit("pods", "default", "gated", (p) => (p.spec.schedulingGates = []));
    c.run();
    expect(c.placement().gated).toBe("node-1");
  });
});

describe("throughput scenario", () => {
  it("fills 10 nodes with 300 pods without overcommitting, evenly", () => {
    const c = new Cluster([createScheduler(FAST_SETTINGS)], 3);
    for (const n of nodes(10)) c.create(n);
    for (const o of replicaSet("load", 300, { cpu: "100m", memory: "128Mi" })) c.create(o);
    c.run();
    const counts = Object.values(c.podsPerNode());
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(3);
  });

  it("stops at capacity and reports the rest", () => {
    const c = new Cluster([createScheduler(FAST_SETTINGS)], 3);
    for (const n of nodes(2)) c.create(n);
    for (const o of replicaSet("big", 10, { cpu: "1" })) c.create(o);
    c.run();
    const counts = c.podsPerNode();
    expect(counts).toEqual({ "node-1": 4, "node-2": 4 });
    const waiting = Object.entries(c.placement()).filter(([, n]) => n === "").map(([p]) => p);
    expect(waiting).toHaveLength(2);
    for (const p of waiting) expect(unschedulable(c, p)).toBe(`0/2 nodes are available: 2 Insufficient cpu. ${NO_VICTIMS(2)}`);
    expect(T0).toBeLessThanOrEqual(c.now);
  });
});
