/**
 * The StatefulSet controller ("statefulset", upstream pkg/controller/statefulset): pods
 * `<set>-0…<set>-(N-1)` with stable names, hostnames and claims `<template>-<set>-<ordinal>`,
 * created and removed in ordinal order (OrderedReady) or all at once (Parallel), rolled to a new
 * template from the highest ordinal down to the partition, and a ControllerRevision per template so
 * `kubectl rollout status|history|undo sts/<name>` work. A pass:
 *
 *   adopt orphan revisions and pods → current/update revisions (maybe a new one) →
 *   updateStatefulSet (update.ts) → status → truncate history
 *
 * Pod, claim and revision changes lead back to the owning set; minReadySeconds is waited out with
 * "requeue after".
 */
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../../sim/settings";
import { claimRevisions, CONTROLLER_REVISIONS, revisionTemplate, sortControllerRevisions } from "../history";
import { claimPods } from "../podControl";
import { nextAvailableIn } from "../replicaset/activePods";
import { controllerOf, done, keyOf, splitKey, type Controller, type ObjectChange, type ReconcileResult, type Snapshot, type Write } from "../types";
import { getStatefulSetRevisions, truncateHistory } from "./revisions";
import { statusChanged } from "./status";
import { updateStatefulSet } from "./update";
import { COMPONENT, isMemberOf, minReadySecondsOf, parentAndOrdinal, PODS, PVCS, STATEFUL_SETS, type StatefulSet } from "./util";

export { claimsFor, retentionPolicy } from "./claims";
export { maxUnavailableOf } from "./update";
export * from "./util";

export const CONTROLLER_NAME = "statefulset";

function selectorOf(set: StatefulSet): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(set.spec.selector);
  } catch {
    return undefined;
  }
}

/** sync: one pass for one set key. */
export function syncStatefulSet(key: string, snapshot: Snapshot, now: number): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const set = snapshot.get(STATEFUL_SETS, namespace, name) as StatefulSet | undefined;
  if (!set) return done();
  // An invalid selector is the user's to fix; upstream does not retry it.
  const selector = selectorOf(set);
  if (!selector) return done();

  const claimedRevisions = claimRevisions(set, selector, snapshot);
  const members = snapshot.list(PODS, namespace).filter((p) => isMemberOf(set, p));
  const { claimed: pods, writes: podClaims } = claimPods(set, selector, members);
  const revisions = sortControllerRevisions(claimedRevisions.revisions);

  const revs = getStatefulSetRevisions(set, revisions, snapshot);
  const result = updateStatefulSet({
    set,
    pods,
    versions: {
      currentTemplate: revisionTemplate(revs.current),
      updateTemplate: revisionTemplate(revs.update),
      currentRevision: revs.current.metadata.name!,
      updateRevision: revs.update.metadata.name!,
    },
    collisionCount: revs.collisionCount,
    snapshot,
    now,
  });

  const writes: Write[] = [...claimedRevisions.writes, ...podClaims, ...revs.writes, ...result.writes];
  if (statusChanged(set, result.status)) writes.push({ op: "status", resource: STATEFUL_SETS, object: { ...structuredClone(set), status: result.status } });
  writes.push(...truncateHistory(set, pods, revisions, revs));
  return done(writes, nextAvailableIn(pods, minReadySecondsOf(set), now));
}

const isSetRef = (ref: { apiVersion: string; kind: string } | undefined) => !!ref && ref.kind === "StatefulSet" && ref.apiVersion.startsWith("apps/");

/** The sets whose claim templates name this claim (`<template>-<set>-<ordinal>`). */
function setsNamingClaim(claim: KObject, snapshot: Snapshot): string[] {
  const namespace = claim.metadata.namespace ?? "";
  const { parent, ordinal } = parentAndOrdinal(claim.metadata.name);
  if (ordinal < 0) return [];
  const keys: string[] = [];
  for (const set of snapshot.list(STATEFUL_SETS, namespace) as StatefulSet[]) {
    const suffix = `-${set.metadata.name}`;
    if (!parent.endsWith(suffix)) continue;
    const template = parent.slice(0, -suffix.length);
    if ((set.spec.volumeClaimTemplates ?? []).some((t) => t.metadata?.name === template)) keys.push(keyOf(set));
  }
  return keys;
}

