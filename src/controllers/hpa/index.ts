/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2), after upstream's podautoscaler
 * reconcileAutoscaler: every sync period (15 s × timeScale) while an HPA exists, read the target's
 * Scale, propose a size from each metric (largest wins), stabilize it and bound it (min/max, the
 * behavior's rate policies or the legacy limits), set spec.replicas when it changes, and write the
 * status (currentReplicas, desiredReplicas, lastScaleTime, currentMetrics, the AbleToScale /
 * ScalingActive / ScalingLimited conditions) only when it differs.
 *
 * Only HPA changes wake it (pods and targets are polled, as upstream's resync does); its own status
 * writes do not, so a steady HPA costs one evaluation per period and no writes. What upstream keeps
 * in memory (recommendations, scale events) lives in the kubeflare.dev/scale-events annotation.
 */
import type { HorizontalPodAutoscalerStatus, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { deepEqual } from "../../api/deepEqual";
import { matchesLabels, parseLabelSelector, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { UsageModel } from "../../sim/metrics/usage";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../../sim/settings";
import { type Controller, type ObjectChange, type ReconcileResult, type Snapshot, type Write, done, keyOf, splitKey } from "../types";
import { computeReplicasForMetrics } from "./compute";
import { SCALE_EVENTS_ANNOTATION, recommendationSamples, recordInitialRecommendation, recordRecommendation, recordScaleEvent } from "./history";
import {
  convertDesiredReplicasWithBehaviorRate, convertDesiredReplicasWithRules, effectiveRules, longestPolicyPeriod, stabilizeRecommendation, stabilizeRecommendationWithBehaviors,
} from "./normalize";
import type { CalculatorConfig } from "./replicas";
import { HpaSelectors, hpasControllingPods, scaleSelector, targetSelector } from "./selectors";
import { type ExternalMetricSource, selectPods } from "./source";
import { HPAS, HPA_COMPONENT, type Spec, Sync } from "./status";
import { getScale, scaleWrite } from "./target";

export { SCALE_EVENTS_ANNOTATION } from "./history";
export { EXTERNAL_METRICS_ANNOTATION, type ExternalMetricSource, type ExternalSample } from "./source";

export { HPAS, HPA_COMPONENT } from "./status";

/** Upstream's kube-controller-manager defaults, in simulated seconds. */
const SYNC_SECONDS = 15;
const TOLERANCE = 0.1;
const DOWNSCALE_STABILIZATION_SECONDS = 300;
const CPU_INITIALIZATION_SECONDS = 300;
const INITIAL_READINESS_DELAY_SECONDS = 30;
const METRIC_WINDOW_SECONDS = 15;
/** The smallest timeScale honoured: a zero would make the HPA spin. */
const MIN_TIME_SCALE = 0.001;

/** Durations in wall milliseconds for this cluster's timeScale. */
export interface HpaTimings {
  second: number;
  sync: number;
  downscaleStabilization: number;
  cpuInitializationPeriod: number;
  delayOfInitialReadinessStatus: number;
  metricWindow: number;
}

export function hpaTimings(settings: SimulationSettings): HpaTimings {
  const second = 1000 * Math.max(settings.timeScale, MIN_TIME_SCALE);
  return {
    second,
    sync: SYNC_SECONDS * second,
    downscaleStabilization: DOWNSCALE_STABILIZATION_SECONDS * second,
    cpuInitializationPeriod: CPU_INITIALIZATION_SECONDS * second,
    delayOfInitialReadinessStatus: INITIAL_READINESS_DELAY_SECONDS * second,
    metricWindow: METRIC_WINDOW_SECONDS * second,
  };
}

/**
 * How long until an HPA that synced at `now` syncs again: to the next multiple of the sync period
 * (since the epoch) at least half a period away. Upstream requeues each HPA one period after its own
 * sync, so N HPAs come due at N different instants; here that is N alarms per period (each one a
 * billed Durable Object wake-up). On the shared grid every HPA of a cluster comes due at the same
 * instant and one alarm evaluates them all, while each still syncs once a period. Only the first
 * sync (a period after creation, as upstream) and a sync the HPA's own change triggers are off-grid;
 * the one after them comes between half and one and a half periods later.
 *
 *   period 15 s: synced at 30.2 s → next at 45 s (in 14.8 s); at 37 s → 45 s (8 s); at 38 s → 60 s (22 s);
 *   at 45 s → 60 s (15 s)
 */
export function resyncDelay(now: number, period: number): number {
  return Math.ceil((now + period / 2) / period) * period - now;
}

interface Rescale {
  hpa: KObject;
  replicas: number;
  reason: string;
}

export interface HpaControllerOptions {
  /** External metrics from outside any one HPA (the HPA's kubeflare.dev/external-metrics annotation wins). */
  externalMetrics?: ExternalMetricSource;
}

export function createHpaController(settings: SimulationSettings = DEFAULT_SETTINGS, opts: HpaControllerOptions = {}): Controller {
  // Which HPA asked for a scale update and why, for the FailedRescale event should it be refused.
  const rescales = new WeakMap<Write, Rescale>();
  // Every HPA's target selector as its last pass saw it, for the ambiguity check (see selectors.ts).
  const selectors = new HpaSelectors();
  return {
    name: HPA_COMPONENT,
    keysFor,
    reconcile: (key, snapshot, now) => reconcileAutoscaler(key, snapshot, now, settings, opts, rescales, selectors),
    writeFailed(_key, write, message) {
      const rescale = rescales.get(write);
      if (!rescale) return [];
      return [{ op: "event", involved: rescale.hpa, type: "Warning", reason: "FailedRescale", message: `New size: ${rescale.replicas}; reason: ${rescale.reason}; error: ${message}`, component: HPA_COMPONENT }];
    },
  };
}

// ---- which HPAs a change concerns ----------------------------------------------------------------

const withoutHistory = (annotations: Record<string, string> | undefined) => {
  const { [SCALE_EVENTS_ANNOTATION]: _history, ...rest } = annotations ?? {};
  return rest;
};

/** A new HPA, or one the user changed (not our own status and history writes): evaluate it now. */
export function keysFor(change: ObjectChange): string[] {
  if (change.resource !== HPAS || change.type === "DELETED") return [];
  const { object, previous } = change;
  if (change.type === "MODIFIED" && previous) {
    const same = deepEqual(previous.spec, object.spec) && deepEqual(previous.metadata.labels, object.metadata.labels)
      && deepEqual(withoutHistory(previous.metadata.annotations), withoutHistory(object.metadata.annotations));
    if (same) return [];
  }
  return [keyOf(object)];
}

// ---- one sync --------------------------------------------------------------------------------------

/**
 * validateAndParseSelector: a selector is required, must parse, and its pods must belong to this HPA
 * alone; otherwise an event, ScalingActive False, and the error FailedComputeMetricsReplicas repeats.
 */
function validateSelector(sync: Sync, snapshot: Snapshot, namespace: string, selector: string, selectors?: HpaSelectors): { selector: LabelSelector } | { error: string } {
  if (selector === "") {
    sync.event("Warning", "SelectorRequired", "selector is required");
    sync.condition("ScalingActive", "False", "InvalidSelector", "the HPA target's scale is missing a selector");
    return { error: "selector is required" };
  }
  let parsed: LabelSelector;
  try {
    parsed = parseLabelSelector(selector);
  } catch (e) {
    const message = `couldn't convert selector into a corresponding internal selector object: ${e instanceof Error ? e.message : String(e)}`;
    sync.event("Warning", "InvalidSelector", message);
    sync.condition("ScalingActive", "False", "InvalidSelector", message);
    return { error: message };
  }
  const pods = snapshot.list("pods", namespace).filter((p) => matchesLabels(parsed, p.metadata.labels));
  const controlling = selectors ? selectors.controlling(snapshot, sync.hpa, pods) : hpasControllingPods(snapshot, sync.hpa, pods);
  if (controlling.length > 1) {
    const message = `pods by selector ${selector} are controlled by multiple HPAs: [${controlling.map(keyOf).sort().join(" ")}]`;
    sync.event("Warning", "AmbiguousSelector", message);
    sync.condition("ScalingActive", "False", "AmbiguousSelector", message);
    return { error: message };
  }
  return { selector: parsed };
}

export function reconcileAutoscaler(
  key: string, snapshot: Snapshot, now: number, settings: SimulationSettings, opts: HpaControllerOptions = {}, rescales?: WeakMap<Write, Rescale>, selectors?: HpaSelectors,
): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const hpa = snapshot.get(HPAS, namespace, name);
  if (!hpa) {
    selectors?.forget(namespace, name);
    return done();
  }
  const t = hpaTimings(settings);
  // Upstream queues a new HPA one resync period out: the first evaluation comes a period after creation.
  const created = Date.parse(hpa.metadata.creationTimestamp ?? "");
  const evaluated = !!(hpa.status as HorizontalPodAutoscalerStatus | undefined)?.conditions?.length || !!hpa.metadata.annotations?.[SCALE_EVENTS_ANNOTATION];
  if (!evaluated && now < created + t.sync) {
    // Known to the other HPAs' ambiguity checks from the start, as upstream's enqueueHPA registers it.
    selectors?.put(hpa, targetSelector(snapshot, hpa));
    return done([], created + t.sync - now);
  }
  const spec = (hpa.spec ?? {}) as Spec;
  const sync = new Sync(hpa, now);

  const got = getScale(snapshot, namespace, spec.scaleTargetRef ?? { kind: "", name: "" });
  selectors?.put(hpa, "scale" in got ? scaleSelector(got.scale.selector) : undefined);
  if ("error" in got) {
    sync.event("Warning", "FailedGetScale", got.error);
    sync.condition("AbleToScale", "False", "FailedGetScale", `the HPA controller was unable to get the target's current scale: ${got.error}`);
    return sync.finish(resyncDelay(now, t.sync));
  }
  const scale = got.scale;
  sync.condition("AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's current scale");
  const currentReplicas = scale.specReplicas;
  sync.history = recordInitialRecommendation(sync.history, currentReplicas, now);

  const minReplicas = spec.minReplicas ?? 1;
  const maxReplicas = spec.maxReplicas;
  let desiredReplicas = 0;
  let rescaleReason = "";
  let rescale = true;
  let metricStatuses: MetricStatus[] | undefined;

  if (currentReplicas === 0 && minReplicas !== 0) {
    // Autoscaling is off while the target is scaled to zero by hand.
    rescale = false;
    sync.condition("ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of the target is zero");
  } else if (currentReplicas > maxReplicas) {
    rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    desiredReplicas = maxReplicas;
  } else if (currentReplicas < minReplicas) {
    rescaleReason = "Current number of replicas below Spec.MinReplicas";
    desiredReplicas = minReplicas;
  } else {
    const valid = validateSelector(sync, snapshot, namespace, scale.selector, selectors);
    if ("error" in valid) {
      sync.setStatus(currentReplicas, sync.status.desiredReplicas ?? 0, undefined, false);
      sync.event("Warning", "FailedComputeMetricsReplicas", valid.error);
      return sync.finish(resyncDelay(now, t.sync));
    }
    const selector = valid.selector;
    const cfg: CalculatorConfig = { tolerance: TOLERANCE, cpuInitializationPeriod: t.cpuInitializationPeriod, delayOfInitialReadinessStatus: t.delayOfInitialReadinessStatus, now };
    const model = new UsageModel(snapshot, now, settings);
    const result = computeReplicasForMetrics(spec.metrics ?? [], {
      ctx: { snapshot, now, model, window: t.metricWindow, hpa, external: opts.externalMetrics },
      namespace,
      specReplicas: currentReplicas,
      statusReplicas: scale.statusReplicas,
      pods: selectPods(snapshot, namespace, selector),
      cfg,
    });
    for (const f of result.failures) sync.event("Warning", f.reason, f.inner);
    metricStatuses = result.statuses;
    if (result.replicas === -1) {
      const f = result.failure!;
      sync.condition("ScalingActive", "False", f.reason, `the HPA was unable to compute the replica count: ${f.inner}`);
      sync.setStatus(currentReplicas, sync.status.desiredReplicas ?? 0, metricStatuses, false);
      sync.event("Warning", "FailedComputeMetricsReplicas", `invalid metrics (${f.count} invalid out of ${(spec.metrics ?? []).length}), first error is: ${f.outer}`);
      return sync.finish(resyncDelay(now, t.sync));
    }
    sync.condition("ScalingActive", "True", "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${result.metric}`);

    let rescaleMetric = "";
    if (result.replicas > desiredReplicas) {
      desiredReplicas = result.replicas;
      rescaleMetric = result.metric;
    }
    if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
    if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
    desiredReplicas = spec.behavior
      ? normalizeWithBehaviors(sync, spec, t, currentReplicas, desiredReplicas, minReplicas)
      : normalizeLegacy(sync, spec, t, currentReplicas, desiredReplicas, minReplicas);
    rescale = desiredReplicas !== currentReplicas;
  }

  if (rescale) {
    const write = scaleWrite(scale, desiredReplicas);
    rescales?.set(write, { hpa, replicas: desiredReplicas, reason: rescaleReason });
    sync.writes.push(write);
    sync.condition("AbleToScale", "True", "SucceededRescale", `the HPA controller was able to update the target scale to ${desiredReplicas}`);
    sync.event("Normal", "SuccessfulRescale", `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
    if (spec.behavior) storeScaleEvent(sync, spec, t, currentReplicas, desiredReplicas);
  } else {
    desiredReplicas = currentReplicas;
  }
  sync.setStatus(currentReplicas, desiredReplicas, metricStatuses, rescale);
  return sync.finish(resyncDelay(now, t.sync));
}

/** normalizeDesiredReplicas (no behavior): 5-minute max-stabilization down, legacy limits up. */
function normalizeLegacy(sync: Sync, spec: Spec, t: HpaTimings, currentReplicas: number, prenormalized: number, minReplicas: number): number {
  const samples = recommendationSamples(sync.history, sync.now, t.sync);
  const stabilized = stabilizeRecommendation(samples, prenormalized, sync.now, t.downscaleStabilization);
  sync.history = recordRecommendation(sync.history, prenormalized, sync.now, t.downscaleStabilization, t.sync);
  if (stabilized !== prenormalized) {
    sync.condition("AbleToScale", "True", "ScaleDownStabilized", "recent recommendations were higher than current one, applying the highest recent recommendation");
  } else {
    sync.condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
  }
  const limited = convertDesiredReplicasWithRules(currentReplicas, stabilized, minReplicas, spec.maxReplicas);
  sync.condition("ScalingLimited", limited.replicas === stabilized ? "False" : "True", limited.reason, limited.message);
  return limited.replicas;
}

/** normalizeDesiredReplicasWithBehaviors: the behavior's stabilization windows, then its rate policies. */
function normalizeWithBehaviors(sync: Sync, spec: Spec, t: HpaTimings, currentReplicas: number, prenormalized: number, minReplicas: number): number {
  const up = effectiveRules(spec.behavior?.scaleUp, "up", DOWNSCALE_STABILIZATION_SECONDS);
  const down = effectiveRules(spec.behavior?.scaleDown, "down", DOWNSCALE_STABILIZATION_SECONDS);
  const upWindow = up.stabilizationWindowSeconds * t.second;
  const downWindow = down.stabilizationWindowSeconds * t.second;
  const samples = recommendationSamples(sync.history, sync.now, t.sync);
  const stabilized = stabilizeRecommendationWithBehaviors(samples, currentReplicas, prenormalized, upWindow, downWindow, sync.now);
  sync.history = recordRecommendation(sync.history, prenormalized, sync.now, Math.max(upWindow, downWindow), t.sync);
  if (stabilized.replicas !== prenormalized) sync.condition("AbleToScale", "True", stabilized.reason, stabilized.message);
  else sync.condition("AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size");
  const limited = convertDesiredReplicasWithBehaviorRate(stabilized.replicas, minReplicas, spec.maxReplicas, up, down, {
    currentReplicas, scaleUpEvents: sync.history.scaleUp, scaleDownEvents: sync.history.scaleDown, now: sync.now, secondMs: t.second,
  });
  sync.condition("ScalingLimited", limited.replicas === stabilized.replicas ? "False" : "True", limited.reason, limited.message);
  return limited.replicas;
}

/** storeScaleEvent: only with a behavior, and only as long as the longest policy period needs. */
function storeScaleEvent(sync: Sync, spec: Spec, t: HpaTimings, previous: number, next: number): void {
  const up = effectiveRules(spec.behavior?.scaleUp, "up", DOWNSCALE_STABILIZATION_SECONDS);
  const down = effectiveRules(spec.behavior?.scaleDown, "down", DOWNSCALE_STABILIZATION_SECONDS);
  sync.history = recordScaleEvent(sync.history, previous, next, sync.now, longestPolicyPeriod(up) * t.second, longestPolicyPeriod(down) * t.second);
}

