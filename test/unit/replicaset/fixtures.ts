/**
 * Builders, a fake kubelet and invariants for ReplicaSet / ReplicationController / garbage collector
 * scenarios on SimCluster. The fake kubelet keeps these tests independent of the real scheduler and
 * kubelet: it makes every pod Running and Ready at once, unless the pod carries NOT_READY.
 */
import { expect } from "vitest";
import { rfc3339 } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import { controllerOf, done, keyOf, splitKey, type Controller } from "../../../src/controllers/types";
import type { Invariant, SimCluster } from "../runtime/cluster";

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Pods with this annotation stay Running but not Ready (a failing readiness probe). */
export const NOT_READY = "test.kubeflare.dev/not-ready";
/** Pods with this annotation are made Failed (a container that exited with restartPolicy Never). */
export const FAIL = "test.kubeflare.dev/fail";

const CONTAINERS = [{ name: "nginx", image: "nginx:1.27" }];

export interface ReplicaOpts {
  replicas?: number;
  labels?: Record<string, string>;
  selector?: Record<string, string>;
  minReadySeconds?: number;
  namespace?: string;
  ownerReferences?: KObject["metadata"]["ownerReferences"];
}

/** A ReplicaSet selecting `selector` (default the template labels, app=<name>). */
export function replicaSet(name: string, opts: ReplicaOpts = {}): KObject {
  const labels = opts.labels ?? { app: name };
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: opts.namespace ?? "default", ...(opts.ownerReferences ? { ownerReferences: opts.ownerReferences } : {}) },
    spec: {
      replicas: opts.replicas ?? 3,
      ...(opts.minReadySeconds ? { minReadySeconds: opts.minReadySeconds } : {}),
      selector: { matchLabels: opts.selector ?? labels },
      template: { metadata: { labels }, spec: { containers: CONTAINERS } },
    },
  });
}

/** A ReplicationController: equality selector map, template labels app=<name>. */
export function replicationController(name: string, opts: ReplicaOpts = {}): KObject {
  const labels = opts.labels ?? { app: name };
  return deepFreeze({
    apiVersion: "v1",
    kind: "ReplicationController",
    metadata: { name, namespace: opts.namespace ?? "default" },
    spec: { replicas: opts.replicas ?? 3, selector: opts.selector ?? labels, template: { metadata: { labels }, spec: { containers: CONTAINERS } } },
  });
}

/** A bare pod (no owner) with `labels`. */
export function barePod(name: string, labels: Record<string, string>, annotations?: Record<string, string>): KObject {
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels, ...(annotations ? { annotations } : {}) },
    spec: { containers: CONTAINERS },
  });
}

export interface FakeKubelet extends Controller {
  /** Bind unbound pods to node-1..node-3 (so deletes become graceful and the kubelet finishes them). */
  bind: boolean;
}

/**
 * A stand-in kubelet: binds pods when asked, marks them Running and Ready (or not Ready / Failed
 * when annotated) with one status write, and removes terminating pods at once.
 */
export function fakeKubelet(opts: { bind?: boolean } = {}): FakeKubelet {
  let next = 0;
  const kubelet: FakeKubelet = {
    name: "fake-kubelet",
    bind: opts.bind ?? false,
    keysFor: (change) => (change.resource === "pods" && change.type !== "DELETED" ? [keyOf(change.object)] : []),
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      const pod = snapshot.get("pods", namespace, name);
      if (!pod) return done();
      const spec = pod.spec as { nodeName?: string };
      if (pod.metadata.deletionTimestamp) {
        return done([{ op: "delete", resource: "pods", namespace, name, uid: pod.metadata.uid, gracePeriodSeconds: 0 }]);
      }
      if (kubelet.bind && !spec.nodeName) {
        return done([{ op: "bind", namespace, name, uid: pod.metadata.uid!, node: `node-${(next++ % 3) + 1}` }]);
      }
      const annotations = pod.metadata.annotations ?? {};
      const phase = annotations[FAIL] ? "Failed" : "Running";
      const ready = !annotations[NOT_READY] && phase === "Running";
      const status = pod.status as { phase?: string; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
      const currentReady = status.conditions?.find((c) => c.type === "Ready");
      if (status.phase === phase && (currentReady?.status === "True") === ready) return done();
      const at = rfc3339(new Date(now));
      const conditions = [
        { type: "Initialized", status: "True", lastTransitionTime: at },
        { type: "Ready", status: ready ? "True" : "False", lastTransitionTime: at },
        { type: "ContainersReady", status: ready ? "True" : "False", lastTransitionTime: at },
        { type: "PodScheduled", status: "True", lastTransitionTime: at },
      ];
      const containerStatuses = [{ name: "nginx", image: "nginx:1.27", imageID: "", ready, restartCount: 0, started: phase === "Running", state: phase === "Running" ? { running: { startedAt: at } } : { terminated: { exitCode: 1, reason: "Error" } } }];
      return done([{ op: "status", resource: "pods", object: { ...structuredClone(pod), status: { ...status, phase, conditions, containerStatuses, startTime: at } } }]);
    },
  };
  return kubelet;
}

