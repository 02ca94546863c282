/**
 * The usage model: baselines by image, the load generators' requests spread over ready endpoints,
 * the docs' php-apache calibration, throttling at the CPU limit, memory annotations and growth.
 */
import { describe, expect, it } from "vitest";
import { LoadModel, loadGenerators, nodeUsage, podUsage, UsageModel, NODE_SYSTEM_USAGE } from "../../../src/sim/metrics";
import { memoryCurve, secondsToOOM } from "../../../src/sim/metrics/usage";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { Mi, T0, generator, node, phpPod, pod, service, snapshotOf } from "./fixtures";

const cpuOf = (objects: ReturnType<typeof pod>[], name: string, now = T0) => {
  const snap = snapshotOf(objects);
  return podUsage(snap.get("pods", objects.find((o) => o.metadata.name === name)!.metadata.namespace!, name)!, snap, now)?.containers[0].cpu;
};

describe("baselines by image", () => {
  it.each([
    ["nginx:1.25", 1, 3 * Mi],
    ["redis", 2, 3 * Mi],
    ["postgres:16", 3, 30 * Mi],
    ["registry.k8s.io/hpa-example", 1, 9 * Mi],
    ["php:8.2-apache", 1, 12 * Mi],
    ["busybox:1.36", 0, Mi],
    ["example.com/unknown:1", 1, 8 * Mi],
  ])("%s idles at %im and %i bytes", (image, cpu, memory) => {
    const p = pod("p", [{ name: "c", image }]);
    expect(podUsage(p, snapshotOf([p]), T0)).toEqual({ containers: [{ name: "c", cpu, memory }] });
  });

  it("only running containers of Running pods have usage", () => {
    const pending = pod("pending", [{ name: "c", image: "nginx" }], { phase: "Pending" });
    const done = pod("done", [{ name: "c", image: "nginx" }], { phase: "Succeeded" });
    const half = pod("half", [{ name: "a", image: "nginx" }, { name: "b", image: "redis" }], { running: ["a"] });
    const none = pod("none", [{ name: "a", image: "nginx" }], { running: [] });
    const snap = snapshotOf([pending, done, half, none]);
    expect(podUsage(pending, snap, T0)).toBeUndefined();
    expect(podUsage(done, snap, T0)).toBeUndefined();
    expect(podUsage(none, snap, T0)).toBeUndefined();
    expect(podUsage(half, snap, T0)?.containers.map((c) => c.name)).toEqual(["a"]);
  });
});

