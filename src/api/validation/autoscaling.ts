/**
 * HorizontalPodAutoscalers (stored as autoscaling/v2), as autoscaling validation's
 * ValidateHorizontalPodAutoscaler(Update): replica bounds, the scale target, each metric naming
 * exactly one source with a well-formed target, and scaling behavior rules.
 */
import type {
  HorizontalPodAutoscaler, HPAScalingRules, MetricIdentifier, MetricSpec, MetricTarget,
} from "kubernetes-types/autoscaling/v2";
import { type Errors, Path, forbidden, invalid, notSupported, required } from "./field";
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isDNS1123Label, isValidPathSegmentName, nameIsDNSSubdomain } from "./names";
import { canonicalQuantity, parseQuantity, sign } from "./quantity";

const meta = Path.root("metadata");
const spec = Path.root("spec");
const METRIC_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"];
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;

/** ValidateCrossVersionObjectReference. */
function validateObjectReference(ref: { kind?: string; name?: string } | undefined, path: Path): Errors {
  const errs: Errors = [];
  for (const field of ["kind", "name"] as const) {
    const value = ref?.[field] ?? "";
    if (!value) errs.push(required(path.child(field)));
    else for (const msg of isValidPathSegmentName(value, false)) errs.push(invalid(path.child(field), value, msg));
  }
  return errs;
}

function validateMetricIdentifier(id: MetricIdentifier | undefined, path: Path): Errors {
  const name = id?.name ?? "";
  if (!name) return [required(path.child("name"), "must specify a metric name")];
  const errs = isValidPathSegmentName(name, false).map((msg) => invalid(path.child("name"), name, msg));
  if (id?.selector) errs.push(...validateLabelSelector(id.selector, path.child("selector")));
  return errs;
}

function validateMetricTarget(t: MetricTarget | undefined, path: Path): Errors {
  const errs: Errors = [];
  const type = t?.type ?? "";
  if (!type) errs.push(required(path.child("type"), "must specify a metric target type"));
  if (!["Utilization", "Value", "AverageValue"].includes(type)) errs.push(invalid(path.child("type"), type, "must be either Utilization, Value, or AverageValue"));
  for (const field of ["value", "averageValue"] as const) {
    const raw = t?.[field];
    if (raw === undefined || raw === null) continue;
    const q = parseQuantity(raw);
    if (!q || sign(q) !== 1) errs.push(invalid(path.child(field), canonicalQuantity(raw), "must be positive"));
  }
  if (typeof t?.averageUtilization === "number" && t.averageUtilization < 1) {
    errs.push(invalid(path.child("averageUtilization"), t.averageUtilization, "must be greater than 0"));
  }
  return errs;
}

const isSet = (v: unknown) => v !== undefined && v !== null;

function validateSource(kind: string, src: Record<string, unknown>, path: Path): Errors {
  const target = src.target as MetricTarget | undefined;
  const t = path.child("target");
  const errs: Errors = [];
  switch (kind) {
    case "object":
      errs.push(...validateObjectReference(src.describedObject as { kind?: string; name?: string }, path.child("describedObject")));
      errs.push(...validateMetricIdentifier(src.metric as MetricIdentifier, path.child("metric")));
      errs.push(...validateMetricTarget(target, t));
      if (!isSet(target?.value) && !isSet(target?.averageValue)) errs.push(required(t.child("averageValue"), "must set either a target value or averageValue"));
      break;
    case "external":
      errs.push(...validateMetricIdentifier(src.metric as MetricIdentifier, path.child("metric")));
      errs.push(...validateMetricTarget(target, t));
      if (!isSet(target?.value) && !isSet(target?.averageValue)) errs.push(required(t.child("averageValue"), "must set either a target value for metric or a per-pod target"));
      if (isSet(target?.value) && isSet(target?.averageValue)) errs.push(forbidden(t.child("value"), "may not set both a target value for metric and a per-pod target"));
      break;
    case "pods":
      errs.push(...validateMetricIdentifier(src.metric as MetricIdentifier, path.child("metric")));
      errs.push(...validateMetricTarget(target, t));
      if (!isSet(target?.averageValue)) errs.push(required(t.child("averageValue"), "must specify a positive target averageValue"));
      break;
    case "resource":
    case "containerResource":
      if (!src.name) errs.push(required(path.child("name"), "must specify a resource name"));
      if (kind === "containerResource") {
        const container = String(src.container ?? "");
        if (!container) errs.push(required(path.child("container"), "must specify a container"));
        else for (const msg of isDNS1123Label(container)) errs.push(invalid(path.child("container"), container, msg));
      }
      errs.push(...validateMetricTarget(target, t));
      if (!isSet(target?.averageUtilization) && !isSet(target?.averageValue)) {
        errs.push(required(t.child("averageUtilization"), "must set either a target raw value or a target utilization"));
      }
      if (isSet(target?.averageUtilization) && isSet(target?.averageValue)) {
        errs.push(forbidden(t.child("averageValue"), "may not set both a target raw value and a target utilization"));
      }
      break;
  }
  return errs;
}

