/** Printers for core, networking, storage and coordination objects, after upstream's printers.go (v1.33). */
import type { Lease } from "kubernetes-types/coordination/v1";
import type {
  ConfigMap, Endpoints, Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Secret, Service, ServiceAccount,
} from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { formatLabels } from "../selectors";
import type { KObject } from "../types";
import { AGE, NAME, column, columns, wide } from "./columns";
import { since } from "./duration";
import type { Printer } from "./types";

const name = (o: KObject) => o.metadata?.name ?? "";
const age = (o: KObject, now: number) => since(o.metadata?.creationTimestamp, now);
const count = (map: object | undefined | null) => Object.keys(map ?? {}).length;

/** net.JoinHostPort: IPv6 addresses are bracketed. */
const hostPort = (host: string, port: number) => (host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`);

/** Up to `max` entries, then "+ N more..." counting the rest. */
function firstOf(list: string[], total: number, max = 3): string {
  const text = list.slice(0, max).join(",");
  return total > max ? `${text} + ${total - max} more...` : text;
}

/** loadBalancerStatusStringer, unclipped (the server always prints wide): sorted unique IPs or hostnames. */
function loadBalancerAddresses(svc: Service): string[] {
  const addrs = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter(Boolean);
  return [...new Set(addrs)].sort();
}

/** EXTERNAL-IP: external IPs, the load balancer's addresses, "<pending>" until it has one. */
function serviceExternalIP(svc: Service): string {
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = loadBalancerAddresses(svc);
      if (externalIPs.length) return [...lb, ...externalIPs].join(",");
      return lb.length ? lb.join(",") : "<pending>";
    }
    case "ExternalName":
      return svc.spec?.externalName ?? "";
    default:
      return "<unknown>";
  }
}

/** PORT(S): "80/TCP,443:30443/TCP" (node ports after the colon), "<none>" without ports. */
function servicePorts(svc: Service): string {
  const ports = (svc.spec?.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ""}/${p.protocol ?? "TCP"}`);
  return ports.length ? ports.join(",") : "<none>";
}

