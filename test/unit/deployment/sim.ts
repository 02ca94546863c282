/**
 * A SimCluster with the Deployment controller and two stand-ins that keep these tests independent of
 * the real ReplicaSet controller and kubelet:
 *   - a fake ReplicaSet controller: creates and deletes pods to match spec.replicas (deterministic
 *     names `<rs>-<n>`), reports replicas/ready/available (honouring minReadySeconds) and
 *     observedGeneration;
 *   - a fake kubelet: a pod is Running and Ready 2 s after creation, except images whose tag
 *     contains "1.161" (the docs' typo), which never become ready; a deleted pod is gone 1 s later.
 * Plus the rollout invariants checked after every step, and kubectl-like helpers.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { deepEqual } from "../../../src/api/deepEqual";
import { patch } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import {
  createDeploymentController,
  maxSurge,
  maxUnavailable,
  revision,
  type Deployment,
  type ReplicaSet,
  DEPLOYMENTS,
  REPLICA_SETS,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  LAST_APPLIED_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
} from "../../../src/controllers/deployment";
import { controllerOf, done, keyOf, splitKey, type Controller, type Write } from "../../../src/controllers/types";
import { SimCluster, type Invariant } from "../runtime/cluster";
import { deploymentObject, type DeploymentOptions } from "./fixtures";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
const START_MS = 2 * SECOND;
const TERMINATE_MS = 1 * SECOND;

const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const asPod = (o: KObject) => o as unknown as Pod;
const terminating = (o: KObject) => !!o.metadata.deletionTimestamp;
const isReady = (p: KObject) => !!asPod(p).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
const readySince = (p: KObject) => Date.parse(asPod(p).status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? "");
const isAvailable = (p: KObject, minReadySeconds: number, now: number) => isReady(p) && readySince(p) + minReadySeconds * SECOND <= now;

/** Stand-in for the ReplicaSet controller: pods to match spec.replicas, counts in status. */
export function fakeReplicaSetController(): Controller {
  return {
    name: "fake-replicaset",
    keysFor(change) {
      if (change.resource === REPLICA_SETS) return [keyOf(change.object)];
      const ref = change.resource === "pods" ? controllerOf(change.object) : undefined;
      return ref?.kind === "ReplicaSet" ? [`${change.object.metadata.namespace}/${ref.name}`] : [];
    },
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      const rs = snapshot.get(REPLICA_SETS, namespace, name) as ReplicaSet | undefined;
      if (!rs || rs.metadata.deletionTimestamp) return done();
      const minReady = rs.spec.minReadySeconds ?? 0;
      const pods = snapshot.ownedBy("pods", rs.metadata.uid!).filter((p) => !terminating(p));
      const want = rs.spec.replicas ?? 1;
      const writes: Write[] = [];
      let active = pods;
      if (pods.length > want) {
        // Like upstream's pod ranking: not-ready first, then the newest.
        const doomed = [...pods]
          .sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? "") || (b.metadata.name ?? "").localeCompare(a.metadata.name ?? ""))
          .slice(0, pods.length - want);
        for (const p of doomed) writes.push({ op: "delete", resource: "pods", namespace, name: p.metadata.name!, uid: p.metadata.uid });
        active = pods.filter((p) => !doomed.includes(p));
      }
      for (let i = 0, created = 0; created < want - pods.length; i++) {
        const podName = `${name}-${i}`;
        if (snapshot.get("pods", namespace, podName)) continue;
        const template = rs.spec.template!;
        writes.push({
          op: "create",
          resource: "pods",
          object: {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
              name: podName,
              namespace,
              labels: { ...template.metadata?.labels },
              ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
              ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid: rs.metadata.uid!, controller: true, blockOwnerDeletion: true }],
            },
            spec: { ...structuredClone(template.spec!), nodeName: `node-${(i % 3) + 1}` },
          },
        });
        created++;
      }
      const ready = active.filter(isReady);
      const available = active.filter((p) => isAvailable(p, minReady, now));
      const status = {
        replicas: active.length,
        fullyLabeledReplicas: active.length,
        readyReplicas: ready.length,
        availableReplicas: available.length,
        observedGeneration: rs.metadata.generation,
      };
      if (!deepEqual(status, rs.status)) writes.push({ op: "status", resource: REPLICA_SETS, object: { ...structuredClone(rs), status } });
      const pending = ready.filter((p) => !isAvailable(p, minReady, now)).map((p) => readySince(p) + minReady * SECOND - now);
      return done(writes, pending.length ? Math.max(1, Math.min(...pending)) : undefined);
    },
  };
}

