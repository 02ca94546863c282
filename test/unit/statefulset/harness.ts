/**
 * The StatefulSet Basics tutorial's world: a SimCluster running the real scheduler, kubelet, volume
 * controller and garbage collectors with the StatefulSet controller (FAST_SETTINGS), the docs'
 * headless Service `nginx` and StatefulSet `web`, kubectl-like helpers (client-side `rollout
 * status` and `rollout undo` as kubectl computes them), and the OrderedReady invariants.
 */
import type { Pod, Service } from "kubernetes-types/core/v1";
import { patch, remove } from "../../../src/api/rest";
import { labelSelectorFromSpec, matchesLabels } from "../../../src/api/selectors";
import type { KObject } from "../../../src/api/types";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { CONTROLLER_REVISIONS, revisionData, type ControllerRevision } from "../../../src/controllers/history";
import { createPodGarbageCollector } from "../../../src/controllers/podGC";
import {
  createStatefulSetController, isRunningAndReady, isTerminating, ordinalOf, PVCS, STATEFUL_SETS, type StatefulSet,
} from "../../../src/controllers/statefulset";
import { controllerOf } from "../../../src/controllers/types";
import { createVolumeController } from "../../../src/controllers/volumes";
import { createKubelet } from "../../../src/sim/kubelet";
import { createScheduler } from "../../../src/sim/scheduler";
import { FAST_SETTINGS } from "../../../src/sim/settings";
import { SimCluster, type Invariant } from "../runtime/cluster";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** The tutorial's headless Service `nginx`. */
export const NGINX_SERVICE = deepFreeze({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "nginx", namespace: "default", labels: { app: "nginx" } },
  spec: { ports: [{ port: 80, name: "web" }], clusterIP: "None", selector: { app: "nginx" } },
} as unknown as KObject & Service);

export const IMAGE_1 = "registry.k8s.io/nginx-slim:0.21";
export const IMAGE_2 = "registry.k8s.io/nginx-slim:0.24";

export interface WebOptions {
  replicas?: number;
  image?: string;
  podManagementPolicy?: "OrderedReady" | "Parallel";
  updateStrategy?: Record<string, unknown>;
  minReadySeconds?: number;
  retention?: { whenDeleted?: string; whenScaled?: string };
  annotations?: Record<string, string>;
}

/** The tutorial's StatefulSet `web`: nginx-slim, 2 replicas, claim template `www` of 1Gi. */
export function web(o: WebOptions = {}): KObject {
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", namespace: "default", ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      serviceName: "nginx",
      replicas: o.replicas ?? 2,
      ...(o.podManagementPolicy ? { podManagementPolicy: o.podManagementPolicy } : {}),
      ...(o.updateStrategy ? { updateStrategy: o.updateStrategy } : {}),
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
      selector: { matchLabels: { app: "nginx" } },
      template: {
        metadata: { labels: { app: "nginx" } },
        spec: {
          containers: [{
            name: "nginx",
            image: o.image ?? IMAGE_1,
            ports: [{ containerPort: 80, name: "web" }],
            volumeMounts: [{ name: "www", mountPath: "/usr/share/nginx/html" }],
          }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }],
    },
  });
}

export class StsCluster extends SimCluster {
  /** Pods the test itself deleted: their going is not the controller's doing. */
  readonly userDeleted = new Set<string>();

  constructor(opts: { nodes?: number; seed?: number } = {}) {
    super([
      createScheduler(FAST_SETTINGS),
      createKubelet(FAST_SETTINGS),
      createVolumeController(FAST_SETTINGS),
      createGarbageCollector(),
      createPodGarbageCollector(),
      createStatefulSetController(FAST_SETTINGS),
    ], opts);
  }

  sts(name = "web"): StatefulSet {
    return this.get(STATEFUL_SETS, name) as StatefulSet;
  }

  /** The set's live pods, by ordinal. */
  pods(name = "web"): (KObject & Pod)[] {
    const uid = this.sts(name)?.metadata.uid;
    return this.list("pods", "default")
      .filter((p) => controllerOf(p)?.uid === uid)
      .sort((a, b) => ordinalOf(a) - ordinalOf(b)) as (KObject & Pod)[];
  }

