/**
 * apps/v1 workloads and ReplicationController, as apps validation (ValidateDeployment,
 * ValidateReplicaSet, ValidateDaemonSet, ValidateStatefulSet, ValidateControllerRevision), core's
 * ValidateReplicationController, and the apps/v1 strategies' immutable `spec.selector`.
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type {
  ControllerRevision, DaemonSet, DaemonSetUpdateStrategy, Deployment, DeploymentStrategy, ReplicaSet, StatefulSet,
} from "kubernetes-types/apps/v1";
import type { PodTemplateSpec, ReplicationController } from "kubernetes-types/core/v1";
import { type Errors, GoLiteral, Path, forbidden, invalid, nonNegative, notSupported, required } from "./field";
import { goIntOrString, goLabelSelector, goQuote, goStringMap, jsonValue } from "./govalue";
import { deepEqual, immutableField, selectorMatcher, validateAnnotations, validateLabelSelector, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1123Label, isValidPercent, nameIsDNSLabel, nameIsDNSSubdomain } from "./names";
import { validatePodSpecificAnnotations, validatePodTemplateSpec } from "./podspec";

const meta = Path.root("metadata");
const spec = Path.root("spec");

/** intstr as a number: a valid percentage's number, an int's value, else 0 (getIntOrPercentValue). */
function intOrPercentValue(v: unknown): number {
  if (typeof v === "string") return isValidPercent(v).length ? 0 : Number(v.slice(0, -1));
  return typeof v === "number" ? v : 0;
}

/** ValidatePositiveIntOrPercent. */
export function validatePositiveIntOrPercent(v: unknown, path: Path): Errors {
  if (typeof v === "string") return isValidPercent(v).map((msg) => invalid(path, goIntOrString(v), msg));
  return nonNegative(typeof v === "number" ? v : 0, path);
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: unknown, path: Path): Errors {
  if (typeof v !== "string" || isValidPercent(v).length || intOrPercentValue(v) <= 100) return [];
  return [invalid(path, goIntOrString(v), "must not be greater than 100%")];
}

/** The selector checks every apps/v1 workload shares; returns the matcher for the template check. */
function validateWorkloadSelector(selector: LabelSelector | undefined, kind: string, path: Path, errs: Errors) {
  if (!selector) errs.push(required(path));
  else {
    errs.push(...validateLabelSelector(selector, path));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid(path, goLabelSelector(selector), `empty selector is invalid for ${kind}`));
    }
  }
  return selectorMatcher(selector);
}

/** The template labels must be selected by a non-empty selector. */
function templateLabelsMatch(matcher: ReturnType<typeof selectorMatcher>, template: PodTemplateSpec | undefined, path: Path): Errors {
  const labels = template?.metadata?.labels;
  if (!matcher || matcher.empty || matcher.matches(labels)) return [];
  return [invalid(path.child("metadata", "labels"), goStringMap(labels), "`selector` does not match template `labels`")];
}

/** Templates of long-running pods: restartPolicy Always, no activeDeadlineSeconds. */
function validateAlwaysRestartTemplate(template: PodTemplateSpec | undefined, kindName: string, path: Path): Errors {
  const errs: Errors = [];
  const restartPolicy = template?.spec?.restartPolicy ?? "";
  if (restartPolicy !== "Always") errs.push(notSupported(path.child("spec", "restartPolicy"), restartPolicy, ["Always"]));
  if (template?.spec?.activeDeadlineSeconds !== undefined && template.spec.activeDeadlineSeconds !== null) {
    errs.push(forbidden(path.child("spec", "activeDeadlineSeconds"), `activeDeadlineSeconds in ${kindName} is not Supported`));
  }
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployment and ReplicaSet templates). */
function validateTemplateForReplicaSet(template: PodTemplateSpec | undefined, matcher: ReturnType<typeof selectorMatcher>, path: Path): Errors {
  const errs = templateLabelsMatch(matcher, template, path);
  errs.push(...validatePodTemplateSpec(template, path));
  errs.push(...validateAlwaysRestartTemplate(template, "ReplicaSet", path));
  return errs;
}

