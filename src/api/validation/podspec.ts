/**
 * PodSpec and PodTemplateSpec, as core validation's ValidatePodSpec / ValidatePodTemplateSpec, in
 * upstream's check order: volumes, containers, init containers, restart and DNS policy, node
 * selector, security context, affinity, DNS config, gates, topology spread, names, deadlines,
 * tolerations, host aliases, priority and OS.
 */
import type {
  Affinity, NodeSelector, NodeSelectorRequirement, PodAffinityTerm, PodDNSConfig, PodSecurityContext, PodSpec,
  PodTemplateSpec, Toleration, TopologySpreadConstraint,
} from "kubernetes-types/core/v1";
import { type PodContext, validateContainers, validateInitContainers, validateSeccompProfile } from "./containers";
import { type Errors, type Path, duplicate, forbidden, invalid, notSupported, required } from "./field";
import { goStringSlice } from "./govalue";
import { isValidIP } from "./ip";
import { validateAnnotations, validateLabelName, validateLabelSelector, validateLabels } from "./meta";
import {
  inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isDNS1123SubdomainWithUnderscore, isQualifiedName, isValidID, isValidLabelValue, nameIsDNSLabel,
  nameIsDNSSubdomain,
} from "./names";
import { validateVolumes } from "./volumes";

export interface PodSpecOptions {
  /** The spec is a Pod's own, not a template's (hostNetwork ports must then match exactly). */
  resourceIsPod: boolean;
}

const MAX_INT32 = 2147483647;

function qualifiedName(value: string, path: Path): Errors {
  return isQualifiedName(value).map((msg) => invalid(path, value, msg));
}

function dns1123Label(value: string, path: Path): Errors {
  return isDNS1123Label(value).map((msg) => invalid(path, value, msg));
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: Toleration[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child("key")));
    if (!t.key && t.operator !== "Exists") {
      errs.push(invalid(p.child("operator"), t.operator ?? "", "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== "NoExecute") {
      errs.push(invalid(p.child("effect"), t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (t.operator ?? "") {
      case "Equal":
      case "": {
        const msgs = isValidLabelValue(t.value ?? "");
        if (msgs.length) errs.push(invalid(p.child("operator"), t.value ?? "", msgs.join(";")));
        break;
      }
      case "Exists":
        if (t.value) errs.push(invalid(p.child("operator"), t.value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(p.child("operator"), t.operator, ["Equal", "Exists"]));
    }
    if (t.effect) errs.push(...validateTaintEffect(t.effect, true, p.child("effect")));
  });
  return errs;
}

/** validateTaintEffect. */
export function validateTaintEffect(effect: string | undefined, allowEmpty: boolean, path: Path): Errors {
  if (!allowEmpty && !effect) return [required(path)];
  const effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
  return effects.includes(effect ?? "") ? [] : [notSupported(path, effect ?? "", effects)];
}

function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, allowInvalidValues: boolean, path: Path): Errors {
  const errs: Errors = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case "In":
    case "NotIn":
      if (values.length === 0) errs.push(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case "Exists":
    case "DoesNotExist":
      if (values.length > 0) errs.push(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case "Gt":
    case "Lt":
      if (values.length !== 1) errs.push(required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(path.child("operator"), rq.operator ?? "", "not a valid selector operator"));
  }
  errs.push(...validateLabelName(rq.key ?? "", path.child("key")));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(path.child("values").index(i), v, msg));
    });
  }
  return errs;
}

