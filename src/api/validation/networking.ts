/**
 * networking.k8s.io/v1 Ingress, IngressClass and NetworkPolicy, as networking validation's
 * ValidateIngressCreate(Update), ValidateIngressClass(Update) and ValidateNetworkPolicy(Update).
 */
import type { HTTPIngressPath, Ingress, IngressBackend, IngressClass, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from "kubernetes-types/networking/v1";
import { type Errors, Path, invalid, notSupported, required } from "./field";
import { isValidCIDR } from "./ip";
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1035Label, isDNS1123Subdomain, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from "./names";

const meta = Path.root("metadata");
const PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"];
const PROTOCOLS = ["SCTP", "TCP", "UDP"];

/** validateIngressBackend: a Service (name and one of port name / number) or a resource, not both. */
function validateIngressBackend(backend: IngressBackend | undefined, path: Path): Errors {
  const errs: Errors = [];
  const service = backend?.service;
  const resource = backend?.resource;
  if (service && resource) return [invalid(path, "", "cannot set both resource and service backends")];
  if (resource) {
    if (!resource.kind) errs.push(required(path.child("resource", "kind")));
    if (!resource.name) errs.push(required(path.child("resource", "name")));
    return errs;
  }
  if (!service) return [invalid(path, "", "resource or service backend is required")];
  const p = path.child("service");
  if (!service.name) errs.push(required(p.child("name")));
  else for (const msg of isDNS1035Label(service.name)) errs.push(invalid(p.child("name"), service.name, msg));
  const port = service.port ?? {};
  const hasName = !!port.name;
  const hasNumber = port.number !== undefined && port.number !== 0;
  if (hasName && hasNumber) errs.push(invalid(p.child("port"), port, "cannot set both port name & port number"));
  else if (hasName) for (const msg of isValidPortName(port.name!)) errs.push(invalid(p.child("port", "name"), port.name, msg));
  else if (hasNumber) for (const msg of isValidPortNum(port.number!)) errs.push(invalid(p.child("port", "number"), port.number, msg));
  else errs.push(required(p.child("port"), "port name or number is required"));
  return errs;
}

function validateHTTPIngressPath(path: HTTPIngressPath, p: Path): Errors {
  const errs: Errors = [];
  if (!path.pathType) errs.push(required(p.child("pathType"), "pathType must be specified"));
  else if (!PATH_TYPES.includes(path.pathType)) errs.push(notSupported(p.child("pathType"), path.pathType, PATH_TYPES));
  if ((path.pathType === "Exact" || path.pathType === "Prefix") && !(path.path ?? "").startsWith("/")) {
    errs.push(invalid(p.child("path"), path.path ?? "", "must be an absolute path"));
  }
  if ((path.path ?? "").includes("//")) errs.push(invalid(p.child("path"), path.path, "must not contain '//'"));
  errs.push(...validateIngressBackend(path.backend, p.child("backend")));
  return errs;
}

/** ValidateIngressCreate / ValidateIngressUpdate (the spec is mutable). */
export function validateIngress(ingress: Ingress, old?: Ingress): Errors {
  const errs = old ? validateObjectMetaUpdate(ingress.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(ingress.metadata, nameIsDNSSubdomain, meta));
  const spec = ingress.spec ?? {};
  const specPath = Path.root("spec");
  if (!spec.defaultBackend && !spec.rules?.length) {
    errs.push(invalid(specPath.child("rules"), spec.rules ?? [], "either `defaultBackend` or `rules` must be specified"));
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, specPath.child("defaultBackend")));
  if (spec.ingressClassName) {
    for (const msg of isDNS1123Subdomain(spec.ingressClassName)) errs.push(invalid(specPath.child("ingressClassName"), spec.ingressClassName, msg));
  }
  (spec.rules ?? []).forEach((rule, i) => {
    const p = specPath.child("rules").index(i);
    if (rule.host) {
      const host = rule.host.startsWith("*.") ? rule.host.slice(2) : rule.host;
      for (const msg of isDNS1123Subdomain(host)) errs.push(invalid(p.child("host"), rule.host, msg));
    }
    if (!rule.http) return;
    if (!rule.http.paths?.length) errs.push(required(p.child("http", "paths")));
    (rule.http.paths ?? []).forEach((path, j) => errs.push(...validateHTTPIngressPath(path, p.child("http", "paths").index(j))));
  });
  (spec.tls ?? []).forEach((tls, i) => {
    (tls.hosts ?? []).forEach((host, j) => {
      const h = host.startsWith("*.") ? host.slice(2) : host;
      for (const msg of isDNS1123Subdomain(h)) errs.push(invalid(specPath.child("tls").index(i).child("hosts").index(j), host, msg));
    });
  });
  return errs;
}