function validateDeploymentStrategy(strategy: DeploymentStrategy | undefined, path: Path): Errors {
  const s = strategy ?? {};
  switch (s.type) {
    case "Recreate":
      return s.rollingUpdate ? [forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case "RollingUpdate": {
      const ru = s.rollingUpdate;
      if (!ru) return [required(path.child("rollingUpdate"), "this should be defaulted and never be nil")];
      const p = path.child("rollingUpdate");
      const errs = validatePositiveIntOrPercent(ru.maxUnavailable, p.child("maxUnavailable"));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child("maxSurge")));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(invalid(p.child("maxUnavailable"), goIntOrString(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
      }
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child("maxUnavailable")));
      return errs;
    }
    default: {
      const value = s.rollingUpdate
        ? jsonValue(s)
        : new GoLiteral(`apps.DeploymentStrategy{Type:${goQuote(s.type ?? "")}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}`);
      return [notSupported(path, value, ["Recreate", "RollingUpdate"])];
    }
  }
}

/** ValidateDeployment / ValidateDeploymentUpdate (+ the apps/v1 strategy's immutable selector). */
export function validateDeployment(d: Deployment, old?: Deployment): Errors {
  const errs = old ? validateObjectMetaUpdate(d.metadata, old.metadata, meta) : validateObjectMeta(d.metadata, nameIsDNSSubdomain, meta);
  const s = d.spec ?? ({} as NonNullable<Deployment["spec"]>);
  errs.push(...nonNegative(s.replicas, spec.child("replicas")));
  const matcher = validateWorkloadSelector(s.selector, "deployment", spec.child("selector"), errs);
  if (!matcher) errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "invalid label selector"));
  else errs.push(...validateTemplateForReplicaSet(s.template, matcher, spec.child("template")));
  errs.push(...validateDeploymentStrategy(s.strategy, spec.child("strategy")));
  errs.push(...nonNegative(s.minReadySeconds, spec.child("minReadySeconds")));
  errs.push(...nonNegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  if (typeof s.progressDeadlineSeconds === "number") {
    errs.push(...nonNegative(s.progressDeadlineSeconds, spec.child("progressDeadlineSeconds")));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(invalid(spec.child("progressDeadlineSeconds"), s.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  if (old) errs.push(...immutableField(s.selector, old.spec?.selector, spec.child("selector"), (v) => goLabelSelector(v as LabelSelector)));
  return errs;
}

/** ValidateReplicaSet / ValidateReplicaSetUpdate (upstream reuses the deployment wording for empty selectors). */
export function validateReplicaSet(rs: ReplicaSet, old?: ReplicaSet): Errors {
  const errs = old ? validateObjectMetaUpdate(rs.metadata, old.metadata, meta) : validateObjectMeta(rs.metadata, nameIsDNSSubdomain, meta);
  const s = rs.spec ?? ({} as NonNullable<ReplicaSet["spec"]>);
  errs.push(...nonNegative(s.replicas, spec.child("replicas")));
  errs.push(...nonNegative(s.minReadySeconds, spec.child("minReadySeconds")));
  const matcher = validateWorkloadSelector(s.selector, "deployment", spec.child("selector"), errs);
  if (!matcher) errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "invalid label selector"));
  else errs.push(...validateTemplateForReplicaSet(s.template, matcher, spec.child("template")));
  if (old) errs.push(...immutableField(s.selector, old.spec?.selector, spec.child("selector"), (v) => goLabelSelector(v as LabelSelector)));
  return errs;
}

/** ValidateReplicationController(Update): a map selector, non-empty, matching the template. */
export function validateReplicationController(rc: ReplicationController, old?: ReplicationController): Errors {
  const errs = old ? validateObjectMetaUpdate(rc.metadata, old.metadata, meta) : validateObjectMeta(rc.metadata, nameIsDNSSubdomain, meta);
  const s = rc.spec ?? {};
  errs.push(...nonNegative(s.minReadySeconds, spec.child("minReadySeconds")));
  const selector = s.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(required(spec.child("selector")));
  errs.push(...nonNegative(s.replicas, spec.child("replicas")));
  const tp = spec.child("template");
  if (!s.template) {
    errs.push(required(tp));
    return errs;
  }
  const labels = s.template.metadata?.labels ?? {};
  if (Object.keys(selector).length && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(invalid(tp.child("metadata", "labels"), goStringMap(s.template.metadata?.labels), "`selector` does not match template `labels`"));
  }
  errs.push(...validatePodTemplateSpec(s.template, tp));
  errs.push(...validateAlwaysRestartTemplate(s.template, "ReplicationController", tp));
  return errs;
}

/** ValidateDaemonSet / ValidateDaemonSetUpdate. */
export function validateDaemonSet(ds: DaemonSet, old?: DaemonSet): Errors {
  const errs = old ? validateObjectMetaUpdate(ds.metadata, old.metadata, meta) : validateObjectMeta(ds.metadata, nameIsDNSSubdomain, meta);
  const s = ds.spec ?? ({} as NonNullable<DaemonSet["spec"]>);
  errs.push(...validateLabelSelector(s.selector, spec.child("selector")));
  const matcher = selectorMatcher(s.selector);
  if (matcher && !matcher.matches(s.template?.metadata?.labels)) {
    errs.push(invalid(spec.child("template", "metadata", "labels"), goStringMap(s.template?.metadata?.labels), "`selector` does not match template `labels`"));
  }
  if (s.selector && Object.keys(s.selector.matchLabels ?? {}).length + (s.selector.matchExpressions ?? []).length === 0) {
    errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), "empty selector is invalid for daemonset"));
  }
  errs.push(...validatePodTemplateSpec(s.template, spec.child("template")));
  errs.push(...validateAlwaysRestartTemplate(s.template, "DaemonSet", spec.child("template")));
  errs.push(...nonNegative(s.minReadySeconds, spec.child("minReadySeconds")));
  errs.push(...validateDaemonSetUpdateStrategy(s.updateStrategy, spec.child("updateStrategy")));
  errs.push(...nonNegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")));
  if (old) errs.push(...immutableField(s.selector, old.spec?.selector, spec.child("selector"), (v) => goLabelSelector(v as LabelSelector)));
  return errs;
}

function validateDaemonSetUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, path: Path): Errors {
  const s = strategy ?? {};
  switch (s.type) {
    case "OnDelete":
      return [];
    case "RollingUpdate": {
      const ru = s.rollingUpdate;
      if (!ru) return [required(path.child("rollingUpdate"))];
      const p = path.child("rollingUpdate");
      const errs = validatePositiveIntOrPercent(ru.maxUnavailable, p.child("maxUnavailable"));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, p.child("maxSurge")));
      errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child("maxUnavailable")));
      errs.push(...isNotMoreThan100Percent(ru.maxSurge, p.child("maxSurge")));
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) errs.push(invalid(p.child("maxSurge"), goIntOrString(ru.maxSurge), "may not be set when maxUnavailable is non-zero"));
      else if (!hasUnavailable && !hasSurge) errs.push(required(p.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
      return errs;
    }
    default: {
      const value = s.rollingUpdate
        ? jsonValue(s)
        : new GoLiteral(`apps.DaemonSetUpdateStrategy{Type:${goQuote(s.type ?? "")}, RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}`);
      return [notSupported(path, value, ["RollingUpdate", "OnDelete"])];
    }
  }
}

/** ValidateStatefulSetSpec. The pod template's spec is not validated, as upstream (its pods fail instead). */
function validateStatefulSetSpec(s: NonNullable<StatefulSet["spec"]>): Errors {
  const errs: Errors = [];
  if (s.serviceName) for (const msg of isDNS1123Label(s.serviceName)) errs.push(invalid(spec.child("serviceName"), s.serviceName, msg));
  switch (s.podManagementPolicy ?? "") {
    case "":
      errs.push(required(spec.child("podManagementPolicy")));
      break;
    case "OrderedReady":
    case "Parallel":
      break;
    default:
      errs.push(invalid(spec.child("podManagementPolicy"), s.podManagementPolicy, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = s.updateStrategy ?? {};
  const sp = spec.child("updateStrategy");
  switch (strategy.type ?? "") {
    case "":
      errs.push(required(sp));
      break;
    case "OnDelete":
      if (strategy.rollingUpdate) {
        const ru = strategy.rollingUpdate;
        const value = ru.maxUnavailable === undefined
          ? new GoLiteral(`apps.RollingUpdateStatefulSetStrategy{Partition:${ru.partition ?? 0}, MaxUnavailable:(*intstr.IntOrString)(nil)}`)
          : jsonValue(ru);
        errs.push(invalid(sp.child("rollingUpdate"), value, "only allowed for updateStrategy 'RollingUpdate'"));
      }
      break;
    case "RollingUpdate":
      if (strategy.rollingUpdate) {
        const ru = strategy.rollingUpdate;
        const p = sp.child("rollingUpdate");
        errs.push(...nonNegative(ru.partition ?? 0, p.child("partition")));
        if (ru.maxUnavailable !== undefined) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child("maxUnavailable")));
          if (intOrPercentValue(ru.maxUnavailable) === 0) errs.push(invalid(p.child("maxUnavailable"), goIntOrString(ru.maxUnavailable), "cannot be 0"));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child("maxUnavailable")));
        }
      }
      break;
    default: {
      const value = strategy.rollingUpdate
        ? jsonValue(strategy)
        : new GoLiteral(`apps.StatefulSetUpdateStrategy{Type:${goQuote(strategy.type ?? "")}, RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}`);
      errs.push(invalid(sp, value, "must be 'RollingUpdate' or 'OnDelete'"));
    }
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  if (retention) {
    for (const f of ["whenDeleted", "whenScaled"] as const) {
      const v = retention[f] ?? "";
      if (v !== "Retain" && v !== "Delete") errs.push(notSupported(spec.child("persistentVolumeClaimRetentionPolicy", f), v, ["Retain", "Delete"]));
    }
  }
  errs.push(...nonNegative(s.replicas, spec.child("replicas")));
  errs.push(...nonNegative(s.minReadySeconds, spec.child("minReadySeconds")));
  if (s.ordinals) errs.push(...nonNegative(s.ordinals.start ?? 0, spec.child("ordinals.start")));
  const matcher = validateWorkloadSelector(s.selector, "statefulset", spec.child("selector"), errs);
  const tp = spec.child("template");
  if (!matcher) errs.push(invalid(spec.child("selector"), goLabelSelector(s.selector), ""));
  else {
    errs.push(...templateLabelsMatch(matcher, s.template, tp));
    errs.push(...validateLabels(s.template?.metadata?.labels, tp.child("labels")));
    errs.push(...validateAnnotations(s.template?.metadata?.annotations, tp.child("annotations")));
    errs.push(...validatePodSpecificAnnotations(s.template?.metadata?.annotations, s.template?.spec, tp.child("annotations")));
  }
  errs.push(...validateAlwaysRestartTemplate(s.template, "StatefulSet", tp));
  return errs;
}

