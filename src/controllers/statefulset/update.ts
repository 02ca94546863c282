/**
 * One pass of upstream's updateStatefulSet (stateful_set_control.go), as writes:
 *
 *   1. replicas (ordinals in range, lowest first): delete a Failed/Succeeded pod; create a missing
 *      one (its claims first, the pod on the next pass); OrderedReady stops at the first pod it
 *      created or that is not yet Running, Ready and available; fix identity and claim owners;
 *   2. condemned (ordinals beyond range): claim owners for whenScaled, then delete from the highest
 *      — OrderedReady one at a time, and only once everything else is healthy;
 *   3. RollingUpdate: delete the highest-ordinal pod at or above the partition that is not at the
 *      update revision, once every pod above it is available (or up to maxUnavailable at once).
 *
 * Parallel pod management runs steps 1 and 2 for every pod without stopping. OnDelete stops after 2.
 */
import type { StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { KObject } from "../../api/types";
import { getScaledValueFromIntOrPercent } from "../deployment/replicas";
import type { Snapshot, Write } from "../types";
import { createMissingClaims, podClaimIsStale, retentionUpdates } from "./claims";
import { computeStatus } from "./status";
import {
  COMPONENT, PODS, allowsBurst, identityMatches, isFailed, isPending, isRunningAndAvailable, isRunningAndReady, isSucceeded,
  isTerminating, isUnavailable, minReadySecondsOf, newVersionedStatefulSetPod, ordinalOf, podInOrdinalRange, podRevision,
  replicasOf, startOrdinal, storageMatches, updateIdentity, updateStorage, type StatefulSet, type Versions,
} from "./util";

export interface UpdateInputs {
  set: StatefulSet;
  /** The set's pods (claimed, members), any order. */
  pods: readonly KObject[];
  versions: Versions;
  collisionCount: number;
  snapshot: Snapshot;
  now: number;
}

export interface UpdateResult {
  writes: Write[];
  status: StatefulSetStatus;
}

/** recordPodEvent on success: `create Pod web-0 in StatefulSet web successful`. */
function podEvent(set: StatefulSet, verb: "create" | "delete" | "update", pod: KObject): Write {
  const reason = verb === "create" ? "SuccessfulCreate" : verb === "delete" ? "SuccessfulDelete" : "SuccessfulUpdate";
  return { op: "event", involved: set, type: "Normal", reason, message: `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`, component: COMPONENT };
}

/** DeleteStatefulPod: a plain delete (the pod's own grace period) and its event. */
function deleteStatefulPod(set: StatefulSet, pod: KObject): Write[] {
  return [
    { op: "delete", resource: PODS, namespace: pod.metadata.namespace ?? "", name: pod.metadata.name!, uid: pod.metadata.uid },
    podEvent(set, "delete", pod),
  ];
}

/**
 * getStatefulSetMaxUnavailable: rollingUpdate.maxUnavailable of the replicas, rounded down, at least 1.
 *   5 replicas, "50%" → 2;  3 replicas, "10%" → 1;  unset → 1
 */
export function maxUnavailableOf(set: StatefulSet): number {
  const value = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  return Math.max(1, getScaledValueFromIntOrPercent(value, replicasOf(set), false));
}

class Pass {
  readonly writes: Write[] = [];
  deletedForUpdate = 0;
  readonly monotonic: boolean;
  readonly minReady: number;

  constructor(readonly inputs: UpdateInputs) {
    this.monotonic = !allowsBurst(inputs.set);
    this.minReady = minReadySecondsOf(inputs.set);
  }

  get set() {
    return this.inputs.set;
  }

  /** processReplica for ordinal slot `i`; true means "stop here" (honoured only by OrderedReady). */
  processReplica(pod: KObject | undefined, ordinal: number): boolean {
    const { set, snapshot, now } = this.inputs;
    if (pod && (isFailed(pod) || isSucceeded(pod))) {
      // Evicted or otherwise stopped pods come back whatever their exit code: delete, recreate once gone.
      if (!isTerminating(pod)) this.writes.push(...deleteStatefulPod(set, pod));
      return true;
    }
    if (!pod) {
      const fresh = newVersionedStatefulSetPod(set, this.inputs.versions, ordinal);
      if (podClaimIsStale(set, fresh, snapshot)) return true;
      const claims = createMissingClaims(set, fresh, snapshot);
      this.writes.push(...claims.writes);
      // The claims exist before the pod does: a pass that creates claims leaves the pod to the next.
      if (!claims.ready) return true;
      this.writes.push({ op: "create", resource: PODS, object: fresh }, podEvent(set, "create", fresh));
      return this.monotonic;
    }
    if (isPending(pod)) this.writes.push(...createMissingClaims(set, pod, snapshot).writes);
    if (this.monotonic && (isTerminating(pod) || !isRunningAndReady(pod) || !isRunningAndAvailable(pod, this.minReady, now))) return true;
    this.writes.push(...retentionUpdates(set, pod, snapshot));
    if (!identityMatches(set, pod) || !storageMatches(set, pod)) {
      const fixed = structuredClone(pod);
      updateIdentity(set, fixed);
      if (!storageMatches(set, fixed)) {
        updateStorage(set, fixed);
        this.writes.push(...createMissingClaims(set, fixed, snapshot).writes);
      }
      this.writes.push({ op: "update", resource: PODS, object: fixed }, podEvent(set, "update", fixed));
    }
    return false;
  }

  /** processCondemned for condemned[i] (highest ordinal first); true means "stop here". */
  processCondemned(pod: KObject, firstUnhealthy: KObject | undefined): boolean {
    const { now } = this.inputs;
    if (isTerminating(pod)) return this.monotonic;
    if (this.monotonic && pod !== firstUnhealthy && (!isRunningAndReady(pod) || !isRunningAndAvailable(pod, this.minReady, now))) return true;
    this.writes.push(...deleteStatefulPod(this.set, pod));
    return true;
  }

  /** The classic rolling update: one pod at a time from the top, waiting for each to come back available. */
  rollOne(replicas: readonly (KObject | undefined)[], partition: number, updateRevision: string): void {
    for (let target = replicas.length - 1; target >= partition; target--) {
      const pod = replicas[target];
      if (pod && podRevision(pod) !== updateRevision && !isTerminating(pod)) {
        this.writes.push(...deleteStatefulPod(this.set, pod));
        this.deletedForUpdate++;
        return;
      }
      if (isUnavailable(pod, this.minReady, this.inputs.now)) return;
    }
  }

  /**
   * updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet): up to maxUnavailable
   * pods down at once, counting the ones already unavailable.
   *   5 replicas, maxUnavailable 2, none down → delete web-4 and web-3; one down → delete web-4 only
   */
  rollMany(replicas: readonly (KObject | undefined)[], partition: number, updateRevision: string): void {
    const maxUnavailable = maxUnavailableOf(this.set);
    const unavailable = replicas.filter((p) => isUnavailable(p, this.minReady, this.inputs.now)).length;
    if (unavailable > maxUnavailable) return;
    let budget = maxUnavailable - unavailable;
    for (let target = replicas.length - 1; target >= partition && budget > 0; target--) {
      const pod = replicas[target];
      if (!pod || podRevision(pod) === updateRevision || isTerminating(pod)) continue;
      this.writes.push(...deleteStatefulPod(this.set, pod));
      this.deletedForUpdate++;
      budget--;
    }
  }
}

export function updateStatefulSet(inputs: UpdateInputs): UpdateResult {
  const { set, pods, versions, now } = inputs;
  const pass = new Pass(inputs);
  const start = startOrdinal(set);
  const replicas: (KObject | undefined)[] = new Array(replicasOf(set)).fill(undefined);
  const condemned: KObject[] = [];
  for (const pod of pods) {
    if (podInOrdinalRange(pod, set)) replicas[ordinalOf(pod) - start] = pod;
    else if (ordinalOf(pod) >= 0) condemned.push(pod);
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const counted = [...replicas.filter((p): p is KObject => !!p), ...condemned];

  const finish = (): UpdateResult => ({
    writes: pass.writes,
    status: computeStatus(set, {
      pods: counted, minReadySeconds: pass.minReady, now, currentRevision: versions.currentRevision, updateRevision: versions.updateRevision,
      collisionCount: inputs.collisionCount, deletedForUpdate: pass.deletedForUpdate,
    }),
  });

  // The first unavailable pod, replicas first (a missing one counts), then condemned lowest first.
  const unhealthy = (p: KObject | undefined) => isUnavailable(p, pass.minReady, now);
  const firstUnhealthy = replicas.some(unhealthy) ? replicas.find(unhealthy) : [...condemned].reverse().find(unhealthy);

  if (set.metadata.deletionTimestamp) return finish();

  for (let i = 0; i < replicas.length; i++) {
    if (pass.processReplica(replicas[i], start + i) && pass.monotonic) return finish();
  }
  for (const pod of condemned) pass.writes.push(...retentionUpdates(set, pod, inputs.snapshot));
  for (const pod of condemned) {
    if (pass.processCondemned(pod, firstUnhealthy) && pass.monotonic) return finish();
  }

  const strategy = set.spec.updateStrategy;
  if (strategy?.type === "OnDelete") return finish();
  const partition = strategy?.rollingUpdate?.partition ?? 0;
  if (strategy?.rollingUpdate?.maxUnavailable !== undefined) pass.rollMany(replicas, partition, versions.updateRevision);
  else pass.rollOne(replicas, partition, versions.updateRevision);
  return finish();
}
