/**
 * The EndpointSlice controller (upstream pkg/controller/endpointslice and k8s.io/endpointslice's
 * reconciler): every Service with a selector gets IPv4 EndpointSlices, labelled
 * `kubernetes.io/service-name` and managed by `endpointslice-controller.k8s.io`, owned by the Service
 * (so the garbage collector removes them with it), listing each selected pod with its ready /
 * serving / terminating conditions. Pods whose named ports resolve differently land in different
 * slices; a slice holds at most 100 endpoints; a Service with no endpoints keeps one empty
 * placeholder slice. `kubectl describe svc` lists these slices.
 *
 * Names are deterministic (idempotent creates): `<service>-` and five generateName-alphabet
 * characters derived from the Service's uid, where upstream would ask generateName.
 */
import type { Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort } from "kubernetes-types/discovery/v1";
import { deepEqual } from "../api/deepEqual";
import type { KObject } from "../api/types";
import {
  asService, compareIPs, findPort, isPodReady, lastChangeTriggerTime, NODES, PODS, podIPv4, podsForService, SERVICES,
  serviceKeysForPodChange, serviceSelector, shouldPodBeInEndpoints, shouldSetHostname, TRIGGER_TIME_ANNOTATION, withHeadlessLabel,
} from "./endpoints";
import { done, keyOf, splitKey, type Controller, type Snapshot, type Write } from "./types";

export const ENDPOINT_SLICES = "endpointslices.discovery.k8s.io";
/** discovery.LabelServiceName */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** discovery.LabelManagedBy */
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";
export const ENDPOINTSLICE_CONTROLLER = "endpointslice-controller.k8s.io";
/** The controller's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

const ZONE_LABEL = "topology.kubernetes.io/zone";
/** generateName's alphabet: no vowels (no words), no 0/1/3 (confusable). */
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** names.SimpleNameGenerator keeps 63 − 5 characters of the base. */
const MAX_GENERATED_BASE = 58;

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/** FNV-1a (32 bit) of a string's UTF-16 code units: small, stable, good enough to spread names. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Five generateName characters derived from `seed`. 27^5 ≈ 14.3M < 2^32, so every digit is used. */
export function nameSuffix(seed: string): string {
  let h = fnv1a(seed);
  let out = "";
  for (let i = 0; i < 5; i++) {
    out += NAME_ALPHABET[h % NAME_ALPHABET.length];
    h = Math.floor(h / NAME_ALPHABET.length);
  }
  return out;
}

/**
 * The deterministic name of a Service's `attempt`-th candidate slice: getEndpointSlicePrefix
 * ("<service>-") cut as generateName cuts it, plus a suffix from the Service uid.
 *   service "web", uid u → "web-" + nameSuffix(u); the next candidate uses nameSuffix(u + "/1")
 */
export function endpointSliceName(svc: Service, attempt = 0): string {
  const uid = svc.metadata?.uid ?? "";
  const prefix = `${svc.metadata!.name}-`.slice(0, MAX_GENERATED_BASE);
  return prefix + nameSuffix(attempt === 0 ? uid : `${uid}/${attempt}`);
}

// ---------------------------------------------------------------------------------------------
// Desired endpoints (podToEndpoint, getEndpointPorts)
// ---------------------------------------------------------------------------------------------

/**
 * podToEndpoint: serving is the pod's readiness, terminating its deletion; ready is serving and not
 * terminating, or always true with publishNotReadyAddresses.
 */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service, ip: string): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: Endpoint = { addresses: [ip], conditions: { ready, serving, terminating } };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  ep.targetRef = { kind: "Pod", namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  return ep;
}

/** getEndpointPorts: every service port this pod resolves; none for a headless Service without ports. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const ports: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const out: EndpointPort = { name: sp.name ?? "", port, protocol: sp.protocol ?? "TCP" };
    if (sp.appProtocol) out.appProtocol = sp.appProtocol;
    ports.push(out);
  }
  return ports;
}

interface PortGroup {
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

const portsKey = (ports: readonly EndpointPort[]) =>
  JSON.stringify(ports.map((p) => [p.name ?? "", p.port ?? null, p.protocol ?? "TCP", p.appProtocol ?? null]));

const endpointIdentity = (ep: Endpoint) => ep.targetRef?.uid ?? ep.addresses[0];

/**
 * The desired endpoints grouped by port mapping (the reconciler's desiredEndpointsByPortMap).
 * Unlike Endpoints, a pod that resolves none of the ports still gets an endpoint, in a slice with
 * no ports. A pod on a Node that does not exist is skipped until the Node appears.
 */