export const servicePrinter: Printer = {
  columns: columns(
    NAME,
    column("Type", "string", "ServiceSpec.type"),
    column("Cluster-IP", "string", "ServiceSpec.clusterIP"),
    column("External-IP", "string", "ServiceSpec.externalIPs"),
    column("Port(s)", "string", "ServiceSpec.ports"),
    AGE,
    column("Selector", "string", "ServiceSpec.selector", wide),
  ),
  cells(obj, { now }) {
    const svc = obj as unknown as Service;
    const clusterIP = svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP;
    return [
      name(obj), svc.spec?.type ?? "ClusterIP", clusterIP || "<none>", serviceExternalIP(svc), servicePorts(svc), age(obj, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** formatEndpoints: "10.0.0.1:80,10.0.0.2:80 + 3 more...", "<none>" without subsets. */
export function formatEndpoints(ep: Endpoints): string {
  if (!ep.subsets?.length) return "<none>";
  const list: string[] = [];
  let total = 0;
  for (const subset of ep.subsets) {
    const addresses = subset.addresses ?? [];
    // A headless service may have addresses without ports.
    if (!subset.ports?.length) {
      total += addresses.length;
      list.push(...addresses.map((a) => a.ip));
      continue;
    }
    for (const port of subset.ports) {
      total += addresses.length;
      list.push(...addresses.map((a) => hostPort(a.ip, port.port)));
    }
  }
  return firstOf(list, total);
}

export const endpointsPrinter: Printer = {
  columns: columns(NAME, column("Endpoints", "string", "Endpoints.subsets"), AGE),
  cells: (obj, { now }) => [name(obj), formatEndpoints(obj as unknown as Endpoints), age(obj, now)],
};

/** listWithMoreString: like firstOf, but "<unset>" when empty. */
const orUnset = (list: string[]) => firstOf(list, list.length) || "<unset>";

export const endpointSlicePrinter: Printer = {
  columns: columns(
    NAME,
    column("AddressType", "string", "EndpointSlice.addressType"),
    column("Ports", "string", "EndpointSlice.ports"),
    column("Endpoints", "string", "EndpointSlice.endpoints"),
    AGE,
  ),
  cells(obj, { now }) {
    const slice = obj as unknown as EndpointSlice;
    const ports = (slice.ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : "*"));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [name(obj), slice.addressType ?? "", orUnset(ports), orUnset(addresses), age(obj, now)];
  },
};

/** STATUS: Ready/NotReady from the Ready condition ("Unknown" without one), then ",SchedulingDisabled" if cordoned. */
export function nodeStatus(node: Node): string {
  // As upstream, the last Ready condition listed wins.
  const ready = (node.status?.conditions ?? []).filter((c) => c.type === "Ready").pop();
  const status = [ready ? (ready.status === "True" ? "Ready" : "NotReady") : "Unknown"];
  if (node.spec?.unschedulable) status.push("SchedulingDisabled");
  return status.join(",");
}

/** ROLES: from node-role.kubernetes.io/<role> labels and the legacy kubernetes.io/role=<role>. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith("node-role.kubernetes.io/")) {
      const role = key.slice("node-role.kubernetes.io/".length);
      if (role) roles.add(role);
    } else if (key === "kubernetes.io/role" && value) roles.add(value);
  }
  return roles.size ? [...roles].sort().join(",") : "<none>";
}

const nodeAddress = (node: Node, type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
const orUnknown = (s: string | undefined) => s || "<unknown>";

export const nodePrinter: Printer = {
  columns: columns(
    NAME,
    column("Status", "string", "The status of the node"),
    column("Roles", "string", "The roles of the node"),
    AGE,
    column("Version", "string", "NodeSystemInfo.kubeletVersion"),
    column("Internal-IP", "string", "NodeStatus.addresses", wide),
    column("External-IP", "string", "NodeStatus.addresses", wide),
    column("OS-Image", "string", "NodeSystemInfo.osImage", wide),
    column("Kernel-Version", "string", "NodeSystemInfo.kernelVersion", wide),
    column("Container-Runtime", "string", "NodeSystemInfo.containerRuntimeVersion", wide),
  ),
  cells(obj, { now }) {
    const node = obj as unknown as Node;
    const info = node.status?.nodeInfo;
    return [
      name(obj),
      nodeStatus(node),
      nodeRoles(node),
      age(obj, now),
      info?.kubeletVersion ?? "",
      nodeAddress(node, "InternalIP"),
      nodeAddress(node, "ExternalIP"),
      orUnknown(info?.osImage),
      orUnknown(info?.kernelVersion),
      orUnknown(info?.containerRuntimeVersion),
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: columns(NAME, column("Status", "string", "The status of the namespace"), AGE),
  cells: (obj, { now }) => [name(obj), (obj as unknown as Namespace).status?.phase ?? "", age(obj, now)],
};

/** An Event in core/v1 shape, whichever API (core or events.k8s.io/v1) it was read through. */
function coreEvent(obj: KObject): Event & { reportingController?: string } {
  const e = obj as any;
  if (e.involvedObject) return e;
  return {
    ...e,
    involvedObject: e.regarding ?? {},
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    reportingComponent: e.reportingController,
  };
}

/** formatEventSource: "kubelet, node-1", falling back to the reporting controller and instance. */
function eventSource(e: Event): string {
  const component = e.source?.component || e.reportingComponent || "";
  const instance = e.source?.host || e.reportingInstance || "";
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter: Printer = {
  columns: columns(
    column("Last Seen", "string", "Event.lastTimestamp"),
    column("Type", "string", "Event.type"),
    column("Reason", "string", "Event.reason"),
    column("Object", "string", "Event.involvedObject"),
    column("Subobject", "string", "ObjectReference.fieldPath", wide),
    column("Source", "string", "Event.source", wide),
    column("Message", "string", "Event.message"),
    column("First Seen", "string", "Event.firstTimestamp", wide),
    column("Count", "string", "Event.count", wide),
    column("Name", "string", "ObjectMeta.name", { format: "name", priority: 1 }),
  ),
  cells(obj, { now }) {
    const e = coreEvent(obj);
    // Events from the events.k8s.io API carry eventTime and series instead of the legacy fields.
    const firstSeen = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
    let lastSeen = e.lastTimestamp ? since(e.lastTimestamp, now) : firstSeen;
    let times = e.count ?? 0;
    if (e.series) {
      lastSeen = since(e.series.lastObservedTime, now);
      times = e.series.count ?? 0;
    } else if (times === 0) {
      times = 1;
    }
    const ref = e.involvedObject ?? {};
    const kind = (ref.kind ?? "").toLowerCase();
    const target = ref.name ? `${kind}/${ref.name}` : kind;
    return [
      lastSeen, e.type ?? "", e.reason ?? "", target, ref.fieldPath ?? "", eventSource(e), (e.message ?? "").trim(), firstSeen, times, name(obj),
    ];
  },
};

export const configMapPrinter: Printer = {
  columns: columns(NAME, column("Data", "string", "ConfigMap.data"), AGE),
  cells(obj, { now }) {
    const cm = obj as unknown as ConfigMap;
    return [name(obj), count(cm.data) + count(cm.binaryData), age(obj, now)];
  },
};

export const secretPrinter: Printer = {
  columns: columns(NAME, column("Type", "string", "Secret.type"), column("Data", "string", "Secret.data"), AGE),
  cells(obj, { now }) {
    const secret = obj as unknown as Secret;
    return [name(obj), secret.type ?? "", count(secret.data), age(obj, now)];
  },
};

export const serviceAccountPrinter: Printer = {
  columns: columns(NAME, column("Secrets", "string", "ServiceAccount.secrets"), AGE),
  cells: (obj, { now }) => [name(obj), (obj as unknown as ServiceAccount).secrets?.length ?? 0, age(obj, now)],
};

const ACCESS_MODES: [string, string][] = [
  ["ReadWriteOnce", "RWO"],
  ["ReadOnlyMany", "ROX"],
  ["ReadWriteMany", "RWX"],
  ["ReadWriteOncePod", "RWOP"],
];

/** GetAccessModesAsString: always in the order RWO,ROX,RWX,RWOP, duplicates dropped. */
export const accessModes = (modes: string[] | undefined) =>
  ACCESS_MODES.filter(([mode]) => modes?.includes(mode))
    .map(([, short]) => short)
    .join(",");

/** A storage quantity as Quantity.String() prints it; a missing one is the zero quantity "0". */
const storage = (resources: Record<string, string> | undefined) => resources?.storage ?? "0";
const BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

export const persistentVolumePrinter: Printer = {
  columns: columns(
    NAME,
    column("Capacity", "string", "PersistentVolumeSpec.capacity"),
    column("Access Modes", "string", "PersistentVolumeSpec.accessModes"),
    column("Reclaim Policy", "string", "PersistentVolumeSpec.persistentVolumeReclaimPolicy"),
    column("Status", "string", "PersistentVolumeStatus.phase"),
    column("Claim", "string", "PersistentVolumeSpec.claimRef"),
    column("StorageClass", "string", "StorageClass of the pv"),
    column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
    column("Reason", "string", "PersistentVolumeStatus.reason"),
    AGE,
    column("VolumeMode", "string", "PersistentVolumeSpec.volumeMode", wide),
  ),
  cells(obj, { now }) {
    const pv = obj as unknown as PersistentVolume;
    const claim = pv.spec?.claimRef ? `${pv.spec.claimRef.namespace ?? ""}/${pv.spec.claimRef.name ?? ""}` : "";
    const phase = pv.metadata?.deletionTimestamp ? "Terminating" : (pv.status?.phase ?? "");
    return [
      name(obj),
      storage(pv.spec?.capacity),
      accessModes(pv.spec?.accessModes),
      pv.spec?.persistentVolumeReclaimPolicy ?? "",
      phase,
      claim,
      pv.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? pv.spec?.storageClassName ?? "",
      pv.spec?.volumeAttributesClassName ?? "<unset>",
      pv.status?.reason ?? "",
      age(obj, now),
      pv.spec?.volumeMode ?? "<unset>",
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: columns(
    NAME,
    column("Status", "string", "PersistentVolumeClaimStatus.phase"),
    column("Volume", "string", "PersistentVolumeClaimSpec.volumeName"),
    column("Capacity", "string", "PersistentVolumeClaimStatus.capacity"),
    column("Access Modes", "string", "PersistentVolumeClaimStatus.accessModes"),
    column("StorageClass", "string", "StorageClass of the pvc"),
    column("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
    AGE,
    column("VolumeMode", "string", "PersistentVolumeClaimSpec.volumeMode", wide),
  ),
  cells(obj, { now }) {
    const pvc = obj as unknown as PersistentVolumeClaim;
    const volume = pvc.spec?.volumeName ?? "";
    const phase = pvc.metadata?.deletionTimestamp ? "Terminating" : (pvc.status?.phase ?? "");
    // Capacity and access modes are the bound volume's, so blank until bound.
    return [
      name(obj),
      phase,
      volume,
      volume ? storage(pvc.status?.capacity) : "",
      volume ? accessModes(pvc.status?.accessModes) : "",
      pvc.metadata?.annotations?.[BETA_STORAGE_CLASS] ?? pvc.spec?.storageClassName ?? "",
      pvc.spec?.volumeAttributesClassName ?? "<unset>",
      age(obj, now),
      pvc.spec?.volumeMode ?? "<unset>",
    ];
  },
};

/** storageutil.IsDefaultAnnotation: the GA or the beta is-default-class annotation says "true". */
function isDefaultClass(obj: KObject): boolean {
  const annotations = obj.metadata?.annotations ?? {};
  return ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"].some((a) => annotations[a] === "true");
}

export const storageClassPrinter: Printer = {
  columns: columns(
    NAME,
    column("Provisioner", "string", "StorageClass.provisioner"),
    column("ReclaimPolicy", "string", "StorageClass.reclaimPolicy"),
    column("VolumeBindingMode", "string", "StorageClass.volumeBindingMode"),
    column("AllowVolumeExpansion", "string", "StorageClass.allowVolumeExpansion"),
    AGE,
  ),
  cells(obj, { now }) {
    const sc = obj as unknown as StorageClass;
    return [
      isDefaultClass(obj) ? `${name(obj)} (default)` : name(obj),
      sc.provisioner ?? "",
      sc.reclaimPolicy ?? "Delete",
      sc.volumeBindingMode ?? "Immediate",
      sc.allowVolumeExpansion ?? false,
      age(obj, now),
    ];
  },
};

export const leasePrinter: Printer = {
  columns: columns(NAME, column("Holder", "string", "LeaseSpec.holderIdentity"), AGE),
  cells: (obj, { now }) => [name(obj), (obj as unknown as Lease).spec?.holderIdentity ?? "", age(obj, now)],
};
