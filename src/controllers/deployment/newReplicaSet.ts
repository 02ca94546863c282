/**
 * Finding, syncing and creating a deployment's new ReplicaSet (upstream sync.go
 * getAllReplicaSetsAndSyncRevision / getNewReplicaSet). Every pass starts here; when something has
 * to be written first — the new ReplicaSet's revision and annotations, the deployment's revision,
 * a created ReplicaSet, a collision count — the pass ends with that write and the next one goes on.
 */
import { done, controllerOf, type ReconcileResult, type Write } from "../types";
import { computeHash } from "./hash";
import { getDeploymentCondition, newDeploymentCondition, setDeploymentCondition, statusWrite } from "./progress";
import { newRSNewReplicas } from "./replicas";
import { setDeploymentRevision, setNewReplicaSetAnnotations } from "./revision";
import {
  COMPONENT,
  POD_TEMPLATE_HASH_LABEL,
  PROGRESSING,
  REASON,
  REPLICA_SETS,
  REVISION_ANNOTATION,
  clone,
  controllerRef,
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  hasProgressDeadline,
  maxRevision,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

/** The deployment's ReplicaSets split as upstream does: the new one (if any) and all the others. */
export interface ReplicaSets {
  newRS: ReplicaSet | undefined;
  oldRSs: ReplicaSet[];
}

/** A step either found the ReplicaSets (go on) or ended the pass with writes. */
export const isResult = (x: unknown): x is ReconcileResult => typeof x === "object" && x !== null && "writes" in x;

/**
 * getAllReplicaSetsAndSyncRevision: the new ReplicaSet gets revision max(old) + 1 (when lower), the
 * deployment gets the new ReplicaSet's revision; with `createIfNotExisted` a missing new ReplicaSet
 * is created. `rsList` is what claimReplicaSets returned.
 */
export function getAllReplicaSetsAndSyncRevision(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[], createIfNotExisted: boolean): ReplicaSets | ReconcileResult {
  const oldRSs = findOldReplicaSets(d, rsList).all;
  const newRS = getNewReplicaSet(ctx, d, rsList, oldRSs, createIfNotExisted);
  if (isResult(newRS)) return newRS;
  return { newRS, oldRSs };
}

function getNewReplicaSet(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[], oldRSs: ReplicaSet[], createIfNotExisted: boolean): ReplicaSet | undefined | ReconcileResult {
  const newRevision = String(maxRevision(oldRSs) + 1);
  const existing = findNewReplicaSet(d, rsList);
  if (existing) return syncExistingNewReplicaSet(ctx, d, existing, newRevision);
  if (!createIfNotExisted) return undefined;
  return createNewReplicaSet(ctx, d, oldRSs, newRevision);
}

/** spec.minReadySeconds as Go serializes an int32 with omitempty. */
function setMinReadySeconds(rs: ReplicaSet, seconds: number): void {
  if (seconds) rs.spec.minReadySeconds = seconds;
  else delete rs.spec.minReadySeconds;
}

/**
 * The existing new ReplicaSet: first its annotations (deployment's annotations, revision, the
 * revision-history of a rollback) and minReadySeconds; then the deployment's revision and, if it has
 * no Progressing condition yet, FoundNewReplicaSet.
 */
function syncExistingNewReplicaSet(ctx: Ctx, d: Deployment, existing: ReplicaSet, newRevision: string): ReplicaSet | ReconcileResult {
  const rsCopy = clone(existing);
  const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true);
  const minReadySeconds = d.spec.minReadySeconds ?? 0;
  if (annotationsUpdated || (rsCopy.spec.minReadySeconds ?? 0) !== minReadySeconds) {
    setMinReadySeconds(rsCopy, minReadySeconds);
    return done([{ op: "update", resource: REPLICA_SETS, object: rsCopy }]);
  }
  const dCopy = clone(d);
  const status = clone(d.status ?? {});
  let needsUpdate = setDeploymentRevision(dCopy, rsCopy.metadata.annotations?.[REVISION_ANNOTATION] ?? "");
  if (hasProgressDeadline(d) && !getDeploymentCondition(d.status, PROGRESSING)) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "True", REASON.foundNewRS, `Found new replica set "${existing.metadata.name}"`, ctx.now));
    needsUpdate = true;
  }
  // The revision annotation travels with the status write, as upstream's UpdateStatus carries it.
  return needsUpdate ? done([statusWrite(d, status, dCopy.metadata.annotations)]) : existing;
}

