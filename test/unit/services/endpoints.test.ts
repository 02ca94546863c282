import type { Endpoints } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import {
  createEndpointsController, endpointSubsetsFor, ENDPOINTS, findPort, HEADLESS_LABEL, OVER_CAPACITY_ANNOTATION, rfc3339Nano, TRIGGER_TIME_ANNOTATION,
  truncateSubsets,
} from "../../../src/controllers/endpoints";
import { createEndpointSliceController } from "../../../src/controllers/endpointSlices";
import type { KObject } from "../../../src/api/types";
import { pod, service } from "./fixtures";
import { newCluster } from "./invariants";

const endpointsOf = (obj: KObject | undefined) => obj as unknown as Endpoints | undefined;
const ips = (addresses: { ip: string }[] | undefined) => (addresses ?? []).map((a) => a.ip);

function cluster() {
  return newCluster([createEndpointsController(), createEndpointSliceController()]);
}

describe("endpoints controller", () => {
  it("follows readiness: a pod that becomes ready moves from notReadyAddresses to addresses", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.create("pods", pod("web-b", { ip: "10.244.2.7", node: "node-2", ready: false }));
    c.settle();

    let ep = endpointsOf(c.get(ENDPOINTS, "default", "web"))!;
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets![0]).toEqual({
      addresses: [{ ip: "10.244.1.5", nodeName: "node-1", targetRef: { kind: "Pod", namespace: "default", name: "web-a", uid: c.get("pods", "default", "web-a")!.metadata.uid } }],
      notReadyAddresses: [{ ip: "10.244.2.7", nodeName: "node-2", targetRef: { kind: "Pod", namespace: "default", name: "web-b", uid: c.get("pods", "default", "web-b")!.metadata.uid } }],
      ports: [{ port: 8080, protocol: "TCP" }],
    });

    c.now += 5000;
    c.update("pods", "default", "web-b", (p) => {
      const ready = (p.status as { conditions: { type: string; status: string; lastTransitionTime: string }[] }).conditions.find((x) => x.type === "Ready")!;
      ready.status = "True";
      ready.lastTransitionTime = "2026-01-01T12:00:05Z";
    });
    c.settle();
    ep = endpointsOf(c.get(ENDPOINTS, "default", "web"))!;
    expect(ips(ep.subsets![0].addresses)).toEqual(["10.244.1.5", "10.244.2.7"]);
    expect(ep.subsets![0].notReadyAddresses).toBeUndefined();
    expect(ep.metadata?.annotations?.[TRIGGER_TIME_ANNOTATION]).toBe("2026-01-01T12:00:05Z");
    c.converged();
  });

  it("resolves a named targetPort per pod and leaves out pods without that port", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "web-port" }] }));
    c.create("pods", pod("a", { ip: "10.244.1.2", node: "node-1", ports: [{ name: "web-port", containerPort: 8080 }] }));
    c.create("pods", pod("b", { ip: "10.244.1.3", node: "node-1", ports: [{ name: "web-port", containerPort: 9090 }] }));
    c.create("pods", pod("c", { ip: "10.244.1.4", node: "node-1", ports: [{ name: "other", containerPort: 7070 }] }));
    c.settle();
    const ep = endpointsOf(c.get(ENDPOINTS, "default", "web"))!;
    expect(ep.subsets!.map((s) => [ips(s.addresses), s.ports])).toEqual([
      [["10.244.1.2"], [{ name: "http", port: 8080, protocol: "TCP" }]],
      [["10.244.1.3"], [{ name: "http", port: 9090, protocol: "TCP" }]],
    ]);
    c.converged();
  });

  it("sets hostname only for pods whose subdomain is the Service, and labels headless Endpoints", () => {
    const c = cluster();
    c.create("services", service("nginx", { selector: { app: "nginx" }, clusterIP: "None", ports: [{ name: "web", port: 80 }] }));
    c.create("pods", pod("web-0", { labels: { app: "nginx" }, ip: "10.244.1.10", node: "node-1", hostname: "web-0", subdomain: "nginx" }));
    c.create("pods", pod("web-1", { labels: { app: "nginx" }, ip: "10.244.2.10", node: "node-2", hostname: "web-1", subdomain: "elsewhere" }));
    c.settle();
    const ep = endpointsOf(c.get(ENDPOINTS, "default", "nginx"))!;
    expect(ep.subsets![0].addresses!.map((a) => [a.ip, a.hostname])).toEqual([["10.244.1.10", "web-0"], ["10.244.2.10", undefined]]);
    expect(ep.metadata?.labels).toEqual({ [HEADLESS_LABEL]: "" });
  });

  it("leaves a Service without a selector and its hand-made Endpoints alone", () => {
    const c = cluster();
    c.create("services", service("external-db", { ports: [{ port: 5432 }] }));
    c.create(ENDPOINTS, {
      apiVersion: "v1", kind: "Endpoints", metadata: { name: "external-db", namespace: "default" },
      subsets: [{ addresses: [{ ip: "192.0.2.42" }], ports: [{ port: 5432 }] }],
    });
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    const before = c.get(ENDPOINTS, "default", "external-db")!;
    c.settle();
    expect(c.get(ENDPOINTS, "default", "external-db")).toBe(before);
    expect(c.list("endpointslices.discovery.k8s.io")).toEqual([]);
    c.converged();
  });

  it("gives ExternalName services no Endpoints", () => {
    const c = cluster();
    c.create("services", service("db", { type: "ExternalName", externalName: "db.example.com", selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    expect(c.get(ENDPOINTS, "default", "db")).toBeUndefined();
  });

  it("creates Endpoints with no subsets for a Service that selects nothing, and deletes them with the Service", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, labels: { tier: "front" } }));
    c.settle();
    const ep = c.get(ENDPOINTS, "default", "web")!;
    expect(ep.subsets).toBeUndefined();
    expect(ep.metadata.labels).toEqual({ tier: "front" });
    c.delete("services", "default", "web");
    c.settle();
    expect(c.get(ENDPOINTS, "default", "web")).toBeUndefined();
  });

  it("recreates Endpoints a user deleted", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    c.delete(ENDPOINTS, "default", "web");
    c.settle();
    expect(ips(endpointsOf(c.get(ENDPOINTS, "default", "web"))!.subsets![0].addresses)).toEqual(["10.244.1.5"]);
  });

  it("follows a relabelled pod from one Service to another", () => {
    const c = cluster();
    c.create("services", service("blue", { selector: { color: "blue" } }));
    c.create("services", service("green", { selector: { color: "green" }, clusterIP: "10.96.0.11" }));
    c.create("pods", pod("p", { labels: { color: "blue" }, ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    c.update("pods", "default", "p", (p) => (p.metadata.labels = { color: "green" }));
    c.settle();
    expect(c.get(ENDPOINTS, "default", "blue")!.subsets).toBeUndefined();
    expect(ips(endpointsOf(c.get(ENDPOINTS, "default", "green"))!.subsets![0].addresses)).toEqual(["10.244.1.5"]);
    c.converged();
  });

  it("drops terminating pods, and publishes not-ready ones with publishNotReadyAddresses", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    c.create("services", service("peers", { selector: { app: "web" }, clusterIP: "None", publishNotReadyAddresses: true }));
    c.create("pods", pod("a", { ip: "10.244.1.2", node: "node-1" }));
    c.create("pods", pod("b", { ip: "10.244.1.3", node: "node-1", ready: false }));
    c.settle();
    c.delete("pods", "default", "a", { graceful: true });
    c.settle();
    expect(endpointsOf(c.get(ENDPOINTS, "default", "web"))!.subsets).toEqual([
      expect.objectContaining({ notReadyAddresses: [expect.objectContaining({ ip: "10.244.1.3" })] }),
    ]);
    expect(ips(endpointsOf(c.get(ENDPOINTS, "default", "peers"))!.subsets![0].addresses)).toEqual(["10.244.1.2", "10.244.1.3"]);
    c.converged();
  });
});

