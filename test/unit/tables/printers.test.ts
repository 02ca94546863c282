import { describe, expect, it } from "vitest";
import { RESOURCE_TYPES, type ResourceType } from "../../../src/api/resources";
import { columnDefinitions, toTable } from "../../../src/api/tables";
import type { KObject } from "../../../src/api/types";
import { DAY, HOUR, MINUTE, NOW, SECOND, ago, obj, pod, running } from "./fixtures";

const typeOf = (group: string, kind: string) => RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind)!;
const cells = (group: string, kind: string, o: KObject) => toTable(typeOf(group, kind), [o], { includeObject: "None", now: NOW }).rows[0].cells;
const template = { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx:1.25" }, { name: "sidecar", image: "envoy:1.30" }] } };
const selector = { matchLabels: { app: "web" } };
/** The default table's Created At of an object made five minutes before NOW. */
const CREATED = new Date(NOW - 5 * MINUTE).toISOString().replace(/\.\d{3}Z$/, "Z");

/** One plausible object per served kind, with the cells upstream prints for it. */
const EXAMPLES: [group: string, kind: string, o: KObject, expected: unknown[]][] = [
  ["", "Pod", pod("web-1", { statuses: [running()], conditions: [{ type: "Ready", status: "True" }] }), ["web-1", "1/1", "Running", "0", "5m", "<none>", "<none>", "<none>", "<none>"]],
  [
    "apps", "Deployment",
    obj("apps/v1", "Deployment", "web", { spec: { replicas: 3, selector, template }, status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } }),
    ["web", "2/3", 3, 2, "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=web"],
  ],
  [
    "apps", "ReplicaSet",
    obj("apps/v1", "ReplicaSet", "web-7d9f", { spec: { replicas: 2, selector: { matchLabels: { app: "web", "pod-template-hash": "7d9f" } }, template }, status: { replicas: 2, readyReplicas: 1 } }),
    ["web-7d9f", 2, 2, 1, "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=web,pod-template-hash=7d9f"],
  ],
  [
    "", "ReplicationController",
    obj("v1", "ReplicationController", "legacy", { spec: { replicas: 1, selector: { app: "legacy" }, template }, status: { replicas: 1, readyReplicas: 1 } }),
    ["legacy", 1, 1, 1, "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=legacy"],
  ],
  ["apps", "StatefulSet", obj("apps/v1", "StatefulSet", "db", { spec: { replicas: 3, selector, template }, status: { readyReplicas: 1 } }), ["db", "1/3", "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30"]],
  [
    "apps", "DaemonSet",
    obj("apps/v1", "DaemonSet", "agent", {
      spec: { selector, template: { ...template, spec: { ...template.spec, nodeSelector: { "kubernetes.io/os": "linux" } } } },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    }),
    ["agent", 3, 3, 2, 3, 2, "kubernetes.io/os=linux", "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=web"],
  ],
  [
    "batch", "Job",
    obj("batch/v1", "Job", "pi", { spec: { completions: 1, parallelism: 1, selector, template }, status: { succeeded: 1, startTime: ago(4 * MINUTE), completionTime: ago(MINUTE), conditions: [{ type: "Complete", status: "True" }] } }),
    ["pi", "Complete", "1/1", "3m", "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=web"],
  ],
  [
    "batch", "CronJob",
    obj("batch/v1", "CronJob", "nightly", { spec: { schedule: "0 3 * * *", suspend: false, jobTemplate: { spec: { template } } }, status: { active: [{ name: "nightly-1" }], lastScheduleTime: ago(2 * HOUR) } }),
    ["nightly", "0 3 * * *", "<none>", "False", 1, "120m", "5m", "nginx,sidecar", "nginx:1.25,envoy:1.30", "<none>"],
  ],
  [
    "autoscaling", "HorizontalPodAutoscaler",
    obj("autoscaling/v2", "HorizontalPodAutoscaler", "web", {
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }] },
      status: { currentReplicas: 2, desiredReplicas: 2 },
    }),
    ["web", "Deployment/web", "cpu: <unknown>/70%", "1", 10, 2, "5m"],
  ],
  [
    "", "Service",
    obj("v1", "Service", "web", { spec: { type: "ClusterIP", clusterIP: "10.96.0.10", clusterIPs: ["10.96.0.10"], selector: { app: "web" }, ports: [{ port: 80, protocol: "TCP" }] } }),
    ["web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP", "5m", "app=web"],
  ],
  [
    "", "Endpoints",
    obj("v1", "Endpoints", "web", { subsets: [{ addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }], ports: [{ port: 8080 }] }] }),
    ["web", "10.0.0.1:8080,10.0.0.2:8080", "5m"],
  ],
  [
    "discovery.k8s.io", "EndpointSlice",
    obj("discovery.k8s.io/v1", "EndpointSlice", "web-abc", { addressType: "IPv4", ports: [{ name: "http", port: 8080 }], endpoints: [{ addresses: ["10.0.0.1"] }, { addresses: ["10.0.0.2"] }] }),
    ["web-abc", "IPv4", "8080", "10.0.0.1,10.0.0.2", "5m"],
  ],
  [
    "", "Node",
    obj("v1", "Node", "node-1", {
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "172.18.0.2" }, { type: "Hostname", address: "node-1" }],
        nodeInfo: { kubeletVersion: "v1.33.1", osImage: "Debian GNU/Linux 12", kernelVersion: "6.1.0", containerRuntimeVersion: "containerd://1.7.0" },
      },
    }, { namespace: undefined, labels: { "node-role.kubernetes.io/control-plane": "" } }),
    ["node-1", "Ready", "control-plane", "5m", "v1.33.1", "172.18.0.2", "<none>", "Debian GNU/Linux 12", "6.1.0", "containerd://1.7.0"],
  ],
  ["", "Namespace", obj("v1", "Namespace", "team-a", { status: { phase: "Active" } }, { namespace: undefined }), ["team-a", "Active", "5m"]],
  [
    "", "Event",
    obj("v1", "Event", "web-1.17a", {
      involvedObject: { kind: "Pod", name: "web-1", namespace: "default", fieldPath: "spec.containers{app}" },
      reason: "Pulled", message: "Successfully pulled image \"nginx\"\n", type: "Normal", count: 3,
      source: { component: "kubelet", host: "node-1" }, firstTimestamp: ago(DAY), lastTimestamp: ago(30 * SECOND),
    }),
    ["30s", "Normal", "Pulled", "pod/web-1", "spec.containers{app}", "kubelet, node-1", "Successfully pulled image \"nginx\"", "24h", 3, "web-1.17a"],
  ],
  [
    "events.k8s.io", "Event",
    obj("events.k8s.io/v1", "Event", "web-1.17b", {
      regarding: { kind: "Deployment", name: "web", namespace: "default" }, note: "Scaled up replica set web-7d9f to 3", reason: "ScalingReplicaSet", type: "Normal",
      reportingController: "deployment-controller", eventTime: ago(90 * SECOND),
    }),
    ["90s", "Normal", "ScalingReplicaSet", "deployment/web", "", "deployment-controller", "Scaled up replica set web-7d9f to 3", "90s", 1, "web-1.17b"],
  ],
  ["", "ConfigMap", obj("v1", "ConfigMap", "settings", { data: { a: "1", b: "2" }, binaryData: { c: "AA==" } }), ["settings", 3, "5m"]],
  ["", "Secret", obj("v1", "Secret", "creds", { type: "Opaque", data: { user: "YQ==" } }), ["creds", "Opaque", 1, "5m"]],
  ["", "ServiceAccount", obj("v1", "ServiceAccount", "default", {}), ["default", 0, "5m"]],
  [
    "", "PersistentVolume",
    obj("v1", "PersistentVolume", "pv-1", {
      spec: { capacity: { storage: "10Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", storageClassName: "standard", claimRef: { namespace: "default", name: "data" }, volumeMode: "Filesystem" },
      status: { phase: "Bound" },
    }, { namespace: undefined }),
    ["pv-1", "10Gi", "RWO", "Delete", "Bound", "default/data", "standard", "<unset>", "", "5m", "Filesystem"],
  ],
  [
    "", "PersistentVolumeClaim",
    obj("v1", "PersistentVolumeClaim", "data", {
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, storageClassName: "standard", volumeName: "pv-1", volumeMode: "Filesystem" },
      status: { phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "10Gi" } },
    }),
    ["data", "Bound", "pv-1", "10Gi", "RWO", "standard", "<unset>", "5m", "Filesystem"],
  ],
  [
    "storage.k8s.io", "StorageClass",
    obj("storage.k8s.io/v1", "StorageClass", "standard", { provisioner: "rancher.io/local-path", reclaimPolicy: "Delete", volumeBindingMode: "WaitForFirstConsumer" }, {
      namespace: undefined, annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
    }),
    ["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer", false, "5m"],
  ],
  [
    "apps", "ControllerRevision",
    obj("apps/v1", "ControllerRevision", "agent-5d8f", { revision: 2, data: {} }, { ownerReferences: [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: "u", controller: true }] }),
    ["agent-5d8f", "daemonset.apps/agent", 2, "5m"],
  ],
  ["policy", "PodDisruptionBudget", obj("policy/v1", "PodDisruptionBudget", "web", { spec: { minAvailable: 1, selector }, status: { disruptionsAllowed: 1 } }), ["web", "1", "N/A", 1, "5m"]],
  ["coordination.k8s.io", "Lease", obj("coordination.k8s.io/v1", "Lease", "node-1", { spec: { holderIdentity: "node-1", leaseDurationSeconds: 40 } }, { namespace: "kube-node-lease" }), ["node-1", "node-1", "5m"]],
  [
    "", "ResourceQuota",
    obj("v1", "ResourceQuota", "mem-cpu-demo", {
      spec: { hard: { "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi", pods: "5" } },
      status: {
        hard: { "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi", pods: "5" },
        used: { "requests.cpu": "400m", "requests.memory": "600Mi", "limits.cpu": "800m", "limits.memory": "800Mi" },
      },
    }),
    ["mem-cpu-demo", "pods: 0/5, requests.cpu: 400m/1, requests.memory: 600Mi/1Gi", "limits.cpu: 800m/2, limits.memory: 800Mi/2Gi", "5m"],
  ],
  // No printer upstream: the apiserver's default Name / Created At.
  ["", "LimitRange", obj("v1", "LimitRange", "mem-limit-range", { spec: { limits: [{ type: "Container", default: { memory: "512Mi" } }] } }), ["mem-limit-range", CREATED]],
  ["", "PodTemplate", obj("v1", "PodTemplate", "web", { template }), ["web", "nginx,sidecar", "nginx:1.25,envoy:1.30", "app=web"]],
  [
    "networking.k8s.io", "Ingress",
    obj("networking.k8s.io/v1", "Ingress", "simple", {
      spec: {
        ingressClassName: "nginx",
        rules: [{ host: "foo.com", http: { paths: [{ path: "/bar", pathType: "Exact", backend: { service: { name: "svc1", port: { number: 8080 } } } }] } }],
        tls: [{ hosts: ["foo.com"], secretName: "my-cert" }],
      },
      status: { loadBalancer: { ingress: [{ ip: "172.18.0.10" }] } },
    }),
    ["simple", "nginx", "foo.com", "172.18.0.10", "80, 443", "5m"],
  ],
  [
    "networking.k8s.io", "IngressClass",
    obj("networking.k8s.io/v1", "IngressClass", "nginx", { spec: { controller: "k8s.io/ingress-nginx", parameters: { apiGroup: "k8s.example.com", kind: "IngressParameters", name: "external-lb" } } }, { namespace: undefined }),
    ["nginx", "k8s.io/ingress-nginx", "IngressParameters.k8s.example.com/external-lb", "5m"],
  ],
  ["networking.k8s.io", "NetworkPolicy", obj("networking.k8s.io/v1", "NetworkPolicy", "deny-all", { spec: { podSelector: {} } }), ["deny-all", "<none>", "5m"]],
  ["rbac.authorization.k8s.io", "Role", obj("rbac.authorization.k8s.io/v1", "Role", "pod-reader", { rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] }), ["pod-reader", CREATED]],
  ["rbac.authorization.k8s.io", "ClusterRole", obj("rbac.authorization.k8s.io/v1", "ClusterRole", "view", { rules: [] }, { namespace: undefined }), ["view", CREATED]],
  [
    "rbac.authorization.k8s.io", "RoleBinding",
    obj("rbac.authorization.k8s.io/v1", "RoleBinding", "read-pods", {
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "pod-reader" },
      subjects: [{ kind: "User", name: "jane", apiGroup: "rbac.authorization.k8s.io" }, { kind: "Group", name: "devs", apiGroup: "rbac.authorization.k8s.io" }, { kind: "ServiceAccount", name: "bot", namespace: "ci" }],
    }),
    ["read-pods", "Role/pod-reader", "5m", "jane", "devs", "ci/bot"],
  ],
  [
    "rbac.authorization.k8s.io", "ClusterRoleBinding",
    obj("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "cluster-admin", {
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ kind: "Group", name: "system:masters", apiGroup: "rbac.authorization.k8s.io" }],
    }, { namespace: undefined }),
    ["cluster-admin", "ClusterRole/cluster-admin", "5m", "", "system:masters", ""],
  ],
  [
    "scheduling.k8s.io", "PriorityClass",
    obj("scheduling.k8s.io/v1", "PriorityClass", "high-priority", { value: 1000000, globalDefault: false, preemptionPolicy: "PreemptLowerPriority" }, { namespace: undefined }),
    ["high-priority", 1000000, false, "5m", "PreemptLowerPriority"],
  ],
];

