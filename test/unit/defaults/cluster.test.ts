import { describe, expect, it } from "vitest";
import { applyDefaults } from "../../../src/api/defaults";
import { changed, created, deepFreeze, hpa, secret, stored, typeOf } from "../validation/fixtures";

const NS = typeOf("Namespace");

describe("Namespace, Node and Secret defaults", () => {
  const ns = deepFreeze({ apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } });

  it("adds the kubernetes finalizer, phase Active and the name label on create", () => {
    const n = created(NS, ns);
    expect(n.spec).toEqual({ finalizers: ["kubernetes"] });
    expect(n.status).toEqual({ phase: "Active" });
    expect(n.metadata.labels).toEqual({ "kubernetes.io/metadata.name": "team-a" });
  });

  it("lets the namespace controller remove the finalizer later", () => {
    const next = changed(stored(NS, ns), (o) => { o.spec.finalizers = []; o.status.phase = "Terminating"; });
    const copy = structuredClone(next);
    applyDefaults(NS, copy);
    expect(copy.spec.finalizers).toEqual([]);
    expect(copy.status.phase).toBe("Terminating");
  });

  it("copies a node's capacity to allocatable", () => {
    const node = created(typeOf("Node"), { apiVersion: "v1", kind: "Node", metadata: { name: "node-1" }, status: { capacity: { cpu: "4", memory: "16Gi", pods: "110" } } });
    expect(node.status.allocatable).toEqual({ cpu: "4", memory: "16Gi", pods: "110" });
  });

  it.each([
    ["no type", secret("s"), { type: "Opaque" }],
    ["stringData, folded into data as base64", secret("s", { data: { a: "b2xk" }, stringData: { a: "new", "ü": "ü" } }), { type: "Opaque", data: { a: "bmV3", "ü": "w7w=" } }],
  ])("Secret with %s", (_, obj, expected) => {
    const s = created(typeOf("Secret"), obj);
    expect({ type: s.type, ...(s.data ? { data: s.data } : {}) }).toEqual(expected);
    expect(s).not.toHaveProperty("stringData");
  });
});

describe("HorizontalPodAutoscaler defaults (autoscaling/v2)", () => {
  const HPA = typeOf("HorizontalPodAutoscaler", "autoscaling");

  it("adds minReplicas 1 and an 80% CPU target, and no behavior", () => {
    const spec = created(HPA, hpa("web")).spec;
    expect(spec).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
      minReplicas: 1,
      maxReplicas: 10,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }],
    });
  });

  it("completes a behavior the user started, in both directions", () => {
    const spec = created(HPA, hpa("web", { behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } })).spec;
    expect(spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0, selectPolicy: "Max",
        policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }],
      },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
    });
  });
});

describe("storage defaults", () => {
  it("PersistentVolume: Retain, Filesystem, Pending", () => {
    const pv = created(typeOf("PersistentVolume"), { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv1" }, spec: { capacity: { storage: "1024Mi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/d" } } });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: "Retain", volumeMode: "Filesystem", capacity: { storage: "1Gi" } });
    expect(pv.status).toEqual({ phase: "Pending" });
  });

  it("PersistentVolumeClaim: Filesystem, Pending", () => {
    const pvc = created(typeOf("PersistentVolumeClaim"), { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "d" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } });
    expect(pvc.spec.volumeMode).toBe("Filesystem");
    expect(pvc.status).toEqual({ phase: "Pending" });
  });

  it("StorageClass: Delete, Immediate", () => {
    const sc = created(typeOf("StorageClass", "storage.k8s.io"), { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "standard" }, provisioner: "rancher.io/local-path" });
    expect(sc).toMatchObject({ reclaimPolicy: "Delete", volumeBindingMode: "Immediate" });
  });

  it("Endpoints and EndpointSlice ports default to TCP", () => {
    const ep = created(typeOf("Endpoints"), { apiVersion: "v1", kind: "Endpoints", metadata: { name: "web" }, subsets: [{ addresses: [{ ip: "10.0.0.1" }], ports: [{ port: 80 }] }] });
    expect(ep.subsets[0].ports).toEqual([{ port: 80, protocol: "TCP" }]);
    const slice = created(typeOf("EndpointSlice", "discovery.k8s.io"), { apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata: { name: "web-x" }, addressType: "IPv4", ports: [{ port: 80 }] });
    expect(slice.ports).toEqual([{ port: 80, name: "", protocol: "TCP" }]);
  });
});
