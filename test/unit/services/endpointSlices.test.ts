import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { createEndpointsController } from "../../../src/controllers/endpoints";
import {
  createEndpointSliceController, ENDPOINT_SLICES, endpointSliceName, ENDPOINTSLICE_CONTROLLER, MANAGED_BY_LABEL, nameSuffix, SERVICE_NAME_LABEL,
} from "../../../src/controllers/endpointSlices";
import { pod, service } from "./fixtures";
import { newCluster } from "./invariants";

const slicesOf = (c: ReturnType<typeof cluster>, svc: string) =>
  c.list(ENDPOINT_SLICES, "default").filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === svc) as unknown as EndpointSlice[];
const readyIPs = (slices: EndpointSlice[]) => slices.flatMap((s) => s.endpoints.filter((e) => e.conditions?.ready).map((e) => e.addresses[0]));

function cluster() {
  return newCluster([createEndpointsController(), createEndpointSliceController()]);
}

const setReady = (p: KObject, ready: boolean) => {
  for (const cond of (p.status as { conditions: { type: string; status: string }[] }).conditions) {
    if (cond.type === "Ready" || cond.type === "ContainersReady") cond.status = ready ? "True" : "False";
  }
};

describe("EndpointSlice controller", () => {
  it("makes one slice named after the Service, labelled, owned by it, for describe svc", () => {
    const c = cluster();
    const svc = c.create("services", service("web", { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: 8080 }], labels: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    const [slice] = slicesOf(c, "web");
    expect(slicesOf(c, "web")).toHaveLength(1);
    expect(slice.metadata!.name).toBe(`web-${nameSuffix(svc.metadata.uid!)}`);
    expect(slice.metadata!.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.metadata!.generateName).toBe("web-");
    expect(slice.metadata!.labels).toEqual({ app: "web", [SERVICE_NAME_LABEL]: "web", [MANAGED_BY_LABEL]: ENDPOINTSLICE_CONTROLLER });
    expect(slice.metadata!.ownerReferences).toEqual([{ apiVersion: "v1", kind: "Service", name: "web", uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(slice.addressType).toBe("IPv4");
    expect(slice.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(slice.endpoints).toEqual([{
      addresses: ["10.244.1.5"],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: "Pod", namespace: "default", name: "web-a", uid: c.get("pods", "default", "web-a")!.metadata.uid },
      nodeName: "node-1",
    }]);
    c.converged();
  });

  it.each<[string, { ready: boolean; terminating: boolean; publish: boolean }, { ready: boolean; serving: boolean; terminating: boolean }]>([
    ["a ready pod", { ready: true, terminating: false, publish: false }, { ready: true, serving: true, terminating: false }],
    ["an unready pod", { ready: false, terminating: false, publish: false }, { ready: false, serving: false, terminating: false }],
    ["a ready terminating pod", { ready: true, terminating: true, publish: false }, { ready: false, serving: true, terminating: true }],
    ["an unready terminating pod", { ready: false, terminating: true, publish: false }, { ready: false, serving: false, terminating: true }],
    ["an unready pod with publishNotReadyAddresses", { ready: false, terminating: false, publish: true }, { ready: true, serving: false, terminating: false }],
    ["a terminating pod with publishNotReadyAddresses", { ready: true, terminating: true, publish: true }, { ready: true, serving: true, terminating: true }],
  ])("slice conditions for %s", (_name, given, conditions) => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, publishNotReadyAddresses: given.publish }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1", ready: given.ready }));
    if (given.terminating) c.delete("pods", "default", "web-a", { graceful: true });
    c.settle();
    expect(slicesOf(c, "web")[0].endpoints.map((e) => e.conditions)).toEqual([conditions]);
    c.converged();
  });

  it("updates conditions in place as readiness changes", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1", ready: false }));
    c.settle();
    const name = slicesOf(c, "web")[0].metadata!.name;
    expect(readyIPs(slicesOf(c, "web"))).toEqual([]);
    c.update("pods", "default", "web-a", (p) => setReady(p, true));
    c.settle();
    expect(slicesOf(c, "web").map((s) => s.metadata!.name)).toEqual([name]);
    expect(readyIPs(slicesOf(c, "web"))).toEqual(["10.244.1.5"]);
  });

  it("keeps an empty placeholder slice without ports for a Service with no pods", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, ports: [{ port: 80 }] }));
    c.settle();
    const slices = slicesOf(c, "web");
    expect(slices).toHaveLength(1);
    expect(slices[0]).toMatchObject({ endpoints: [], ports: [] });
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    // The placeholder is reused rather than replaced.
    expect(slicesOf(c, "web").map((s) => [s.metadata!.name, s.ports])).toEqual([[slices[0].metadata!.name, [{ name: "", port: 80, protocol: "TCP" }]]]);
    c.converged();
  });

  it("groups pods whose named ports differ, and puts pods without the port in a slice without ports", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "web" }] }));
    c.create("pods", pod("a", { ip: "10.244.1.2", node: "node-1", ports: [{ name: "web", containerPort: 8080 }] }));
    c.create("pods", pod("b", { ip: "10.244.1.3", node: "node-1", ports: [{ name: "web", containerPort: 9090 }] }));
    c.create("pods", pod("c", { ip: "10.244.1.4", node: "node-1" }));
    c.settle();
    const byPorts = slicesOf(c, "web").map((s) => [s.ports?.map((p) => p.port), s.endpoints.map((e) => e.addresses[0])]);
    expect(byPorts).toHaveLength(3);
    expect(byPorts).toEqual(expect.arrayContaining([[[8080], ["10.244.1.2"]], [[9090], ["10.244.1.3"]], [[], ["10.244.1.4"]]]));
    c.converged();
  });

  it("splits more than 100 endpoints over several slices, and shrinks back", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    for (let i = 0; i < 150; i++) c.create("pods", pod(`web-${i}`, { ip: `10.244.${1 + (i >> 7)}.${(i % 128) + 2}`, node: "node-1" }));
    c.settle();
    expect(slicesOf(c, "web").map((s) => s.endpoints.length).sort()).toEqual([100, 50]);
    for (let i = 0; i < 120; i++) c.delete("pods", "default", `web-${i}`);
    c.settle();
    expect(slicesOf(c, "web").map((s) => s.endpoints.length)).toEqual([30]);
    c.converged();
  });

  it("deletes the slices with the Service, and replaces those of an older Service of the same name", () => {
    const c = cluster();
    const first = c.create("services", service("web", { selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    expect(slicesOf(c, "web")[0].metadata!.name).toBe(endpointSliceName(first as never));
    c.delete("services", "default", "web");
    c.settle();
    expect(slicesOf(c, "web")).toEqual([]);
    const second = c.create("services", service("web", { selector: { app: "web" } }));
    c.settle();
    expect(slicesOf(c, "web").map((s) => s.metadata!.ownerReferences![0].uid)).toEqual([second.metadata.uid]);
    c.converged();
  });

  it("does not manage slices of Services without a selector or of ExternalName Services", () => {
    const c = cluster();
    c.create("services", service("manual", { ports: [{ port: 80 }] }));
    c.create("services", service("alias", { type: "ExternalName", externalName: "example.com", selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    expect(c.list(ENDPOINT_SLICES)).toEqual([]);
  });

  it("puts a slice edited by someone else right again", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.1.5", node: "node-1" }));
    c.settle();
    const name = slicesOf(c, "web")[0].metadata!.name!;
    c.update(ENDPOINT_SLICES, "default", name, (s) => (s.endpoints = []));
    c.settle();
    expect(readyIPs(slicesOf(c, "web"))).toEqual(["10.244.1.5"]);
  });

  it("skips pods on a Node that does not exist until it does", () => {
    const c = cluster();
    c.create("services", service("web", { selector: { app: "web" } }));
    c.create("pods", pod("web-a", { ip: "10.244.9.5", node: "node-9" }));
    c.settle();
    expect(slicesOf(c, "web")[0].endpoints).toEqual([]);
    c.create("nodes", { apiVersion: "v1", kind: "Node", metadata: { name: "node-9", labels: { "topology.kubernetes.io/zone": "zone-a" } } });
    c.settle();
    expect(slicesOf(c, "web")[0].endpoints).toEqual([expect.objectContaining({ addresses: ["10.244.9.5"], nodeName: "node-9", zone: "zone-a" })]);
  });
});

describe("endpointSliceName", () => {
  it.each<[string, string]>([
    ["web", "web-"],
    ["a".repeat(63), `${"a".repeat(58)}`],
  ])("cuts the prefix of %s as generateName does", (name, prefix) => {
    const n = endpointSliceName({ metadata: { name, uid: "u" } } as never);
    expect(n.slice(0, -5)).toBe(prefix);
    expect(n.length).toBeLessThanOrEqual(63);
  });

  it("is deterministic and differs between candidates", () => {
    const svc = { metadata: { name: "web", uid: "3f1c" } } as never;
    expect(endpointSliceName(svc)).toBe(endpointSliceName(svc));
    expect(endpointSliceName(svc, 1)).not.toBe(endpointSliceName(svc));
  });
});
