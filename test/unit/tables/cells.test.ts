import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES } from "../../../src/api/resources";
import { toTable } from "../../../src/api/tables";
import type { KObject } from "../../../src/api/types";
import { HOUR, MINUTE, NOW, ago, obj } from "./fixtures";

const typeOf = (group: string, kind: string) => RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind)!;
const cellsOf = (group: string, kind: string, o: KObject) => toTable(typeOf(group, kind), [o], { includeObject: "None", now: NOW }).rows[0].cells;
const cell = (group: string, kind: string, column: string) => (o: KObject) => {
  const table = toTable(typeOf(group, kind), [o], { includeObject: "None", now: NOW });
  return table.rows[0].cells[table.columnDefinitions.findIndex((d) => d.name === column)];
};

describe("Service cells", () => {
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => obj("v1", "Service", "web", { spec, status });
  const external = cell("", "Service", "External-IP");
  const ports = cell("", "Service", "Port(s)");

  it.each<[string, KObject, string]>([
    ["ClusterIP without external IPs", svc({ type: "ClusterIP", clusterIPs: ["10.96.0.1"] }), "<none>"],
    ["ClusterIP with external IPs", svc({ type: "ClusterIP", externalIPs: ["1.2.3.4", "5.6.7.8"] }), "1.2.3.4,5.6.7.8"],
    ["NodePort", svc({ type: "NodePort" }), "<none>"],
    ["LoadBalancer still pending", svc({ type: "LoadBalancer" }, { loadBalancer: {} }), "<pending>"],
    ["LoadBalancer with ingress", svc({ type: "LoadBalancer" }, { loadBalancer: { ingress: [{ ip: "34.1.1.1" }, { hostname: "lb.example.com" }] } }), "34.1.1.1,lb.example.com"],
    ["LoadBalancer with ingress and external IPs", svc({ type: "LoadBalancer", externalIPs: ["9.9.9.9"] }, { loadBalancer: { ingress: [{ ip: "34.1.1.1" }] } }), "34.1.1.1,9.9.9.9"],
    ["ExternalName", svc({ type: "ExternalName", externalName: "db.example.com" }), "db.example.com"],
  ])("EXTERNAL-IP for %s", (_s, o, expected) => expect(external(o)).toBe(expected));

  it.each<[string, KObject, string]>([
    ["one port", svc({ ports: [{ port: 80, protocol: "TCP" }] }), "80/TCP"],
    ["node ports", svc({ type: "NodePort", ports: [{ port: 80, protocol: "TCP" }, { port: 443, nodePort: 30443, protocol: "TCP" }] }), "80/TCP,443:30443/TCP"],
    ["UDP", svc({ ports: [{ port: 53, protocol: "UDP" }] }), "53/UDP"],
    ["no ports", svc({ clusterIP: "None" }), "<none>"],
  ])("PORT(S) with %s", (_s, o, expected) => expect(ports(o)).toBe(expected));

  it("prints a headless service's cluster IP as None and no selector as <none>", () => {
    expect(cellsOf("", "Service", svc({ type: "ClusterIP", clusterIP: "None", clusterIPs: ["None"] }))).toEqual(["web", "ClusterIP", "None", "<none>", "<none>", "5m", "<none>"]);
  });
});

describe("Node cells", () => {
  const node = (status: Record<string, unknown>, spec: Record<string, unknown> = {}, labels: Record<string, string> = {}) =>
    obj("v1", "Node", "node-1", { spec, status }, { namespace: undefined, labels });
  const ready = [{ type: "MemoryPressure", status: "False" }, { type: "Ready", status: "True" }];

  it.each<[string, KObject, string]>([
    ["ready", node({ conditions: ready }), "Ready"],
    ["not ready", node({ conditions: [{ type: "Ready", status: "False" }] }), "NotReady"],
    ["ready condition unknown", node({ conditions: [{ type: "Ready", status: "Unknown" }] }), "NotReady"],
    ["cordoned", node({ conditions: ready }, { unschedulable: true }), "Ready,SchedulingDisabled"],
    ["without conditions", node({}), "Unknown"],
    ["cordoned without conditions", node({}, { unschedulable: true }), "Unknown,SchedulingDisabled"],
  ])("STATUS when %s", (_s, o, expected) => expect(cell("", "Node", "Status")(o)).toBe(expected));

  it.each<[Record<string, string>, string]>([
    [{}, "<none>"],
    [{ "node-role.kubernetes.io/control-plane": "" }, "control-plane"],
    [{ "node-role.kubernetes.io/worker": "", "node-role.kubernetes.io/infra": "true", "node-role.kubernetes.io/": "" }, "infra,worker"],
    [{ "kubernetes.io/role": "master" }, "master"],
  ])("ROLES from labels %j", (labels, expected) => expect(cell("", "Node", "Roles")(node({}, {}, labels))).toBe(expected));

  it("shows <unknown> node info and <none> addresses in the wide cells", () => {
    expect(cellsOf("", "Node", node({})).slice(4)).toEqual(["", "<none>", "<none>", "<unknown>", "<unknown>", "<unknown>"]);
  });
});

