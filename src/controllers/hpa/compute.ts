/**
 * computeReplicasForMetrics: one replica proposal per metric of the HPA (Resource, ContainerResource,
 * Pods, Object, External), its MetricStatus for status.currentMetrics, and the largest proposal.
 * A failing metric yields upstream's condition reason and messages (the event carries the inner
 * error, FailedComputeMetricsReplicas the outer one).
 */
import type { MetricSpec, MetricStatus, MetricTarget } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import { milliQuantity } from "../../sim/metrics/api";
import { milliValue } from "../../sim/quantity";
import {
  type CalculatorConfig, MetricError, perPodMetricReplicas, plainMetricReplicas, readyPodCount, resourceReplicas, usageRatioReplicaCount,
} from "./replicas";
import { formatSelectorGo, getExternalMetric, getObjectMetric, getRawMetric, getResourceMetric, type MetricsContext } from "./source";

export type MetricOutcome =
  | { ok: true; replicas: number; metric: string; status: MetricStatus }
  | { ok: false; reason: string; /** What the Warning event and the condition say. */ inner: string; /** What FailedComputeMetricsReplicas says. */ outer: string };

export interface ComputeInputs {
  ctx: MetricsContext;
  namespace: string;
  specReplicas: number;
  statusReplicas: number;
  pods: Pod[];
  cfg: CalculatorConfig;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const targetMilli = (q: MetricTarget["value"]) => (q === undefined || q === null ? NaN : milliValue(q));

/** Runs `fn`, turning a MetricError into a failure with upstream's wording. */
function attempt(reason: string, wrapInner: (m: string) => string, wrapOuter: (m: string) => string, fn: () => MetricOutcome): MetricOutcome {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof MetricError)) throw e;
    const inner = wrapInner(e.message);
    return { ok: false, reason, inner, outer: wrapOuter(inner) };
  }
}

/** Resource and ContainerResource: Utilization against requests, or AverageValue. */
function resourceMetric(spec: MetricSpec, x: ComputeInputs): MetricOutcome {
  const container = spec.type === "ContainerResource" ? spec.containerResource!.container : "";
  const source = spec.type === "ContainerResource" ? spec.containerResource! : spec.resource!;
  const resource = source.name;
  const reason = spec.type === "ContainerResource" ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
  const outer = (m: string) => (spec.type === "ContainerResource" ? `failed to get ${container} container metric value: ${m}` : `failed to get ${resource} resource metric value: ${m}`);
  const statusOf = (current: NonNullable<MetricStatus["resource"]>["current"]): MetricStatus =>
    spec.type === "ContainerResource"
      ? { type: "ContainerResource", containerResource: { name: resource, container, current } }
      : { type: "Resource", resource: { name: resource, current } };

  const averageValue = source.target.averageValue;
  if (averageValue !== undefined && averageValue !== null) {
    return attempt(reason, (m) => `failed to get ${resource} usage: ${m}`, outer, () => {
      const metrics = getResourceMetric(x.ctx, resource, x.pods, container);
      const { replicas, usage } = plainMetricReplicas(x.specReplicas, targetMilli(averageValue), resource, x.pods, metrics, x.cfg);
      return { ok: true, replicas, metric: `${resource} resource`, status: statusOf({ averageValue: milliQuantity(usage) }) };
    });
  }
  const utilization = source.target.averageUtilization;
  if (utilization === undefined || utilization === null) {
    const inner = "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set";
    return { ok: false, reason, inner, outer: outer(inner) };
  }
  return attempt(reason, (m) => `failed to get ${resource} utilization: ${m}`, outer, () => {
    const metrics = getResourceMetric(x.ctx, resource, x.pods, container);
    const r = resourceReplicas(x.specReplicas, utilization, resource, container, x.pods, metrics, x.cfg);
    const name = spec.type === "ContainerResource" ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
    return { ok: true, replicas: r.replicas, metric: name, status: statusOf({ averageUtilization: r.utilization, averageValue: milliQuantity(r.rawUtilization) }) };
  });
}

/** Pods: an AverageValue of a per-pod custom metric. */
function podsMetric(spec: MetricSpec, x: ComputeInputs): MetricOutcome {
  const pods = spec.pods!;
  return attempt("FailedGetPodsMetric", (m) => m, (m) => `failed to get pods metric value: ${m}`, () => {
    const metrics = getRawMetric(x.ctx, pods.metric, x.pods);
    const { replicas, usage } = plainMetricReplicas(x.specReplicas, targetMilli(pods.target.averageValue), "", x.pods, metrics, x.cfg);
    return {
      ok: true, replicas, metric: `pods metric ${pods.metric.name}`,
      status: { type: "Pods", pods: { metric: { name: pods.metric.name, ...(pods.metric.selector ? { selector: pods.metric.selector } : {}) }, current: { averageValue: milliQuantity(usage) } } },
    };
  });
}

