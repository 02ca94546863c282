/**
 * The policy objects a kube-apiserver bootstraps and learners look at: the two system
 * PriorityClasses, and the user-facing ClusterRoles (cluster-admin, admin, edit, view, after
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy) with the cluster-admin binding to system:masters.
 * The aggregated roles carry their aggregationRule and the rules the aggregation controller would
 * have collected, limited to the resources this server serves.
 */
import type { PolicyRule } from "kubernetes-types/rbac/v1";

const BOOTSTRAP_LABELS = { "kubernetes.io/bootstrapping": "rbac-defaults" };
const AUTOUPDATE = { "rbac.authorization.kubernetes.io/autoupdate": "true" };

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });

/** system:aggregate-to-view: read everything a namespace holds except secrets. */
const VIEW_RULES: PolicyRule[] = [
  rule(READ, [""], [
    "configmaps", "endpoints", "persistentvolumeclaims", "persistentvolumeclaims/status", "pods", "replicationcontrollers",
    "replicationcontrollers/scale", "serviceaccounts", "services", "services/status",
  ]),
  rule(READ, [""], [
    "bindings", "events", "limitranges", "namespaces/status", "pods/log", "pods/status", "replicationcontrollers/status",
    "resourcequotas", "resourcequotas/status",
  ]),
  rule(READ, [""], ["namespaces"]),
  rule(READ, ["discovery.k8s.io"], ["endpointslices"]),
  rule(READ, ["apps"], [
    "controllerrevisions", "daemonsets", "daemonsets/status", "deployments", "deployments/scale", "deployments/status",
    "replicasets", "replicasets/scale", "replicasets/status", "statefulsets", "statefulsets/scale", "statefulsets/status",
  ]),
  rule(READ, ["autoscaling"], ["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
  rule(READ, ["batch"], ["cronjobs", "cronjobs/status", "jobs", "jobs/status"]),
  rule(READ, ["policy"], ["poddisruptionbudgets", "poddisruptionbudgets/status"]),
  rule(READ, ["networking.k8s.io"], ["ingresses", "ingresses/status", "networkpolicies"]),
];

/** system:aggregate-to-edit: write workloads and their config, read secrets; not RBAC or quotas. */
const EDIT_RULES: PolicyRule[] = [
  rule(["create", "delete", "deletecollection", "patch", "update"], [""], ["pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"]),
  rule(["create"], [""], ["pods/eviction"]),
  rule([...WRITE, ...READ], [""], ["configmaps", "events", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule([...WRITE, ...READ], ["apps"], ["daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"]),
  rule([...WRITE, ...READ], ["autoscaling"], ["horizontalpodautoscalers"]),
  rule([...WRITE, ...READ], ["batch"], ["cronjobs", "jobs"]),
  rule([...WRITE, ...READ], ["policy"], ["poddisruptionbudgets"]),
  rule([...WRITE, ...READ], ["networking.k8s.io"], ["ingresses", "networkpolicies"]),
  rule([...WRITE, ...READ], ["coordination.k8s.io"], ["leases"]),
];

/** system:aggregate-to-admin: RBAC inside the namespace, and local access reviews. */
const ADMIN_RULES: PolicyRule[] = [
  rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]),
  rule([...WRITE, ...READ], ["rbac.authorization.k8s.io"], ["rolebindings", "roles"]),
];

function aggregatedRole(name: string, rules: PolicyRule[], aggregateTo?: string) {
  return {
    metadata: {
      name,
      labels: { ...BOOTSTRAP_LABELS, ...(aggregateTo ? { [`rbac.authorization.k8s.io/aggregate-to-${aggregateTo}`]: "true" } : {}) },
      annotations: AUTOUPDATE,
    },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`rbac.authorization.k8s.io/aggregate-to-${name}`]: "true" } }] },
    rules,
  };
}

export const BOOTSTRAP_CLUSTER_ROLES = [
  {
    metadata: { name: "cluster-admin", labels: BOOTSTRAP_LABELS, annotations: AUTOUPDATE },
    rules: [{ verbs: ["*"], apiGroups: ["*"], resources: ["*"] }, { verbs: ["*"], nonResourceURLs: ["*"] }],
  },
  aggregatedRole("admin", [...ADMIN_RULES, ...EDIT_RULES, ...VIEW_RULES]),
  aggregatedRole("edit", [...EDIT_RULES, ...VIEW_RULES], "admin"),
  aggregatedRole("view", VIEW_RULES, "edit"),
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS = [
  {
    metadata: { name: "cluster-admin", labels: BOOTSTRAP_LABELS, annotations: AUTOUPDATE },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:masters" }],
  },
];

/** SystemPriorityClasses: the two classes every cluster has, for its own critical pods. */
export const SYSTEM_PRIORITY_CLASSES = [
  {
    metadata: { name: "system-node-critical" },
    value: 2000001000,
    description: "Used for system critical pods that must not be moved from their current node.",
    preemptionPolicy: "PreemptLowerPriority",
  },
  {
    metadata: { name: "system-cluster-critical" },
    value: 2000000000,
    description: "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    preemptionPolicy: "PreemptLowerPriority",
  },
];
