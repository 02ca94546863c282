/**
 * What upstream's admission and allocators do to a new object before it is stored. Mutating
 * admission (before validation): LimitRanger defaults and Priority for pods. Validating admission
 * and allocators (after): LimitRanger constraints, the PriorityClass default check, ResourceQuota;
 * Services get a ClusterIP from the service CIDR and NodePorts from 30000–32767.
 */
import type { LimitRange, PersistentVolumeClaim, Pod, ResourceQuota } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { ApiError, invalid, qualifiedResource } from "./errors";
import { registerNode } from "../sim/nodes";
import { applyLimitRangeDefaults, claimLimitViolations, podLimitViolations } from "./policy/limitRanger";
import { resolvePodPriority, secondGlobalDefault } from "./policy/priority";
import type { Lister } from "./policy/quota";
import { quotaRefusal } from "./policy/quotaAdmission";
import { storageResource } from "./resources";
import { rfc3339, type ApiContext, type Target } from "./rest";
import { qosClass } from "./strategy";
import type { KObject } from "./types";

/** 10.96.0.0/12, like kubeadm's default; .1 is the `kubernetes` Service. */
const SERVICE_CIDR_BASE = (10 << 24) | (96 << 16);
const SERVICE_CIDR_SIZE = 1 << 20;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

export function ipv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/**
 * The name admission errors give: a generateName request's prefix, since the name is generated
 * after admission upstream (controllers' pods carry their generateName and a name made from it).
 */
export function requestedName(obj: KObject): string {
  const { name = "", generateName } = obj.metadata;
  return generateName && name.startsWith(generateName) && name.length === generateName.length + 5 ? generateName : name;
}

/** admission.NewForbidden: `pods "web-" is forbidden: <reason>`. */
function admissionForbidden(target: Target, obj: KObject, reason: string): ApiError {
  const name = requestedName(obj);
  return new ApiError(403, "Forbidden", `${qualifiedResource(target.type.plural, target.type.group)} "${name}" is forbidden: ${reason}`, {
    name, group: target.type.group, kind: target.type.plural,
  });
}

const storeLister = (ctx: ApiContext): Lister => (resource, namespace) =>
  resource === "pods" ? ctx.store.allPods(namespace) : ctx.store.list(resource, namespace).items;

const isCorePod = (target: Target) => target.type.group === "" && target.type.kind === "Pod";

/** Mutating admission on create, before validation: LimitRanger's defaults, then Priority. */
export function admitMutating(ctx: ApiContext, target: Target, obj: KObject): void {
  if (!isCorePod(target)) return;
  const pod = obj as unknown as Pod;
  for (const lr of ctx.store.list("limitranges", target.namespace).items) applyLimitRangeDefaults(pod, lr as unknown as LimitRange);
  const classes = ctx.store.list(PRIORITY_CLASSES, "").items as unknown as PriorityClass[];
  const refusal = resolvePodPriority(pod, classes);
  if (refusal) throw admissionForbidden(target, obj, refusal);
  // PrepareForCreate computes the QoS class after admission has set resources.
  if (obj.status) (obj.status as { qosClass?: string }).qosClass = qosClass(obj);
}

const PRIORITY_CLASSES = "priorityclasses.scheduling.k8s.io";

/** Validating admission on create, after validation: LimitRanger, Priority (classes), ResourceQuota. */
function admitValidating(ctx: ApiContext, target: Target, obj: KObject): void {
  const core = target.type.group === "";
  if (core && (target.type.kind === "Pod" || target.type.kind === "PersistentVolumeClaim")) {
    for (const lr of ctx.store.list("limitranges", target.namespace).items) {
      const refusal = target.type.kind === "Pod"
        ? podLimitViolations(obj as unknown as Pod, lr as unknown as LimitRange)
        : claimLimitViolations(obj as unknown as PersistentVolumeClaim, lr as unknown as LimitRange);
      if (refusal) throw admissionForbidden(target, obj, refusal);
    }
  }
  if (target.type.group === "scheduling.k8s.io" && target.type.kind === "PriorityClass") {
    const refusal = secondGlobalDefault(obj as unknown as PriorityClass, ctx.store.list(PRIORITY_CLASSES, "").items as unknown as PriorityClass[]);
    if (refusal) throw admissionForbidden(target, obj, refusal);
  }
  if (target.type.namespaced) {
    const quotas = ctx.store.list("resourcequotas", target.namespace).items as unknown as ResourceQuota[];
    const refusal = quotas.length ? quotaRefusal(storageResource(target.type), obj, quotas, storeLister(ctx), ctx.now().getTime()) : "";
    if (refusal) throw admissionForbidden(target, obj, refusal);
  }
}