export function desiredPortGroups(svc: Service, pods: Pod[], snapshot: Snapshot): PortGroup[] {
  const groups = new Map<string, PortGroup>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    let node: Node | undefined;
    if (pod.spec?.nodeName) {
      node = snapshot.get(NODES, "", pod.spec.nodeName) as Node | undefined;
      if (!node) continue;
    }
    const ports = endpointPorts(svc, pod);
    const key = portsKey(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { ports, endpoints: [] }));
    group.endpoints.push(podToEndpoint(pod, node, svc, ip));
  }
  return [...groups.keys()].sort().map((key) => groups.get(key)!);
}

// ---------------------------------------------------------------------------------------------
// Placing endpoints in slices
// ---------------------------------------------------------------------------------------------

interface PlannedSlice {
  existing?: KObject;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

const sliceEndpoints = (slice: KObject) => (slice.endpoints as Endpoint[] | undefined) ?? [];
const slicePorts = (slice: KObject) => (slice.ports as EndpointPort[] | undefined) ?? [];

/**
 * Which slice each endpoint goes to (the reconciler's reconcileByPortMapping and finalize, kept
 * simple): an endpoint stays in the slice that already holds it; the rest fill the slices of its
 * port mapping that have room, fullest first, then new slices of up to 100. Slices no longer needed
 * are reused for new ones before any is deleted, so names stay stable when ports change; with no
 * endpoints at all one empty placeholder slice remains.
 *   3 pods, one slice [a, b] → [a, b, c];   150 pods, no slices → slices of 100 and 50
 */
export function planSlices(groups: PortGroup[], existing: KObject[]): { planned: PlannedSlice[]; unused: KObject[] } {
  const byPorts = new Map<string, KObject[]>();
  for (const slice of [...existing].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!))) {
    const key = portsKey(slicePorts(slice));
    byPorts.set(key, [...(byPorts.get(key) ?? []), slice]);
  }
  const planned: PlannedSlice[] = [];
  for (const group of groups) {
    const key = portsKey(group.ports);
    const slots: PlannedSlice[] = (byPorts.get(key) ?? []).map((s) => ({ existing: s, ports: group.ports, endpoints: [] }));
    byPorts.delete(key);
    const holder = new Map<string, PlannedSlice>();
    for (const slot of slots) for (const ep of sliceEndpoints(slot.existing!)) holder.set(endpointIdentity(ep), slot);
    const rest: Endpoint[] = [];
    for (const ep of group.endpoints) {
      const slot = holder.get(endpointIdentity(ep));
      if (slot && slot.endpoints.length < MAX_ENDPOINTS_PER_SLICE) slot.endpoints.push(ep);
      else rest.push(ep);
    }
    for (const ep of rest) {
      let slot = slots
        .filter((s) => s.endpoints.length < MAX_ENDPOINTS_PER_SLICE)
        .sort((a, b) => b.endpoints.length - a.endpoints.length)[0];
      if (!slot) slots.push((slot = { ports: group.ports, endpoints: [] }));
      slot.endpoints.push(ep);
    }
    for (const slot of slots) {
      if (slot.endpoints.length) planned.push(slot);
      else byPorts.set(key, [...(byPorts.get(key) ?? []), slot.existing!]);
    }
  }
  let unused = [...byPorts.values()].flat();
  if (planned.length === 0) {
    // The placeholder: reuse an existing empty slice without ports if there is one.
    const placeholder = unused.find((s) => sliceEndpoints(s).length === 0 && slicePorts(s).length === 0) ?? unused[0];
    planned.push({ existing: placeholder, ports: [], endpoints: [] });
    unused = unused.filter((s) => s !== placeholder);
  }
  for (const slot of planned) {
    if (!slot.existing && unused.length) slot.existing = unused.shift();
    slot.endpoints.sort((a, b) => compareIPs(a.addresses[0], b.addresses[0]));
  }
  return { planned, unused };
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

/** setEndpointSliceLabels: the Service's labels without the reserved keys, plus the reserved ones. */
export function endpointSliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL) labels[k] = v;
  }
  return { ...withHeadlessLabel(labels, svc), [SERVICE_NAME_LABEL]: svc.metadata!.name!, [MANAGED_BY_LABEL]: ENDPOINTSLICE_CONTROLLER };
}

/** The slices this controller manages for a Service name, whoever owns them. */
function managedSlices(snapshot: Snapshot, namespace: string, serviceName: string): KObject[] {
  return snapshot
    .list(ENDPOINT_SLICES, namespace)
    .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === serviceName && s.metadata.labels?.[MANAGED_BY_LABEL] === ENDPOINTSLICE_CONTROLLER);
}

/** ownedBy: an ownerReference to this very Service (uid), as a v1 Service. */
function ownedBy(slice: KObject, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata?.uid && o.kind === "Service" && o.apiVersion === "v1");
}