function validateNodeSelectorTerm(term: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }, allowInvalid: boolean, path: Path): Errors {
  const errs: Errors = [];
  (term.matchExpressions ?? []).forEach((rq, j) => errs.push(...validateNodeSelectorRequirement(rq, allowInvalid, path.child("matchExpressions").index(j))));
  (term.matchFields ?? []).forEach((rq, j) => {
    const p = path.child("matchFields").index(j);
    if (rq.operator !== "In" && rq.operator !== "NotIn") errs.push(invalid(p.child("operator"), rq.operator ?? "", "not a valid selector operator"));
    else if ((rq.values ?? []).length !== 1) errs.push(required(p.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    if (rq.key !== "metadata.name") errs.push(invalid(p.child("key"), rq.key ?? "", "not a valid field selector key"));
    else (rq.values ?? []).forEach((v, k) => nameIsDNSSubdomain(v, false).forEach((msg) => errs.push(invalid(p.child("values").index(k), v, msg))));
  });
  return errs;
}

/** ValidateNodeSelector (required node affinity, PV node affinity). */
export function validateNodeSelector(selector: NodeSelector, path: Path): Errors {
  const termsPath = path.child("nodeSelectorTerms");
  if (!selector.nodeSelectorTerms?.length) return [required(termsPath, "must have at least one node selector term")];
  return selector.nodeSelectorTerms.flatMap((term, i) => validateNodeSelectorTerm(term, false, termsPath.index(i)));
}

function validatePodAffinityTerm(term: PodAffinityTerm, path: Path): Errors {
  const errs = validateLabelSelector(term.labelSelector, path.child("labelSelector"));
  errs.push(...validateLabelSelector(term.namespaceSelector, path.child("namespaceSelector")));
  for (const ns of term.namespaces ?? []) for (const msg of nameIsDNSLabel(ns, false)) errs.push(invalid(path.child("namespace"), ns, msg));
  if (!term.topologyKey) errs.push(required(path.child("topologyKey"), "can not be empty"));
  errs.push(...validateLabelName(term.topologyKey ?? "", path.child("topologyKey")));
  return errs;
}

function validateAffinity(affinity: Affinity | undefined, path: Path): Errors {
  if (!affinity) return [];
  const errs: Errors = [];
  const na = affinity.nodeAffinity;
  if (na) {
    const p = path.child("nodeAffinity");
    if (na.requiredDuringSchedulingIgnoredDuringExecution) {
      errs.push(...validateNodeSelector(na.requiredDuringSchedulingIgnoredDuringExecution, p.child("requiredDuringSchedulingIgnoredDuringExecution")));
    }
    (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      const tp = p.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      if (term.weight <= 0 || term.weight > 100) errs.push(invalid(tp.child("weight"), term.weight, "must be in the range 1-100"));
      errs.push(...validateNodeSelectorTerm(term.preference ?? {}, true, tp.child("preference")));
    });
  }
  for (const kind of ["podAffinity", "podAntiAffinity"] as const) {
    const pa = affinity[kind];
    if (!pa) continue;
    const p = path.child(kind);
    (pa.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term, i) => {
      errs.push(...validatePodAffinityTerm(term, p.child("requiredDuringSchedulingIgnoredDuringExecution").index(i)));
    });
    (pa.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((wt, i) => {
      const tp = p.child("preferredDuringSchedulingIgnoredDuringExecution").index(i);
      if (wt.weight <= 0 || wt.weight > 100) errs.push(invalid(tp.child("weight"), wt.weight, "must be in the range 1-100"));
      errs.push(...validatePodAffinityTerm(wt.podAffinityTerm ?? ({} as PodAffinityTerm), tp.child("podAffinityTerm")));
    });
  }
  return errs;
}

function validatePodDNSConfig(config: PodDNSConfig | undefined, dnsPolicy: string | undefined, path: Path): Errors {
  const errs: Errors = [];
  if (dnsPolicy === "None") {
    if (!config) return [required(path, "must provide `dnsConfig` when `dnsPolicy` is None")];
    if (!config.nameservers?.length) return [required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")];
  }
  if (!config) return errs;
  const nameservers = config.nameservers ?? [];
  if (nameservers.length > 3) errs.push(invalid(path.child("nameservers"), goStringSlice(nameservers), "must not have more than 3 nameservers"));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(path.child("nameservers").index(i), ns)));
  const searches = config.searches ?? [];
  if (searches.length > 32) errs.push(invalid(path.child("searches"), goStringSlice(searches), "must not have more than 32 search paths"));
  if (searches.join(" ").length > 2048) {
    errs.push(invalid(path.child("searches"), goStringSlice(searches), "must not have more than 2048 characters (including spaces) in the search list"));
  }
  searches.forEach((search, i) => {
    if (search === ".") return;
    const trimmed = search.endsWith(".") ? search.slice(0, -1) : search;
    // AllowRelaxedDNSSearchValidation (on by default since 1.32) also accepts underscores.
    for (const msg of isDNS1123SubdomainWithUnderscore(trimmed)) errs.push(invalid(path.child("searches").index(i), trimmed, msg));
  });
  (config.options ?? []).forEach((opt, i) => {
    if (!opt.name) errs.push(required(path.child("options").index(i), "must not be empty"));
  });
  return errs;
}

