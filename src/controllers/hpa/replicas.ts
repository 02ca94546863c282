/**
 * The replica calculator, after upstream's replica_calculator.go and metrics/utilization.go: pure
 * arithmetic over pods and their metrics (milli-values), one function per metric target kind.
 *
 *   desired = ceil(currentReplicas × currentMetric / target), unless the ratio is within the tolerance
 *   50% target, 3 pods at 90% → ratio 1.8 → ceil(5.4) = 6
 *   AverageValue 100m, 1 pod at 200m → 2;     50% target, pods at 53% → ratio 1.06, within 0.1 → no change
 *
 * Pods without metrics and not-yet-ready pods are handled as upstream: on a scale-up missing pods count
 * as 0% and unready pods as 0%; on a scale-down missing pods count as 100% (or the target when it is
 * higher); and a result that would reverse the direction keeps the current count.
 * Errors are MetricErrors carrying upstream's message.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { milliValue } from "../../sim/quantity";

export class MetricError extends Error {}

/** One pod's metric as the metrics client returns it: a milli-value, when it was taken and over what window (ms). */
export interface PodMetric {
  value: number;
  timestamp: number;
  window: number;
}

/** Metrics by pod name. */
export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorConfig {
  /** Ratios within [1 − tolerance, 1 + tolerance] change nothing (upstream default 0.1). */
  tolerance: number;
  /** CPU samples of a pod this young are trusted only once it has been Ready for a metric window (5 min upstream). */
  cpuInitializationPeriod: number;
  /** A pod unready since within this long of its start has never been ready (30 s upstream). */
  delayOfInitialReadinessStatus: number;
  now: number;
}

/** Tolerances.isWithin: 0.9 ≤ 0.95 ≤ 1.1 → true; 1.2 → false. */
export function withinTolerance(ratio: number, tolerance: number): boolean {
  return 1 - tolerance <= ratio && ratio <= 1 + tolerance;
}

const asDate = (s: string | undefined) => (s ? Date.parse(s) : NaN);

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/**
 * groupPods: deleted and Failed pods are ignored; Pending pods are unready; pods without a metric are
 * missing; for cpu, a pod still in its initialization period is unready while not Ready or until one
 * metric window has passed since it became Ready, and an older one only if it has never been ready.
 */
export function groupPods(pods: Pod[], metrics: PodMetricsInfo, resource: string, cfg: CalculatorConfig): PodGroups {
  const groups: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === "Failed") {
      groups.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === "Pending") {
      groups.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      groups.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
      const start = asDate(pod.status?.startTime);
      let unready: boolean;
      if (!ready || Number.isNaN(start)) {
        unready = true;
      } else {
        const transition = asDate(ready.lastTransitionTime);
        if (start + cfg.cpuInitializationPeriod > cfg.now) {
          unready = ready.status === "False" || metric.timestamp < transition + metric.window;
        } else {
          unready = ready.status === "False" && start + cfg.delayOfInitialReadinessStatus > transition;
        }
      }
      if (unready) {
        groups.unready.add(name);
        continue;
      }
    }
    groups.readyPodCount++;
  }
  return groups;
}

/**
 * calculateRequests: each pod's request for the resource (milli-value), the named container's or the
 * sum over its containers and sidecars. A container without a request is an error.
 */
export function calculateRequests(pods: Pod[], container: string, resource: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always")];
    let request = 0;
    let found = false;
    for (const c of containers) {
      if (container !== "" && c.name !== container) continue;
      const raw = c.resources?.requests?.[resource];
      const milli = raw === undefined ? NaN : milliValue(raw);
      if (Number.isNaN(milli)) throw new MetricError(`missing request for ${resource} in container ${c.name} of Pod ${name}`);
      request += milli;
      found = true;
      if (container !== "") break;
    }
    if (container !== "" && !found) throw new MetricError(`container ${container} not found in Pod ${name}`);
    requests.set(name, request);
  }
  return requests;
}

/**
 * GetResourceUtilizationRatio: utilization = trunc(Σ usage × 100 / Σ requests) over pods with both,
 * ratio = utilization / target, raw average = trunc(Σ usage / n).
 *   pods at 500m and 100m, requests 200m each → utilization 150, target 50 → ratio 3, average 300m
 */
export function resourceUtilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, targetUtilization: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [pod, metric] of metrics) {
    const request = requests.get(pod);
    if (request === undefined) continue;
    metricsTotal += metric.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new MetricError("no metrics returned matched known pods");
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio: the average (truncated) over the target. */
export function metricUsageRatio(metrics: PodMetricsInfo, targetUsage: number): { ratio: number; usage: number } {
  let total = 0;
  for (const metric of metrics.values()) total += metric.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / targetUsage, usage };
}

/** The pods in `groups.unready ∪ groups.ignored` leave the sample. */
function withoutUnreadyAndIgnored(metrics: PodMetricsInfo, groups: PodGroups): PodMetricsInfo {
  const out = new Map(metrics);
  for (const name of [...groups.ignored, ...groups.unready]) out.delete(name);
  return out;
}

/**
 * The shared second pass: fill in missing and unready pods, recompute, and keep the current count
 * when that lands within tolerance or flips the direction of the change.
 */