const badImage = (p: KObject) => asPod(p).spec?.containers.some((c) => (c.image ?? "").split(":")[1]?.includes("1.161"));

/** Stand-in for the kubelet: Running and Ready after 2 s (never for a "1.161" tag); deleted pods gone after 1 s. */
export function fakeKubelet(): Controller {
  return {
    name: "fake-kubelet",
    keysFor: (change) => (change.resource === "pods" && change.type !== "DELETED" ? [keyOf(change.object)] : []),
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      const pod = snapshot.get("pods", namespace, name);
      if (!pod) return done();
      if (terminating(pod)) {
        const asked = Date.parse(pod.metadata.deletionTimestamp!) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * SECOND;
        const due = asked + TERMINATE_MS;
        if (now < due) return done([], due - now);
        return done([{ op: "delete", resource: "pods", namespace, name, uid: pod.metadata.uid, gracePeriodSeconds: 0 }]);
      }
      const phase = asPod(pod).status?.phase;
      if (phase === "Running" || asPod(pod).status?.containerStatuses) return done();
      const due = Date.parse(pod.metadata.creationTimestamp!) + START_MS;
      if (now < due) return done([], due - now);
      const at = rfc3339(now);
      const containers = asPod(pod).spec!.containers;
      const status = badImage(pod)
        ? {
          phase: "Pending",
          conditions: [{ type: "Ready", status: "False", lastTransitionTime: at, reason: "ContainersNotReady" }],
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: false, restartCount: 0, started: false, state: { waiting: { reason: "ImagePullBackOff" } } })),
        }
        : {
          phase: "Running",
          startTime: at,
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }],
          containerStatuses: containers.map((c) => ({ name: c.name, image: c.image, imageID: "", ready: true, restartCount: 0, started: true, state: { running: { startedAt: at } } })),
        };
      return done([{ op: "status", resource: "pods", object: { ...structuredClone(pod), status: { ...(pod.status as object), ...status } } }]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The cluster and kubectl-like helpers
// ---------------------------------------------------------------------------------------------

export class DeploymentCluster extends SimCluster {
  constructor(opts: { deploymentFirst?: boolean } = {}) {
    const fakes = [fakeReplicaSetController(), fakeKubelet()];
    const controller = createDeploymentController();
    super(opts.deploymentFirst === false ? [...fakes, controller] : [controller, ...fakes]);
  }

  create(name: string, o: DeploymentOptions = {}): Deployment {
    return this.apply(deploymentObject(name, o)) as Deployment;
  }

  deployment(name: string): Deployment {
    return this.get(DEPLOYMENTS, name) as Deployment;
  }

  /** The deployment's ReplicaSets (controlled by it), lowest revision first. */
  replicaSets(name: string): ReplicaSet[] {
    const uid = this.deployment(name).metadata.uid;
    return (this.list(REPLICA_SETS, "default") as ReplicaSet[])
      .filter((r) => controllerOf(r)?.uid === uid)
      .sort((a, b) => (revision(a) ?? 0) - (revision(b) ?? 0));
  }

  /** The ReplicaSet holding this image. */
  replicaSetFor(name: string, image: string): ReplicaSet | undefined {
    return this.replicaSets(name).find((r) => r.spec.template?.spec?.containers[0].image === image);
  }

  pods(rs: ReplicaSet): KObject[] {
    return this.store.ownedBy("pods", rs.metadata.uid!);
  }

  /** `kubectl set image deployment/<name> nginx=<image>` (the SMP lands as this merge of the template). */
  setImage(name: string, image: string, annotations?: Record<string, string>): Deployment {
    const containers = structuredClone(this.deployment(name).spec.template.spec!.containers);
    containers[0].image = image;
    return this.patch("Deployment", name, { ...(annotations ? { metadata: { annotations } } : {}), spec: { template: { spec: { containers } } } }) as Deployment;
  }

  scale(name: string, replicas: number): Deployment {
    return this.patch("Deployment", name, { spec: { replicas } }) as Deployment;
  }

  pause(name: string): Deployment {
    return this.patch("Deployment", name, { spec: { paused: true } }) as Deployment;
  }

  resume(name: string): Deployment {
    return this.patch("Deployment", name, { spec: { paused: null } }) as Deployment;
  }

  restart(name: string, at: string): Deployment {
    return this.patch("Deployment", name, { spec: { template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": at } } } } }) as Deployment;
  }

  /**
   * `kubectl rollout undo [--to-revision=N]`, client-side as kubectl does it: the ReplicaSet of that
   * revision (default: the second highest), its template minus pod-template-hash (with Go's
   * `"creationTimestamp": null`), and the annotations of that ReplicaSet plus the deployment's own
   * skipped ones, sent as a JSON patch. Returns false for "skipped rollback".
   */
  undo(name: string, toRevision = 0): boolean {
    const d = this.deployment(name);
    const rss = this.replicaSets(name);
    const revs = rss.map((r) => revision(r) ?? 0).sort((a, b) => a - b);
    const to = toRevision || revs[revs.length - 2];
    const target = rss.find((r) => revision(r) === to);
    if (!target) throw new Error(`unable to find specified revision ${to} in history`);
    const template = structuredClone(target.spec.template!);
    delete template.metadata!.labels![POD_TEMPLATE_HASH_LABEL];
    (template.metadata as Record<string, unknown>).creationTimestamp = null;
    const skipped = [LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, DEPRECATED_ROLLBACK_TO_ANNOTATION];
    const annotations: Record<string, string> = {};
    for (const k of skipped) if (d.metadata.annotations?.[k] !== undefined) annotations[k] = d.metadata.annotations[k];
    for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!skipped.includes(k)) annotations[k] = v;
    if (deepEqual(normalize(template), normalize(d.spec.template))) return false;
    this.write(() => patch(this.ctx, this.target("Deployment"), name, "json", [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]));
    return true;
  }

  /** The deployment's Events, oldest first, as "Reason: message". */
  events(name: string): string[] {
    return this.list("events", "default")
      .filter((e) => (e.involvedObject as { kind: string; name: string }).kind === "Deployment" && (e.involvedObject as { name: string }).name === name)
      .sort((a, b) => (a.metadata.uid! < b.metadata.uid! ? -1 : 1))
      .map((e) => `${e.reason}: ${e.message}`);
  }

  /** Runs until nothing is due within `ms`, checking the invariants after every step. */
  run(invariants: Invariant[] = [], ms = 5 * MINUTE): void {
    this.settle({ horizonMs: ms, invariants });
  }
}

const normalize = (t: unknown): unknown => JSON.parse(JSON.stringify(t, (_k, v) => (v === null ? undefined : v)));

/** `kubectl rollout status` rules: done when observed and every replica updated and available. */
export function rolloutDone(d: Deployment): boolean {
  const s = d.status ?? {};
  const replicas = d.spec.replicas ?? 1;
  return (d.metadata.generation ?? 0) <= (s.observedGeneration ?? 0) && (s.updatedReplicas ?? 0) >= replicas &&
    (s.replicas ?? 0) <= (s.updatedReplicas ?? 0) && (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
}

export function condition(d: Deployment, type: string) {
  return d.status?.conditions?.find((c) => c.type === type);
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

function liveDeployments(c: SimCluster): Deployment[] {
  return c.list(DEPLOYMENTS, "default") as Deployment[];
}

function owned(c: SimCluster, d: Deployment): ReplicaSet[] {
  return (c.list(REPLICA_SETS, "default") as ReplicaSet[]).filter((r) => controllerOf(r)?.uid === d.metadata.uid);
}

function livePods(c: SimCluster, rss: ReplicaSet[]): KObject[] {
  return rss.flatMap((r) => c.store.ownedBy("pods", r.metadata.uid!)).filter((p) => !terminating(p));
}

/**
 * Never more than replicas + maxSurge wanted (Σ spec.replicas, the controller's own promise) nor
 * running (non-terminating pods). After a scale-down the old bound holds for running pods until
 * the ReplicaSet controller has deleted the surplus: pods cannot vanish in the same step.
 */
export function atMostSurge(): Invariant {
  const last = new Map<string, number>();
  const draining = new Map<string, number>();
  return (c) => {
    for (const d of liveDeployments(c)) {
      if (d.spec.strategy?.type === "Recreate") continue;
      const name = d.metadata.name!;
      const bound = (d.spec.replicas ?? 1) + maxSurge(d);
      if ((last.get(name) ?? bound) > bound) draining.set(name, Math.max(draining.get(name) ?? 0, last.get(name)!));
      last.set(name, bound);
      const rss = owned(c, d);
      const wanted = rss.reduce((n, r) => n + (r.spec.replicas ?? 0), 0);
      const running = livePods(c, rss).length;
      if (running <= bound) draining.delete(name);
      const runningBound = draining.get(name) ?? bound;
      if (wanted > bound || running > runningBound) {
        throw new Error(`${name}: ${wanted} wanted (≤ ${bound}), ${running} running (≤ ${runningBound}) exceeds replicas + maxSurge at step ${c.steps}`);
      }
    }
  };
}

/**
 * Once replicas − maxUnavailable pods are available for the current spec.replicas, it stays so
 * (a rollout never dips below it). A scale changes the bar, so tracking restarts.
 */
export function keepsAvailability(): Invariant {
  const armed = new Map<string, number>();
  return (c) => {
    for (const d of liveDeployments(c)) {
      if (d.spec.strategy?.type === "Recreate") continue;
      const name = d.metadata.name!;
      const replicas = d.spec.replicas ?? 1;
      const minReady = d.spec.minReadySeconds ?? 0;
      const available = livePods(c, owned(c, d)).filter((p) => isAvailable(p, minReady, c.now)).length;
      const bar = replicas - maxUnavailable(d);
      if (armed.get(name) !== replicas) {
        if (available >= bar) armed.set(name, replicas);
        continue;
      }
      if (available < bar) throw new Error(`${name}: ${available} available < ${bar} (replicas − maxUnavailable) at step ${c.steps}`);
    }
  };
}

/** Recreate: no pod of the newest ReplicaSet while any pod (even terminating) of an older one exists. */
export const neverSideBySide: Invariant = (c) => {
  for (const d of liveDeployments(c)) {
    if (d.spec.strategy?.type !== "Recreate") continue;
    const rss = owned(c, d).sort((a, b) => (revision(a) ?? 0) - (revision(b) ?? 0));
    const [newest, ...older] = rss.reverse();
    if (!newest) continue;
    const newPods = c.store.ownedBy("pods", newest.metadata.uid!).length;
    const oldPods = older.reduce((n, r) => n + c.store.ownedBy("pods", r.metadata.uid!).length, 0);
    if (newPods > 0 && oldPods > 0) throw new Error(`${d.metadata.name}: ${newPods} new and ${oldPods} old pods side by side`);
  }
};

/** Every ReplicaSet a deployment made or claimed (hash label or owners) has exactly one controller owner. */
export const oneControllerOwner: Invariant = (c) => {
  for (const r of c.list(REPLICA_SETS, "default")) {
    if (!r.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] && !r.metadata.ownerReferences?.length) continue;
    const controllers = (r.metadata.ownerReferences ?? []).filter((ref) => ref.controller);
    if (controllers.length !== 1) throw new Error(`${r.metadata.name}: ${controllers.length} controller owners`);
  }
};

/** A deployment's ReplicaSets carry distinct revisions. */
export const uniqueRevisions: Invariant = (c) => {
  for (const d of liveDeployments(c)) {
    const revs = owned(c, d).map((r) => r.metadata.annotations?.[REVISION_ANNOTATION]).filter((r) => r !== undefined);
    if (new Set(revs).size !== revs.length) throw new Error(`${d.metadata.name}: duplicate revisions ${revs.join(",")}`);
  }
};

export function rolloutInvariants(): Invariant[] {
  return [atMostSurge(), keepsAvailability(), neverSideBySide, oneControllerOwner, uniqueRevisions];
}