// ---------------------------------------------------------------------------------------------
// Reading the cluster
// ---------------------------------------------------------------------------------------------

const isActive = (pod: KObject) => {
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  return phase !== "Failed" && phase !== "Succeeded" && !pod.metadata.deletionTimestamp;
};

/** The pods an owner controls (any state). */
export function podsOf(cluster: SimCluster, owner: KObject | undefined): KObject[] {
  if (!owner) return [];
  return cluster.list("pods", owner.metadata.namespace).filter((p) => controllerOf(p)?.uid === owner.metadata.uid);
}

/** The active pods an owner controls: what its replicas count. */
export function activePodsOf(cluster: SimCluster, owner: KObject | undefined): KObject[] {
  return podsOf(cluster, owner).filter(isActive);
}

export const names = (objs: KObject[]) => objs.map((o) => o.metadata.name!).sort();

export function eventsFor(cluster: SimCluster, name: string): { reason: string; message: string; type: string; source: string }[] {
  return cluster
    .list("events")
    .filter((e) => (e.involvedObject as { name: string }).name === name)
    .map((e) => ({ reason: e.reason as string, message: e.message as string, type: e.type as string, source: (e.source as { component: string }).component }));
}

// ---------------------------------------------------------------------------------------------
// Invariants, checked after every step
// ---------------------------------------------------------------------------------------------

/** No pod has two controllers; a pod owned by a ReplicaSet or RC has exactly one. */
export const oneControllerPerPod: Invariant = (cluster) => {
  for (const pod of cluster.list("pods")) {
    const refs = pod.metadata.ownerReferences ?? [];
    const controllers = refs.filter((r) => r.controller);
    expect(controllers.length, `${pod.metadata.name} controllers`).toBeLessThanOrEqual(1);
    if (refs.some((r) => r.kind === "ReplicaSet" || r.kind === "ReplicationController")) expect(controllers).toHaveLength(1);
  }
};

/**
 * Never more active pods than replicas, beyond the excess already there and being deleted: an
 * owner's active pod count only grows while it is below spec.replicas.
 */
export function neverOverReplicas(): Invariant {
  const before = new Map<string, number>();
  return (cluster) => {
    for (const resource of ["replicasets.apps", "replicationcontrollers"]) {
      for (const owner of cluster.list(resource)) {
        const uid = owner.metadata.uid!;
        const count = activePodsOf(cluster, owner).length;
        const replicas = (owner.spec as { replicas: number }).replicas;
        const limit = Math.max(replicas, before.get(uid) ?? 0);
        expect(count, `${owner.metadata.name}: ${count} active pods, replicas ${replicas}`).toBeLessThanOrEqual(limit);
        before.set(uid, count);
      }
    }
  };
}

/** Every object's resourceVersion strictly grows whenever the object changes, and never goes back. */
export function resourceVersionsIncrease(resources = ["pods", "replicasets.apps", "replicationcontrollers", "deployments.apps", "configmaps"]): Invariant {
  const seen = new Map<string, { rv: number; json: string }>();
  let storeRv = 0;
  return (cluster) => {
    expect(cluster.store.resourceVersion).toBeGreaterThanOrEqual(storeRv);
    storeRv = cluster.store.resourceVersion;
    for (const resource of resources) {
      for (const obj of cluster.list(resource)) {
        const rv = Number(obj.metadata.resourceVersion);
        const json = JSON.stringify(obj);
        const last = seen.get(obj.metadata.uid!);
        if (last) {
          expect(rv, `${resource} ${obj.metadata.name} resourceVersion`).toBeGreaterThanOrEqual(last.rv);
          if (json !== last.json) expect(rv, `${resource} ${obj.metadata.name} changed without a new resourceVersion`).toBeGreaterThan(last.rv);
        }
        seen.set(obj.metadata.uid!, { rv, json });
      }
    }
  };
}

export function standardInvariants(): Invariant[] {
  return [oneControllerPerPod, neverOverReplicas(), resourceVersionsIncrease()];
}