  podNames(name = "web"): string[] {
    return this.pods(name).map((p) => p.metadata.name!);
  }

  images(name = "web"): string[] {
    return this.pods(name).map((p) => p.spec!.containers[0].image!);
  }

  claimNames(): string[] {
    return this.list(PVCS, "default").map((c) => c.metadata.name!).sort();
  }

  /** `kubectl rollout history`'s view: the set's revisions, by revision number. */
  revisions(name = "web"): ControllerRevision[] {
    const set = this.sts(name);
    const selector = labelSelectorFromSpec(set.spec.selector);
    return (this.list(CONTROLLER_REVISIONS, "default") as ControllerRevision[])
      .filter((r) => matchesLabels(selector, r.metadata.labels) && controllerOf(r)?.uid === set.metadata.uid)
      .sort((a, b) => a.revision - b.revision);
  }

  /** The set's events, oldest first, as "Reason: message". */
  events(name = "web"): string[] {
    return this.list("events", "default")
      .filter((e) => (e.involvedObject as { kind: string; name: string }).kind === "StatefulSet" && (e.involvedObject as { name: string }).name === name)
      .sort((a, b) => (a.metadata.uid! < b.metadata.uid! ? -1 : 1))
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** The set's events with their counts ("Reason: message ×2" when recorded twice). */
  eventCounts(name = "web"): string[] {
    return this.list("events", "default")
      .filter((e) => (e.involvedObject as { kind: string; name: string }).kind === "StatefulSet" && (e.involvedObject as { name: string }).name === name)
      .sort((a, b) => (a.metadata.uid! < b.metadata.uid! ? -1 : 1))
      .map((e) => `${e.reason}: ${e.message}${(e.count as number) > 1 ? ` ×${e.count}` : ""}`);
  }

  deletePod(name: string): void {
    const pod = this.get("pods", name);
    if (pod) this.userDeleted.add(pod.metadata.uid!);
    this.delete("Pod", name);
  }

  deleteSet(propagationPolicy?: "Background" | "Foreground" | "Orphan", name = "web"): void {
    this.write(() => remove(this.ctx, this.target("StatefulSet"), name, { propagationPolicy }));
  }

  scale(replicas: number, name = "web"): void {
    this.patch("StatefulSet", name, { spec: { replicas } });
  }

  /** `kubectl patch statefulset web --type=json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":…}]'` */
  setImage(image: string, name = "web"): void {
    this.write(() => patch(this.ctx, this.target("StatefulSet"), name, "json", [{ op: "replace", path: "/spec/template/spec/containers/0/image", value: image }]));
  }

  partition(partition: number, name = "web"): void {
    this.patch("StatefulSet", name, { spec: { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition } } } });
  }

  /**
   * `kubectl rollout undo sts/web [--to-revision=N]`, client-side: the revision (default the second
   * highest), "skipped" when its data is byte-equal to the set's own getPatch, else that data as a
   * strategic merge patch. Returns kubectl's message.
   */
  undo(toRevision = 0, name = "web"): string {
    const revisions = this.revisions(name);
    if (toRevision === 0 && revisions.length <= 1) return "error: no last revision to roll back to";
    const target = toRevision ? revisions.find((r) => r.revision === toRevision) : revisions[revisions.length - 2];
    if (!target) return `error: unable to find specified revision ${toRevision} in history`;
    const current = JSON.stringify(revisionData(this.sts(name).spec.template));
    if (JSON.stringify(target.data) === current) return `statefulset.apps/${name} skipped rollback (current template already matches revision ${target.revision})`;
    this.write(() => patch(this.ctx, this.target("StatefulSet"), name, "strategic", JSON.parse(JSON.stringify(target.data))));
    return `statefulset.apps/${name} rolled back`;
  }

  /** `kubectl rollout status sts/web` (StatefulSetStatusViewer): the line it prints now. */
  rolloutStatus(name = "web"): string {
    const s = this.sts(name);
    const st = s.status ?? {};
    if (s.spec.updateStrategy?.type !== "RollingUpdate") return "rollout status is only available for RollingUpdate strategy type";
    if (!st.observedGeneration || (s.metadata.generation ?? 0) > st.observedGeneration) return "Waiting for statefulset spec update to be observed...";
    const replicas = s.spec.replicas ?? 1;
    if ((st.readyReplicas ?? 0) < replicas) return `Waiting for ${replicas - (st.readyReplicas ?? 0)} pods to be ready...`;
    const partition = s.spec.updateStrategy.rollingUpdate?.partition;
    if (partition !== undefined && partition !== null) {
      if ((st.updatedReplicas ?? 0) < replicas - partition) return `Waiting for partitioned roll out to finish: ${st.updatedReplicas ?? 0} out of ${replicas - partition} new pods have been updated...`;
      return `partitioned roll out complete: ${st.updatedReplicas ?? 0} new pods have been updated...`;
    }
    if (st.updateRevision !== st.currentRevision) return `waiting for statefulset rolling update to complete ${st.updatedReplicas ?? 0} pods at revision ${st.updateRevision}...`;
    return `statefulset rolling update complete ${st.currentReplicas ?? 0} pods at revision ${st.currentRevision}...`;
  }

  run(invariants: Invariant[] = [], ms = 10 * MINUTE): void {
    this.settle({ horizonMs: ms, invariants });
  }
}