describe("the HPA walkthrough's load (calibration)", () => {
  const svc = service("php-apache", { run: "php-apache" });

  it("recognises the docs' generator: 100 requests per second at php-apache in its own namespace", () => {
    expect(loadGenerators(snapshotOf([generator("load-generator")]))).toEqual([
      { namespace: "default", pod: "load-generator", container: "load-generator", service: "php-apache", serviceNamespace: "default", requestsPerSecond: 100 },
    ]);
  });

  it.each([
    // name, php pods, generators, limit, expected cpu per pod (m)
    ["one pod, one generator: 610m of demand throttled at the 500m limit (250%)", 1, 1, "500m", 500],
    ["one pod without a limit: 611m (305%, the docs' figure)", 1, 1, "none", 611],
    ["four pods share it: 1 + 152.5 → 154m (77%)", 4, 1, "500m", 154],
    ["seven pods: 88m (44%)", 7, 1, "500m", 88],
    ["two generators over seven pods: 175m (87%)", 7, 2, "500m", 175],
    ["no generator: idle 1m", 3, 0, "500m", 1],
  ])("%s", (_name, pods, generators, limit, expected) => {
    const objects = [
      svc,
      ...Array.from({ length: pods }, (_, i) => phpPod(`php-apache-${i}`, { limit })),
      ...Array.from({ length: generators }, (_, i) => generator(`load-generator-${i}`)),
    ];
    for (let i = 0; i < pods; i++) expect(cpuOf(objects, `php-apache-${i}`)).toBe(expected);
  });

  it("the generator itself spends a little: 3m", () => {
    expect(cpuOf([svc, phpPod("php-apache-0"), generator("load-generator")], "load-generator")).toBe(3);
  });

  it("only ready endpoints get traffic: a pod that is not Ready idles, the others share", () => {
    const objects = [svc, phpPod("a", { limit: "none" }), phpPod("b", { limit: "none" }), phpPod("c", { ready: false, limit: "none" }), generator("g")];
    expect(["a", "b", "c"].map((n) => cpuOf(objects, n))).toEqual([306, 306, 1]);
  });

  it("a terminating pod is no endpoint, but a terminating generator keeps sending while its container runs", () => {
    const objects = [svc, phpPod("a", { limit: "none" }), phpPod("b", { deleting: true, limit: "none" }), generator("g", "http://php-apache", { deleting: true })];
    expect(cpuOf(objects, "a")).toBe(611);
    expect(cpuOf(objects, "b")).toBe(1);
  });

  it("a finished generator sends nothing", () => {
    expect(cpuOf([svc, phpPod("a"), generator("g", "http://php-apache", { phase: "Failed" })], "a")).toBe(1);
  });

  it("resolves fully qualified names in other namespaces, and nothing when the Service is elsewhere", () => {
    const remote = service("php-apache", { run: "php-apache" }, { namespace: "web" });
    const target = phpPod("a", { namespace: "web", limit: "none" });
    expect(cpuOf([remote, target, generator("g", "http://php-apache.web.svc.cluster.local")], "a")).toBe(611);
    // A short name resolves in the generator's own namespace, where there is no such Service.
    expect(cpuOf([remote, target, generator("g", "http://php-apache")], "a")).toBe(1);
  });

  it("load set on the Service (kubeflare.dev/load-rps) adds to the generators'", () => {
    const annotated = service("php-apache", { run: "php-apache" }, { annotations: { "kubeflare.dev/load-rps": "50" } });
    expect(cpuOf([annotated, phpPod("a", { limit: "none" })], "a")).toBe(306);
    expect(cpuOf([annotated, phpPod("a", { limit: "none" }), generator("g")], "a")).toBe(916);
  });

  it("the serving container is the one with the target port", () => {
    const web = pod("web", [
      { name: "sidecar", image: "busybox", command: ["sleep", "3600"] },
      { name: "app", image: "registry.k8s.io/hpa-example", ports: [{ containerPort: 8080, name: "http" }] },
    ], { labels: { app: "web" } });
    const svc8080 = service("web", { app: "web" }, { targetPort: "http", annotations: { "kubeflare.dev/load-rps": "10" } });
    const snap = snapshotOf([svc8080, web]);
    expect(podUsage(web, snap, T0)?.containers.map((c) => [c.name, c.cpu])).toEqual([["sidecar", 0], ["app", 62]]);
  });

  it("a Service without a selector sends its load to the pods its Endpoints name", () => {
    const manual = service("manual", undefined, { annotations: { "kubeflare.dev/load-rps": "100" } });
    const endpoints = { apiVersion: "v1", kind: "Endpoints", metadata: { name: "manual", namespace: "default" }, subsets: [{ addresses: [{ ip: "10.0.0.1", targetRef: { kind: "Pod", name: "a" } }] }] };
    const load = new LoadModel(snapshotOf([manual, endpoints, phpPod("a"), phpPod("b")]));
    expect(load.readyEndpoints("default", "manual").map((p) => p.metadata.name)).toEqual(["a"]);
  });
});