describe("Job cells", () => {
  const job = (status: Record<string, unknown>, spec: Record<string, unknown> = { completions: 1 }, metadata: Record<string, unknown> = {}) =>
    obj("batch/v1", "Job", "pi", { spec, status }, metadata);
  const condition = (type: string) => ({ conditions: [{ type, status: "True" }] });

  it.each<[string, KObject, string]>([
    ["running", job({ active: 1 }), "Running"],
    ["complete", job(condition("Complete")), "Complete"],
    ["failed", job(condition("Failed")), "Failed"],
    ["suspended", job(condition("Suspended")), "Suspended"],
    ["about to fail", job(condition("FailureTarget")), "FailureTarget"],
    ["meeting its success policy", job(condition("SuccessCriteriaMet")), "SuccessCriteriaMet"],
    ["a false condition", job({ conditions: [{ type: "Complete", status: "False" }] }), "Running"],
    ["being deleted", job({}, { completions: 1 }, { deletionTimestamp: ago(1000) }), "Terminating"],
    ["complete while being deleted", job(condition("Complete"), { completions: 1 }, { deletionTimestamp: ago(1000) }), "Complete"],
  ])("STATUS when %s", (_s, o, expected) => expect(cell("batch", "Job", "Status")(o)).toBe(expected));

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    ["fixed completions", { completions: 5, parallelism: 2 }, { succeeded: 3 }, "3/5"],
    ["no completions, one pod", { parallelism: 1 }, {}, "0/1"],
    ["a work queue", { parallelism: 3 }, { succeeded: 1 }, "1/1 of 3"],
  ])("COMPLETIONS with %s", (_s, spec, status, expected) => expect(cell("batch", "Job", "Completions")(job(status, spec))).toBe(expected));

  it.each<[string, Record<string, unknown>, string]>([
    ["not started", {}, ""],
    ["running for 90s", { startTime: ago(90_000) }, "90s"],
    ["finished after 7 minutes", { startTime: ago(2 * HOUR), completionTime: ago(2 * HOUR - 7 * MINUTE) }, "7m"],
  ])("DURATION when %s", (_s, status, expected) => expect(cell("batch", "Job", "Duration")(job(status))).toBe(expected));
});

describe("CronJob cells", () => {
  it("prints timezone, suspend and never-scheduled", () => {
    const cj = obj("batch/v1", "CronJob", "c", { spec: { schedule: "*/5 * * * *", timeZone: "Etc/UTC", suspend: true, jobTemplate: { spec: { template: { spec: { containers: [] } } } } } });
    expect(cellsOf("batch", "CronJob", cj).slice(1, 6)).toEqual(["*/5 * * * *", "Etc/UTC", "True", 0, "<none>"]);
  });
});