/** Object: a Value (over the ready pods) or an AverageValue (over the current replicas) of one object's metric. */
function objectMetricOutcome(spec: MetricSpec, x: ComputeInputs): MetricOutcome {
  const object = spec.object!;
  const identifier = { name: object.metric.name, ...(object.metric.selector ? { selector: object.metric.selector } : {}) };
  const outer = (m: string) => `failed to get object metric value: ${m}`;
  if (object.target.type === "Value" && object.target.value !== undefined && object.target.value !== null) {
    const target = targetMilli(object.target.value);
    return attempt("FailedGetObjectMetric", (m) => m, outer, () => {
      const usage = getObjectMetric(x.ctx, object.metric, x.namespace, object.describedObject);
      const replicas = usageRatioReplicaCount(x.specReplicas, usage / target, x.cfg.tolerance, () => readyPodCount(x.pods));
      return {
        ok: true, replicas, metric: `${object.describedObject.kind} metric ${object.metric.name}`,
        status: { type: "Object", object: { describedObject: object.describedObject, metric: identifier, current: { value: milliQuantity(usage) } } },
      };
    });
  }
  if (object.target.type === "AverageValue" && object.target.averageValue !== undefined && object.target.averageValue !== null) {
    const target = targetMilli(object.target.averageValue);
    return attempt("FailedGetObjectMetric", (m) => m, (m) => outer(`failed to get ${object.metric.name} object metric: ${m}`), () => {
      const total = getObjectMetric(x.ctx, object.metric, x.namespace, object.describedObject);
      const { replicas, usage } = perPodMetricReplicas(x.statusReplicas, total, target, x.cfg.tolerance);
      return {
        ok: true, replicas, metric: `external metric ${object.metric.name}(${formatSelectorGo(object.metric.selector)})`,
        status: { type: "Object", object: { describedObject: object.describedObject, metric: identifier, current: { averageValue: milliQuantity(usage) } } },
      };
    });
  }
  const inner = "invalid object metric source: neither a value target nor an average value target was set";
  return { ok: false, reason: "FailedGetObjectMetric", inner, outer: outer(inner) };
}

/** External: a Value (over the ready pods) or an AverageValue (per current replica) of a metric from outside the cluster. */
function externalMetric(spec: MetricSpec, x: ComputeInputs): MetricOutcome {
  const external = spec.external!;
  const name = external.metric.name;
  const identifier = { name, ...(external.metric.selector ? { selector: external.metric.selector } : {}) };
  const metricName = `external metric ${name}(${formatSelectorGo(external.metric.selector)})`;
  const outer = (m: string) => `failed to get ${name} external metric value: ${m}`;
  const sum = () => getExternalMetric(x.ctx, external.metric, x.namespace).reduce((a, b) => a + b, 0);
  if (external.target.averageValue !== undefined && external.target.averageValue !== null) {
    const target = targetMilli(external.target.averageValue);
    return attempt("FailedGetExternalMetric", (m) => m, (m) => outer(`failed to get ${name} external metric: ${m}`), () => {
      const { replicas, usage } = perPodMetricReplicas(x.statusReplicas, sum(), target, x.cfg.tolerance);
      return { ok: true, replicas, metric: metricName, status: { type: "External", external: { metric: identifier, current: { averageValue: milliQuantity(usage) } } } };
    });
  }
  if (external.target.value !== undefined && external.target.value !== null) {
    const target = targetMilli(external.target.value);
    return attempt("FailedGetExternalMetric", (m) => m, (m) => outer(`failed to get external metric ${name}: ${m}`), () => {
      const usage = sum();
      const replicas = usageRatioReplicaCount(x.specReplicas, usage / target, x.cfg.tolerance, () => readyPodCount(x.pods));
      return { ok: true, replicas, metric: metricName, status: { type: "External", external: { metric: identifier, current: { value: milliQuantity(usage) } } } };
    });
  }
  const inner = "invalid external metric source: neither a value target nor an average value target was set";
  return { ok: false, reason: "FailedGetExternalMetric", inner, outer: outer(inner) };
}

/** computeReplicasForMetric: one metric's proposal. */
export function computeReplicasForMetric(spec: MetricSpec, x: ComputeInputs): MetricOutcome {
  try {
    switch (spec.type) {
      case "Resource":
      case "ContainerResource":
        return resourceMetric(spec, x);
      case "Pods":
        return podsMetric(spec, x);
      case "Object":
        return objectMetricOutcome(spec, x);
      case "External":
        return externalMetric(spec, x);
    }
  } catch (e) {
    // A malformed source that validation let through (a missing sub-object): a spec error, not a crash.
    if (!(e instanceof TypeError)) throw e;
    const inner = `invalid ${spec.type} metric source: ${message(e)}`;
    return { ok: false, reason: "InvalidMetricSourceType", inner, outer: inner };
  }
  const inner = `unknown metric source type "${spec.type}"`;
  return { ok: false, reason: "InvalidMetricSourceType", inner, outer: inner };
}

export interface MetricsResult {
  /** The largest proposal, or -1 when the HPA cannot act (every metric failed, or some failed and it would scale down). */
  replicas: number;
  metric: string;
  /** One entry per metric, `{type: ""}` for those that failed (upstream's zero value keeps positions for kubectl). */
  statuses: MetricStatus[];
  /** The first failure, and how many failed. */
  failure?: { reason: string; inner: string; outer: string; count: number };
  /** Every failure, for their Warning events. */
  failures: { reason: string; inner: string }[];
}

/** computeReplicasForMetrics: the largest proposal across metrics, as upstream picks it. */
export function computeReplicasForMetrics(specs: MetricSpec[], x: ComputeInputs): MetricsResult {
  const result: MetricsResult = { replicas: 0, metric: "", statuses: [], failures: [] };
  let first: MetricsResult["failure"];
  for (const spec of specs) {
    const outcome = computeReplicasForMetric(spec, x);
    if (!outcome.ok) {
      result.statuses.push({ type: "" });
      result.failures.push({ reason: outcome.reason, inner: outcome.inner });
      first ??= { reason: outcome.reason, inner: outcome.inner, outer: outcome.outer, count: 0 };
      first.count++;
      continue;
    }
    result.statuses.push(outcome.status);
    if (result.replicas === 0 || outcome.replicas > result.replicas) {
      result.replicas = outcome.replicas;
      result.metric = outcome.metric;
    }
  }
  if (first) result.failure = first;
  if (first && (first.count >= specs.length || result.replicas < x.specReplicas)) result.replicas = -1;
  return result;
}