describe("annotations and memory", () => {
  it("kubeflare.dev/cpu fixes the usage, throttled at the limit", () => {
    const p = pod("p", [{ name: "c", image: "nginx", resources: { limits: { cpu: "250m" } } }], { annotations: { "kubeflare.dev/cpu": "400m" } });
    expect(podUsage(p, snapshotOf([p]), T0)?.containers[0].cpu).toBe(250);
  });

  it("per-container annotations win over pod-wide ones", () => {
    const p = pod("p", [{ name: "a", image: "nginx" }, { name: "b", image: "nginx" }], { annotations: { "kubeflare.dev/memory": "64Mi", "kubeflare.dev/b.memory": "128Mi" } });
    expect(podUsage(p, snapshotOf([p]), T0)?.containers.map((c) => c.memory)).toEqual([64 * Mi, 128 * Mi]);
  });

  it("memory grows by kubeflare.dev/memory-growth per simulated second since the container started", () => {
    const p = pod("p", [{ name: "c", image: "nginx" }], {
      annotations: { "kubeflare.dev/memory": "50Mi", "kubeflare.dev/memory-growth": "1Mi" }, startedAt: T0,
    });
    const snap = snapshotOf([p]);
    expect(podUsage(p, snap, T0 + 30_000)?.containers[0].memory).toBe(80 * Mi);
    // In the fast profile a simulated second is 20 ms.
    expect(podUsage(p, snap, T0 + 600, FAST_SETTINGS)?.containers[0].memory).toBe(80 * Mi);
  });

  it("memory is never reported above the limit (the kubelet OOM-kills at it)", () => {
    const p = pod("p", [{ name: "c", image: "nginx", resources: { limits: { memory: "64Mi" } } }], {
      annotations: { "kubeflare.dev/memory": "50Mi", "kubeflare.dev/memory-growth": "1Mi" }, startedAt: T0,
    });
    const snap = snapshotOf([p]);
    expect(podUsage(p, snap, T0 + 10_000)?.containers[0].memory).toBe(60 * Mi);
    expect(podUsage(p, snap, T0 + 30_000)?.containers[0].memory).toBe(64 * Mi);
  });

  it("the OOM time is where the memory curve passes the limit", () => {
    const c = (annotations: Record<string, string>, limit?: string) => {
      const p = pod("p", [{ name: "c", image: "nginx", resources: limit ? { limits: { memory: limit } } : {} }], { annotations });
      return secondsToOOM(memoryCurve(p, (p.spec as any).containers[0]));
    };
    expect(c({ "kubeflare.dev/memory": "50Mi", "kubeflare.dev/memory-growth": "1Mi" }, "64Mi")).toBe(14);
    expect(c({ "kubeflare.dev/memory": "250M" }, "100Mi")).toBe(0);
    expect(c({ "kubeflare.dev/memory": "50Mi" }, "64Mi")).toBeUndefined();
    expect(c({ "kubeflare.dev/memory-growth": "1Mi" })).toBeUndefined();
    // The image's baseline (nginx: 3Mi) is where growth starts without a fixed figure.
    expect(c({ "kubeflare.dev/memory-growth": "1Mi" }, "13Mi")).toBe(10);
  });

  it("stress holds what --vm-bytes says", () => {
    const p = pod("memory-demo", [{ name: "memory-demo-ctr", image: "polinux/stress", command: ["stress"], args: ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1"] }]);
    expect(podUsage(p, snapshotOf([p]), T0)?.containers[0].memory).toBe(150 * Mi);
  });
});

describe("nodes", () => {
  it("a node uses what its running pods use plus its own daemons", () => {
    const objects = [node(1), pod("a", [{ name: "c", image: "nginx" }]), pod("b", [{ name: "c", image: "redis" }]), pod("c", [{ name: "c", image: "nginx" }], { node: "node-2" })];
    const snap = snapshotOf(objects);
    expect(nodeUsage(snap.get("nodes", "", "node-1")!, snap, T0)).toEqual({ cpu: NODE_SYSTEM_USAGE.cpu + 3, memory: NODE_SYSTEM_USAGE.memory + 6 * Mi });
  });

  it("one model answers many pods from one load computation", () => {
    const objects = [service("php-apache", { run: "php-apache" }), phpPod("a"), phpPod("b"), generator("g")];
    const model = new UsageModel(snapshotOf(objects), T0);
    expect(model.load.serviceLoad("default", "php-apache")).toBe(100);
    expect(model.load.podRequestRate(objects[1])).toBe(50);
  });
});
