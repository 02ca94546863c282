/**
 * The HPA's metrics client over the simulation: what metrics-server, a custom-metrics adapter and an
 * external-metrics adapter would answer, read from the usage model instead of over HTTP, with their
 * errors worded as upstream's REST metrics client words them.
 */
import type { CrossVersionObjectReference, MetricIdentifier } from "kubernetes-types/autoscaling/v2";
import type { Pod } from "kubernetes-types/core/v1";
import type { LabelSelector as LabelSelectorSpec } from "kubernetes-types/meta/v1";
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { customMetric, knownPodMetric, objectMetric } from "../../sim/metrics/custom";
import { storageForKind } from "../../sim/metrics/api";
import type { UsageModel } from "../../sim/metrics/usage";
import { milliValue } from "../../sim/quantity";
import type { Snapshot } from "../types";
import { MetricError, type PodMetricsInfo } from "./replicas";

/** Per-HPA external metric values: `{"queue_messages_ready": "30"}` or `{"name": [{"labels": {...}, "value": "10"}]}`. */
export const EXTERNAL_METRICS_ANNOTATION = "kubeflare.dev/external-metrics";

/** One series of an external metric: its labels and value in milli-units. */
export interface ExternalSample {
  labels?: Record<string, string>;
  value: number;
}

/** A cluster-level source of external metrics (the management API's); undefined when it knows no such metric. */
export type ExternalMetricSource = (query: { namespace: string; name: string; snapshot: Snapshot; now: number }) => ExternalSample[] | undefined;

export interface MetricsContext {
  snapshot: Snapshot;
  now: number;
  model: UsageModel;
  /** metrics-server's window (scaled), used by the CPU readiness check. */
  window: number;
  hpa: KObject;
  external?: ExternalMetricSource;
}

/** The pods a selector picks in a namespace (podLister.Pods(ns).List(selector)). */
export function selectPods(snapshot: Snapshot, namespace: string, selector: LabelSelector): Pod[] {
  return snapshot.list("pods", namespace).filter((p) => matchesLabels(selector, p.metadata.labels)) as unknown as Pod[];
}

/** Usage in milli-units as metrics.k8s.io quantities' MilliValue: cpu millicores, memory bytes × 1000. */
function milliUsage(resource: string, usage: { cpu: number; memory: number }): number | undefined {
  if (resource === "cpu") return usage.cpu;
  if (resource === "memory") return usage.memory * 1000;
  return undefined;
}

/**
 * GetResourceMetric: per pod, the sum over its containers (or the one named), for pods metrics-server
 * has (Running, a container running).
 */
