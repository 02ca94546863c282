import { describe, expect, it } from "vitest";
import { createServiceLoadBalancerController, LOAD_BALANCER_CLEANUP_FINALIZER } from "../../../src/controllers/serviceLoadBalancer";
import { SimCluster } from "../runtime/cluster";

const service = (name: string, type: string, extra: Record<string, unknown> = {}) =>
  ({ apiVersion: "v1", kind: "Service", metadata: { name }, spec: { type, selector: { app: name }, ports: [{ port: 80 }], ...extra } });

const reasons = (c: SimCluster, name: string) =>
  c.list("events", "default").filter((e: any) => e.involvedObject.name === name).map((e: any) => e.reason);

describe("the service controller (LoadBalancer)", () => {
  it("gives each LoadBalancer Service the cleanup finalizer and an address of its own", () => {
    const c = new SimCluster([createServiceLoadBalancerController()]);
    c.apply(service("web", "LoadBalancer"));
    c.apply(service("api", "LoadBalancer"));
    c.apply(service("internal", "ClusterIP"));
    c.settle();
    const web = c.get("services", "web") as any;
    expect(web.metadata.finalizers).toEqual([LOAD_BALANCER_CLEANUP_FINALIZER]);
    expect(web.status.loadBalancer.ingress).toEqual([{ ip: "172.18.255.1", ipMode: "VIP" }]);
    expect((c.get("services", "api") as any).status.loadBalancer.ingress[0].ip).toBe("172.18.255.2");
    expect((c.get("services", "internal") as any).metadata.finalizers).toBeUndefined();
    expect(reasons(c, "web")).toEqual(["EnsuringLoadBalancer", "EnsuredLoadBalancer"]);
    expect(c.store.nextDue()).toBeUndefined();
  });

  it("takes the balancer down when the type changes, and lets a deleted Service go", () => {
    const c = new SimCluster([createServiceLoadBalancerController()]);
    c.apply(service("web", "LoadBalancer"));
    c.apply(service("api", "LoadBalancer"));
    c.settle();
    c.patch("Service", "web", { spec: { type: "NodePort" } });
    c.settle();
    const web = c.get("services", "web") as any;
    expect(web.status.loadBalancer).toEqual({});
    expect(web.metadata.finalizers ?? []).toEqual([]);
    expect(reasons(c, "web")).toEqual(["EnsuringLoadBalancer", "EnsuredLoadBalancer", "DeletingLoadBalancer", "DeletedLoadBalancer"]);

    c.delete("Service", "api");
    expect(c.get("services", "api")?.metadata.deletionTimestamp).toBeDefined();
    c.settle();
    expect(c.get("services", "api")).toBeUndefined();
    // The freed address is handed out again.
    c.apply(service("again", "LoadBalancer"));
    c.settle();
    expect((c.get("services", "again") as any).status.loadBalancer.ingress[0].ip).toBe("172.18.255.1");
  });

  it("leaves a Service with a loadBalancerClass to its own implementation", () => {
    const c = new SimCluster([createServiceLoadBalancerController()]);
    c.apply(service("custom", "LoadBalancer", { loadBalancerClass: "example.com/lb" }));
    c.settle();
    expect((c.get("services", "custom") as any).status.loadBalancer).toEqual({});
    expect(reasons(c, "custom")).toEqual([]);
  });

  it("lets a type change drop what only the old type used (the strategy's dropTypeDependentFields)", () => {
    const c = new SimCluster([]);
    c.apply(service("web", "LoadBalancer", { externalTrafficPolicy: "Local" }));
    const lb = c.get("services", "web") as any;
    expect(lb.spec).toMatchObject({ allocateLoadBalancerNodePorts: true, healthCheckNodePort: expect.any(Number) });
    const asNodePort = c.patch("Service", "web", { spec: { type: "NodePort" } }) as any;
    expect(asNodePort.spec.allocateLoadBalancerNodePorts).toBeUndefined();
    expect(asNodePort.spec.healthCheckNodePort).toBeUndefined();
    expect(asNodePort.spec.ports[0].nodePort).toBe(lb.spec.ports[0].nodePort);
    const asClusterIP = c.patch("Service", "web", { spec: { type: "ClusterIP" } }) as any;
    expect(asClusterIP.spec.ports[0].nodePort).toBeUndefined();
    expect(asClusterIP.spec.externalTrafficPolicy).toBeUndefined();
    expect(asClusterIP.spec.clusterIP).toBe(lb.spec.clusterIP);
  });

  it("allocates what a new type needs on update: node ports, a health-check port", () => {
    const c = new SimCluster([]);
    c.apply(service("web", "ClusterIP"));
    const asNodePort = c.patch("Service", "web", { spec: { type: "NodePort" } }) as any;
    expect(asNodePort.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const asLb = c.patch("Service", "web", { spec: { type: "LoadBalancer" } }) as any;
    expect(asLb.spec.ports[0].nodePort).toBe(asNodePort.spec.ports[0].nodePort);
    expect(asLb.spec.healthCheckNodePort).toBeUndefined();
    // The "Using Source IP" tutorial: externalTrafficPolicy Local on a LoadBalancer gets a health-check port.
    const local = c.patch("Service", "web", { spec: { externalTrafficPolicy: "Local" } }) as any;
    expect(local.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(local.spec.healthCheckNodePort).not.toBe(local.spec.ports[0].nodePort);
  });
});