describe("truncateSubsets (truncateEndpoints)", () => {
  const addrs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ ip: `10.0.${(from + i) >> 8}.${(from + i) & 255}` }));
  const counts = (subsets: ReturnType<typeof truncateSubsets>["subsets"]) => subsets.map((s) => [s.addresses?.length ?? 0, s.notReadyAddresses?.length ?? 0]);

  it.each<[string, [number, number][], [number, number][], boolean]>([
    ["leaves 1000 addresses alone", [[600, 0], [400, 0]], [[600, 0], [400, 0]], false],
    ["shares the room among ready subsets", [[900, 10], [300, 0]], [[750, 0], [250, 0]], true],
    ["keeps every ready address and cuts not-ready ones", [[800, 300], [0, 100]], [[800, 150], [0, 50]], true],
  ])("%s", (_name, given, expected, truncated) => {
    let next = 0;
    const subsets = given.map(([ready, notReady]) => {
      const s = { addresses: addrs(ready, next), notReadyAddresses: addrs(notReady, next + ready), ports: [{ port: 80 }] };
      next += ready + notReady;
      if (!ready) delete (s as { addresses?: unknown }).addresses;
      if (!notReady) delete (s as { notReadyAddresses?: unknown }).notReadyAddresses;
      return s;
    });
    const result = truncateSubsets(subsets);
    expect(counts(result.subsets)).toEqual(expected);
    expect(result.truncated).toBe(truncated);
  });

  it("annotates truncated Endpoints as over capacity, and clears it when back under", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    for (let i = 0; i < 1001; i++) c.create("pods", pod(`web-${i}`, { ip: `10.244.${10 + (i >> 8)}.${i & 255}`, node: "node-1" }));
    c.settle();
    let ep = endpointsOf(c.get(ENDPOINTS, "default", "web"))!;
    expect(ep.subsets![0].addresses).toHaveLength(1000);
    expect(ep.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION]).toBe("truncated");
    c.delete("pods", "default", "web-0");
    c.settle();
    ep = endpointsOf(c.get(ENDPOINTS, "default", "web"))!;
    expect(ep.subsets![0].addresses).toHaveLength(1000);
    expect(ep.metadata?.annotations?.[OVER_CAPACITY_ANNOTATION]).toBeUndefined();
    c.converged();
  });
});