/**
 * The keys a change wakes: the set itself; for a pod, revision or claim, the set controlling it (now
 * or before); for an orphan pod, the set its name points at when the selector matches (adoption);
 * for an orphan revision, the sets whose selector matches; a claim also wakes the set whose
 * template names it (claims under Retain have no owner).
 */
export function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  const { object, previous } = change;
  if (change.resource === STATEFUL_SETS) return [keyOf(object)];
  if (change.resource !== PODS && change.resource !== PVCS && change.resource !== CONTROLLER_REVISIONS) return [];
  const namespace = object.metadata.namespace ?? "";
  const keys = new Set<string>();
  for (const o of [object, previous]) {
    const ref = o ? controllerOf(o) : undefined;
    if (isSetRef(ref)) keys.add(`${namespace}/${ref!.name}`);
  }
  if (change.resource === PVCS) for (const k of setsNamingClaim(object, snapshot)) keys.add(k);
  if (!controllerOf(object) && change.type !== "DELETED") {
    if (change.resource === PODS) {
      const set = snapshot.get(STATEFUL_SETS, namespace, parentAndOrdinal(object.metadata.name).parent) as StatefulSet | undefined;
      const selector = set && selectorOf(set);
      if (selector && matchesLabels(selector, object.metadata.labels)) keys.add(keyOf(set!));
    } else if (change.resource === CONTROLLER_REVISIONS) {
      for (const set of snapshot.list(STATEFUL_SETS, namespace) as StatefulSet[]) {
        const selector = selectorOf(set);
        if (selector && matchesLabels(selector, object.metadata.labels)) keys.add(keyOf(set));
      }
    }
  }
  return [...keys];
}

/**
 * A refused write (quota, admission, validation): upstream's Warning events, worded as
 * recordPodEvent / recordClaimEvent word them on failure.
 */
export function writeFailed(key: string, write: Write, message: string, snapshot: Snapshot): Write[] {
  const { namespace, name } = splitKey(key);
  const set = snapshot.get(STATEFUL_SETS, namespace, name);
  if (!set) return [];
  const warn = (reason: string, text: string): Write[] => [{ op: "event", involved: set, type: "Warning", reason, message: text, component: COMPONENT }];
  const tail = `in StatefulSet ${name} failed error: ${message}`;
  if (write.op === "create" && write.resource === PODS) return warn("FailedCreate", `create Pod ${write.object.metadata.name} ${tail}`);
  if (write.op === "create" && write.resource === PVCS) {
    const { parent, ordinal } = parentAndOrdinal(write.object.metadata.name);
    const pod = parent.endsWith(`-${name}`) ? `${name}-${ordinal}` : "";
    return warn("FailedCreate", `create Claim ${write.object.metadata.name} for Pod ${pod} ${tail}`);
  }
  if (write.op === "delete" && write.resource === PODS) return warn("FailedDelete", `delete Pod ${write.name} ${tail}`);
  if (write.op === "update" && write.resource === PODS) return warn("FailedUpdate", `update Pod ${write.object.metadata.name} ${tail}`);
  return [];
}

/**
 * The StatefulSet controller. Takes the simulation settings like every controller; its only
 * durations are the user's own minReadySeconds, which no profile scales.
 */
export function createStatefulSetController(_settings: SimulationSettings = DEFAULT_SETTINGS): Controller & Required<Pick<Controller, "writeFailed">> {
  return {
    name: CONTROLLER_NAME,
    keysFor,
    reconcile: (key, snapshot, now) => syncStatefulSet(key, snapshot, now),
    writeFailed: (key, write, message, snapshot) => writeFailed(key, write, message, snapshot),
  };
}