export function getResourceMetric(ctx: MetricsContext, resource: string, pods: Pod[], container: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  let items = 0;
  for (const pod of pods) {
    const usage = ctx.model.pod(pod as unknown as KObject);
    if (!usage) continue;
    items++;
    const meta = { timestamp: ctx.now, window: ctx.window };
    if (container) {
      const c = usage.containers.find((u) => u.name === container);
      if (!c) throw new MetricError(`unable to get metrics for resource ${resource}: failed to get container metrics: container ${container} not present in metrics for pod ${pod.metadata?.namespace}/${pod.metadata?.name}`);
      const value = milliUsage(resource, c);
      if (value !== undefined) out.set(pod.metadata!.name!, { value, ...meta });
      continue;
    }
    let sum = 0;
    let missing = usage.containers.length === 0;
    for (const c of usage.containers) {
      const value = milliUsage(resource, c);
      if (value === undefined) {
        missing = true;
        break;
      }
      sum += value;
    }
    if (!missing) out.set(pod.metadata!.name!, { value: sum, ...meta });
  }
  if (items === 0) throw new MetricError(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  return out;
}

/** GetRawMetric: a Pods metric from the custom metrics API. */
export function getRawMetric(ctx: MetricsContext, metric: MetricIdentifier, pods: Pod[]): PodMetricsInfo {
  const name = metric.name;
  if (!knownPodMetric(name, pods as unknown as KObject[])) throw new MetricError(`unable to get metric ${name}: unable to fetch metrics from custom metrics API: the server could not find the metric ${name} for pods`);
  const out: PodMetricsInfo = new Map();
  for (const pod of pods) {
    const value = customMetric(pod as unknown as KObject, name, ctx.model.load);
    // Adapters report a minute's rate; the window only matters for cpu.
    if (value !== undefined) out.set(pod.metadata!.name!, { value, timestamp: ctx.now, window: 60_000 });
  }
  if (out.size === 0) throw new MetricError(`unable to get metric ${name}: no metrics returned from custom metrics API`);
  return out;
}

/**
 * GetObjectMetric: a metric describing one object. Upstream's message puts the error last:
 * "unable to get metric requests-per-second: Ingress on default main-route/<error>".
 */
export function getObjectMetric(ctx: MetricsContext, metric: MetricIdentifier, namespace: string, ref: CrossVersionObjectReference): number {
  const fail = (error: string) => new MetricError(`unable to get metric ${metric.name}: ${ref.kind} on ${namespace} ${ref.name}/${error}`);
  const storage = storageForKind(ref.kind, ref.apiVersion);
  if (!storage) throw fail(`unable to fetch metrics from custom metrics API: no matches for kind "${ref.kind}"`);
  const obj = ctx.snapshot.get(storage, namespace, ref.name);
  if (!obj) throw fail(`unable to fetch metrics from custom metrics API: ${storage} "${ref.name}" not found`);
  const value = objectMetric({ ...obj, kind: obj.kind ?? ref.kind }, metric.name, ctx.snapshot, ctx.model.load);
  if (value === undefined) throw fail(`unable to fetch metrics from custom metrics API: the server could not find the metric ${metric.name} for ${storage.split(".")[0]} ${ref.name}`);
  return value;
}

/** A value given as a quantity string or a plain number, in milli-units. */
function milliOf(raw: unknown): number | undefined {
  const milli = typeof raw === "number" ? Math.round(raw * 1000) : typeof raw === "string" ? milliValue(raw.trim()) : NaN;
  return Number.isFinite(milli) ? milli : undefined;
}

/** The HPA's own external metric series, from its annotation. */
function annotatedExternal(hpa: KObject, name: string): ExternalSample[] | undefined {
  const text = hpa.metadata.annotations?.[EXTERNAL_METRICS_ANNOTATION];
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== "object" || !(name in parsed)) return undefined;
  const entry = (parsed as Record<string, unknown>)[name];
  const series = Array.isArray(entry) ? entry : [entry];
  return series.flatMap((s): ExternalSample[] => {
    if (s && typeof s === "object" && !Array.isArray(s)) {
      const value = milliOf((s as { value?: unknown }).value);
      const labels = (s as { labels?: unknown }).labels;
      return value === undefined ? [] : [{ value, labels: labels && typeof labels === "object" ? (labels as Record<string, string>) : undefined }];
    }
    const value = milliOf(s);
    return value === undefined ? [] : [{ value }];
  });
}

/** metav1.LabelSelector's gogo String(), which upstream prints with %+v ("nil" when unset). */
export function formatSelectorGo(selector: LabelSelectorSpec | undefined | null): string {
  if (!selector) return "nil";
  const labels = Object.keys(selector.matchLabels ?? {}).sort().map((k) => `${k}: ${selector.matchLabels![k]},`).join("");
  const exprs = (selector.matchExpressions ?? []).map((e) => `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],},`).join("");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** GetExternalMetric: the values of the series the metric's selector picks (all when it has none). */
export function getExternalMetric(ctx: MetricsContext, metric: MetricIdentifier, namespace: string): number[] {
  const fail = (error: string) => new MetricError(`unable to get external metric ${namespace}/${metric.name}/${formatSelectorGo(metric.selector)}: ${error}`);
  const series = annotatedExternal(ctx.hpa, metric.name) ?? ctx.external?.({ namespace, name: metric.name, snapshot: ctx.snapshot, now: ctx.now });
  let selector: LabelSelector | undefined;
  try {
    selector = metric.selector ? labelSelectorFromSpec(metric.selector) : undefined;
  } catch (e) {
    throw fail(e instanceof Error ? e.message : String(e));
  }
  const values = (series ?? []).filter((s) => !selector || matchesLabels(selector, s.labels)).map((s) => s.value);
  if (values.length === 0) throw fail("no metrics returned from external metrics API");
  return values;
}
