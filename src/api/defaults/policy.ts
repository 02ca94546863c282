/**
 * Defaulting of the policy kinds: core/v1's SetDefaults_LimitRangeItem and the ResourceList
 * defaulting of quotas, networking/v1's SetDefaults_NetworkPolicy(Port) and SetDefaults_IngressClass,
 * rbac/v1's SetDefaults_Subject, scheduling/v1's SetDefaults_PriorityClass, and PodTemplate's pod
 * template defaults.
 */
import type { LimitRange, LimitRangeItem, PodTemplate, ResourceQuota } from "kubernetes-types/core/v1";
import type { IngressClass, NetworkPolicy } from "kubernetes-types/networking/v1";
import type { ClusterRoleBinding, RoleBinding } from "kubernetes-types/rbac/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { defaultPodTemplate } from "./podspec";
import { defaultResourceList } from "./quantities";

const RBAC_GROUP = "rbac.authorization.k8s.io";

/**
 * SetDefaults_LimitRangeItem, for Container items only: default (limit) from max, defaultRequest
 * from default, then from min.
 *   {max: {memory: 1Gi}, min: {memory: 500Mi}} → default {memory: 1Gi}, defaultRequest {memory: 1Gi}
 */
export function defaultLimitRangeItem(item: LimitRangeItem): void {
  for (const list of [item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio]) defaultResourceList(list);
  if (item.type !== "Container") return;
  const defaults = (item.default ??= {});
  const requests = (item.defaultRequest ??= {});
  for (const [name, value] of Object.entries(item.max ?? {})) if (!(name in defaults)) defaults[name] = value;
  for (const [name, value] of Object.entries(defaults)) if (!(name in requests)) requests[name] = value;
  for (const [name, value] of Object.entries(item.min ?? {})) if (!(name in requests)) requests[name] = value;
  // Empty maps are omitted when upstream serializes them.
  if (Object.keys(defaults).length === 0) delete item.default;
  if (Object.keys(requests).length === 0) delete item.defaultRequest;
}

export function defaultLimitRange(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) defaultLimitRangeItem(item);
}

export function defaultResourceQuota(quota: ResourceQuota): void {
  defaultResourceList(quota.spec?.hard);
  defaultResourceList(quota.status?.hard);
  defaultResourceList(quota.status?.used);
}

export function defaultPodTemplateObject(pt: PodTemplate): void {
  if (pt.template) pt.template = defaultPodTemplate(pt.template);
}

/**
 * NetworkPolicy: ports default to TCP; without policyTypes the policy is an Ingress one, plus Egress
 * when it has egress rules.
 */
export function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= {} as NetworkPolicy["spec"] & object);
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= "TCP";
  }
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ["Ingress", "Egress"] : ["Ingress"];
}

/** IngressClass: parameters without a scope are cluster-scoped. */
export function defaultIngressClass(ic: IngressClass): void {
  const parameters = ic.spec?.parameters;
  if (parameters && !parameters.scope) parameters.scope = "Cluster";
}

/** SetDefaults_Subject: Users and Groups are RBAC's, ServiceAccounts the core group's. */
export function defaultBinding(binding: RoleBinding | ClusterRoleBinding): void {
  for (const subject of binding.subjects ?? []) {
    if (subject.apiGroup) continue;
    if (subject.kind === "ServiceAccount") subject.apiGroup = "";
    else if (subject.kind === "User" || subject.kind === "Group") subject.apiGroup = RBAC_GROUP;
  }
  // An empty apiGroup is omitted on the wire.
  for (const subject of binding.subjects ?? []) if (subject.apiGroup === "") delete subject.apiGroup;
}

/** PriorityClass: preemptionPolicy PreemptLowerPriority. */
export function defaultPriorityClass(pc: PriorityClass): void {
  pc.preemptionPolicy ??= "PreemptLowerPriority";
}
