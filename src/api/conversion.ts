/**
 * Version conversion for kinds served in more than one shape from one stored object, as upstream:
 * HorizontalPodAutoscaler is stored as autoscaling/v2 and also served as v1; events.k8s.io/v1 Events
 * are core/v1 Events with renamed fields.
 */
import type { KObject } from "./types";

type Obj = Record<string, any>;

const CPU_UTILIZATION = (m: Obj) => m.type === "Resource" && m.resource?.name === "cpu" && m.resource?.target?.type === "Utilization";

/** autoscaling/v1 → v2: targetCPUUtilizationPercentage becomes a cpu Utilization metric. */
export function hpaV1ToV2(v1: KObject): KObject {
  const { targetCPUUtilizationPercentage, ...spec } = (v1.spec ?? {}) as Obj;
  const v2: Obj = { ...v1, apiVersion: "autoscaling/v2", spec };
  if (targetCPUUtilizationPercentage !== undefined) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: targetCPUUtilizationPercentage } } }];
  }
  const status = v1.status as Obj | undefined;
  if (status) {
    const { currentCPUUtilizationPercentage, ...rest } = status;
    v2.status = { ...rest };
    if (currentCPUUtilizationPercentage !== undefined) {
      v2.status.currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: currentCPUUtilizationPercentage } } }];
    }
  }
  return v2 as KObject;
}

/** autoscaling/v2 → v1: only the cpu utilization target survives, as upstream's conversion keeps. */
export function hpaV2ToV1(v2: KObject): KObject {
  const { metrics, behavior: _behavior, ...spec } = (v2.spec ?? {}) as Obj;
  const cpu = (metrics as Obj[] | undefined)?.find(CPU_UTILIZATION);
  const v1Spec: Obj = { ...spec };
  if (cpu) v1Spec.targetCPUUtilizationPercentage = cpu.resource.target.averageUtilization;
  const status = (v2.status ?? {}) as Obj;
  const { currentMetrics, conditions: _conditions, ...statusRest } = status;
  const current = (currentMetrics as Obj[] | undefined)?.find((m) => m.type === "Resource" && m.resource?.name === "cpu");
  const v1Status: Obj = { ...statusRest };
  if (current?.resource?.current?.averageUtilization !== undefined) {
    v1Status.currentCPUUtilizationPercentage = current.resource.current.averageUtilization;
  }
  return { ...v2, apiVersion: "autoscaling/v1", spec: v1Spec, status: v1Status } as KObject;
}

/** core/v1 Event → events.k8s.io/v1 Event. */
export function eventToEventsV1(e: KObject): KObject {
  const o = e as Obj;
  const out: Obj = {
    apiVersion: "events.k8s.io/v1",
    kind: "Event",
    metadata: o.metadata,
    eventTime: o.eventTime ?? null,
    reportingController: o.reportingComponent || o.source?.component,
    reportingInstance: o.reportingInstance || o.source?.host,
    action: o.action,
    reason: o.reason,
    regarding: o.involvedObject,
    related: o.related,
    note: o.message,
    type: o.type,
    deprecatedSource: o.source,
    deprecatedFirstTimestamp: o.firstTimestamp,
    deprecatedLastTimestamp: o.lastTimestamp,
    deprecatedCount: o.count,
  };
  if (o.series) out.series = o.series;
  return prune(out) as KObject;
}

/** events.k8s.io/v1 Event → core/v1 Event. */
export function eventsV1ToEvent(e: KObject): KObject {
  const o = e as Obj;
  const out: Obj = {
    apiVersion: "v1",
    kind: "Event",
    metadata: o.metadata,
    involvedObject: o.regarding ?? {},
    reason: o.reason,
    message: o.note,
    source: o.deprecatedSource ?? (o.reportingController ? { component: o.reportingController, host: o.reportingInstance } : undefined),
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: o.deprecatedCount,
    type: o.type,
    eventTime: o.eventTime,
    series: o.series,
    action: o.action,
    related: o.related,
    reportingComponent: o.reportingController ?? "",
    reportingInstance: o.reportingInstance ?? "",
  };
  return prune(out) as KObject;
}

function prune(o: Obj): Obj {
  for (const key of Object.keys(o)) if (o[key] === undefined) delete o[key];
  return o;
}

/** The stored form of an object received at `apiVersion`. */
export function toStored(apiVersion: string, obj: KObject): KObject {
  if (apiVersion === "autoscaling/v1" && obj.kind === "HorizontalPodAutoscaler") return hpaV1ToV2(obj);
  if (apiVersion === "events.k8s.io/v1" && obj.kind === "Event") return eventsV1ToEvent(obj);
  return obj;
}

/** The stored object as served at `apiVersion`. */
export function fromStored(apiVersion: string, obj: KObject): KObject {
  if (apiVersion === "autoscaling/v1" && obj.kind === "HorizontalPodAutoscaler") return hpaV2ToV1(obj);
  if (apiVersion === "events.k8s.io/v1" && obj.kind === "Event") return eventToEventsV1(obj);
  return obj;
}
