/**
 * Services, Endpoints and EndpointSlices, as core validation's ValidateService /
 * ValidateServiceUpdate (cluster IPs and families may not change once set), ValidateEndpoints and
 * discovery's ValidateEndpointSlice. Cluster IP and node port allocation is not validation's job.
 */
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { Endpoints, Service, ServicePort, ServiceSpec } from "kubernetes-types/core/v1";
import { validatePortNumOrName } from "./containers";
import { type Errors, Path, duplicate, forbidden, invalid, notSupported, required, tooMany } from "./field";
import { goServicePortKey, goStringSlice } from "./govalue";
import { isIPv6String, isValidCIDR, isValidIP, parseIP, validateNonSpecialIP } from "./ip";
import { immutableField, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNS1035Label, nameIsDNSSubdomain } from "./names";

const meta = Path.root("metadata");
const spec = Path.root("spec");
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

function dns1123Label(value: string, path: Path): Errors {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

function qualifiedName(value: string, path: Path): Errors {
  return isQualifiedName(value).map((msg) => invalid(path, value, msg));
}

const isHeadless = (s: ServiceSpec) => s.clusterIPs?.length === 1 && s.clusterIPs[0] === "None";
const externallyAccessible = (s: ServiceSpec) =>
  s.type === "LoadBalancer" || s.type === "NodePort" || (s.type === "ClusterIP" && (s.externalIPs?.length ?? 0) > 0);
const needsHealthCheck = (s: ServiceSpec) => s.type === "LoadBalancer" && s.externalTrafficPolicy === "Local";

function validateServicePort(port: ServicePort, requireName: boolean, names: Set<string>, path: Path): Errors {
  const errs: Errors = [];
  if (requireName && !port.name) errs.push(required(path.child("name")));
  else if (port.name) {
    errs.push(...dns1123Label(port.name, path.child("name")));
    if (names.has(port.name)) errs.push(duplicate(path.child("name"), port.name));
    else names.add(port.name);
  }
  for (const msg of isValidPortNum(port.port ?? 0)) errs.push(invalid(path.child("port"), port.port ?? 0, msg));
  if (!port.protocol) errs.push(required(path.child("protocol")));
  else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(path.child("protocol"), port.protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(port.targetPort, path.child("targetPort")));
  if (port.appProtocol !== undefined && port.appProtocol !== null) errs.push(...qualifiedName(port.appProtocol, path.child("appProtocol")));
  return errs;
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPsRelatedFields(s: ServiceSpec): Errors {
  if (s.type === "ExternalName") return [];
  const errs: Errors = [];
  const ipsPath = spec.child("clusterIPs");
  const ips = s.clusterIPs ?? [];
  if (s.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== s.clusterIP) errs.push(invalid(ipsPath, goStringSlice(ips), "first value must match `clusterIP`"));
  } else if (ips.length) {
    errs.push(invalid(ipsPath, goStringSlice(ips), "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (s.ipFamilies ?? []).forEach((family, i) => {
    if (family !== "IPv4" && family !== "IPv6") errs.push(notSupported(spec.child("ipFamilies").index(i), family, ["IPv4", "IPv6"]));
    if (seen.has(family)) errs.push(duplicate(spec.child("ipFamilies").index(i), family));
    seen.add(family);
  });
  const policies = ["PreferDualStack", "RequireDualStack", "SingleStack"];
  if (s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== null && !policies.includes(s.ipFamilyPolicy)) {
    errs.push(notSupported(spec.child("ipFamilyPolicy"), s.ipFamilyPolicy, policies));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, goStringSlice(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = isValidIP(ipsPath.index(i), ip);
    if (ipErrs.length) badIPs = true;
    errs.push(...ipErrs);
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, goStringSlice(ips), "may only hold up to 2 values"));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6String(ips[0]) === isIPv6String(ips[1])) {
    errs.push(invalid(ipsPath, goStringSlice(ips), "may specify no more than one IP for each IP family"));
  }
  if (!isHeadless(s) && ips.length && s.ipFamilies?.length) {
    ips.forEach((ip, i) => {
      const family = s.ipFamilies?.[i];
      if (family === "IPv4" && isIPv6String(ip)) errs.push(invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (family === "IPv6" && !isIPv6String(ip)) errs.push(invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  return errs;
}

/** ValidateService. */
function validateServiceSpec(svc: Service): Errors {
  const s = svc.spec ?? ({} as ServiceSpec);
  const errs: Errors = [];
  if (!s.ports?.length && !isHeadless(s) && s.type !== "ExternalName") errs.push(required(spec.child("ports")));
  switch (s.type) {
    case "LoadBalancer":
    case "NodePort":
      if (isHeadless(s)) errs.push(invalid(spec.child("clusterIPs").index(0), "None", `may not be set to 'None' for ${s.type} services`));
      break;
    case "ExternalName": {
      if (s.clusterIPs?.length) errs.push(forbidden(spec.child("clusterIPs"), "may not be set for ExternalName services"));
      if (s.ipFamilies?.length) errs.push(forbidden(spec.child("ipFamilies"), "may not be set for ExternalName services"));
      if (s.ipFamilyPolicy !== undefined && s.ipFamilyPolicy !== null) errs.push(forbidden(spec.child("ipFamilyPolicy"), "may not be set for ExternalName services"));
      const cname = (s.externalName ?? "").replace(/\.$/, "");
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid(spec.child("externalName"), cname, msg)));
      else errs.push(required(spec.child("externalName")));
      break;
    }
  }
  const names = new Set<string>();
  const ports = s.ports ?? [];
  ports.forEach((port, i) => errs.push(...validateServicePort(port, ports.length > 1, names, spec.child("ports").index(i))));
  if (s.selector) errs.push(...validateLabels(s.selector, spec.child("selector")));
  const affinity = s.sessionAffinity ?? "";
  if (!affinity) errs.push(required(spec.child("sessionAffinity")));
  else if (affinity !== "ClientIP" && affinity !== "None") errs.push(notSupported(spec.child("sessionAffinity"), affinity, ["ClientIP", "None"]));
  if (affinity === "ClientIP") {
    const p = spec.child("sessionAffinityConfig");
    const timeout = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (!s.sessionAffinityConfig) errs.push(required(p, "when session affinity type is ClientIP"));
    else if (!s.sessionAffinityConfig.clientIP) errs.push(required(p.child("clientIP"), "when session affinity type is ClientIP"));
    else if (timeout === undefined || timeout === null) errs.push(required(p.child("clientIP", "timeoutSeconds"), "when session affinity type is ClientIP"));
    else if (timeout <= 0 || timeout > 86400) errs.push(invalid(p.child("clientIP", "timeoutSeconds"), timeout, "must be greater than 0 and less than 86400"));
  } else if (affinity === "None" && s.sessionAffinityConfig) {
    errs.push(forbidden(spec.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }
  errs.push(...validateClusterIPsRelatedFields(s));
  (s.externalIPs ?? []).forEach((ip, i) => {
    const ipErrs = isValidIP(spec.child("externalIPs").index(i), ip);
    errs.push(...(ipErrs.length ? ipErrs : validateNonSpecialIP(ip, spec.child("externalIPs").index(i))));
  });
  const types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
  if (!s.type) errs.push(required(spec.child("type")));
  else if (!types.includes(s.type)) errs.push(notSupported(spec.child("type"), s.type, types));
  if (s.type === "ClusterIP") {
    ports.forEach((port, i) => {
      if (port.nodePort) errs.push(forbidden(spec.child("ports").index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((port, i) => {
    if (!port.nodePort) return;
    const key = `${port.protocol}/${port.nodePort}`;
    if (nodePorts.has(key)) errs.push(duplicate(spec.child("ports").index(i).child("nodePort"), port.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((port, i) => {
    const key = `${port.protocol}/${port.port}`;
    if (portKeys.has(key)) errs.push(duplicate(spec.child("ports").index(i), goServicePortKey(port.protocol ?? "", port.port ?? 0)));
    portKeys.add(key);
  });
  if (s.loadBalancerSourceRanges?.length) {
    const p = spec.child("LoadBalancerSourceRanges");
    if (s.type !== "LoadBalancer") errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    s.loadBalancerSourceRanges.forEach((range, i) => errs.push(...isValidCIDR(p.index(i), range.trim())));
  }
  if (s.allocateLoadBalancerNodePorts !== undefined && s.allocateLoadBalancerNodePorts !== null && s.type !== "LoadBalancer") {
    errs.push(forbidden(spec.child("allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (s.type === "LoadBalancer" && (s.allocateLoadBalancerNodePorts === undefined || s.allocateLoadBalancerNodePorts === null)) {
    errs.push(required(Path.root("allocateLoadBalancerNodePorts")));
  }
  if (s.loadBalancerClass !== undefined && s.loadBalancerClass !== null) {
    if (s.type === "LoadBalancer") errs.push(...qualifiedName(s.loadBalancerClass, spec.child("loadBalancerClass")));
    else errs.push(forbidden(spec.child("loadBalancerClass"), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (!externallyAccessible(s)) {
    if (s.externalTrafficPolicy) {
      errs.push(invalid(spec.child("externalTrafficPolicy"), s.externalTrafficPolicy, "may only be set for externally-accessible services"));
    }
  } else if (!s.externalTrafficPolicy) {
    errs.push(required(spec.child("externalTrafficPolicy")));
  } else if (s.externalTrafficPolicy !== "Cluster" && s.externalTrafficPolicy !== "Local") {
    errs.push(notSupported(spec.child("externalTrafficPolicy"), s.externalTrafficPolicy, ["Cluster", "Local"]));
  }
  if (!needsHealthCheck(s)) {
    if (s.healthCheckNodePort) {
      errs.push(invalid(spec.child("healthCheckNodePort"), s.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  }
  if (s.internalTrafficPolicy === undefined || s.internalTrafficPolicy === null) {
    if (s.type === "NodePort" || s.type === "LoadBalancer" || s.type === "ClusterIP") errs.push(required(spec.child("internalTrafficPolicy")));
  } else if (s.internalTrafficPolicy !== "Cluster" && s.internalTrafficPolicy !== "Local") {
    errs.push(notSupported(spec.child("internalTrafficPolicy"), s.internalTrafficPolicy, ["Cluster", "Local"]));
  }
  if (s.trafficDistribution !== undefined && s.trafficDistribution !== null && s.trafficDistribution !== "PreferClose") {
    errs.push(notSupported(spec.child("trafficDistribution"), s.trafficDistribution, ["PreferClose"]));
  }
  return errs;
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes; a released secondary needs SingleStack. */
function validateClusterIPsUpdate(s: ServiceSpec, o: ServiceSpec): Errors {
  if (s.type === "ExternalName" || o.type === "ExternalName") return [];
  if (isHeadless(s) && isHeadless(o)) return [];
  const errs: Errors = [];
  const ips = s.clusterIPs ?? [];
  const oldIPs = o.clusterIPs ?? [];
  const path = spec.child("clusterIPs");
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalid(path.index(i), goStringSlice(ips), "may not change once set"));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalid(path.index(0), goStringSlice(s.clusterIPs), "primary clusterIP can not be unset"));
    if (oldIPs.length && ips.length && ips[0] !== oldIPs[0]) errs.push(invalid(path.index(0), goStringSlice(ips), "may not change once set"));
    if (ips.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalid(spec.child("ipFamilyPolicy"), s.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length && ips[0] !== oldIPs[0]) {
    errs.push(invalid(path.index(0), goStringSlice(ips), "may not change once set"));
  }
  return errs;
}

/** validateUpgradeDowngradeIPFamilies. */
function validateIPFamiliesUpdate(s: ServiceSpec, o: ServiceSpec): Errors {
  if (s.type === "ExternalName" || o.type === "ExternalName" || isHeadless(s) || isHeadless(o)) return [];
  const errs: Errors = [];
  const fams = s.ipFamilies ?? [];
  const oldFams = o.ipFamilies ?? [];
  const path = spec.child("ipFamilies").index(0);
  const render = goStringSlice(s.ipFamilies, "[]core.IPFamily");
  if (oldFams.length === fams.length) {
    oldFams.forEach((f, i) => {
      if (f !== fams[i]) errs.push(invalid(path, render, "may not change once set"));
    });
  } else if (oldFams.length > fams.length) {
    if (!s.clusterIPs?.length) errs.push(invalid(path, render, "primary ipFamily can not be unset"));
    if (fams.length && fams[0] !== oldFams[0]) errs.push(invalid(path, goStringSlice(s.clusterIPs), "may not change once set"));
    if (fams.length === 1 && s.ipFamilyPolicy !== "SingleStack") {
      errs.push(invalid(spec.child("ipFamilyPolicy"), s.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (oldFams.length && fams.length && fams[0] !== oldFams[0]) {
    errs.push(invalid(path, goStringSlice(s.clusterIPs), "may not change once set"));
  }
  return errs;
}

/** ValidateServiceCreate / ValidateServiceUpdate. */
export function validateService(svc: Service, old?: Service): Errors {
  if (!old) return [...validateObjectMeta(svc.metadata, nameIsDNS1035Label, meta), ...validateServiceSpec(svc)];
  const s = svc.spec ?? {};
  const o = old.spec ?? {};
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata, meta);
  errs.push(...validateClusterIPsUpdate(s, o));
  errs.push(...validateIPFamiliesUpdate(s, o));
  if (o.type === "LoadBalancer" && s.type === "LoadBalancer" && (o.loadBalancerClass ?? null) !== (s.loadBalancerClass ?? null)) {
    errs.push(invalid(spec.child("loadBalancerClass"), s.loadBalancerClass ?? null, "may not change once set"));
  }
  if (needsHealthCheck(o) && needsHealthCheck(s) && s.healthCheckNodePort !== o.healthCheckNodePort) {
    errs.push(forbidden(spec.child("healthCheckNodePort"), "field is immutable"));
  }
  errs.push(...validateObjectMeta(svc.metadata, nameIsDNS1035Label, meta));
  errs.push(...validateServiceSpec(svc));
  return errs;
}

/** ValidateEndpoints (create and update). */
export function validateEndpoints(ep: Endpoints, old?: Endpoints): Errors {
  const errs = old ? validateObjectMetaUpdate(ep.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(ep.metadata, nameIsDNSSubdomain, meta));
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = Path.root("subsets").index(i);
    if (!ss.addresses?.length && !ss.notReadyAddresses?.length) errs.push(required(p, "must specify `addresses` or `notReadyAddresses`"));
    for (const kind of ["addresses", "notReadyAddresses"] as const) {
      (ss[kind] ?? []).forEach((addr, j) => {
        const ap = p.child(kind).index(j);
        errs.push(...isValidIP(ap.child("ip"), addr.ip ?? ""));
        if (addr.hostname) errs.push(...dns1123Label(addr.hostname, ap.child("hostname")));
        if (addr.nodeName !== undefined && addr.nodeName !== null) {
          for (const msg of nameIsDNSSubdomain(addr.nodeName, false)) errs.push(invalid(ap.child("nodeName"), addr.nodeName, msg));
        }
        errs.push(...validateNonSpecialIP(addr.ip ?? "", ap.child("ip")));
      });
    }
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child("ports").index(j);
      if (ports.length > 1 && !port.name) errs.push(required(pp.child("name")));
      else if (port.name) errs.push(...dns1123Label(port.name, pp.child("name")));
      for (const msg of isValidPortNum(port.port ?? 0)) errs.push(invalid(pp.child("port"), port.port ?? 0, msg));
      if (!port.protocol) errs.push(required(pp.child("protocol")));
      else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(pp.child("protocol"), port.protocol, PROTOCOLS));
      if (port.appProtocol !== undefined && port.appProtocol !== null) errs.push(...qualifiedName(port.appProtocol, pp.child("appProtocol")));
    });
  });
  return errs;
}

/** ValidateEndpointSlice(Create/Update): address type fixed, endpoints with addresses of that type, ports. */
export function validateEndpointSlice(slice: EndpointSlice, old?: EndpointSlice): Errors {
  const errs = old ? validateObjectMetaUpdate(slice.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(slice.metadata, nameIsDNSSubdomain, meta));
  const types = ["FQDN", "IPv4", "IPv6"];
  const addressType = slice.addressType ?? "";
  if (!addressType) errs.push(required(Path.root("addressType")));
  else if (!types.includes(addressType) && !old) errs.push(notSupported(Path.root("addressType"), addressType, types));
  const endpoints = slice.endpoints ?? [];
  const ep = Path.root("endpoints");
  if (endpoints.length > 1000) errs.push(tooMany(ep, endpoints.length, 1000));
  endpoints.forEach((endpoint, i) => {
    const p = ep.index(i);
    const addresses = endpoint.addresses ?? [];
    if (addresses.length === 0) errs.push(required(p.child("addresses"), "must contain at least 1 address"));
    else if (addresses.length > 100) errs.push(tooMany(p.child("addresses"), addresses.length, 100));
    addresses.forEach((address, j) => {
      const ap = p.child("addresses").index(j);
      if (addressType === "IPv4" || addressType === "IPv6") {
        // IsValidIPv4Address / IsValidIPv6Address, then ValidateNonSpecialIP.
        const ip = parseIP(address);
        if (!ip || (ip.version === 6) !== (addressType === "IPv6")) errs.push(invalid(ap, address, `must be a valid ${addressType} address`));
        else errs.push(...validateNonSpecialIP(address, ap));
      } else if (addressType === "FQDN") {
        errs.push(...isDNS1123Subdomain(address).map((msg) => invalid(ap, address, msg)));
      }
    });
    if (endpoint.hostname) errs.push(...dns1123Label(endpoint.hostname, p.child("hostname")));
    if (endpoint.nodeName) for (const msg of nameIsDNSSubdomain(endpoint.nodeName, false)) errs.push(invalid(p.child("nodeName"), endpoint.nodeName, msg));
  });
  const ports = slice.ports ?? [];
  const pp = Path.root("ports");
  if (ports.length > 20000) errs.push(tooMany(pp, ports.length, 20000));
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = pp.index(i);
    const name = port.name ?? "";
    if (name) errs.push(...dns1123Label(name, p.child("name")));
    if (names.has(name)) errs.push(duplicate(p.child("name"), name));
    names.add(name);
    if (port.port !== undefined && port.port !== null) for (const msg of isValidPortNum(port.port)) errs.push(invalid(p.child("port"), port.port, msg));
    if (!port.protocol) errs.push(required(p.child("protocol")));
    else if (!PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child("protocol"), port.protocol, PROTOCOLS));
    if (port.appProtocol !== undefined && port.appProtocol !== null) errs.push(...qualifiedName(port.appProtocol, p.child("appProtocol")));
  });
  if (old) errs.push(...immutableField(slice.addressType, old.addressType, Path.root("addressType")));
  return errs;
}
