/**
 * One sync's draft of an HPA: the status rebuilt as upstream's setStatus / setCondition do, the
 * history, the events; written once at the end, and only when something differs.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { type ReconcileResult, type Write, done } from "../types";
import { SCALE_EVENTS_ANNOTATION, type ScaleHistory, encodeHistory, readHistory } from "./history";
import { rfc3339 } from "../../api/time";

export const HPAS = "horizontalpodautoscalers.autoscaling";
export const HPA_COMPONENT = "horizontal-pod-autoscaler";


export type Spec = HorizontalPodAutoscaler["spec"] & {};
type ConditionType = "AbleToScale" | "ScalingActive" | "ScalingLimited";

/** One reconcile's draft: the status being rebuilt, the history, the writes. */
export class Sync {
  status: HorizontalPodAutoscalerStatus;
  history: ScaleHistory;
  readonly writes: Write[] = [];

  constructor(readonly hpa: KObject, readonly now: number) {
    this.status = structuredClone((hpa.status ?? {}) as HorizontalPodAutoscalerStatus);
    this.history = readHistory(hpa);
  }

  /** setCondition: lastTransitionTime moves only when the status flips. */
  condition(type: ConditionType, status: "True" | "False", reason: string, message: string): void {
    const conditions: HorizontalPodAutoscalerCondition[] = [...(this.status.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === type);
    const old = i >= 0 ? conditions[i] : undefined;
    const next = { type, status, lastTransitionTime: old && old.status === status ? old.lastTransitionTime : rfc3339(this.now), reason, message };
    if (i >= 0) conditions[i] = next;
    else conditions.push(next);
    this.status.conditions = conditions;
  }

  event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.writes.push({ op: "event", involved: this.hpa, type, reason, message, component: HPA_COMPONENT });
  }

  /** setStatus: a fresh status keeping lastScaleTime (now on a rescale) and the conditions. */
  setStatus(currentReplicas: number, desiredReplicas: number, metrics: MetricStatus[] | undefined, rescale: boolean): void {
    const lastScaleTime = rescale ? rfc3339(this.now) : this.status.lastScaleTime;
    this.status = {
      currentReplicas,
      desiredReplicas,
      ...(lastScaleTime ? { lastScaleTime } : {}),
      ...(metrics ? { currentMetrics: metrics } : {}),
      ...(this.status.conditions ? { conditions: this.status.conditions } : {}),
    };
  }

  /** The status (and history) write when either changed, events after it; then the next sync. */
  finish(syncMs: number): ReconcileResult {
    const annotations = { ...(this.hpa.metadata.annotations ?? {}) };
    const encoded = encodeHistory(this.history);
    if (encoded === undefined) delete annotations[SCALE_EVENTS_ANNOTATION];
    else annotations[SCALE_EVENTS_ANNOTATION] = encoded;
    const historyChanged = annotations[SCALE_EVENTS_ANNOTATION] !== this.hpa.metadata.annotations?.[SCALE_EVENTS_ANNOTATION];
    const writes: Write[] = [];
    const scale = this.writes.filter((w) => w.op === "update");
    writes.push(...scale);
    if (historyChanged || !deepEqual(this.hpa.status ?? {}, this.status)) {
      const { annotations: _old, ...rest } = this.hpa.metadata;
      const metadata = Object.keys(annotations).length ? { ...rest, annotations } : rest;
      writes.push({ op: "status", resource: HPAS, object: { ...this.hpa, metadata, status: this.status } });
    }
    writes.push(...this.writes.filter((w) => w.op !== "update"));
    return done(writes, syncMs);
  }
}

