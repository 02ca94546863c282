/**
 * Printers for the policy kinds (quotas, pod templates, networking, RBAC, priority classes), after
 * upstream's printers.go (v1.33). LimitRange, Role and ClusterRole have no printer upstream: they
 * get the default Name / Created At table.
 */
import type { PodTemplate, ResourceQuota } from "kubernetes-types/core/v1";
import type { Ingress, IngressClass, IngressLoadBalancerStatus, NetworkPolicy } from "kubernetes-types/networking/v1";
import type { ClusterRoleBinding, RoleBinding, Subject } from "kubernetes-types/rbac/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { formatLabelSelector, formatLabels } from "../selectors";
import type { KObject } from "../types";
import { AGE, NAME, column, columns, containerCells, wide } from "./columns";
import { since } from "./duration";
import type { Printer } from "./types";

const name = (o: KObject) => o.metadata?.name ?? "";
const age = (o: KObject, now: number) => since(o.metadata?.creationTimestamp, now);

/**
 * REQUEST / LIMIT: every resource of status.hard in name order as "used/hard", limits.* ones in the
 * LIMIT column: "requests.cpu: 400m/1, requests.memory: 600Mi/1Gi".
 */
export function quotaColumns(quota: ResourceQuota): [string, string] {
  const hard = quota.status?.hard ?? {};
  const used = quota.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const cell = `${resource}: ${used[resource] ?? "0"}/${hard[resource]}`;
    (resource.split(".")[0] === "limits" && resource.includes(".") ? limits : requests).push(cell);
  }
  return [requests.join(", "), limits.join(", ")];
}

export const resourceQuotaPrinter: Printer = {
  columns: columns(
    NAME,
    column("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
    column("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
    AGE,
  ),
  cells(obj, { now }) {
    const [request, limit] = quotaColumns(obj as unknown as ResourceQuota);
    return [name(obj), request, limit, age(obj, now)];
  },
};

export const podTemplatePrinter: Printer = {
  columns: columns(
    NAME,
    column("Containers", "string", "Names of each container in the template."),
    column("Images", "string", "Images referenced by each container in the template."),
    column("Pod Labels", "string", "The labels for the pod template."),
  ),
  cells(obj) {
    const template = (obj as unknown as PodTemplate).template;
    const [containers, images] = containerCells(template);
    return [name(obj), containers, images, formatLabels(template?.metadata?.labels)];
  },
};

/** formatHosts: up to three rule hosts, "+ N more...", "*" when no rule names a host. */
export function ingressHosts(ingress: Ingress): string {
  const rules = ingress.spec?.rules ?? [];
  const hosts: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (hosts.length === 3) more = true;
    if (!more && rule.host) hosts.push(rule.host);
  }
  if (hosts.length === 0) return "*";
  return more ? `${hosts.join(",")} + ${rules.length - 3} more...` : hosts.join(",");
}

/** ingressLoadBalancerStatusStringer, unclipped (the server prints wide): sorted unique IPs or hostnames. */
function ingressAddress(status: IngressLoadBalancerStatus | undefined): string {
  const addresses = (status?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter(Boolean);
  return [...new Set(addresses)].sort().join(",");
}

export const ingressPrinter: Printer = {
  columns: columns(
    NAME,
    column("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
    column("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
    column("Address", "string", "Address is a list containing ingress points for the load-balancer"),
    column("Ports", "string", "Ports of TLS configurations that open"),
    AGE,
  ),
  cells(obj, { now }) {
    const ingress = obj as unknown as Ingress;
    const ports = ingress.spec?.tls?.length ? "80, 443" : "80";
    return [name(obj), ingress.spec?.ingressClassName ?? "<none>", ingressHosts(ingress), ingressAddress(ingress.status?.loadBalancer), ports, age(obj, now)];
  },
};

export const ingressClassPrinter: Printer = {
  columns: columns(
    NAME,
    column("Controller", "string", "Controller that is responsible for handling this class"),
    column("Parameters", "string", "A reference to a resource with additional parameters"),
    AGE,
  ),
  cells(obj, { now }) {
    const spec = (obj as unknown as IngressClass).spec;
    const p = spec?.parameters;
    const parameters = p ? `${p.kind}${p.apiGroup ? `.${p.apiGroup}` : ""}/${p.name}` : "<none>";
    return [name(obj), spec?.controller ?? "", parameters, age(obj, now)];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: columns(
    NAME,
    column("Pod-Selector", "string", "podSelector selects the pods to which this NetworkPolicy object applies. The array of ingress rules is applied to any pods selected by this field. Multiple network policies can select the same set of pods. In this case, the ingress rules for each are combined additively. This field is NOT optional and follows standard label selector semantics. An empty podSelector matches all pods in this namespace."),
    AGE,
  ),
  cells: (obj, { now }) => [name(obj), formatLabelSelector((obj as unknown as NetworkPolicy).spec?.podSelector ?? {}), age(obj, now)],
};

/** rbac.SubjectsStrings: user names, group names and "namespace/name" of service accounts. */
export function subjectsStrings(subjects: Subject[] | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const serviceAccounts: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === "User") users.push(s.name);
    else if (s.kind === "Group") groups.push(s.name);
    else if (s.kind === "ServiceAccount") serviceAccounts.push(`${s.namespace ?? ""}/${s.name}`);
  }
  return [users.join(", "), groups.join(", "), serviceAccounts.join(", ")];
}

function bindingPrinter(of: "roleBinding" | "clusterRoleBinding"): Printer {
  return {
    columns: columns(
      NAME,
      column("Role", "string", `RoleRef can ${of === "roleBinding" ? "reference a Role in the current namespace or a ClusterRole in the global namespace" : "only reference a ClusterRole in the global namespace"}. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.`),
      AGE,
      column("Users", "string", `Users in the ${of}`, wide),
      column("Groups", "string", `Groups in the ${of}`, wide),
      column("ServiceAccounts", "string", `ServiceAccounts in the ${of}`, wide),
    ),
    cells(obj, { now }) {
      const binding = obj as unknown as RoleBinding | ClusterRoleBinding;
      return [name(obj), `${binding.roleRef?.kind ?? ""}/${binding.roleRef?.name ?? ""}`, age(obj, now), ...subjectsStrings(binding.subjects)];
    },
  };
}

export const roleBindingPrinter = bindingPrinter("roleBinding");
export const clusterRoleBindingPrinter = bindingPrinter("clusterRoleBinding");

export const priorityClassPrinter: Printer = {
  columns: columns(
    NAME,
    column("Value", "integer", "value represents the integer value of this priority class. This is the actual priority that pods receive when they have the name of this class in their pod spec."),
    column("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class. Only one PriorityClass can be marked as `globalDefault`. However, if more than one PriorityClasses exists with their `globalDefault` field set to true, the smallest value of such global default PriorityClasses will be used as the default priority."),
    AGE,
    column("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority. One of Never, PreemptLowerPriority. Defaults to PreemptLowerPriority if unset."),
  ),
  cells(obj, { now }) {
    const pc = obj as unknown as PriorityClass;
    return [name(obj), pc.value ?? 0, pc.globalDefault ?? false, age(obj, now), pc.preemptionPolicy ?? ""];
  },
};
