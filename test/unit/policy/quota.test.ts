import { describe, expect, it } from "vitest";
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1";
import { podResourceList } from "../../../src/api/policy/podResources";
import { computeUsage, evaluatorFor, podCountsForQuota, quotaUsage, type Lister } from "../../../src/api/policy/quota";
import { quotaRefusal } from "../../../src/api/policy/quotaAdmission";
import { addLists, exceededNames, prettyPrint } from "../../../src/api/policy/resourceLists";
import type { KObject } from "../../../src/api/types";
import { deepFreeze } from "../validation/fixtures";

const NOW = Date.parse("2026-11-25T00:00:00Z");
type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

function pod(name: string, resources?: Resources, extra: { phase?: string; activeDeadlineSeconds?: number; priorityClassName?: string } = {}): KObject {
  return deepFreeze({
    apiVersion: "v1", kind: "Pod",
    metadata: { name, namespace: "ns" },
    spec: {
      containers: [{ name: `${name}-ctr`, image: "nginx", ...(resources ? { resources } : {}) }],
      ...(extra.activeDeadlineSeconds !== undefined ? { activeDeadlineSeconds: extra.activeDeadlineSeconds } : {}),
      ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
    },
    status: { phase: extra.phase ?? "Running" },
  }) as KObject;
}

const quota = (hard: Record<string, string>, spec: Record<string, unknown> = {}, name = "q"): ResourceQuota =>
  deepFreeze({ metadata: { name, namespace: "ns" }, spec: { hard, ...spec } }) as ResourceQuota;

function lister(objects: Record<string, KObject[]>): Lister {
  return (resource, namespace) => (objects[resource] ?? []).filter((o) => o.metadata.namespace === namespace);
}

const demo = pod("quota-mem-cpu-demo", { limits: { memory: "800Mi", cpu: "800m" }, requests: { memory: "600Mi", cpu: "400m" } });

describe("ResourceList arithmetic (quota.Add, Quantity.Add)", () => {
  it.each([
    [{ "requests.memory": "600Mi" }, { "requests.memory": "700Mi" }, { "requests.memory": "1300Mi" }],
    [{ cpu: "400m" }, { cpu: "1" }, { cpu: "1400m" }],
    [{ cpu: "0" }, { cpu: "250m" }, { cpu: "250m" }],
    [{ memory: "0" }, { memory: "128Mi" }, { memory: "128Mi" }],
    [{ memory: "512Mi" }, { memory: "512Mi" }, { memory: "1Gi" }],
    [{ pods: "1" }, { cpu: "1" }, { pods: "1", cpu: "1" }],
  ])("%j + %j = %j", (a, b, sum) => {
    expect(addLists(a, b)).toEqual(sum);
  });

  it("finds what goes over, and prints lists as the admission message does", () => {
    expect(exceededNames({ "requests.memory": "1300Mi", "requests.cpu": "800m" }, { "requests.memory": "1Gi", "requests.cpu": "1" })).toEqual(["requests.memory"]);
    expect(prettyPrint({ "requests.memory": "700Mi", "limits.cpu": "800m" })).toBe("limits.cpu=800m,requests.memory=700Mi");
  });
});

describe("pod usage (podEvaluator.Usage)", () => {
  it("charges requests and limits under their quota names", () => {
    expect(evaluatorFor("pods")!.usage(demo, NOW)).toEqual({
      "count/pods": "1", pods: "1",
      cpu: "400m", "requests.cpu": "400m", "limits.cpu": "800m",
      memory: "600Mi", "requests.memory": "600Mi", "limits.memory": "800Mi",
    });
  });

  it("charges only the object count for a finished pod", () => {
    expect(evaluatorFor("pods")!.usage(pod("done", undefined, { phase: "Succeeded" }), NOW)).toEqual({ "count/pods": "1" });
  });

  it("stops charging a terminating pod once its grace period is over", () => {
    const p = { ...pod("going"), metadata: { name: "going", namespace: "ns", deletionTimestamp: "2026-11-25T00:00:30Z", deletionGracePeriodSeconds: 30 } } as Pod;
    expect(podCountsForQuota(p, NOW)).toBe(true);
    expect(podCountsForQuota(p, NOW + 61_000)).toBe(false);
  });

  it("sums containers and raises to the largest init container (PodRequests)", () => {
    const p = {
      spec: {
        containers: [{ name: "a", resources: { requests: { cpu: "100m" } } }, { name: "b", resources: { requests: { cpu: "200m", memory: "64Mi" } } }],
        initContainers: [{ name: "init", resources: { requests: { cpu: "500m" } } }],
      },
    } as Pod;
    expect(podResourceList(p, "requests")).toEqual({ cpu: "500m", memory: "64Mi" });
    expect(computeUsage({ cpu: "500m" }, {})).toEqual({ pods: "1", cpu: "500m", "requests.cpu": "500m" });
  });
});