describe("endpointSubsetsFor (syncService's subsets)", () => {
  const svc = (extra: Record<string, unknown>) => ({ metadata: { name: "s", namespace: "default" }, spec: { selector: { app: "web" }, ...extra } });
  const p = (name: string, opts: Parameters<typeof pod>[1]) => pod(name, opts) as never;

  it.each<[string, Record<string, unknown>, number]>([
    ["a headless Service without ports lists pods with no ports", { clusterIP: "None" }, 1],
    ["a ClusterIP Service without ports lists nobody", { clusterIP: "10.96.0.9" }, 0],
  ])("%s", (_name, spec, subsets) => {
    expect(endpointSubsetsFor(svc(spec) as never, [p("a", { ip: "10.244.1.2", node: "node-1" })])).toHaveLength(subsets);
  });

  it.each<[string, Parameters<typeof pod>[1]]>([
    ["a pod without an IP", { node: "node-1" }],
    ["a Succeeded pod", { ip: "10.244.1.2", node: "node-1", phase: "Succeeded" }],
    ["a Failed pod", { ip: "10.244.1.2", node: "node-1", phase: "Failed" }],
  ])("leaves out %s", (_name, opts) => {
    expect(endpointSubsetsFor(svc({ clusterIP: "10.96.0.9", ports: [{ port: 80, targetPort: 80, protocol: "TCP" }] }) as never, [p("a", opts)])).toEqual([]);
  });

  it.each<[string, number | string, string | undefined, number | undefined]>([
    ["a number", 8080, undefined, 8080],
    ["a container port name", "http", "TCP", 80],
    ["a name with another protocol", "http", "UDP", undefined],
    ["an unknown name", "metrics", "TCP", undefined],
  ])("findPort resolves %s", (_name, targetPort, protocol, expected) => {
    const thePod = pod("a", { ports: [{ name: "http", containerPort: 80 }] }) as never;
    expect(findPort(thePod, { port: 80, targetPort, protocol })).toBe(expected);
  });

  it.each<[number, string]>([
    [Date.parse("2026-01-01T12:00:00Z"), "2026-01-01T12:00:00Z"],
    [Date.parse("2026-01-01T12:00:00.500Z"), "2026-01-01T12:00:00.5Z"],
    [Date.parse("2026-01-01T12:00:00.120Z"), "2026-01-01T12:00:00.12Z"],
  ])("formats %d as RFC3339Nano %s", (ms, text) => {
    expect(rfc3339Nano(ms)).toBe(text);
  });
});
