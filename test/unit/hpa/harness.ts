/**
 * A SimCluster with the real scheduler, kubelet, endpoints, ReplicaSet, Deployment and garbage
 * collector controllers in the fast profile, and the HPA controller under test; helpers to read what
 * `kubectl get hpa` and `kubectl top pods` would show, and the invariants every step must keep.
 */
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Deployment } from "kubernetes-types/apps/v1";
import { expect } from "vitest";
import { formatHPAMetrics } from "../../../src/api/tables/workloads";
import type { KObject } from "../../../src/api/types";
import { createDeploymentController } from "../../../src/controllers/deployment";
import { createEndpointsController } from "../../../src/controllers/endpoints";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { createHpaController, HPAS, hpaTimings, type HpaControllerOptions } from "../../../src/controllers/hpa";
import { createReplicaSetController } from "../../../src/controllers/replicaset";
import type { Controller } from "../../../src/controllers/types";
import { createKubelet } from "../../../src/sim/kubelet";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { SimCluster, type Invariant } from "../runtime/cluster";

export const SETTINGS = FAST_SETTINGS;
export const T = hpaTimings(SETTINGS);
/** One simulated second in wall milliseconds of the fast profile. */
export const SECOND = T.second;

export function hpaCluster(opts: HpaControllerOptions & { extra?: Controller[] } = {}): SimCluster {
  return new SimCluster([
    createScheduler(SETTINGS),
    createKubelet(SETTINGS),
    createEndpointsController(),
    createReplicaSetController(SETTINGS),
    createDeploymentController(SETTINGS),
    createGarbageCollector(),
    createHpaController(SETTINGS, opts),
    ...(opts.extra ?? []),
  ]);
}

export const getHpa = (c: SimCluster, name: string) => c.get(HPAS, name) as unknown as HorizontalPodAutoscaler;
export const replicasOf = (c: SimCluster, name: string) => (c.get("deployments.apps", name) as unknown as Deployment | undefined)?.spec?.replicas;

/** The Targets cell of `kubectl get hpa`. */
export function targets(c: SimCluster, name: string): string {
  const h = getHpa(c, name);
  return formatHPAMetrics(h.spec?.metrics ?? [], h.status?.currentMetrics ?? []);
}

export function condition(c: SimCluster, name: string, type: string) {
  return getHpa(c, name).status?.conditions?.find((x) => x.type === type);
}

export function hpaEvents(c: SimCluster, name: string): { reason: string; message: string; type: string; count: number }[] {
  return c.list("events", "default")
    .filter((e) => (e.involvedObject as { kind?: string; name?: string }).kind === "HorizontalPodAutoscaler" && (e.involvedObject as { name?: string }).name === name)
    .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string, count: (e.count as number) ?? 1 }));
}

/** Runs simulated seconds of cluster time, checking invariants after every step. */
export function run(c: SimCluster, seconds: number, invariants: Invariant[] = hpaInvariants()): void {
  c.advance(seconds * SECOND, invariants);
}

/** Runs until `until` holds or `seconds` of simulated time pass; returns the simulated seconds it took. */
export function runUntil(c: SimCluster, seconds: number, until: (c: SimCluster) => boolean, invariants: Invariant[] = hpaInvariants()): number {
  const start = c.now;
  const ms = c.settle({ horizonMs: seconds * SECOND, until, invariants });
  if (!until(c)) c.now = Math.max(c.now, start + seconds * SECOND);
  return ms / SECOND;
}

/** Every HPA keeps its target within [minReplicas, maxReplicas] once it has acted, and never writes an unknown condition. */
export function hpaInvariants(): Invariant[] {
  return [
    (c) => {
      for (const obj of c.list(HPAS)) {
        const h = obj as unknown as HorizontalPodAutoscaler;
        const status = h.status;
        if (!status?.lastScaleTime) continue;
        expect(status.desiredReplicas).toBeGreaterThanOrEqual(h.spec!.minReplicas ?? 1);
        expect(status.desiredReplicas).toBeLessThanOrEqual(h.spec!.maxReplicas);
        for (const cond of status.conditions ?? []) expect(["AbleToScale", "ScalingActive", "ScalingLimited"]).toContain(cond.type);
      }
    },
  ];
}

export const asObject = (o: unknown) => o as KObject;
