import { describe, expect, it } from "vitest";
import type { LimitRange, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { aggregate, applyLimitRangeDefaults, claimLimitViolations, podLimitViolations } from "../../../src/api/policy/limitRanger";
import { deepFreeze } from "../validation/fixtures";

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
const pod = (...containers: [string, Resources?][]): Pod =>
  ({ metadata: { name: "p" }, spec: { containers: containers.map(([name, resources]) => ({ name, image: "nginx", ...(resources ? { resources } : {}) })) } }) as Pod;
const range = (...limits: Record<string, unknown>[]): LimitRange => deepFreeze({ metadata: { name: "lr" }, spec: { limits } }) as unknown as LimitRange;

describe("LimitRanger defaults (PodMutateLimitFunc)", () => {
  const memDefaults = range({ type: "Container", default: { memory: "512Mi" }, defaultRequest: { memory: "256Mi" } });

  it("fills both and annotates the pod as upstream words it", () => {
    const p = pod(["default-mem-demo-ctr"]);
    applyLimitRangeDefaults(p, memDefaults);
    expect(p.spec!.containers[0].resources).toEqual({ limits: { memory: "512Mi" }, requests: { memory: "256Mi" } });
    expect(p.metadata!.annotations).toEqual({
      "kubernetes.io/limit-ranger": "LimitRanger plugin set: memory request for container default-mem-demo-ctr; memory limit for container default-mem-demo-ctr",
    });
  });

  it("lists the resources it set in name order, per container, and says init container", () => {
    const p = pod(["app", { requests: { memory: "1Gi" } }]);
    p.spec!.initContainers = [{ name: "setup", image: "busybox" }];
    applyLimitRangeDefaults(p, range({ type: "Container", default: { memory: "1Gi", cpu: "1" }, defaultRequest: { memory: "1Gi", cpu: "500m" } }));
    expect(p.metadata!.annotations!["kubernetes.io/limit-ranger"]).toBe(
      "LimitRanger plugin set: cpu request for container app; cpu, memory limit for container app; cpu, memory request for init container setup; cpu, memory limit for init container setup",
    );
    expect(p.spec!.containers[0].resources).toEqual({ limits: { memory: "1Gi", cpu: "1" }, requests: { memory: "1Gi", cpu: "500m" } });
  });

  it("leaves a pod that sets everything alone, without annotation", () => {
    const p = pod(["app", { limits: { memory: "1Gi" }, requests: { memory: "1Gi" } }]);
    applyLimitRangeDefaults(p, memDefaults);
    expect(p.metadata!.annotations).toBeUndefined();
    expect(p.spec!.containers[0].resources).toEqual({ limits: { memory: "1Gi" }, requests: { memory: "1Gi" } });
  });

  it("ignores Pod and PersistentVolumeClaim items", () => {
    const p = pod(["app"]);
    applyLimitRangeDefaults(p, range({ type: "Pod", max: { cpu: "2" } }, { type: "PersistentVolumeClaim", max: { storage: "2Gi" } }));
    expect(p.spec!.containers[0].resources).toEqual({});
    expect(p.metadata!.annotations).toBeUndefined();
  });
});

describe("LimitRanger constraints (PodValidateLimitFunc)", () => {
  const memory = range({ type: "Container", max: { memory: "1Gi" }, min: { memory: "500Mi" }, default: { memory: "1Gi" }, defaultRequest: { memory: "1Gi" } });
  const cpu = range({ type: "Container", max: { cpu: "800m" }, min: { cpu: "200m" } });

  it.each<[string, LimitRange, Resources, string]>([
    ["the docs' constraints-mem-demo", memory, { limits: { memory: "800Mi" }, requests: { memory: "600Mi" } }, ""],
    ["a limit over max (constraints-mem-demo-2)", memory, { limits: { memory: "1.5Gi" }, requests: { memory: "800Mi" } }, "maximum memory usage per Container is 1Gi, but limit is 1536Mi"],
    ["a request under min (constraints-mem-demo-3)", memory, { limits: { memory: "800Mi" }, requests: { memory: "100Mi" } }, "minimum memory usage per Container is 500Mi, but request is 100Mi"],
    ["no limit under a max", memory, { requests: { memory: "600Mi" } }, "maximum memory usage per Container is 1Gi.  No limit is specified"],
    ["no request under a min", memory, { limits: { memory: "600Mi" } }, "minimum memory usage per Container is 500Mi.  No request is specified"],
    ["a cpu limit over max (constraints-cpu-demo-2)", cpu, { limits: { cpu: "1.5" }, requests: { cpu: "500m" } }, "maximum cpu usage per Container is 800m, but limit is 1500m"],
    ["a cpu request under min (constraints-cpu-demo-3)", cpu, { limits: { cpu: "800m" }, requests: { cpu: "100m" } }, "minimum cpu usage per Container is 200m, but request is 100m"],
    ["a limit and request both over max", cpu, { limits: { cpu: "2" }, requests: { cpu: "900m" } }, "maximum cpu usage per Container is 800m, but limit is 2"],
  ])("%s", (_, lr, resources, message) => {
    expect(podLimitViolations(pod(["c", resources]), lr)).toBe(message);
  });

  it("checks the limit/request ratio, printing it as Go's %f", () => {
    const ratio = range({ type: "Container", maxLimitRequestRatio: { memory: "2" } });
    expect(podLimitViolations(pod(["c", { limits: { memory: "1Gi" }, requests: { memory: "256Mi" } }]), ratio)).toBe("memory max limit to request ratio per Container is 2, but provided ratio is 4.000000");
    expect(podLimitViolations(pod(["c", { limits: { memory: "512Mi" }, requests: { memory: "256Mi" } }]), ratio)).toBe("");
    expect(podLimitViolations(pod(["c", { limits: { memory: "512Mi" } }]), ratio)).toBe("memory max limit to request ratio per Container is 2, but no request is specified or request is 0");
  });

  it("checks a Pod item against the containers' sum", () => {
    const lr = range({ type: "Pod", max: { cpu: "1" } });
    const p = pod(["a", { limits: { cpu: "600m" }, requests: { cpu: "600m" } }], ["b", { limits: { cpu: "600m" }, requests: { cpu: "600m" } }]);
    expect(podLimitViolations(p, lr)).toBe("maximum cpu usage per Pod is 1, but limit is 1200m");
  });

  it("aggregates several violations as upstream's error list", () => {
    const p = pod(["a", { limits: { cpu: "2" }, requests: { cpu: "2" } }], ["b", { limits: { cpu: "100m" }, requests: { cpu: "100m" } }]);
    expect(podLimitViolations(p, cpu)).toBe("[maximum cpu usage per Container is 800m, but limit is 2, minimum cpu usage per Container is 200m, but request is 100m]");
    expect(aggregate(["x", "x"])).toBe("x");
  });

  it("bounds claims' storage requests", () => {
    const lr = range({ type: "PersistentVolumeClaim", max: { storage: "2Gi" }, min: { storage: "1Gi" } });
    const claim = (storage: string) => ({ spec: { resources: { requests: { storage } } } }) as PersistentVolumeClaim;
    expect(claimLimitViolations(claim("5Gi"), lr)).toBe("maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi");
    expect(claimLimitViolations(claim("500Mi"), lr)).toBe("minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi");
    expect(claimLimitViolations(claim("1Gi"), lr)).toBe("");
  });
});