function adjustedReplicas(
  currentReplicas: number, usageRatio: number, metrics: PodMetricsInfo, groups: PodGroups, cfg: CalculatorConfig,
  missingScaleDownValue: (pod: string) => number, ratioOf: (m: PodMetricsInfo) => number,
): number {
  const scaleUpWithUnready = groups.unready.size > 0 && usageRatio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (withinTolerance(usageRatio, cfg.tolerance)) return currentReplicas;
    return Math.ceil(usageRatio * groups.readyPodCount);
  }
  const filled = new Map(metrics);
  if (groups.missing.size > 0) {
    for (const pod of groups.missing) {
      if (usageRatio < 1) filled.set(pod, { value: missingScaleDownValue(pod), timestamp: 0, window: 0 });
      else if (usageRatio > 1) filled.set(pod, { value: 0, timestamp: 0, window: 0 });
    }
  }
  if (scaleUpWithUnready) for (const pod of groups.unready) filled.set(pod, { value: 0, timestamp: 0, window: 0 });
  const newRatio = ratioOf(filled);
  if (withinTolerance(newRatio, cfg.tolerance) || (usageRatio < 1 && newRatio > 1) || (usageRatio > 1 && newRatio < 1)) return currentReplicas;
  const replicas = Math.ceil(newRatio * filled.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return currentReplicas;
  return replicas;
}

/** GetResourceReplicas: a Utilization target over the pods' requests. */
export function resourceReplicas(
  currentReplicas: number, targetUtilization: number, resource: string, container: string,
  pods: Pod[], podMetrics: PodMetricsInfo, cfg: CalculatorConfig,
): { replicas: number; utilization: number; rawUtilization: number } {
  if (pods.length === 0) throw new MetricError("no pods returned by selector while calculating replica count");
  const groups = groupPods(pods, podMetrics, resource, cfg);
  const metrics = withoutUnreadyAndIgnored(podMetrics, groups);
  if (metrics.size === 0) throw new MetricError("did not receive metrics for targeted pods (pods might be unready)");
  const requests = calculateRequests(pods, container, resource);
  const { ratio, utilization, rawAverage } = resourceUtilizationRatio(metrics, requests, targetUtilization);
  // On a scale-down a missing pod is assumed to use its whole request, or the target when that is higher.
  const fallback = Math.max(100, targetUtilization);
  const replicas = adjustedReplicas(
    currentReplicas, ratio, metrics, groups, cfg,
    (pod) => Math.trunc(((requests.get(pod) ?? 0) * fallback) / 100),
    (m) => resourceUtilizationRatio(m, requests, targetUtilization).ratio,
  );
  return { replicas, utilization, rawUtilization: rawAverage };
}

/** calcPlainMetricReplicas: an AverageValue target (resource usage or a Pods metric). */
export function plainMetricReplicas(
  currentReplicas: number, targetUsage: number, resource: string,
  pods: Pod[], podMetrics: PodMetricsInfo, cfg: CalculatorConfig,
): { replicas: number; usage: number } {
  if (pods.length === 0) throw new MetricError("no pods returned by selector while calculating replica count");
  const groups = groupPods(pods, podMetrics, resource, cfg);
  const metrics = withoutUnreadyAndIgnored(podMetrics, groups);
  if (metrics.size === 0) throw new MetricError("did not receive metrics for targeted pods (pods might be unready)");
  const { ratio, usage } = metricUsageRatio(metrics, targetUsage);
  // On a scale-down a missing pod is assumed to use exactly the target.
  const replicas = adjustedReplicas(currentReplicas, ratio, metrics, groups, cfg, () => targetUsage, (m) => metricUsageRatio(m, targetUsage).ratio);
  return { replicas, usage };
}

/** podutil.IsPodReady on a Running pod: what getReadyPodsCount counts. */
export function readyPodCount(pods: Pod[]): number {
  if (pods.length === 0) throw new MetricError("no pods returned by selector while calculating replica count");
  return pods.filter((p) => p.status?.phase === "Running" && p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;
}

/**
 * getUsageRatioReplicaCount (Object and External Value targets): ceil(ratio × ready pods) outside
 * the tolerance; from zero replicas, ceil(ratio) without the tolerance (scale from zero).
 */
export function usageRatioReplicaCount(currentReplicas: number, usageRatio: number, tolerance: number, readyPods: () => number): number {
  if (currentReplicas === 0) return Math.ceil(usageRatio);
  if (withinTolerance(usageRatio, tolerance)) return currentReplicas;
  let ready: number;
  try {
    ready = readyPods();
  } catch (e) {
    if (e instanceof MetricError) throw new MetricError(`unable to calculate ready pods: ${e.message}`);
    throw e;
  }
  return Math.min(Math.ceil(usageRatio * ready), 2 ** 31 - 1);
}

/**
 * GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas: an AverageValue over the current
 * replicas; the new count is ceil(total / target) when outside tolerance; usage is the per-pod average.
 *   total 30 messages, 2 replicas, 5 per pod → ratio 3 → 6 replicas, usage 15
 */
export function perPodMetricReplicas(statusReplicas: number, total: number, targetPerPod: number, tolerance: number): { replicas: number; usage: number } {
  // No replicas yet (the Scale's status lags): size from the total alone rather than divide by zero.
  if (statusReplicas <= 0) return { replicas: Math.ceil(total / targetPerPod), usage: total };
  let replicas = statusReplicas;
  const ratio = total / (targetPerPod * replicas);
  if (!withinTolerance(ratio, tolerance)) replicas = Math.min(Math.ceil(total / targetPerPod), 2 ** 31 - 1);
  return { replicas, usage: Math.ceil(total / statusReplicas) };
}
