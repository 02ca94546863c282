/**
 * Service, Endpoints and EndpointSlice defaulting: core/v1's SetDefaults_Service and
 * SetDefaults_Endpoints, discovery/v1's SetDefaults_EndpointPort, and the parts of the Service
 * strategy and IP allocator that are not allocation: clusterIP/clusterIPs kept in step and the IP
 * family fields of this single-stack IPv4 cluster. Allocating cluster IPs and node ports is the
 * caller's job.
 */
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Endpoints, Service, ServiceSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../types";

/** DefaultClientIPServiceAffinitySeconds: 3 hours. */
const CLIENT_IP_AFFINITY_SECONDS = 10800;

const externallyAccessible = (s: ServiceSpec) =>
  s.type === "LoadBalancer" || s.type === "NodePort" || (s.type === "ClusterIP" && (s.externalIPs?.length ?? 0) > 0);

/**
 * The allocator's family defaults: SingleStack IPv4, except that a headless Service without a
 * selector is RequireDualStack with both families on any cluster (upstream since 1.21).
 */
function defaultIPFamilies(s: ServiceSpec): void {
  if (s.type === "ExternalName") return;
  const headlessNoSelector = s.clusterIP === "None" && Object.keys(s.selector ?? {}).length === 0;
  if (!s.ipFamilyPolicy) {
    s.ipFamilyPolicy = headlessNoSelector || (s.ipFamilies?.length ?? 0) === 2 || (s.clusterIPs?.length ?? 0) === 2 ? "RequireDualStack" : "SingleStack";
  }
  if (!s.ipFamilies?.length) {
    const dual = s.ipFamilyPolicy === "RequireDualStack" || (headlessNoSelector && s.ipFamilyPolicy === "PreferDualStack");
    s.ipFamilies = dual ? ["IPv4", "IPv6"] : ["IPv4"];
  }
}

export function defaultService(svc: Service): void {
  const s = (svc.spec ??= {});
  s.sessionAffinity ||= "None";
  if (s.sessionAffinity === "None") delete s.sessionAffinityConfig;
  if (s.sessionAffinity === "ClientIP" && s.sessionAffinityConfig?.clientIP?.timeoutSeconds == null) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: CLIENT_IP_AFFINITY_SECONDS } };
  }
  s.type ||= "ClusterIP";
  for (const port of s.ports ?? []) {
    port.protocol ||= "TCP";
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === "") port.targetPort = port.port;
  }
  if (externallyAccessible(s) && !s.externalTrafficPolicy) s.externalTrafficPolicy = "Cluster";
  if (!s.internalTrafficPolicy && (s.type === "NodePort" || s.type === "LoadBalancer" || s.type === "ClusterIP")) s.internalTrafficPolicy = "Cluster";
  if (s.type === "LoadBalancer") s.allocateLoadBalancerNodePorts ??= true;
  // The strategy keeps clusterIP and clusterIPs in step for clients that set only one of them.
  if (s.type !== "ExternalName") {
    if (s.clusterIP && !s.clusterIPs?.length) s.clusterIPs = [s.clusterIP];
    else if (!s.clusterIP && s.clusterIPs?.length) s.clusterIP = s.clusterIPs[0];
  }
  defaultIPFamilies(s);
  const status = ((svc as { status?: { loadBalancer?: object } }).status ??= {});
  status.loadBalancer ??= {};
}

const needsNodePorts = (s: ServiceSpec) => s.type === "NodePort" || (s.type === "LoadBalancer" && s.allocateLoadBalancerNodePorts !== false);

/**
 * The registry's patchAllocatedValues: an update that leaves out the allocated cluster IPs, node
 * ports or health-check port keeps the old ones (as `kubectl replace` of a Service relies on). The
 * caller runs this on update before defaulting and validation. First, as the strategy's
 * dropTypeDependentFields, a type change drops what only the old type used.
 */
export function preserveAllocatedServiceValues(next: KObject, old: KObject): void {
  const s = ((next as Service).spec ??= {});
  const o = (old as Service).spec ?? {};
  dropTypeDependentFields(s, o);
  if (s.type !== "ExternalName" && o.type !== "ExternalName") {
    if (!s.clusterIP && o.clusterIP) s.clusterIP = o.clusterIP;
    if (!s.clusterIPs?.length && o.clusterIPs?.length) s.clusterIPs = [...o.clusterIPs];
  }
  if (needsNodePorts(s) && needsNodePorts(o)) {
    const used = new Set((s.ports ?? []).map((p) => p.nodePort).filter(Boolean));
    const byName = new Map((o.ports ?? []).map((p) => [p.name ?? "", p.nodePort]));
    for (const port of s.ports ?? []) {
      const previous = byName.get(port.name ?? "");
      if (!port.nodePort && previous && !used.has(previous)) port.nodePort = previous;
    }
  }
  const needsHealthCheck = (spec: ServiceSpec) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
  if (needsHealthCheck(s) && needsHealthCheck(o) && !s.healthCheckNodePort) s.healthCheckNodePort = o.healthCheckNodePort;
}

/** SetDefaults_Endpoints: ports are TCP unless said otherwise. */
export function defaultEndpoints(ep: Endpoints): void {
  for (const subset of ep.subsets ?? []) for (const port of subset.ports ?? []) port.protocol ||= "TCP";
}

/** SetDefaults_EndpointPort (discovery/v1): name "" and protocol TCP. */
export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= "";
    port.protocol ??= "TCP";
  }
}

const isNodePortType = (s: ServiceSpec) => s.type === "NodePort" || s.type === "LoadBalancer";
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * A field the old type needed and the new one does not is wiped, but only when the update left it as
 * it was (a value the user changed on purpose still meets validation):
 *
 *   LoadBalancer → NodePort: allocateLoadBalancerNodePorts and loadBalancerClass go, node ports stay
 *   NodePort → ClusterIP: the node ports and externalTrafficPolicy go
 *   ClusterIP → ExternalName: clusterIP(s), ipFamilies and ipFamilyPolicy go
 */
function dropTypeDependentFields(s: ServiceSpec, o: ServiceSpec): void {
  if (o.type !== "ExternalName" && s.type === "ExternalName") {
    if (sameJson(s.clusterIP, o.clusterIP) && sameJson(s.clusterIPs, o.clusterIPs)) {
      delete s.clusterIP;
      delete s.clusterIPs;
    }
    if (sameJson(s.ipFamilies, o.ipFamilies)) delete s.ipFamilies;
    if (sameJson(s.ipFamilyPolicy, o.ipFamilyPolicy)) delete s.ipFamilyPolicy;
  }
  if (isNodePortType(o) && !isNodePortType(s) && sameJson(s.ports?.map((p) => p.nodePort), o.ports?.map((p) => p.nodePort))) {
    for (const port of s.ports ?? []) delete port.nodePort;
  }
  const needsHealthCheck = (spec: ServiceSpec) => spec.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
  if (needsHealthCheck(o) && !needsHealthCheck(s) && s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  if (o.type === "LoadBalancer" && s.type !== "LoadBalancer") {
    if (s.allocateLoadBalancerNodePorts != null && s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass != null && s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  }
  if (externallyAccessible(o) && !externallyAccessible(s) && s.externalTrafficPolicy === o.externalTrafficPolicy) delete s.externalTrafficPolicy;
}
