import { describe, expect, it } from "vitest";
import { preserveAllocatedServiceValues } from "../../../src/api/defaults";
import { changed, created, deepFreeze, service, typeOf } from "../validation/fixtures";

const SVC = typeOf("Service");

describe("Service defaults (SetDefaults_Service and the non-allocating parts of the allocator)", () => {
  it("fills a ClusterIP service", () => {
    expect(created(SVC, service("web")).spec).toEqual({
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
  });

  it.each([
    ["NodePort", service("web", { type: "NodePort" }), { externalTrafficPolicy: "Cluster", internalTrafficPolicy: "Cluster" }],
    ["LoadBalancer", service("web", { type: "LoadBalancer" }), { externalTrafficPolicy: "Cluster", allocateLoadBalancerNodePorts: true }],
    ["a named targetPort", service("web", { ports: [{ port: 80, targetPort: "http" }] }), { ports: [{ port: 80, targetPort: "http", protocol: "TCP" }] }],
    ["a clusterIP given alone", service("web", { clusterIP: "10.96.0.20" }), { clusterIP: "10.96.0.20", clusterIPs: ["10.96.0.20"] }],
    ["headless with a selector", service("web", { clusterIP: "None" }), { ipFamilyPolicy: "SingleStack", ipFamilies: ["IPv4"] }],
    ["headless without a selector", service("web", { clusterIP: "None", selector: null }), { ipFamilyPolicy: "RequireDualStack", ipFamilies: ["IPv4", "IPv6"] }],
    ["ClientIP affinity", changed(service("web"), (o) => { o.spec.sessionAffinity = "ClientIP"; }), { sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } }],
  ])("%s", (_, obj, expected) => {
    expect(created(SVC, obj).spec).toMatchObject(expected);
  });

  it("gives ExternalName services no IP family fields", () => {
    const spec = created(SVC, changed(service("web", { type: "ExternalName", selector: null }), (o) => { o.spec.externalName = "db.example.com"; })).spec;
    expect(spec).not.toHaveProperty("ipFamilies");
    expect(spec).not.toHaveProperty("ipFamilyPolicy");
    expect(spec).not.toHaveProperty("internalTrafficPolicy");
  });

  it("starts with an empty load balancer status", () => {
    expect(created(SVC, service("web")).status).toEqual({ loadBalancer: {} });
  });
});

describe("preserveAllocatedServiceValues (the registry's patchAllocatedValues)", () => {
  const old = deepFreeze({
    apiVersion: "v1", kind: "Service", metadata: { name: "web" },
    spec: { type: "NodePort", clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "https", port: 443, nodePort: 30443 }] },
  });

  it("keeps cluster IPs and node ports a replacement leaves out", () => {
    const next = structuredClone(service("web", { type: "NodePort", ports: [{ name: "http", port: 80 }, { name: "https", port: 443, nodePort: 31000 }] }));
    preserveAllocatedServiceValues(next, old);
    expect(next.spec).toMatchObject({
      clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"],
      ports: [{ name: "http", port: 80, nodePort: 30080 }, { name: "https", port: 443, nodePort: 31000 }],
    });
  });

  it("does not reuse a node port the new spec already uses", () => {
    const next = structuredClone(service("web", { type: "NodePort", ports: [{ name: "http", port: 80 }, { name: "https", port: 443, nodePort: 30080 }] }));
    preserveAllocatedServiceValues(next, old);
    expect(next.spec.ports[0]).toEqual({ name: "http", port: 80 });
  });
});