/** ValidateIngressClass / ValidateIngressClassUpdate: a domain-prefixed controller, immutable. */
export function validateIngressClass(ic: IngressClass, old?: IngressClass): Errors {
  const errs = old ? validateObjectMetaUpdate(ic.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(ic.metadata, nameIsDNSSubdomain, meta));
  const controller = ic.spec?.controller ?? "";
  const p = Path.root("spec", "controller");
  if (!controller) errs.push(required(p));
  else if (!controller.includes("/")) errs.push(invalid(p, controller, "must be a domain-prefixed path (such as \"acme.io/foo\")"));
  if (old && old.spec?.controller !== ic.spec?.controller) errs.push(invalid(p, controller, "field is immutable"));
  const params = ic.spec?.parameters;
  if (params) {
    const pp = Path.root("spec", "parameters");
    if (!params.kind) errs.push(required(pp.child("kind")));
    if (!params.name) errs.push(required(pp.child("name")));
    if (params.scope && !["Cluster", "Namespace"].includes(params.scope)) errs.push(notSupported(pp.child("scope"), params.scope, ["Cluster", "Namespace"]));
    if (params.scope === "Namespace" && !params.namespace) errs.push(required(pp.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
  }
  return errs;
}

function validatePort(port: NetworkPolicyPort, p: Path): Errors {
  const errs: Errors = [];
  if (port.protocol && !PROTOCOLS.includes(port.protocol)) errs.push(notSupported(p.child("protocol"), port.protocol, PROTOCOLS));
  if (typeof port.port === "number") {
    for (const msg of isValidPortNum(port.port)) errs.push(invalid(p.child("port"), port.port, msg));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(invalid(p.child("endPort"), port.endPort, "must be greater than or equal to `port`"));
      for (const msg of isValidPortNum(port.endPort)) errs.push(invalid(p.child("endPort"), port.endPort, msg));
    }
  } else if (typeof port.port === "string") {
    for (const msg of isValidPortName(port.port)) errs.push(invalid(p.child("port"), port.port, msg));
    if (port.endPort !== undefined) errs.push(invalid(p.child("endPort"), port.endPort, "may not be specified when `port` is non-numeric"));
  } else if (port.endPort !== undefined) {
    errs.push(invalid(p.child("endPort"), port.endPort, "may not be specified when `port` is not specified"));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, p: Path): Errors {
  const errs: Errors = [];
  const set = [peer.podSelector, peer.namespaceSelector, peer.ipBlock].filter((x) => x !== undefined).length;
  if (set === 0) errs.push(required(p, "must specify a peer"));
  else if (peer.ipBlock && set > 1) errs.push(invalid(p, "", "may not specify both ipBlock and another peer"));
  if (peer.podSelector) errs.push(...validateLabelSelector(peer.podSelector, p.child("podSelector")));
  if (peer.namespaceSelector) errs.push(...validateLabelSelector(peer.namespaceSelector, p.child("namespaceSelector")));
  if (peer.ipBlock) {
    const bp = p.child("ipBlock");
    if (!peer.ipBlock.cidr) errs.push(required(bp.child("cidr")));
    else errs.push(...isValidCIDR(bp.child("cidr"), peer.ipBlock.cidr));
    (peer.ipBlock.except ?? []).forEach((cidr, i) => errs.push(...isValidCIDR(bp.child("except").index(i), cidr)));
  }
  return errs;
}

/** ValidateNetworkPolicy / ValidateNetworkPolicyUpdate. */
export function validateNetworkPolicy(np: NetworkPolicy, old?: NetworkPolicy): Errors {
  const errs = old ? validateObjectMetaUpdate(np.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(np.metadata, nameIsDNSSubdomain, meta));
  const spec = np.spec ?? ({} as NonNullable<NetworkPolicy["spec"]>);
  const specPath = Path.root("spec");
  errs.push(...validateLabelSelector(spec.podSelector, specPath.child("podSelector")));
  (spec.ingress ?? []).forEach((rule, i) => {
    const p = specPath.child("ingress").index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, p.child("ports").index(j))));
    (rule.from ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, p.child("from").index(j))));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const p = specPath.child("egress").index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validatePort(port, p.child("ports").index(j))));
    (rule.to ?? []).forEach((peer, j) => errs.push(...validatePeer(peer, p.child("to").index(j))));
  });
  const types = spec.policyTypes ?? [];
  types.forEach((t, i) => {
    if (t !== "Ingress" && t !== "Egress") errs.push(notSupported(specPath.child("policyTypes").index(i), t, ["Ingress", "Egress"]));
  });
  if (types.length > 2) errs.push(invalid(specPath.child("policyTypes"), types, "may not specify more than two policyTypes"));
  return errs;
}