function validatePodSecurityContext(sc: PodSecurityContext | undefined, spec: PodSpec, path: Path): Errors {
  if (!sc) return [];
  const errs: Errors = [];
  const id = (value: number | undefined, p: Path) => {
    if (typeof value === "number") for (const msg of isValidID(value)) errs.push(invalid(p, value, msg));
  };
  id(sc.fsGroup, path.child("fsGroup"));
  id(sc.runAsUser, path.child("runAsUser"));
  id(sc.runAsGroup, path.child("runAsGroup"));
  (sc.supplementalGroups ?? []).forEach((g, i) => id(g, path.child("supplementalGroups").index(i)));
  if (spec.shareProcessNamespace && spec.hostPID) {
    errs.push(invalid(path.child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  if (sc.fsGroupChangePolicy !== undefined && !["Always", "OnRootMismatch"].includes(sc.fsGroupChangePolicy)) {
    errs.push(notSupported(path.child("fsGroupChangePolicy"), sc.fsGroupChangePolicy, ["Always", "OnRootMismatch"]));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, path.child("seccompProfile")));
  return errs;
}

function validateTopologySpreadConstraints(constraints: TopologySpreadConstraint[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  const list = constraints ?? [];
  list.forEach((c, i) => {
    const p = path.index(i);
    if (c.maxSkew <= 0) errs.push(invalid(p.child("maxSkew"), c.maxSkew, "must be greater than zero"));
    if (!c.topologyKey) errs.push(required(p.child("topologyKey"), "can not be empty"));
    const actions = ["DoNotSchedule", "ScheduleAnyway"];
    if (!actions.includes(c.whenUnsatisfiable)) errs.push(notSupported(p.child("whenUnsatisfiable"), c.whenUnsatisfiable ?? "", actions));
    if (list.slice(i + 1).some((o) => o.topologyKey === c.topologyKey && o.whenUnsatisfiable === c.whenUnsatisfiable)) {
      errs.push(duplicate(p.child("{topologyKey, whenUnsatisfiable}"), `{${c.topologyKey}, ${c.whenUnsatisfiable}}`));
    }
    if (c.minDomains !== undefined && c.minDomains !== null) {
      if (c.minDomains <= 0) errs.push(invalid(p.child("minDomains"), c.minDomains, "must be greater than zero"));
      if (c.whenUnsatisfiable !== "DoNotSchedule") {
        errs.push(invalid(p.child("minDomains"), c.minDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ScheduleAnyway"));
      }
    }
    errs.push(...validateLabelSelector(c.labelSelector, p.child("labelSelector")));
  });
  return errs;
}

/** Ports of a hostNetwork pod: a Pod's hostPort must equal containerPort; a template's may be unset. */
function validatePodHostNetworkDeps(spec: PodSpec, opts: PodSpecOptions, path: Path): Errors {
  if (!spec.hostNetwork) return [];
  const errs: Errors = [];
  (spec.containers ?? []).forEach((ctr, i) => {
    (ctr.ports ?? []).forEach((port, j) => {
      const hp = port.hostPort ?? 0;
      if ((opts.resourceIsPod || hp !== 0) && hp !== port.containerPort) {
        errs.push(invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"), hp, "must match `containerPort` when `hostNetwork` is true"));
      }
    });
  });
  return errs;
}

/** ValidatePodSpec. */
export function validatePodSpec(spec: PodSpec | undefined, path: Path, opts: PodSpecOptions): Errors {
  const s = spec ?? ({} as PodSpec);
  const errs: Errors = [];
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) {
    errs.push(required(path.child("terminationGracePeriodSeconds")));
  }
  const { names: volumes, errs: volumeErrs } = validateVolumes(s.volumes, path.child("volumes"));
  errs.push(...volumeErrs);
  const pod: PodContext = {
    volumes,
    gracePeriod: s.terminationGracePeriodSeconds ?? undefined,
    restartPolicy: s.restartPolicy,
    hostUsers: s.hostUsers ?? true,
  };
  errs.push(...validateContainers(s.containers, pod, path.child("containers")));
  errs.push(...validateInitContainers(s.initContainers, s.containers, pod, path.child("initContainers")));
  errs.push(...validatePodHostNetworkDeps(s, opts, path));
  errs.push(...validateEnum(s.restartPolicy, ["Always", "OnFailure", "Never"], path.child("restartPolicy")));
  errs.push(...validateEnum(s.dnsPolicy, ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"], path.child("dnsPolicy")));
  errs.push(...validateLabels(s.nodeSelector, path.child("nodeSelector")));
  errs.push(...validatePodSecurityContext(s.securityContext, s, path.child("securityContext")));
  errs.push(...validateAffinity(s.affinity, path.child("affinity")));
  errs.push(...validatePodDNSConfig(s.dnsConfig, s.dnsPolicy, path.child("dnsConfig")));
  (s.readinessGates ?? []).forEach((g, i) => errs.push(...qualifiedName(g.conditionType ?? "", path.child("readinessGates").index(i).child("conditionType"))));
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g, i) => {
    errs.push(...qualifiedName(g.name ?? "", path.child("schedulingGates").index(i)));
    if (gates.has(g.name)) errs.push(duplicate(path.child("schedulingGates").index(i), g.name));
    gates.add(g.name);
  });
  errs.push(...validateTopologySpreadConstraints(s.topologySpreadConstraints, path.child("topologySpreadConstraints")));
  if (s.serviceAccountName) {
    for (const msg of nameIsDNSSubdomain(s.serviceAccountName, false)) errs.push(invalid(path.child("serviceAccountName"), s.serviceAccountName, msg));
  }
  if (s.nodeName) for (const msg of nameIsDNSSubdomain(s.nodeName, false)) errs.push(invalid(path.child("nodeName"), s.nodeName, msg));
  const ads = s.activeDeadlineSeconds;
  if (typeof ads === "number" && (ads < 1 || ads > MAX_INT32)) {
    errs.push(invalid(path.child("activeDeadlineSeconds"), ads, inclusiveRangeError(1, MAX_INT32)));
  }
  if (s.hostname) errs.push(...dns1123Label(s.hostname, path.child("hostname")));
  if (s.subdomain) errs.push(...dns1123Label(s.subdomain, path.child("subdomain")));
  errs.push(...validateTolerations(s.tolerations, path.child("tolerations")));
  (s.hostAliases ?? []).forEach((alias, i) => {
    const p = path.child("hostAliases").index(i);
    errs.push(...isValidIP(p.child("ip"), alias.ip ?? ""));
    (alias.hostnames ?? []).forEach((h, j) => isDNS1123Subdomain(h).forEach((msg) => errs.push(invalid(p.child("hostnames").index(j), h, msg))));
  });
  if (s.priorityClassName) {
    for (const msg of nameIsDNSSubdomain(s.priorityClassName, false)) errs.push(invalid(path.child("priorityClassName"), s.priorityClassName, msg));
  }
  if (s.runtimeClassName !== undefined && s.runtimeClassName !== null) {
    for (const msg of nameIsDNSSubdomain(s.runtimeClassName, false)) errs.push(invalid(path.child("runtimeClassName"), s.runtimeClassName, msg));
  }
  if (s.preemptionPolicy !== undefined && s.preemptionPolicy !== null) {
    errs.push(...validateEnum(s.preemptionPolicy, ["PreemptLowerPriority", "Never"], path.child("preemptionPolicy")));
  }
  if (s.os && s.os.name !== "linux" && s.os.name !== "windows") errs.push(notSupported(path.child("os").child("name"), s.os.name ?? "", ["linux", "windows"]));
  return errs;
}

/** The `switch { case valid: case "": Required; default: NotSupported }` shape upstream uses for enums. */
function validateEnum(value: string | undefined | null, valid: string[], path: Path): Errors {
  if (!value) return [required(path)];
  return valid.includes(value) ? [] : [notSupported(path, value, valid)];
}

/** ValidatePodSpecificAnnotations: the mirror-pod, deletion-cost and seccomp annotations. */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: PodSpec | undefined, path: Path): Errors {
  const errs: Errors = [];
  const a = annotations ?? {};
  if ("kubernetes.io/config.mirror" in a && !spec?.nodeName) {
    errs.push(invalid(path.key("kubernetes.io/config.mirror"), a["kubernetes.io/config.mirror"], "must set spec.nodeName if mirror pod annotation is set"));
  }
  const cost = a["controller.kubernetes.io/pod-deletion-cost"];
  if (cost !== undefined) {
    const n = /^[+-]?[0-9]+$/.test(cost) ? Number(cost) : NaN;
    if (!(n >= -2147483648 && n <= MAX_INT32)) errs.push(invalid(path.key("controller.kubernetes.io/pod-deletion-cost"), cost, "must be a 32bit integer"));
  }
  for (const [k, v] of Object.entries(a)) {
    if (k !== "seccomp.security.alpha.kubernetes.io/pod" && !k.startsWith("container.seccomp.security.alpha.kubernetes.io/")) continue;
    if (v === "runtime/default" || v === "docker/default" || v === "unconfined" || v.startsWith("localhost/")) continue;
    errs.push(invalid(path.child(k), v, "must be a valid seccomp profile"));
  }
  return errs;
}

/** ValidatePodTemplateSpec (templates inside workloads; labels are reported at `template.labels`). */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, path: Path): Errors {
  const t = template ?? {};
  const errs = validateLabels(t.metadata?.labels, path.child("labels"));
  errs.push(...validateAnnotations(t.metadata?.annotations, path.child("annotations")));
  errs.push(...validatePodSpecificAnnotations(t.metadata?.annotations, t.spec, path.child("annotations")));
  errs.push(...validatePodSpec(t.spec, path.child("spec"), { resourceIsPod: false }));
  if (t.spec?.ephemeralContainers?.length) {
    errs.push(forbidden(path.child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}
