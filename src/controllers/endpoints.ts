/**
 * The endpoints controller (upstream pkg/controller/endpoint): every Service with a selector gets an
 * Endpoints object of the same name listing the selected pods — ready ones in `addresses`, the rest
 * in `notReadyAddresses` — with each service port resolved against each pod (a named targetPort is
 * looked up in that pod's containers). Services without a selector and ExternalName services are
 * left to their users; deleting a Service deletes its Endpoints.
 *
 * The pod and service helpers below (ShouldPodBeInEndpoints, FindPort, ShouldSetHostname, the
 * last-change trigger time) are shared with the EndpointSlice controller, as upstream's
 * k8s.io/endpointslice/util is.
 */
import type { EndpointAddress, EndpointPort, EndpointSubset, Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import { deepEqual } from "../api/deepEqual";
import { labelSelectorFromSpec, matchesLabels } from "../api/selectors";
import type { KObject } from "../api/types";
import { done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot, type Write } from "./types";

export const SERVICES = "services";
export const PODS = "pods";
export const ENDPOINTS = "endpoints";
export const NODES = "nodes";

/** v1.IsHeadlessService: marks the Endpoints and EndpointSlices of a Service without a cluster IP. */
export const HEADLESS_LABEL = "service.kubernetes.io/headless";
/** v1.EndpointsLastChangeTriggerTime */
export const TRIGGER_TIME_ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";
/** v1.EndpointsOverCapacity, set to "truncated" when more than maxCapacity addresses were cut. */
export const OVER_CAPACITY_ANNOTATION = "endpoints.kubernetes.io/over-capacity";
/** The endpoints controller's maxCapacity: an Endpoints object lists at most 1000 addresses. */
export const MAX_ENDPOINTS_CAPACITY = 1000;

/** The typed views of stored JSON (a KObject is the same JSON as the upstream type). */
export const asPod = (obj: KObject) => obj as unknown as Pod;
export const asService = (obj: KObject) => obj as unknown as Service;

// ---------------------------------------------------------------------------------------------
// Pods and services (k8s.io/endpointslice/util, pkg/api/v1/pod)
// ---------------------------------------------------------------------------------------------

/**
 * The Service's selector, or undefined when it has none. An empty selector counts as none: it
 * round-trips through etcd's protobuf as nil, which is what upstream's controllers then see.
 */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const selector = svc.spec?.selector;
  return selector && Object.keys(selector).length > 0 ? selector : undefined;
}

/** labels.Set(selector).AsSelectorPreValidated().Matches(pod labels). */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  try {
    return matchesLabels(labelSelectorFromSpec({ matchLabels: selector }), labels);
  } catch {
    return false; // the apiserver validated the selector; a bad one selects nothing
  }
}

/** Does this Service (one the controllers manage: a selector, not ExternalName) select this pod? */
export function serviceSelectsPod(svc: Service, pod: { metadata?: { namespace?: string; labels?: Record<string, string> } }): boolean {
  const selector = serviceSelector(svc);
  if (!selector || svc.spec?.type === "ExternalName") return false;
  return svc.metadata?.namespace === pod.metadata?.namespace && selectorMatches(selector, pod.metadata?.labels);
}

/** The pods a Service selects, in name order. */
export function podsForService(snapshot: Snapshot, svc: Service): Pod[] {
  const selector = serviceSelector(svc);
  if (!selector) return [];
  return snapshot
    .list(PODS, svc.metadata!.namespace)
    .filter((p) => selectorMatches(selector, p.metadata.labels))
    .map(asPod);
}

/**
 * GetServicesToUpdateOnPodChange: the keys of the Services in the pod's namespace that select the
 * pod now or selected it before the change (a relabelled pod leaves one Service and joins another).
 */
export function serviceKeysForPodChange(change: ObjectChange, snapshot: Snapshot): string[] {
  const namespace = change.object.metadata.namespace;
  const keys: string[] = [];
  for (const svc of snapshot.list(SERVICES, namespace)) {
    const s = asService(svc);
    if (serviceSelectsPod(s, change.object) || (change.previous && serviceSelectsPod(s, change.previous))) keys.push(keyOf(svc));
  }
  return keys;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const isIPv4 = (ip: string) => IPV4.test(ip);

/** The pod's IPv4 address (status.podIPs, falling back to status.podIP), if it has one yet. */
export function podIPv4(pod: Pod): string | undefined {
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip ?? "") : [pod.status?.podIP ?? ""];
  return ips.find(isIPv4);
}

/**
 * ShouldPodBeInEndpoints: not terminal (Succeeded/Failed), has an IP, and — unless terminating
 * endpoints are wanted — is not being deleted.
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod asked for a hostname under this Service's name as its subdomain. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's container
 * ports with the same protocol (then among sidecar init containers). Undefined when the pod has no
 * such port, so the pod is left out of that port's endpoints.
 *   targetPort 8080 → 8080;  targetPort "http", container port {name: http, containerPort: 80} → 80
 */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === "number") return target;
  const protocol = servicePort.protocol ?? "TCP";
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? "TCP") === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** helper.IsServiceIPSet: a cluster IP that is neither empty nor "None". */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== "None";
}