describe("toTable", () => {
  it("has an example for every served kind", () => {
    const covered = new Set(EXAMPLES.map(([g, k]) => `${g}/${k}`));
    // Reviews are created and answered, never listed: they have no table.
    expect(RESOURCE_TYPES.filter((t) => !t.createOnly).map((t) => `${t.group}/${t.kind}`).filter((k) => !covered.has(k))).toEqual([]);
  });

  it.each(EXAMPLES)("%s/%s prints one cell per column, as upstream", (group, kind, o, expected) => {
    const table = toTable(typeOf(group, kind), [o], { includeObject: "None", now: NOW });
    expect(table.kind).toBe("Table");
    expect(table.apiVersion).toBe("meta.k8s.io/v1");
    expect(table.rows[0].cells).toHaveLength(table.columnDefinitions.length);
    expect(table.rows[0].cells).toEqual(expected);
  });

  it.each(RESOURCE_TYPES.map((t) => [`${t.group}/${t.kind}`, t] as const))("%s column definitions are complete", (_name, type) => {
    const defs = columnDefinitions(type);
    expect(defs.length).toBeGreaterThan(1);
    for (const def of defs) {
      expect(Object.keys(def).sort()).toEqual(["description", "format", "name", "priority", "type"]);
      expect(["string", "integer", "number", "boolean", "date"]).toContain(def.type);
      expect(def.description).not.toBe("");
      // A misspelt field reference ("PodStatus.podIp") would otherwise be printed as the description.
      expect(def.description).not.toMatch(/^[A-Z][A-Za-z]+\.[a-z][A-Za-z]+$/);
      expect([0, 1]).toContain(def.priority);
    }
    // The Name column is the one with format "name"; kubectl uses it for `-o name`-like output.
    expect(defs.filter((d) => d.format === "name").map((d) => d.name)).toEqual(["Name"]);
  });

  it.each<[string, string, string[]]>([
    ["", "Pod", ["Name", "Ready", "Status", "Restarts", "Age", "IP*", "Node*", "Nominated Node*", "Readiness Gates*"]],
    ["apps", "Deployment", ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers*", "Images*", "Selector*"]],
    ["batch", "Job", ["Name", "Status", "Completions", "Duration", "Age", "Containers*", "Images*", "Selector*"]],
    ["batch", "CronJob", ["Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers*", "Images*", "Selector*"]],
    ["", "Node", ["Name", "Status", "Roles", "Age", "Version", "Internal-IP*", "External-IP*", "OS-Image*", "Kernel-Version*", "Container-Runtime*"]],
    ["", "Event", ["Last Seen", "Type", "Reason", "Object", "Subobject*", "Source*", "Message", "First Seen*", "Count*", "Name*"]],
    ["", "ResourceQuota", ["Name", "Request", "Limit", "Age"]],
    ["networking.k8s.io", "Ingress", ["Name", "Class", "Hosts", "Address", "Ports", "Age"]],
    ["networking.k8s.io", "NetworkPolicy", ["Name", "Pod-Selector", "Age"]],
    ["rbac.authorization.k8s.io", "RoleBinding", ["Name", "Role", "Age", "Users*", "Groups*", "ServiceAccounts*"]],
    ["scheduling.k8s.io", "PriorityClass", ["Name", "Value", "Global-Default", "Age", "PreemptionPolicy"]],
  ])("%s/%s columns (* = -o wide)", (group, kind, names) => {
    expect(columnDefinitions(typeOf(group, kind)).map((d) => d.name + (d.priority ? "*" : ""))).toEqual(names);
  });

  const web = EXAMPLES.find(([, k]) => k === "Deployment")![2];

  it("carries PartialObjectMetadata with the full metadata for includeObject=Metadata", () => {
    const row = toTable(typeOf("apps", "Deployment"), [web], { includeObject: "Metadata", now: NOW }).rows[0];
    expect(row.object).toEqual({ kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: web.metadata });
  });

  it("carries the whole object for includeObject=Object", () => {
    const row = toTable(typeOf("apps", "Deployment"), [web], { includeObject: "Object", now: NOW }).rows[0];
    expect(row.object).toEqual(web);
  });

  it("carries no object for includeObject=None", () => {
    const row = toTable(typeOf("apps", "Deployment"), [web], { includeObject: "None", now: NOW }).rows[0];
    expect(row).not.toHaveProperty("object");
  });

  it("prints one row per object, in order, and an empty list as no rows", () => {
    const type = typeOf("", "ConfigMap");
    const table = toTable(type, ["a", "b", "c"].map((n) => obj("v1", "ConfigMap", n)), { includeObject: "Metadata", now: NOW });
    expect(table.rows.map((r) => r.cells[0])).toEqual(["a", "b", "c"]);
    expect(toTable(type, [], { includeObject: "Metadata", now: NOW }).rows).toEqual([]);
  });

  it("falls back to upstream's default Name / Created At table for kinds without a printer", () => {
    const widget: ResourceType = { group: "example.com", versions: ["v1"], kind: "Widget", plural: "widgets", singular: "widget", namespaced: true };
    const table = toTable(widget, [obj("example.com/v1", "Widget", "w", {}, { creationTimestamp: "2025-06-01T10:00:00Z" })], { includeObject: "Metadata", now: NOW });
    expect(table.columnDefinitions.map((d) => [d.name, d.type, d.format])).toEqual([["Name", "string", "name"], ["Created At", "date", ""]]);
    expect(table.rows[0].cells).toEqual(["w", "2025-06-01T10:00:00Z"]);
  });

  it("measures every age against opts.now", () => {
    const type = typeOf("", "ConfigMap");
    const cm = obj("v1", "ConfigMap", "c");
    expect(toTable(type, [cm], { includeObject: "None", now: NOW + 3 * DAY }).rows[0].cells[2]).toBe("3d");
    expect(toTable(type, [obj("v1", "ConfigMap", "c", {}, { creationTimestamp: undefined })], { includeObject: "None", now: NOW }).rows[0].cells[2]).toBe("<unknown>");
  });
});
