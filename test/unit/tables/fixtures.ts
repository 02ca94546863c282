/** Tiny frozen fixture builders for the printer tests: an accidental mutation throws. */
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";

export const NOW = Date.parse("2026-01-01T12:00:00Z");
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** An RFC3339 timestamp `ms` before NOW. */
export const ago = (ms: number) => new Date(NOW - ms).toISOString().replace(/\.000Z$/, "Z");

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Any object: `kind`, `name`, created five minutes ago, plus the given top-level fields. */
export function obj(apiVersion: string, kind: string, name: string, fields: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KObject {
  return deepFreeze({
    apiVersion,
    kind,
    metadata: { name, namespace: "default", uid: `uid-${name}`, resourceVersion: "7", creationTimestamp: ago(5 * MINUTE), labels: { app: name }, ...metadata },
    ...fields,
  });
}

type PodOpts = {
  phase?: string;
  reason?: string;
  containers?: string[];
  initContainers?: { name: string; restartPolicy?: string }[];
  statuses?: Partial<ContainerStatus>[];
  initStatuses?: Partial<ContainerStatus>[];
  conditions?: { type: string; status: string; reason?: string }[];
  deleted?: boolean;
  readinessGates?: string[];
  nodeName?: string;
  podIP?: string;
};

/** A pod with containers named after `containers` (default one, "app") and the given statuses. */
export function pod(name: string, o: PodOpts = {}): KObject {
  const containers = (o.containers ?? ["app"]).map((c) => ({ name: c, image: `${c}:1.0` }));
  const status = (s: Partial<ContainerStatus>, i: number, names: string[]) => ({
    name: names[i] ?? `c${i}`, image: "img", imageID: "", ready: false, restartCount: 0, ...s,
  });
  const spec: Pod["spec"] = {
    containers,
    ...(o.initContainers ? { initContainers: o.initContainers.map((c) => ({ image: "init:1.0", ...c })) } : {}),
    ...(o.nodeName ? { nodeName: o.nodeName } : {}),
    ...(o.readinessGates ? { readinessGates: o.readinessGates.map((conditionType) => ({ conditionType })) } : {}),
  };
  return obj(
    "v1",
    "Pod",
    name,
    {
      spec,
      status: {
        phase: o.phase ?? "Running",
        ...(o.reason ? { reason: o.reason } : {}),
        ...(o.conditions ? { conditions: o.conditions } : {}),
        ...(o.podIP ? { podIP: o.podIP, podIPs: [{ ip: o.podIP }] } : {}),
        ...(o.initStatuses ? { initContainerStatuses: o.initStatuses.map((s, i) => status(s, i, (o.initContainers ?? []).map((c) => c.name))) } : {}),
        ...(o.statuses ? { containerStatuses: o.statuses.map((s, i) => status(s, i, containers.map((c) => c.name))) } : {}),
      },
    },
    o.deleted ? { deletionTimestamp: ago(10 * SECOND) } : {},
  );
}

export const running = (restartCount = 0, extra: Partial<ContainerStatus> = {}): Partial<ContainerStatus> => ({
  ready: true, started: true, restartCount, state: { running: { startedAt: ago(MINUTE) } }, ...extra,
});
export const waiting = (reason: string, restartCount = 0, extra: Partial<ContainerStatus> = {}): Partial<ContainerStatus> => ({
  state: { waiting: { reason } }, restartCount, ...extra,
});
export const terminated = (exitCode: number, reason?: string, extra: Partial<ContainerStatus> = {}): Partial<ContainerStatus> => ({
  state: { terminated: { exitCode, ...(reason ? { reason } : {}) } }, ...extra,
});
/** The lastState of a container whose previous run finished `ms` ago. */
export const finished = (ms: number): Partial<ContainerStatus> => ({ lastState: { terminated: { exitCode: 1, finishedAt: ago(ms) } } });