/** Go's time.RFC3339Nano in UTC: fractional seconds only when present, trailing zeros trimmed. */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : "Z"));
}

/**
 * The endpoints.kubernetes.io/last-change-trigger-time annotation: when the change that this
 * update reflects happened. Upstream's TriggerTimeTracker remembers what it saw between syncs; a
 * pure reconcile takes the latest of the times it would track — the Service's creation and each
 * selected pod's Ready transition.
 */
export function lastChangeTriggerTime(svc: Service, pods: Pod[]): string | undefined {
  let latest = Number.NEGATIVE_INFINITY;
  const consider = (time: string | undefined) => {
    const ms = time ? Date.parse(time) : NaN;
    if (!Number.isNaN(ms) && ms > latest) latest = ms;
  };
  consider(svc.metadata?.creationTimestamp);
  for (const pod of pods) consider(pod.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime);
  return Number.isFinite(latest) ? rfc3339Nano(latest) : undefined;
}

/** Orders dotted IPv4 addresses numerically ("10.244.1.9" before "10.244.1.10"), others as strings. */
export function compareIPs(a: string, b: string): number {
  if (isIPv4(a) && isIPv4(b)) {
    const [x, y] = [a, b].map((ip) => ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0));
    return x - y;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Labels with the reserved keys dropped and the headless marker set as the Service needs it. */
export function withHeadlessLabel(labels: Record<string, string>, svc: Service): Record<string, string> {
  const out = { ...labels };
  if (isServiceIPSet(svc)) delete out[HEADLESS_LABEL];
  else out[HEADLESS_LABEL] = "";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Endpoints subsets
// ---------------------------------------------------------------------------------------------

interface AddressEntry {
  address: EndpointAddress;
  ready: boolean;
  ports: EndpointPort[];
}

const comparePorts = (a: EndpointPort, b: EndpointPort) =>
  (a.name ?? "").localeCompare(b.name ?? "") || a.port - b.port || (a.protocol ?? "").localeCompare(b.protocol ?? "");

const compareAddresses = (a: EndpointAddress, b: EndpointAddress) =>
  compareIPs(a.ip, b.ip) || (a.targetRef?.uid ?? "").localeCompare(b.targetRef?.uid ?? "");

/** podToEndpointAddressForService, with the hostname when the pod sits under this Service. */
function endpointAddress(pod: Pod, svc: Service, ip: string): EndpointAddress {
  const address: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) address.hostname = pod.spec!.hostname;
  if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
  address.targetRef = { kind: "Pod", namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid };
  return address;
}

/** endpointPortFromServicePort: the service port's name and protocol with the pod's port number. */
function endpointPort(servicePort: ServicePort, port: number): EndpointPort {
  const out: EndpointPort = servicePort.name ? { name: servicePort.name, port } : { port };
  out.protocol = servicePort.protocol ?? "TCP";
  if (servicePort.appProtocol) out.appProtocol = servicePort.appProtocol;
  return out;
}

/**
 * endpoints.RepackSubsets: addresses that resolved to the same set of ports share a subset.
 *   pods a, b expose "http" as 80, pod c as 8080 → two subsets: {a, b}:80 and {c}:8080
 * Sorted (as SortSubsets) so the stored object does not change when nothing did.
 */
function repackSubsets(entries: AddressEntry[]): EndpointSubset[] {
  const groups = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const entry of entries) {
    const ports = [...entry.ports].sort(comparePorts);
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, ready: [], notReady: [] }));
    (entry.ready ? group.ready : group.notReady).push(entry.address);
  }
  return [...groups.keys()].sort().map((key) => {
    const group = groups.get(key)!;
    const subset: EndpointSubset = {};
    if (group.ready.length) subset.addresses = group.ready.sort(compareAddresses);
    if (group.notReady.length) subset.notReadyAddresses = group.notReady.sort(compareAddresses);
    if (group.ports.length) subset.ports = group.ports;
    return subset;
  });
}

/**
 * The subsets the endpoints controller's syncService computes for a Service and the pods it
 * selects. Not-ready pods go to notReadyAddresses unless publishNotReadyAddresses; terminating pods
 * are left out unless publishNotReadyAddresses; a pod that resolves none of the ports is left out,
 * except that a headless Service without ports lists its pods with no ports.
 */
export function endpointSubsetsFor(svc: Service, pods: Pod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const servicePorts = svc.spec?.ports ?? [];
  const entries: AddressEntry[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const address = endpointAddress(pod, svc, ip);
    const ready = tolerateUnready || isPodReady(pod);
    if (servicePorts.length === 0) {
      if (svc.spec?.clusterIP === "None") entries.push({ address, ready, ports: [] });
      continue;
    }
    const ports = servicePorts.flatMap((sp) => {
      const port = findPort(pod, sp);
      return port === undefined ? [] : [endpointPort(sp, port)];
    });
    if (ports.length) entries.push({ address, ready, ports });
  }
  return repackSubsets(entries);
}

