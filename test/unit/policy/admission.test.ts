/**
 * The admission plugins and the quota controller inside a whole simulated cluster: what `create`
 * does to a pod in a namespace with a LimitRange, a ResourceQuota or a PriorityClass, and a
 * Deployment that a pod quota holds at two replicas, with invariants checked at every step.
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import type { KObject } from "../../../src/api/types";
import { createDeploymentController } from "../../../src/controllers/deployment";
import { createReplicaSetController } from "../../../src/controllers/replicaset";
import { createResourceQuotaController } from "../../../src/controllers/resourceQuota";
import { createKubelet } from "../../../src/sim/kubelet";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { SimCluster } from "../runtime/cluster";

const NS = "team";
type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (name: string, resources?: Resources, spec: Record<string, unknown> = {}) =>
  ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS }, spec: { containers: [{ name: "app", image: "nginx", ...(resources ? { resources } : {}) }], ...spec } }) as KObject;

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe(403);
    return (e as ApiError).message;
  }
  throw new Error("expected the create to be refused");
}

function cluster(): SimCluster {
  const c = new SimCluster([
    createScheduler(FAST_SETTINGS), createKubelet(FAST_SETTINGS), createReplicaSetController(FAST_SETTINGS), createDeploymentController(FAST_SETTINGS),
    createResourceQuotaController(),
  ]);
  c.apply({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } } as KObject);
  return c;
}

describe("LimitRanger in create", () => {
  it("defaults a pod, then validates and computes its QoS class from the result", () => {
    const c = cluster();
    c.apply({ apiVersion: "v1", kind: "LimitRange", metadata: { name: "lr", namespace: NS }, spec: { limits: [{ type: "Container", max: { memory: "1Gi" }, min: { memory: "500Mi" } }] } } as KObject);
    const created = c.apply(pod("defaulted")) as any;
    expect(created.spec.containers[0].resources).toEqual({ limits: { memory: "1Gi" }, requests: { memory: "1Gi" } });
    expect(created.status.qosClass).toBe("Burstable");
    expect(refusal(() => c.apply(pod("too-big", { limits: { memory: "1.5Gi" }, requests: { memory: "800Mi" } })))).toBe(
      'pods "too-big" is forbidden: maximum memory usage per Container is 1Gi, but limit is 1536Mi',
    );
    // Object validation comes before LimitRanger's own check: a request over the limit is Invalid.
    const invalid = (() => {
      try {
        c.apply(pod("upside-down", { limits: { memory: "600Mi" }, requests: { memory: "800Mi" } }));
      } catch (e) {
        return e as ApiError;
      }
    })();
    expect(invalid?.code).toBe(422);
  });
});

describe("Priority in create", () => {
  it("resolves the class, keeps an equal explicit priority and refuses a different one", () => {
    const c = cluster();
    c.apply({ apiVersion: "scheduling.k8s.io/v1", kind: "PriorityClass", metadata: { name: "high" }, value: 1000, preemptionPolicy: "Never" } as KObject);
    const p = c.apply(pod("p", undefined, { priorityClassName: "high" })) as any;
    expect(p.spec).toMatchObject({ priority: 1000, preemptionPolicy: "Never" });
    expect((c.apply(pod("plain")) as any).spec).toMatchObject({ priority: 0, preemptionPolicy: "PreemptLowerPriority" });
    expect((c.apply(pod("same", undefined, { priorityClassName: "high", priority: 1000 })) as any).spec.priority).toBe(1000);
    expect(refusal(() => c.apply(pod("other", undefined, { priorityClassName: "high", priority: 5 })))).toBe(
      'pods "other" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
    expect(refusal(() => c.apply(pod("lost", undefined, { priorityClassName: "nope" })))).toBe('pods "lost" is forbidden: no PriorityClass with name nope was found');
    expect((c.apply(pod("critical", undefined, { priorityClassName: "system-node-critical" })) as any).spec.priority).toBe(2000001000);
  });
});

describe("ResourceQuota in create, and the quota controller", () => {
  it("keeps status current and refuses what would go over", () => {
    const c = cluster();
    c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "mem", namespace: NS }, spec: { hard: { "requests.memory": "1Gi", "limits.memory": "2Gi" } } } as KObject);
    c.settle();
    expect(c.get("resourcequotas", "mem", NS)!.status).toEqual({ hard: { "limits.memory": "2Gi", "requests.memory": "1Gi" }, used: { "limits.memory": "0", "requests.memory": "0" } });

    c.apply(pod("first", { limits: { memory: "800Mi" }, requests: { memory: "600Mi" } }));
    c.settle();
    expect(c.get("resourcequotas", "mem", NS)!.status).toMatchObject({ used: { "limits.memory": "800Mi", "requests.memory": "600Mi" } });
    expect(refusal(() => c.apply(pod("second", { limits: { memory: "1Gi" }, requests: { memory: "700Mi" } })))).toBe(
      'pods "second" is forbidden: exceeded quota: mem, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi',
    );

    c.delete("Pod", "first", NS);
    c.settle({ horizonMs: 120_000 });
    expect(c.get("resourcequotas", "mem", NS)!.status).toMatchObject({ used: { "limits.memory": "0", "requests.memory": "0" } });
    c.apply(pod("second", { limits: { memory: "1Gi" }, requests: { memory: "700Mi" } }));
  });

  it("holds a 3-replica Deployment at a 2-pod quota with FailedCreate and ReplicaFailure, never over", () => {
    const c = cluster();
    c.apply({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pod-demo", namespace: NS }, spec: { hard: { pods: "2" } } } as KObject);
    c.apply({
      apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "pod-quota-demo", namespace: NS },
      spec: { replicas: 3, selector: { matchLabels: { purpose: "quota-demo" } }, template: { metadata: { labels: { purpose: "quota-demo" } }, spec: { containers: [{ name: "pod-quota-demo", image: "nginx" }] } } },
    } as KObject);
    const neverOverQuota = (cl: SimCluster) => expect(cl.list("pods", NS).length).toBeLessThanOrEqual(2);
    c.settle({ horizonMs: 60_000, invariants: [neverOverQuota] });

    const rs = c.list("replicasets.apps", NS)[0] as any;
    expect(rs.status.replicas).toBe(2);
    const failure = rs.status.conditions.find((x: { type: string }) => x.type === "ReplicaFailure");
    expect(failure.reason).toBe("FailedCreate");
    expect(failure.message).toBe(`pods "${rs.metadata.name}-" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2`);
    const deployment = c.get("deployments.apps", "pod-quota-demo", NS) as any;
    expect(deployment.status.availableReplicas).toBe(2);
    expect(deployment.status.conditions.find((x: { type: string }) => x.type === "ReplicaFailure")).toMatchObject({ status: "True", reason: "FailedCreate", message: failure.message });
    const events = c.list("events", NS).filter((e: any) => e.reason === "FailedCreate");
    expect(events[0]).toMatchObject({ type: "Warning", message: `Error creating: ${failure.message}` });
    expect(c.get("resourcequotas", "pod-demo", NS)!.status).toEqual({ hard: { pods: "2" }, used: { pods: "2" } });

    // More room: the ReplicaSet's next attempt (or a pod change) fills it.
    c.patch("ResourceQuota", "pod-demo", { spec: { hard: { pods: "3" } } }, NS);
    c.delete("Pod", c.list("pods", NS)[0].metadata.name!, NS);
    c.settle({ horizonMs: 60_000 });
    expect((c.get("deployments.apps", "pod-quota-demo", NS) as any).status.availableReplicas).toBe(3);
  });
});