describe("quota usage (CalculateUsage)", () => {
  it("sums the namespace's pods for the docs' mem-cpu-demo quota", () => {
    const q = quota({ "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi" });
    expect(quotaUsage(q, lister({ pods: [demo] }), NOW)).toEqual({ "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi" });
    expect(quotaUsage(q, lister({}), NOW)).toEqual({ "limits.cpu": "0", "limits.memory": "0", "requests.cpu": "0", "requests.memory": "0" });
  });

  it("counts objects of any kind under count/<resource>.<group>, and the legacy names", () => {
    const cm = (name: string) => ({ metadata: { name, namespace: "ns" } }) as KObject;
    const q = quota({ configmaps: "5", "count/configmaps": "5", "count/deployments.apps": "2", services: "1" });
    expect(quotaUsage(q, lister({ configmaps: [cm("a"), cm("b")], "deployments.apps": [cm("web")] }), NOW)).toEqual({
      configmaps: "2", "count/configmaps": "2", "count/deployments.apps": "1", services: "0",
    });
  });

  it.each([
    ["Terminating", pod("job", undefined, { activeDeadlineSeconds: 60 }), true],
    ["NotTerminating", pod("job", undefined, { activeDeadlineSeconds: 60 }), false],
    ["BestEffort", pod("plain"), true],
    ["NotBestEffort", pod("plain"), false],
    ["NotBestEffort", demo, true],
  ])("a %s quota counts %s: %s", (scope, p, counted) => {
    expect(quotaUsage(quota({ pods: "10" }, { scopes: [scope] }), lister({ pods: [p] }), NOW)).toEqual({ pods: counted ? "1" : "0" });
  });

  it("selects pods by priority class with a scopeSelector", () => {
    const q = quota({ pods: "10" }, { scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] } });
    const pods = [pod("a", undefined, { priorityClassName: "high" }), pod("b", undefined, { priorityClassName: "low" }), pod("c")];
    expect(quotaUsage(q, lister({ pods }), NOW)).toEqual({ pods: "1" });
  });
});

describe("quota admission (checkRequest)", () => {
  const memCpu = quota({ "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi" }, {}, "mem-cpu-demo");
  const second = pod("quota-mem-cpu-demo-2", { limits: { memory: "1Gi", cpu: "800m" }, requests: { memory: "700Mi", cpu: "400m" } });

  it("refuses a pod that would pass the memory request quota, naming only what goes over", () => {
    expect(quotaRefusal("pods", second, [memCpu], lister({ pods: [demo] }), NOW)).toBe(
      "exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi",
    );
    expect(quotaRefusal("pods", second, [memCpu], lister({ pods: [] }), NOW)).toBe("");
  });

  it("wants every container to declare what a compute quota tracks", () => {
    expect(quotaRefusal("pods", pod("bare"), [memCpu], lister({}), NOW)).toBe(
      "failed quota: mem-cpu-demo: must specify limits.cpu for: bare-ctr; limits.memory for: bare-ctr; requests.cpu for: bare-ctr; requests.memory for: bare-ctr",
    );
  });

  it("counts pods against pods=2", () => {
    const podQuota = quota({ pods: "2" }, {}, "pod-demo");
    expect(quotaRefusal("pods", pod("c"), [podQuota], lister({ pods: [pod("a"), pod("b")] }), NOW)).toBe("exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2");
    // Finished pods no longer count against `pods`.
    expect(quotaRefusal("pods", pod("c"), [podQuota], lister({ pods: [pod("a"), pod("b", undefined, { phase: "Failed" })] }), NOW)).toBe("");
  });

  it("ignores quotas that track nothing of the kind, or whose scopes the object is outside", () => {
    expect(quotaRefusal("pods", pod("c"), [quota({ services: "0" })], lister({}), NOW)).toBe("");
    expect(quotaRefusal("pods", pod("c"), [quota({ pods: "0" }, { scopes: ["Terminating"] })], lister({}), NOW)).toBe("");
    expect(quotaRefusal("configmaps", { metadata: { name: "x", namespace: "ns" } } as KObject, [quota({ pods: "0" })], lister({}), NOW)).toBe("");
  });
});