const deleteSlice = (slice: KObject): Write => ({
  op: "delete", resource: ENDPOINT_SLICES, namespace: slice.metadata.namespace!, name: slice.metadata.name!, uid: slice.metadata.uid,
});

function sliceObject(svc: Service, slot: PlannedSlice, name: string, labels: Record<string, string>, triggerTime: string | undefined): KObject {
  const base = slot.existing;
  const annotations = { ...(base?.metadata.annotations ?? {}) };
  if (triggerTime) annotations[TRIGGER_TIME_ANNOTATION] = triggerTime;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  const metadata: KObject["metadata"] = base
    ? { ...base.metadata, labels }
    : {
        name,
        generateName: `${svc.metadata!.name}-`.slice(0, MAX_GENERATED_BASE),
        namespace: svc.metadata!.namespace,
        labels,
        ownerReferences: [{ apiVersion: "v1", kind: "Service", name: svc.metadata!.name!, uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
      };
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  return { ...(base ?? {}), apiVersion: "discovery.k8s.io/v1", kind: "EndpointSlice", metadata, addressType: "IPv4", endpoints: slot.endpoints, ports: slot.ports };
}

/** The EndpointSlice controller's syncService for one Service key: the writes that make its slices right. */
function syncService(key: string, snapshot: Snapshot): Write[] {
  const { namespace, name } = splitKey(key);
  const managed = managedSlices(snapshot, namespace, name);
  const svcObj = snapshot.get(SERVICES, namespace, name);
  // The garbage collector removes a deleted Service's slices through their ownerReference; deleting
  // them here as well keeps a cluster without a running collector tidy (NotFound is success).
  if (!svcObj) return managed.map(deleteSlice);
  const svc = asService(svcObj);
  if (svc.spec?.type === "ExternalName" || !serviceSelector(svc)) return [];

  const pods = podsForService(snapshot, svc);
  const writes: Write[] = [];
  // Slices of another Service incarnation (same name, old uid) or of another address family go.
  const [current, stale] = partition(managed, (s) => ownedBy(s, svc) && s.addressType === "IPv4");
  writes.push(...stale.map(deleteSlice));

  const { planned, unused } = planSlices(desiredPortGroups(svc, pods, snapshot), current);
  const labels = endpointSliceLabels(svc);
  const triggerTime = lastChangeTriggerTime(svc, pods);
  const taken = new Set(snapshot.list(ENDPOINT_SLICES, namespace).map((s) => s.metadata.name!));
  let attempt = 0;
  for (const slot of planned) {
    if (slot.existing) {
      const s = slot.existing;
      const same = deepEqual(sliceEndpoints(s), slot.endpoints) && deepEqual(slicePorts(s), slot.ports) && deepEqual(s.metadata.labels ?? {}, labels);
      if (!same) writes.push({ op: "update", resource: ENDPOINT_SLICES, object: sliceObject(svc, slot, s.metadata.name!, labels, triggerTime) });
      continue;
    }
    let sliceName = endpointSliceName(svc, attempt++);
    while (taken.has(sliceName)) sliceName = endpointSliceName(svc, attempt++);
    taken.add(sliceName);
    writes.push({ op: "create", resource: ENDPOINT_SLICES, object: sliceObject(svc, slot, sliceName, labels, triggerTime) });
  }
  writes.push(...unused.map(deleteSlice));
  return writes;
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const item of items) (test(item) ? yes : no).push(item);
  return [yes, no];
}

/** The Service a managed slice belongs to, as a key. */
function sliceServiceKey(slice: KObject | undefined): string[] {
  const labels = slice?.metadata.labels;
  if (!labels || labels[MANAGED_BY_LABEL] !== ENDPOINTSLICE_CONTROLLER || !labels[SERVICE_NAME_LABEL]) return [];
  return [`${slice!.metadata.namespace}/${labels[SERVICE_NAME_LABEL]}`];
}

export function createEndpointSliceController(): Controller {
  return {
    name: "endpointslices",
    keysFor(change, snapshot) {
      switch (change.resource) {
        case SERVICES:
          return [keyOf(change.object)];
        case PODS:
          return serviceKeysForPodChange(change, snapshot);
        case ENDPOINT_SLICES:
          // A managed slice edited or deleted by someone else is put right again.
          return [...new Set([...sliceServiceKey(change.object), ...sliceServiceKey(change.previous)])];
        case NODES: {
          // Pods on a Node that does not exist are left out; its arrival or departure changes that.
          if (change.type === "MODIFIED") return [];
          const keys = snapshot.podsOnNode(change.object.metadata.name!).flatMap((pod) => serviceKeysForPodChange({ type: "MODIFIED", resource: PODS, object: pod }, snapshot));
          return [...new Set(keys)];
        }
        default:
          return [];
      }
    },
    reconcile(key, snapshot) {
      return done(syncService(key, snapshot));
    },
  };
}