/** The StatefulSet spec fields an update may change (ValidateStatefulSetUpdate). */
const STS_MUTABLE = ["replicas", "template", "updateStrategy", "minReadySeconds", "ordinals", "persistentVolumeClaimRetentionPolicy"];

/** ValidateStatefulSet / ValidateStatefulSetUpdate (names are DNS labels since 1.27; not re-checked on update). */
export function validateStatefulSet(sts: StatefulSet, old?: StatefulSet): Errors {
  const errs = old ? validateObjectMetaUpdate(sts.metadata, old.metadata, meta) : validateObjectMeta(sts.metadata, nameIsDNSLabel, meta);
  errs.push(...validateStatefulSetSpec(sts.spec ?? ({} as NonNullable<StatefulSet["spec"]>)));
  if (old) {
    const strip = (s: unknown) => Object.fromEntries(Object.entries((s ?? {}) as Record<string, unknown>).filter(([k]) => !STS_MUTABLE.includes(k)));
    if (!deepEqual(strip(sts.spec), strip(old.spec))) {
      errs.push(forbidden(spec, "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
    }
  }
  return errs;
}

/** ValidateControllerRevision(Update): data is mandatory and immutable. */
export function validateControllerRevision(rev: ControllerRevision, old?: ControllerRevision): Errors {
  const errs = old ? validateObjectMetaUpdate(rev.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(rev.metadata, nameIsDNSSubdomain, meta));
  if (rev.data === undefined || rev.data === null) errs.push(required(Path.root("data"), "data is mandatory"));
  errs.push(...nonNegative(rev.revision, Path.root("revision")));
  if (old) errs.push(...immutableField(rev.data, old.data, Path.root("data"), jsonValue));
  return errs;
}