describe("HPA targets", () => {
  const resource = (name: string, target: Record<string, unknown>) => ({ type: "Resource", resource: { name, target } });
  const hpa = (metrics: unknown[] | undefined, currentMetrics?: unknown[], extra: Record<string, unknown> = {}) =>
    obj("autoscaling/v2", "HorizontalPodAutoscaler", "web", {
      spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 5, ...(metrics ? { metrics } : {}), ...extra },
      status: { currentReplicas: 1, ...(currentMetrics ? { currentMetrics } : {}) },
    });
  const cpu70 = resource("cpu", { type: "Utilization", averageUtilization: 70 });
  const targets = cell("autoscaling", "HorizontalPodAutoscaler", "Targets");

  it.each<[string, KObject, string]>([
    ["no metrics", hpa(undefined), "<none>"],
    ["cpu before metrics arrive", hpa([cpu70]), "cpu: <unknown>/70%"],
    ["cpu with a reading", hpa([cpu70], [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 5, averageValue: "10m" } } }]), "cpu: 5%/70%"],
    ["memory by average value", hpa([resource("memory", { type: "AverageValue", averageValue: "100Mi" })], [{ type: "Resource", resource: { name: "memory", current: { averageValue: "10Mi" } } }]), "memory: 10Mi/100Mi"],
    ["a utilization target left to the default", hpa([resource("cpu", { type: "Utilization" })]), "cpu: <unknown>/<auto>"],
    ["a pods metric", hpa([{ type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } }]), "<unknown>/10"],
    ["an object metric averaged", hpa([{ type: "Object", object: { metric: { name: "rps" }, describedObject: { kind: "Ingress", name: "main" }, target: { type: "AverageValue", averageValue: "2k" } } }]), "<unknown>/2k (avg)"],
    ["an external value", hpa([{ type: "External", external: { metric: { name: "queue" }, target: { type: "Value", value: "30" } } }], [{ type: "External", external: { metric: { name: "queue" }, current: { value: "12" } } }]), "12/30"],
    [
      "three metrics",
      hpa([cpu70, resource("memory", { type: "Utilization", averageUtilization: 80 }), { type: "Pods", pods: { metric: { name: "qps" }, target: { type: "AverageValue", averageValue: "10" } } }]),
      "cpu: <unknown>/70%, memory: <unknown>/80% + 1 more...",
    ],
    ["an autoscaling/v1 CPU target", hpa(undefined, undefined, { targetCPUUtilizationPercentage: 50 }), "cpu: <unknown>/50%"],
  ])("%s", (_s, o, expected) => expect(targets(o)).toBe(expected));

  it("prints MinPods as <unset> when absent", () => {
    expect(cell("autoscaling", "HorizontalPodAutoscaler", "MinPods")(hpa([cpu70]))).toBe("<unset>");
  });
});

describe("Endpoints and EndpointSlice cells", () => {
  const endpoints = cell("", "Endpoints", "Endpoints");
  it.each<[string, unknown[] | undefined, string]>([
    ["no subsets", undefined, "<none>"],
    ["a headless service without ports", [{ addresses: [{ ip: "10.0.0.1" }] }], "10.0.0.1"],
    ["IPv6", [{ addresses: [{ ip: "fd00::1" }], ports: [{ port: 80 }] }], "[fd00::1]:80"],
    ["more than three", [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 80 }, { port: 443 }] }], "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more..."],
  ])("ENDPOINTS with %s", (_s, subsets, expected) => expect(endpoints(obj("v1", "Endpoints", "web", subsets ? { subsets } : {}))).toBe(expected));

  it("prints an empty slice as <unset> and unnamed ports as *", () => {
    const slice = obj("discovery.k8s.io/v1", "EndpointSlice", "s", { addressType: "IPv4", ports: [{}], endpoints: [] });
    expect(cellsOf("discovery.k8s.io", "EndpointSlice", slice).slice(1, 4)).toEqual(["IPv4", "*", "<unset>"]);
  });
});

describe("Event cells", () => {
  const event = (fields: Record<string, unknown>) => obj("v1", "Event", "e", { involvedObject: { kind: "Node", name: "node-1" }, type: "Normal", reason: "Starting", ...fields });

  it("uses series for LAST SEEN and COUNT", () => {
    const e = event({ eventTime: ago(HOUR), series: { count: 7, lastObservedTime: ago(2 * MINUTE) }, reportingComponent: "kubelet", reportingInstance: "node-1" });
    expect(cellsOf("", "Event", e)).toEqual(["2m", "Normal", "Starting", "node/node-1", "", "kubelet, node-1", "", "60m", 7, "e"]);
  });

  it("prints only the kind when the involved object has no name", () => {
    expect(cell("", "Event", "Object")(event({ involvedObject: { kind: "Namespace" } }))).toBe("namespace");
  });

  it("prints <unknown> for an event without timestamps", () => {
    expect(cell("", "Event", "Last Seen")(event({}))).toBe("<unknown>");
  });
});