const healthy = (p: KObject) => isRunningAndReady(p) && !isTerminating(p);

/**
 * OrderedReady, checked after every step:
 * - a pod the controller creates with ordinal i finds 0…i−1 Running and Ready, and every claim it
 *   mounts already exists (any policy);
 * - at most one pod of the set is changing at a time: among the pods the test did not delete
 *   itself, at most one is not Running-and-Ready (or is terminating), and the controller deletes a
 *   pod only when every other such pod is healthy.
 */
export function orderedReady(c: StsCluster): Invariant {
  const terminating = new Map<string, boolean>();
  return () => {
    const pods = c.list("pods", "default");
    for (const set of c.list(STATEFUL_SETS, "default") as StatefulSet[]) {
      const mine = pods.filter((p) => controllerOf(p)?.uid === set.metadata.uid);
      const ordered = set.spec.podManagementPolicy !== "Parallel";
      const others = (p: KObject) => mine.filter((o) => o !== p && !c.userDeleted.has(o.metadata.uid!));
      for (const pod of mine) {
        const uid = pod.metadata.uid!;
        const seen = terminating.get(uid);
        if (seen === undefined) {
          for (const v of (pod as KObject & Pod).spec?.volumes ?? []) {
            const claim = v.persistentVolumeClaim?.claimName;
            if (claim && !c.get(PVCS, claim)) throw new Error(`${pod.metadata.name} created before its claim ${claim} (step ${c.steps})`);
          }
          if (ordered) {
            for (let j = 0; j < ordinalOf(pod); j++) {
              const lower = mine.find((p) => ordinalOf(p) === j && !isTerminating(p));
              if (!lower || !isRunningAndReady(lower)) throw new Error(`${pod.metadata.name} created before ${set.metadata.name}-${j} was Running and Ready (step ${c.steps})`);
            }
          }
        } else if (!seen && isTerminating(pod) && ordered && !c.userDeleted.has(uid)) {
          const sick = others(pod).filter((o) => !healthy(o));
          if (sick.length) throw new Error(`${pod.metadata.name} deleted while ${sick.map((p) => p.metadata.name).join(", ")} not healthy (step ${c.steps})`);
        }
        terminating.set(uid, isTerminating(pod));
      }
      if (ordered) {
        const changing = mine.filter((p) => !c.userDeleted.has(p.metadata.uid!) && !healthy(p));
        if (changing.length > 1) throw new Error(`${changing.map((p) => p.metadata.name).join(", ")} changing at once (step ${c.steps})`);
      }
    }
  };
}