export function admitCreate(ctx: ApiContext, target: Target, obj: KObject): void {
  admitValidating(ctx, target, obj);
  if (target.type.kind === "Service") allocateService(ctx, obj);
  if (target.type.kind === "Node" && !(obj.status as { nodeInfo?: unknown } | undefined)?.nodeInfo) {
    registerNode(obj, nextNodeIndex(ctx), rfc3339(ctx.now()));
  }
}

/** The lowest node number whose pod CIDR (10.244.<n>.0/24) no existing node uses. */
function nextNodeIndex(ctx: ApiContext): number {
  const used = new Set(ctx.store.list("nodes", undefined).items.map((n) => (n.spec as { podCIDR?: string }).podCIDR));
  let index = 1;
  while (used.has(`10.244.${index}.0/24`)) index++;
  return index;
}

type ServiceSpecFields = {
  type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: { nodePort?: number }[];
  allocateLoadBalancerNodePorts?: boolean; externalTrafficPolicy?: string; healthCheckNodePort?: number;
};

function allocateService(ctx: ApiContext, svc: KObject): void {
  const spec = (svc.spec ??= {}) as ServiceSpecFields;
  const used = usedServiceAddresses(ctx);
  if (spec.type !== "ExternalName") {
    if (!spec.clusterIP) {
      spec.clusterIP = nextFreeIp(used.ips);
    } else if (spec.clusterIP !== "None" && used.ips.has(spec.clusterIP)) {
      throw invalid("Service", "", svc.metadata.name ?? "", [{
        reason: "FieldValueInvalid", field: "spec.clusterIPs",
        message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
      }]);
    }
    spec.clusterIPs = [spec.clusterIP];
  }
  allocateNodePorts(spec, used.nodePorts);
  svc.status = { loadBalancer: {} };
}

/**
 * The allocators on update: a Service whose new type needs what the old one did not get it now —
 * a cluster IP (from ExternalName), node ports (to NodePort or LoadBalancer), a health-check node
 * port (LoadBalancer with externalTrafficPolicy Local). `kubectl patch svc web -p
 * '{"spec":{"type":"NodePort"}}'` relies on it.
 */
export function allocateServiceUpdate(ctx: ApiContext, svc: KObject): void {
  const spec = (svc.spec ??= {}) as ServiceSpecFields;
  const missing = (spec.type !== "ExternalName" && !spec.clusterIP)
    || (wantsNodePorts(spec) && (spec.ports ?? []).some((p) => !p.nodePort))
    || (wantsHealthCheckPort(spec) && !spec.healthCheckNodePort);
  // Most updates need nothing new: skip reading every Service then.
  if (!missing) return;
  const used = usedServiceAddresses(ctx);
  if (spec.type !== "ExternalName" && !spec.clusterIP) {
    spec.clusterIP = nextFreeIp(used.ips);
    spec.clusterIPs = [spec.clusterIP];
  }
  allocateNodePorts(spec, used.nodePorts);
}

/** Node ports for the ports that have none, and the health-check port, from 30000–32767. */
function allocateNodePorts(spec: ServiceSpecFields, used: Set<number>): void {
  const take = () => {
    let port = NODE_PORT_MIN;
    while (used.has(port) && port <= NODE_PORT_MAX) port++;
    used.add(port);
    return port;
  };
  if (wantsNodePorts(spec)) for (const port of spec.ports ?? []) port.nodePort ||= take();
  if (wantsHealthCheckPort(spec)) spec.healthCheckNodePort ||= take();
}

const wantsNodePorts = (spec: ServiceSpecFields) => spec.type === "NodePort" || (spec.type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts !== false);
const wantsHealthCheckPort = (spec: ServiceSpecFields) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";

function usedServiceAddresses(ctx: ApiContext): { ips: Set<string>; nodePorts: Set<number> } {
  const ips = new Set<string>();
  const nodePorts = new Set<number>();
  let after: { namespace: string; name: string } | undefined;
  do {
    const page = ctx.store.list("services", undefined, after, 500);
    for (const svc of page.items) {
      const spec = svc.spec as { clusterIP?: string; ports?: { nodePort?: number }[] };
      if (spec?.clusterIP) ips.add(spec.clusterIP);
      for (const p of spec?.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
    }
    after = page.next;
  } while (after);
  return { ips, nodePorts };
}

/** The lowest free address after .1 (reserved for the `kubernetes` Service) in the service CIDR. */
function nextFreeIp(used: Set<string>): string {
  for (let offset = 10; offset < SERVICE_CIDR_SIZE - 1; offset++) {
    const ip = ipv4(SERVICE_CIDR_BASE + offset);
    if (!used.has(ip)) return ip;
  }
  throw new Error("service CIDR exhausted");
}