describe("Storage cells", () => {
  const sc = (name: string, annotations: Record<string, string>, fields: Record<string, unknown> = {}) =>
    obj("storage.k8s.io/v1", "StorageClass", name, { provisioner: "p", ...fields }, { namespace: undefined, annotations });

  it.each<[string, KObject, unknown[]]>([
    ["the default class", sc("standard", { "storageclass.kubernetes.io/is-default-class": "true" }), ["standard (default)", "p", "Delete", "Immediate", false]],
    ["the beta default annotation", sc("old", { "storageclass.beta.kubernetes.io/is-default-class": "true" }), ["old (default)", "p", "Delete", "Immediate", false]],
    ["a class marked not default", sc("fast", { "storageclass.kubernetes.io/is-default-class": "false" }, { reclaimPolicy: "Retain", allowVolumeExpansion: true }), ["fast", "p", "Retain", "Immediate", true]],
  ])("StorageClass: %s", (_s, o, expected) => expect(cellsOf("storage.k8s.io", "StorageClass", o).slice(0, 5)).toEqual(expected));

  it("prints an unbound claim without capacity or access modes", () => {
    const pvc = obj("v1", "PersistentVolumeClaim", "data", { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } }, status: { phase: "Pending" } });
    expect(cellsOf("", "PersistentVolumeClaim", pvc)).toEqual(["data", "Pending", "", "", "", "", "<unset>", "5m", "<unset>"]);
  });

  it("orders access modes RWO,ROX,RWX,RWOP and marks a deleted volume Terminating", () => {
    const pv = obj("v1", "PersistentVolume", "pv", { spec: { accessModes: ["ReadWriteOncePod", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"] }, status: { phase: "Bound" } }, {
      namespace: undefined, deletionTimestamp: ago(1000), annotations: { "volume.beta.kubernetes.io/storage-class": "legacy" },
    });
    expect(cellsOf("", "PersistentVolume", pv).slice(1, 7)).toEqual(["0", "RWO,RWX,RWOP", "", "Terminating", "", "legacy"]);
  });
});

describe("Other cells", () => {
  it("prints a ControllerRevision without a controller as <none>", () => {
    expect(cell("apps", "ControllerRevision", "Controller")(obj("apps/v1", "ControllerRevision", "r", { revision: 1 }))).toBe("<none>");
  });

  it("prints a core-group controller without a group", () => {
    const cr = obj("apps/v1", "ControllerRevision", "r", { revision: 1 }, { ownerReferences: [{ apiVersion: "v1", kind: "Widget", name: "w", uid: "u", controller: true }] });
    expect(cell("apps", "ControllerRevision", "Controller")(cr)).toBe("widget/w");
  });

  it("prints a percentage PDB", () => {
    expect(cellsOf("policy", "PodDisruptionBudget", obj("policy/v1", "PodDisruptionBudget", "p", { spec: { maxUnavailable: "25%" } }))).toEqual(["p", "N/A", "25%", 0, "5m"]);
  });

  it("prints a Deployment with an invalid selector as <invalid> and defaults replicas to 1", () => {
    const d = obj("apps/v1", "Deployment", "d", { spec: { selector: { matchExpressions: [{ key: "a", operator: "Bogus" }] }, template: {} } });
    expect(cellsOf("apps", "Deployment", d)).toEqual(["d", "0/1", 0, 0, "5m", "", "", "<invalid>"]);
  });

  it("prints a Lease without holder and a Secret without data", () => {
    expect(cellsOf("coordination.k8s.io", "Lease", obj("coordination.k8s.io/v1", "Lease", "l", { spec: {} }))).toEqual(["l", "", "5m"]);
    expect(cellsOf("", "Secret", obj("v1", "Secret", "s", { type: "kubernetes.io/tls" }))).toEqual(["s", "kubernetes.io/tls", 0, "5m"]);
  });

  it("counts a ServiceAccount's secrets", () => {
    expect(cellsOf("", "ServiceAccount", obj("v1", "ServiceAccount", "sa", { secrets: [{ name: "a" }, { name: "b" }] }))).toEqual(["sa", 2, "5m"]);
  });
});