/**
 * truncateEndpoints: past 1000 addresses, keep ready ones first and share the room among subsets in
 * proportion to their size (rounded up, the last subset taking what is left).
 *   1200 ready in subsets of 900 and 300 → 750 and 250;  800 ready + 400 not ready → 800 + 200 not ready
 */
export function truncateSubsets(subsets: EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): { subsets: EndpointSubset[]; truncated: boolean } {
  const totalReady = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const totalNotReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (totalReady + totalNotReady <= max) return { subsets, truncated: false };
  const truncateReady = totalReady > max;
  const room = truncateReady ? max : max - totalReady;
  const total = truncateReady ? totalReady : totalNotReady;
  let left = room;
  const out = subsets.map((subset) => {
    const list = (truncateReady ? subset.addresses : subset.notReadyAddresses) ?? [];
    const take = Math.min(Math.ceil((list.length / total) * room), left);
    const kept = list.slice(0, take);
    left -= kept.length;
    const next: EndpointSubset = { ...subset };
    if (truncateReady) {
      next.addresses = kept;
      delete next.notReadyAddresses;
    } else {
      next.notReadyAddresses = kept;
    }
    if (!next.addresses?.length) delete next.addresses;
    if (!next.notReadyAddresses?.length) delete next.notReadyAddresses;
    return next;
  });
  return { subsets: out.filter((s) => s.addresses || s.notReadyAddresses), truncated: true };
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

/**
 * The Endpoints object: the Service's labels (replacing whatever was there) plus the headless
 * marker, other annotations kept. The v1.31 controller we serve as adds no managed-by label; v1.33
 * adds `endpoints.kubernetes.io/managed-by: endpoint-controller` (the Endpoints deprecation, KEP-4974).
 */
function desiredEndpoints(svc: Service, subsets: EndpointSubset[], truncated: boolean, current: KObject | undefined, triggerTime: string | undefined): KObject {
  const labels = withHeadlessLabel(svc.metadata?.labels ?? {}, svc);
  const annotations = { ...(current?.metadata.annotations ?? {}) };
  if (triggerTime) annotations[TRIGGER_TIME_ANNOTATION] = triggerTime;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = "truncated";
  else delete annotations[OVER_CAPACITY_ANNOTATION];
  const metadata = { ...(current?.metadata ?? { name: svc.metadata!.name, namespace: svc.metadata!.namespace }) };
  if (Object.keys(labels).length) metadata.labels = labels;
  else delete metadata.labels;
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  const ep: KObject = { ...(current ?? {}), apiVersion: "v1", kind: "Endpoints", metadata };
  if (subsets.length) ep.subsets = subsets;
  else delete ep.subsets;
  return ep;
}

/** The endpoints controller's syncService for one Service key. */
function syncService(key: string, snapshot: Snapshot): Write[] {
  const { namespace, name } = splitKey(key);
  const current = snapshot.get(ENDPOINTS, namespace, name);
  const svcObj = snapshot.get(SERVICES, namespace, name);
  if (!svcObj) {
    // Upstream Endpoints carry no ownerReference: the controller deletes them with the Service.
    return current ? [{ op: "delete", resource: ENDPOINTS, namespace, name, uid: current.metadata.uid }] : [];
  }
  const svc = asService(svcObj);
  // ExternalName services get no endpoints (issues.k8s.io/105986); selector-less ones get theirs
  // from whoever manages them.
  if (svc.spec?.type === "ExternalName" || !serviceSelector(svc)) return [];

  const pods = podsForService(snapshot, svc);
  const { subsets, truncated } = truncateSubsets(endpointSubsetsFor(svc, pods));
  const labels = withHeadlessLabel(svc.metadata?.labels ?? {}, svc);
  const annotated = current?.metadata.annotations?.[OVER_CAPACITY_ANNOTATION] !== undefined;
  if (current && deepEqual(current.subsets ?? [], subsets) && deepEqual(current.metadata.labels ?? {}, labels) && annotated === truncated) return [];

  const object = desiredEndpoints(svc, subsets, truncated, current, lastChangeTriggerTime(svc, pods));
  return [{ op: current ? "update" : "create", resource: ENDPOINTS, object }];
}

export function createEndpointsController(): Controller {
  return {
    name: "endpoints",
    keysFor(change, snapshot) {
      switch (change.resource) {
        case SERVICES:
          return [keyOf(change.object)];
        case PODS:
          return serviceKeysForPodChange(change, snapshot);
        case ENDPOINTS:
          // onEndpointsDelete: a deleted Endpoints of a selector Service is recreated.
          return change.type === "DELETED" ? [keyOf(change.object)] : [];
        default:
          return [];
      }
    },
    reconcile(key, snapshot) {
      return done(syncService(key, snapshot));
    },
  };
}
