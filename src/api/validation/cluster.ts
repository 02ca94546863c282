/**
 * Namespaces, Nodes, Leases, Events and PodDisruptionBudgets: core validation's ValidateNamespace,
 * ValidateNode(Update) and ValidateEvent, coordination's ValidateLease and policy's
 * ValidatePodDisruptionBudget (whose metadata only gets the generic path-segment name check).
 */
import type { Event, Namespace, Node, Taint } from "kubernetes-types/core/v1";
import type { Lease } from "kubernetes-types/coordination/v1";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1";
import { type Errors, GoLiteral, Path, duplicate, forbidden, invalid, notSupported, required } from "./field";
import { goQuote, goStringSlice, jsonValue } from "./govalue";
import { isIPv6String, isValidCIDR } from "./ip";
import { validateLabelName, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue, isValidPathSegmentName, nameIsDNSLabel, nameIsDNSSubdomain } from "./names";
import { validateTaintEffect } from "./podspec";
import { quantityAt, validateResourceQuantityValue } from "./resourcelists";
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from "./workloads";

const meta = Path.root("metadata");
const spec = Path.root("spec");
const STANDARD_FINALIZERS = new Set(["kubernetes", "orphan", "foregroundDeletion"]);

/** ValidateNamespace / ValidateNamespaceUpdate (spec.finalizers change only through /finalize). */
export function validateNamespace(ns: Namespace, old?: Namespace): Errors {
  if (old) return validateObjectMetaUpdate(ns.metadata, old.metadata, meta);
  const errs = validateObjectMeta(ns.metadata, nameIsDNSLabel, meta);
  for (const f of ns.spec?.finalizers ?? []) {
    const p = spec.child("finalizers");
    errs.push(...isQualifiedName(f).map((msg) => invalid(p, f, msg)));
    if (!f.includes("/") && !STANDARD_FINALIZERS.has(f)) errs.push(invalid(p, f, "name is neither a standard finalizer name nor is it fully qualified"));
  }
  return errs;
}

function goTaint(t: Taint): GoLiteral {
  if (t.timeAdded) return jsonValue(t);
  return new GoLiteral(`core.Taint{Key:${goQuote(t.key ?? "")}, Value:${goQuote(t.value ?? "")}, Effect:${goQuote(t.effect ?? "")}, TimeAdded:(*v1.Time)(nil)}`);
}

/** validateNodeTaints (reported under metadata.taints, as upstream does). */
function validateNodeTaints(taints: Taint[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  const seen = new Set<string>();
  (taints ?? []).forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(t.key ?? "", p.child("key")));
    const msgs = isValidLabelValue(t.value ?? "");
    if (msgs.length) errs.push(invalid(p.child("value"), t.value ?? "", msgs.join(";")));
    errs.push(...validateTaintEffect(t.effect, false, p.child("effect")));
    const key = `${t.effect}\u0000${t.key}`;
    if (seen.has(key)) errs.push(duplicate(p, goTaint(t), "taints must be unique by key and effect pair"));
    else seen.add(key);
  });
  return errs;
}

function validateNodeResources(node: Node): Errors {
  const errs: Errors = [];
  for (const field of ["capacity", "allocatable"] as const) {
    for (const [name, value] of Object.entries(node.status?.[field] ?? {})) {
      const p = Path.root("status", field, name);
      const q = quantityAt(value, p, errs);
      if (q) errs.push(...validateResourceQuantityValue(name, q, p));
    }
  }
  return errs;
}

