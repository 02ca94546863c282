/**
 * Cluster DNS as CoreDNS's kubernetes plugin answers it (kubeadm's Corefile: `pods insecure`), read
 * straight from the cluster's objects:
 *
 *   <svc>.<ns>.svc.<zone>                   A: the ClusterIP; headless: every ready endpoint's IP;
 *                                           ExternalName: a CNAME to spec.externalName
 *   <endpoint>.<svc>.<ns>.svc.<zone>        A: the ready endpoint with that hostname (a StatefulSet
 *                                           pod: web-0.nginx.default.svc.cluster.local) or whose
 *                                           dashed IP is that label (10-244-1-5.nginx…)
 *   _<port>._<proto>.<svc>.<ns>.svc.<zone>  SRV: the named port (ClusterIP: one record at the
 *                                           Service name; headless: one per endpoint)
 *   <a-b-c-d>.<ns>.pod.<zone>               A: a.b.c.d, when the namespace exists
 *
 * Endpoints come from EndpointSlices (any manager), as CoreDNS reads them; for a Service with only
 * an Endpoints object (selector-less, hand-made) they come from it, as the mirroring controller
 * would have copied it into a slice. Relative names go through a pod's resolv.conf search list
 * (`<ns>.svc.<zone> svc.<zone> <zone>`, ndots:5).
 */
import type { EndpointSubset, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Snapshot } from "../controllers/types";

export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** One answer: `name` is the fully qualified name that answered (no trailing dot). */
export type DnsAnswer =
  | { name: string; type: "A"; records: string[] }
  | { name: string; type: "CNAME"; records: string[] }
  | { name: string; type: "SRV"; records: SrvRecord[] };

interface DnsEndpoint {
  ip: string;
  hostname?: string;
  ports: { name: string; port: number; protocol: string }[];
}

const NDOTS = 5;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

const compareIPs = (a: string, b: string) => {
  const n = (ip: string) => ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return IPV4.test(a) && IPV4.test(b) ? n(a) - n(b) : a.localeCompare(b);
};

/** CoreDNS's endpointHostname: the endpoint's hostname, else its IP with dashes. */
const endpointLabel = (ep: DnsEndpoint) => ep.hostname || ep.ip.replace(/[.:]/g, "-");

/** The ready endpoints of a Service, from its EndpointSlices or, without any, its Endpoints. */
function serviceEndpoints(snapshot: Snapshot, svc: Service): DnsEndpoint[] {
  const namespace = svc.metadata!.namespace!;
  const name = svc.metadata!.name!;
  const out = new Map<string, DnsEndpoint>();
  const slices = snapshot
    .list("endpointslices.discovery.k8s.io", namespace)
    .filter((s) => s.metadata.labels?.["kubernetes.io/service-name"] === name)
    .map((s) => s as unknown as EndpointSlice);
  if (slices.length) {
    for (const slice of slices) {
      if (slice.addressType !== "IPv4") continue;
      const ports = (slice.ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port ?? 0, protocol: p.protocol ?? "TCP" }));
      // A nil ready condition means "unknown", which consumers treat as ready.
      for (const ep of slice.endpoints ?? []) {
        if (ep.conditions?.ready === false) continue;
        for (const ip of ep.addresses) out.set(`${ip}/${ep.hostname ?? ""}`, { ip, hostname: ep.hostname, ports });
      }
    }
  } else {
    const subsets = (snapshot.get("endpoints", namespace, name)?.subsets as EndpointSubset[] | undefined) ?? [];
    for (const subset of subsets) {
      const ports = (subset.ports ?? []).map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP" }));
      for (const a of subset.addresses ?? []) out.set(`${a.ip}/${a.hostname ?? ""}`, { ip: a.ip, hostname: a.hostname, ports });
    }
  }
  return [...out.values()].sort((a, b) => compareIPs(a.ip, b.ip));
}

const isHeadless = (svc: Service) => svc.spec?.clusterIP === "None";

/** floor(100 / n) for each of n records of one priority, as CoreDNS spreads SRV weights. */
const srv = (records: Omit<SrvRecord, "priority" | "weight">[]): SrvRecord[] =>
  records
    .sort((a, b) => a.target.localeCompare(b.target) || a.port - b.port)
    .map((r) => ({ priority: 0, weight: Math.floor(100 / records.length), port: r.port, target: r.target }));

