import { describe, expect, it } from "vitest";
import { createEndpointsController } from "../../../src/controllers/endpoints";
import { createEndpointSliceController } from "../../../src/controllers/endpointSlices";
import { resolveDns } from "../../../src/sim/dns";
import { namespace, pod, service } from "./fixtures";
import { newCluster } from "./invariants";

/**
 * The docs' StatefulSet example (a headless `nginx` Service and pods web-0, web-1), a ClusterIP
 * Service with a named port, an ExternalName Service and a selector-less headless Service with
 * hand-made Endpoints — run through the endpoint controllers, then asked as a pod would ask.
 */
function world() {
  const c = newCluster([createEndpointsController(), createEndpointSliceController()]);
  c.create("namespaces", namespace("prod"));
  c.create("services", service("nginx", { selector: { app: "nginx" }, clusterIP: "None", ports: [{ name: "web", port: 80 }] }));
  c.create("pods", pod("web-0", { labels: { app: "nginx" }, ip: "10.244.1.10", node: "node-1", hostname: "web-0", subdomain: "nginx", ports: [{ name: "web", containerPort: 80 }] }));
  c.create("pods", pod("web-1", { labels: { app: "nginx" }, ip: "10.244.2.10", node: "node-2", hostname: "web-1", subdomain: "nginx", ports: [{ name: "web", containerPort: 80 }] }));
  c.create("pods", pod("web-2", { labels: { app: "nginx" }, ip: "10.244.3.10", node: "node-3", hostname: "web-2", subdomain: "nginx", ready: false }));
  c.create("pods", pod("loose", { labels: { app: "nginx" }, ip: "10.244.3.11", node: "node-3" }));
  c.create("services", service("api", { namespace: "prod", selector: { app: "api" }, clusterIP: "10.96.0.20", ports: [{ name: "http", port: 8080, targetPort: 80 }] }));
  c.create("services", service("db", { namespace: "prod", type: "ExternalName", externalName: "db.example.com" }));
  c.create("services", service("legacy", { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] }));
  c.create("endpoints", {
    apiVersion: "v1", kind: "Endpoints", metadata: { name: "legacy", namespace: "default" },
    subsets: [{ addresses: [{ ip: "192.0.2.7" }], ports: [{ name: "pg", port: 5432 }] }],
  });
  return c.settle();
}

describe("resolveDns (CoreDNS kubernetes plugin)", () => {
  const c = world();
  const ask = (name: string, search?: string) => resolveDns(name, c.snapshot(), "cluster.local", search);

  it.each<[string, string | undefined, string, string, unknown[]]>([
    ["a ClusterIP Service", undefined, "api.prod.svc.cluster.local", "A", ["10.96.0.20"]],
    ["the short form <svc>.<ns>", undefined, "api.prod", "A", ["10.96.0.20"]],
    ["the short form <svc>.<ns>.svc", undefined, "api.prod.svc", "A", ["10.96.0.20"]],
    ["a bare name in the search namespace", "prod", "api", "A", ["10.96.0.20"]],
    ["an absolute name with a trailing dot", undefined, "api.prod.svc.cluster.local.", "A", ["10.96.0.20"]],
    ["a headless Service: every ready endpoint", undefined, "nginx.default.svc.cluster.local", "A", ["10.244.1.10", "10.244.2.10", "10.244.3.11"]],
    ["a StatefulSet pod by hostname", undefined, "web-0.nginx.default.svc.cluster.local", "A", ["10.244.1.10"]],
    ["a StatefulSet pod by the short name in its namespace", "default", "web-1.nginx", "A", ["10.244.2.10"]],
    ["an endpoint without hostname by its dashed IP", undefined, "10-244-3-11.nginx.default.svc.cluster.local", "A", ["10.244.3.11"]],
    ["an ExternalName Service", undefined, "db.prod.svc.cluster.local", "CNAME", ["db.example.com"]],
    ["a pod A record", undefined, "10-244-1-10.default.pod.cluster.local", "A", ["10.244.1.10"]],
    ["a selector-less headless Service from its Endpoints", "default", "legacy", "A", ["192.0.2.7"]],
    ["a named port of a ClusterIP Service (SRV)", undefined, "_http._tcp.api.prod.svc.cluster.local", "SRV",
      [{ priority: 0, weight: 100, port: 8080, target: "api.prod.svc.cluster.local" }]],
    ["a named port of a headless Service (SRV)", undefined, "_web._tcp.nginx.default.svc.cluster.local", "SRV", [
      { priority: 0, weight: 33, port: 80, target: "10-244-3-11.nginx.default.svc.cluster.local" },
      { priority: 0, weight: 33, port: 80, target: "web-0.nginx.default.svc.cluster.local" },
      { priority: 0, weight: 33, port: 80, target: "web-1.nginx.default.svc.cluster.local" },
    ]],
  ])("answers %s", (_name, search, query, type, records) => {
    expect(ask(query, search)).toMatchObject({ type, records });
  });

  it.each<[string, string | undefined, string]>([
    ["an unknown Service", undefined, "nope.default.svc.cluster.local"],
    ["a not-ready StatefulSet pod", undefined, "web-2.nginx.default.svc.cluster.local"],
    ["a bare name without a search namespace", undefined, "api"],
    ["a name outside the cluster domain", undefined, "example.com"],
    ["a pod record in a namespace that does not exist", undefined, "10-244-1-10.nowhere.pod.cluster.local"],
    ["a malformed pod record", undefined, "10-244-1.default.pod.cluster.local"],
    ["an unknown named port", undefined, "_grpc._tcp.api.prod.svc.cluster.local"],
  ])("is NXDOMAIN for %s", (_name, search, query) => {
    expect(ask(query, search)).toBeUndefined();
  });

  it("names the answer by the fully qualified name that matched", () => {
    expect(ask("api", "prod")?.name).toBe("api.prod.svc.cluster.local");
    expect(ask("kubernetes.default.svc")).toBeUndefined();
  });

  it("answers an existing headless Service with no ready pods with no records (NODATA)", () => {
    const d = world();
    d.create("services", service("empty", { selector: { app: "none" }, clusterIP: "None" }));
    d.settle();
    expect(resolveDns("empty.default.svc.cluster.local", d.snapshot())).toEqual({ name: "empty.default.svc.cluster.local", type: "A", records: [] });
  });

  it("honours another cluster domain", () => {
    expect(resolveDns("api.prod.svc.corp.internal", c.snapshot(), "corp.internal")).toMatchObject({ records: ["10.96.0.20"] });
    expect(resolveDns("api.prod.svc.cluster.local", c.snapshot(), "corp.internal")).toBeUndefined();
  });
});