/**
 * The ReplicaSet for the deployment's current template: named `<deployment>-<pod-template-hash>`,
 * the hash label added to its selector, labels and template, controlled by the deployment, sized by
 * newRSNewReplicas, annotated with revision, desired/max-replicas and the deployment's annotations.
 * A name already taken by a ReplicaSet that is not this one is a hash collision: collisionCount goes
 * up and the next pass hashes again.
 */
function createNewReplicaSet(ctx: Ctx, d: Deployment, oldRSs: ReplicaSet[], newRevision: string): ReplicaSet | ReconcileResult {
  const hash = computeHash(d.spec.template, d.status?.collisionCount);
  const name = `${d.metadata.name}-${hash}`;
  const namespace = d.metadata.namespace!;
  const taken = ctx.snapshot.get(REPLICA_SETS, namespace, name) as ReplicaSet | undefined;
  if (taken) {
    if (controllerOf(taken)?.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, taken.spec.template)) {
      // Ours already (AlreadyExists from a slow cache upstream): just record the revision.
      const dCopy = clone(d);
      return setDeploymentRevision(dCopy, newRevision) ? done([statusWrite(d, clone(d.status ?? {}), dCopy.metadata.annotations)]) : taken;
    }
    const status = clone(d.status ?? {});
    status.collisionCount = (status.collisionCount ?? 0) + 1;
    return done([statusWrite(d, status)]);
  }

  const template = clone(d.spec.template);
  const labels = { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  template.metadata = { ...(template.metadata ?? {}), labels };
  const selector = clone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const rs: ReplicaSet = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace, labels: { ...labels }, ownerReferences: [controllerRef(d)] },
    spec: { replicas: 0, selector, template },
  };
  setMinReadySeconds(rs, d.spec.minReadySeconds ?? 0);
  rs.spec.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
  setNewReplicaSetAnnotations(d, rs, newRevision, false);

  const writes: Write[] = [{ op: "create", resource: REPLICA_SETS, object: rs }];
  // A retry after a refused create (failedReplicaSetCreate) only tries again: recording success here
  // too would flip the condition back and forth and wake the deployment faster than the back-off.
  const progressing = getDeploymentCondition(d.status, PROGRESSING);
  if (progressing?.reason === REASON.failedRSCreate && progressing.message?.startsWith(`Failed to create new replica set "${name}"`)) return done(writes);
  if (rs.spec.replicas > 0) {
    writes.push({ op: "event", involved: d, type: "Normal", reason: "ScalingReplicaSet", message: `Scaled up replica set ${name} from 0 to ${rs.spec.replicas}`, component: COMPONENT });
  }
  const dCopy = clone(d);
  const status = clone(d.status ?? {});
  let needsUpdate = setDeploymentRevision(dCopy, newRevision);
  if (hasProgressDeadline(d)) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "True", REASON.newReplicaSet, `Created new replica set "${name}"`, ctx.now));
    needsUpdate = true;
  }
  if (needsUpdate) writes.push(statusWrite(d, status, dCopy.metadata.annotations));
  return done(writes);
}

/**
 * A refused ReplicaSet create (quota, an invalid name, admission): Progressing False/
 * ReplicaSetCreateError and a Warning event, `Failed to create new replica set "web-5d4f8c7b9": …`.
 * In a terminating namespace every create fails and upstream reports nothing.
 */
export function failedReplicaSetCreate(ctx: Ctx, d: Deployment, rsName: string, error: string): Write[] {
  if (ctx.snapshot.get("namespaces", "", d.metadata.namespace ?? "")?.metadata.deletionTimestamp) return [];
  const message = `Failed to create new replica set "${rsName}": ${error}`;
  const writes: Write[] = [];
  if (hasProgressDeadline(d)) {
    const status = clone(d.status ?? {});
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "False", REASON.failedRSCreate, message, ctx.now));
    writes.push(statusWrite(d, status));
  }
  writes.push({ op: "event", involved: d, type: "Warning", reason: REASON.failedRSCreate, message, component: COMPONENT });
  return writes;
}