/** A fully qualified name under `<zone>`, or undefined (NXDOMAIN). */
function resolveFqdn(fqdn: string, snapshot: Snapshot, zone: string): DnsAnswer | undefined {
  if (!fqdn.endsWith(`.${zone}`)) return undefined;
  const labels = fqdn.slice(0, -(zone.length + 1)).split(".");
  const kind = labels.pop();

  if (kind === "pod") {
    // `pods insecure`: the address comes from the name; only the namespace is checked.
    if (labels.length !== 2) return undefined;
    const [dashed, namespace] = labels;
    const ip = dashed.replace(/-/g, ".");
    if (!IPV4.test(ip) || !snapshot.get("namespaces", "", namespace)) return undefined;
    return { name: fqdn, type: "A", records: [ip] };
  }
  if (kind !== "svc" || labels.length < 2 || labels.length > 4) return undefined;

  const namespace = labels[labels.length - 1];
  const serviceName = labels[labels.length - 2];
  const obj = snapshot.get("services", namespace, serviceName);
  if (!obj) return undefined;
  const svc = obj as unknown as Service;
  const base = `${serviceName}.${namespace}.svc.${zone}`;

  if (labels.length === 2) {
    if (svc.spec?.type === "ExternalName") return { name: fqdn, type: "CNAME", records: [svc.spec.externalName ?? ""] };
    if (isHeadless(svc)) return { name: fqdn, type: "A", records: serviceEndpoints(snapshot, svc).map((ep) => ep.ip) };
    const ip = svc.spec?.clusterIP;
    return ip ? { name: fqdn, type: "A", records: [ip] } : undefined;
  }
  if (svc.spec?.type === "ExternalName") return undefined;

  if (labels.length === 3) {
    const wanted = labels[0];
    const ips = serviceEndpoints(snapshot, svc).filter((ep) => endpointLabel(ep) === wanted).map((ep) => ep.ip);
    return ips.length ? { name: fqdn, type: "A", records: [...new Set(ips)] } : undefined;
  }

  // _<port>._<proto>.<svc>.<ns>.svc.<zone>
  const [portLabel, protoLabel] = labels;
  if (!portLabel.startsWith("_") || !protoLabel.startsWith("_")) return undefined;
  const [portName, protocol] = [portLabel.slice(1), protoLabel.slice(1)];
  const matches = (p: { name?: string; protocol?: string }) => (p.name ?? "") === portName && (p.protocol ?? "TCP").toLowerCase() === protocol;
  const records = isHeadless(svc)
    ? serviceEndpoints(snapshot, svc).flatMap((ep) => ep.ports.filter(matches).map((p) => ({ port: p.port, target: `${endpointLabel(ep)}.${base}` })))
    : (svc.spec?.ports ?? []).filter(matches).map((p) => ({ port: p.port, target: base }));
  return records.length ? { name: fqdn, type: "SRV", records: srv(records) } : undefined;
}

/**
 * Resolves `name` as a pod in `searchNamespace` would (or, without one, as a name relative to
 * `svc.<zone>` and `<zone>`): a name ending in "." is absolute; one with fewer than five dots tries
 * the search list first, then itself. The first candidate with records answers; an existing name
 * without records (a headless Service with no ready pods) answers empty if nothing else does.
 * Undefined is NXDOMAIN.
 *   "web" in default → web.default.svc.cluster.local;  "web.prod" → web.prod.svc.cluster.local
 */
export function resolveDns(name: string, snapshot: Snapshot, clusterDomain = "cluster.local", searchNamespace?: string): DnsAnswer | undefined {
  const zone = clusterDomain.replace(/\.$/, "").toLowerCase();
  const query = name.toLowerCase();
  const absolute = query.endsWith(".");
  const bare = query.replace(/\.$/, "");
  if (!bare) return undefined;
  const search = [...(searchNamespace ? [`${searchNamespace.toLowerCase()}.svc.${zone}`] : []), `svc.${zone}`, zone];
  const expanded = search.map((domain) => `${bare}.${domain}`);
  const dots = bare.split(".").length - 1;
  const candidates = absolute ? [bare] : dots >= NDOTS ? [bare, ...expanded] : [...expanded, bare];
  let empty: DnsAnswer | undefined;
  for (const candidate of candidates) {
    const answer = resolveFqdn(candidate, snapshot, zone);
    if (answer && answer.records.length) return answer;
    empty ??= answer;
  }
  return empty;
}