/** ValidateNode / ValidateNodeUpdate. */
export function validateNode(node: Node, old?: Node): Errors {
  if (old) {
    const errs = validateObjectMetaUpdate(node.metadata, old.metadata, meta);
    errs.push(...validateNodeResources(node));
    const seen = new Set<string>();
    (node.status?.addresses ?? []).forEach((a, i) => {
      const key = `${a.type}/${a.address}`;
      if (seen.has(key)) errs.push(duplicate(Path.root("status", "addresses").index(i), jsonValue(a)));
      seen.add(key);
    });
    const oldCIDRs = old.spec?.podCIDRs ?? [];
    const cidrs = node.spec?.podCIDRs ?? [];
    if (oldCIDRs.length) {
      const msg = "node updates may not change podCIDR except from \"\" to valid";
      if (oldCIDRs.length !== cidrs.length) errs.push(forbidden(spec.child("podCIDRs"), msg));
      else oldCIDRs.forEach((c, i) => { if (c !== cidrs[i]) errs.push(forbidden(spec.child("podCIDRs"), msg)); });
    }
    if (old.spec?.providerID && old.spec.providerID !== node.spec?.providerID) {
      errs.push(forbidden(spec.child("providerID"), "node updates may not change providerID except from \"\" to valid"));
    }
    errs.push(...validateNodeTaints(node.spec?.taints, meta.child("taints")));
    return errs;
  }
  const errs = validateObjectMeta(node.metadata, nameIsDNSSubdomain, meta);
  errs.push(...validateNodeTaints(node.spec?.taints, meta.child("taints")));
  errs.push(...validateNodeResources(node));
  const cidrs = node.spec?.podCIDRs ?? [];
  const cidrPath = spec.child("podCIDRs");
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(cidrPath.index(i), c)));
  if (cidrs.length > 1) {
    const families = new Set(cidrs.map((c) => isIPv6String(c.split("/")[0])));
    if (families.size !== cidrs.length || cidrs.length > 2) errs.push(invalid(cidrPath, goStringSlice(cidrs), "may specify no more than one CIDR for each IP family"));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(cidrPath.index(i), c));
      seen.add(c);
    });
  }
  return errs;
}

/** ValidateLease. */
export function validateLease(lease: Lease, old?: Lease): Errors {
  const errs = old ? validateObjectMetaUpdate(lease.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(lease.metadata, nameIsDNSSubdomain, meta));
  const s = lease.spec ?? {};
  if (typeof s.leaseDurationSeconds === "number" && s.leaseDurationSeconds <= 0) {
    errs.push(invalid(spec.child("leaseDurationSeconds"), s.leaseDurationSeconds, "must be greater than 0"));
  }
  if (typeof s.leaseTransitions === "number" && s.leaseTransitions < 0) {
    errs.push(invalid(spec.child("leaseTransitions"), s.leaseTransitions, "must be greater than or equal to 0"));
  }
  return errs;
}

/** Kinds whose events must (or must not) name a namespace, for the involvedObject check. */
const NAMESPACED_KINDS = new Set([
  "Pod", "Service", "Endpoints", "ConfigMap", "Secret", "ServiceAccount", "PersistentVolumeClaim", "ReplicationController",
  "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision", "Job", "CronJob", "HorizontalPodAutoscaler",
  "PodDisruptionBudget", "Lease", "EndpointSlice", "Event",
]);
const CLUSTER_KINDS = new Set(["Node", "Namespace", "PersistentVolume", "StorageClass"]);

/** A core Event, or an events.k8s.io/v1 one not yet converted (regarding, note, reportingController). */
type AnyEvent = Event & { regarding?: Event["involvedObject"]; note?: string; reportingController?: string };

/**
 * ValidateEventCreate. Core events without eventTime get the legacy checks only; events with an
 * eventTime (and every events.k8s.io/v1 create) also need the reporting fields.
 */