/** validateMetricSpec: a known type, and exactly the source that type names. */
function validateMetricSpec(metric: MetricSpec, path: Path): Errors {
  const errs: Errors = [];
  const type = metric.type ?? "";
  if (!type) errs.push(required(path.child("type"), "must specify a metric source type"));
  if (!METRIC_TYPES.includes(type)) errs.push(notSupported(path.child("type"), type, METRIC_TYPES));
  const present: string[] = [];
  const m = metric as unknown as Record<string, Record<string, unknown> | undefined>;
  for (const kind of ["object", "external", "pods", "resource", "containerResource"]) {
    if (!m[kind]) continue;
    present.push(kind);
    if (present.length === 1) errs.push(...validateSource(kind, m[kind]!, path.child(kind)));
  }
  const expected = type ? type.charAt(0).toLowerCase() + type.slice(1) : "";
  if (METRIC_TYPES.includes(type) && !m[expected]) errs.push(required(path.child(expected), "must populate information for the given metric source"));
  if (present.length !== 1) {
    for (const kind of present) if (kind !== expected) errs.push(forbidden(path.child(kind), "must populate the given metric source only"));
  }
  return errs;
}

function validateScalingRules(rules: HPAScalingRules | undefined, path: Path): Errors {
  if (!rules) return [];
  const errs: Errors = [];
  const window = rules.stabilizationWindowSeconds;
  if (typeof window === "number" && window < 0) errs.push(invalid(path.child("stabilizationWindowSeconds"), window, "must be greater than or equal to zero"));
  if (typeof window === "number" && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(invalid(path.child("stabilizationWindowSeconds"), window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(rules.selectPolicy) && !["Disabled", "Max", "Min"].includes(rules.selectPolicy!)) {
    errs.push(notSupported(path.child("selectPolicy"), rules.selectPolicy, ["Disabled", "Max", "Min"]));
  }
  const policies = rules.policies ?? [];
  if (policies.length === 0) errs.push(required(path.child("policies"), "must specify at least one Policy"));
  policies.forEach((policy, i) => {
    const p = path.child("policies").index(i);
    if (policy.type !== "Pods" && policy.type !== "Percent") errs.push(notSupported(p.child("type"), policy.type ?? "", ["Percent", "Pods"]));
    if (!(policy.value > 0)) errs.push(invalid(p.child("value"), policy.value ?? 0, "must be greater than zero"));
    if (!(policy.periodSeconds > 0)) errs.push(invalid(p.child("periodSeconds"), policy.periodSeconds ?? 0, "must be greater than zero"));
    if (policy.periodSeconds > MAX_PERIOD_SECONDS) {
      errs.push(invalid(p.child("periodSeconds"), policy.periodSeconds, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
    }
  });
  return errs;
}

/** ValidateHorizontalPodAutoscaler / ValidateHorizontalPodAutoscalerUpdate (minReplicas lower bound 1). */
export function validateHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler, old?: HorizontalPodAutoscaler): Errors {
  const errs = old ? validateObjectMetaUpdate(hpa.metadata, old.metadata, meta) : validateObjectMeta(hpa.metadata, nameIsDNSSubdomain, meta);
  const s = hpa.spec ?? ({} as NonNullable<HorizontalPodAutoscaler["spec"]>);
  if (typeof s.minReplicas === "number" && s.minReplicas < 1) errs.push(invalid(spec.child("minReplicas"), s.minReplicas, "must be greater than or equal to 1"));
  const max = s.maxReplicas ?? 0;
  if (max < 1) errs.push(invalid(spec.child("maxReplicas"), max, "must be greater than 0"));
  if (typeof s.minReplicas === "number" && max < s.minReplicas) errs.push(invalid(spec.child("maxReplicas"), max, "must be greater than or equal to `minReplicas`"));
  errs.push(...validateObjectReference(s.scaleTargetRef, spec.child("scaleTargetRef")));
  (s.metrics ?? []).forEach((metric, i) => errs.push(...validateMetricSpec(metric, spec.child("metrics").index(i))));
  if (s.behavior) {
    errs.push(...validateScalingRules(s.behavior.scaleUp, spec.child("behavior", "scaleUp")));
    errs.push(...validateScalingRules(s.behavior.scaleDown, spec.child("behavior", "scaleDown")));
  }
  return errs;
}