export function validateEvent(event: AnyEvent, eventsAPI: boolean): Errors {
  const errs: Errors = [];
  const involved = (eventsAPI ? event.regarding ?? event.involvedObject : event.involvedObject) ?? {};
  const involvedPath = Path.root("involvedObject", "namespace");
  const controllerPath = Path.root(eventsAPI ? "reportingController" : "reportingComponent");
  const namespace = event.metadata?.namespace ?? "";
  const involvedNs = involved.namespace ?? "";
  if (!event.eventTime) {
    if (!involvedNs ? namespace !== "" && namespace !== "default" : namespace !== involvedNs) {
      errs.push(invalid(involvedPath, involvedNs, "does not match event.namespace"));
    }
  } else {
    if (!involvedNs && namespace !== "kube-system") errs.push(invalid(involvedPath, involvedNs, "does not match event.namespace"));
    const controller = event.reportingComponent ?? event.reportingController ?? "";
    if (!controller) errs.push(required(controllerPath));
    for (const msg of isQualifiedName(controller)) errs.push(invalid(controllerPath, controller, msg));
    const instance = event.reportingInstance ?? "";
    if (!instance) errs.push(required(Path.root("reportingInstance")));
    if (instance.length > 128) errs.push(invalid(Path.root("reportingInstance"), "", "can have at most 128 characters"));
    if (!event.action) errs.push(required(Path.root("action")));
    if ((event.action ?? "").length > 128) errs.push(invalid(Path.root("action"), "", "can have at most 128 characters"));
    if (!event.reason) errs.push(required(Path.root("reason")));
    if ((event.reason ?? "").length > 128) errs.push(invalid(Path.root("reason"), "", "can have at most 128 characters"));
    const note = (eventsAPI ? event.note ?? event.message : event.message) ?? "";
    if (note.length > 1024) errs.push(invalid(Path.root(eventsAPI ? "note" : "message"), "", "can have at most 1024 characters"));
  }
  const kind = involved.kind ?? "";
  if (NAMESPACED_KINDS.has(kind) && !involvedNs) errs.push(required(involvedPath, `required for kind ${kind}`));
  if (CLUSTER_KINDS.has(kind) && involvedNs) errs.push(invalid(involvedPath, involvedNs, `not allowed for kind ${kind}`));
  for (const msg of isDNS1123Subdomain(namespace)) errs.push(invalid(Path.root("namespace"), namespace, msg));
  if (eventsAPI) {
    errs.push(...validateObjectMeta(event.metadata, nameIsDNSSubdomain, meta));
    if (!event.eventTime) errs.push(required(Path.root("eventTime")));
    if (event.type !== "Normal" && event.type !== "Warning") errs.push(invalid(Path.root("type"), "", `has invalid value: ${event.type ?? ""}`));
  } else if (errs.length === 0) {
    errs.push(...validateObjectMeta(event.metadata, isValidPathSegmentName, meta));
  }
  return errs;
}

/** ValidatePodDisruptionBudget, then the generic metadata checks every kind gets. */
export function validatePodDisruptionBudget(pdb: PodDisruptionBudget, old?: PodDisruptionBudget): Errors {
  const errs = old ? validateObjectMetaUpdate(pdb.metadata, old.metadata, meta) : [];
  const s = pdb.spec ?? {};
  if (s.minAvailable !== undefined && s.maxUnavailable !== undefined) {
    errs.push(invalid(spec, jsonValue(s), "minAvailable and maxUnavailable cannot be both set"));
  }
  for (const field of ["minAvailable", "maxUnavailable"] as const) {
    if (s[field] === undefined) continue;
    errs.push(...validatePositiveIntOrPercent(s[field], spec.child(field)));
    errs.push(...isNotMoreThan100Percent(s[field], spec.child(field)));
  }
  errs.push(...validateLabelSelector(s.selector, spec.child("selector")));
  const policies = ["AlwaysAllow", "IfHealthyBudget"];
  if (s.unhealthyPodEvictionPolicy !== undefined && !policies.includes(s.unhealthyPodEvictionPolicy)) {
    errs.push(notSupported(spec.child("unhealthyPodEvictionPolicy"), s.unhealthyPodEvictionPolicy, policies));
  }
  if (!old && errs.length === 0) errs.push(...validateObjectMeta(pdb.metadata, isValidPathSegmentName, meta));
  return errs;
}
