/**
 * The annotations that carry a deployment's history (deployment_util.go): each ReplicaSet's
 * revision (and, when a rollback reuses it, the revisions it served before), the deployment's own
 * revision, the sizes a ReplicaSet was last scaled for, and the user annotations (change-cause) a
 * ReplicaSet inherits. `kubectl rollout history/undo` read exactly these. Helpers mutate the copy
 * they are given and say whether anything changed, as upstream's do.
 */
import {
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  LAST_APPLIED_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  deploymentReplicas,
  type Deployment,
  type ReplicaSet,
} from "./util";
import { maxSurge } from "./replicas";

/** Upstream caps revision-history at about 100 entries (~2000 characters), dropping the oldest. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** annotationsToSkip: never copied between a deployment and its ReplicaSets. */
const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

export const skipCopyAnnotation = (key: string): boolean => ANNOTATIONS_TO_SKIP.has(key);

const annotationsOf = (obj: { metadata: { annotations?: Record<string, string> } }) => (obj.metadata.annotations ??= {});

/** copyDeploymentAnnotationsToReplicaSet: adds or overwrites (never removes) all but the skipped ones. */
export function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  const target = annotationsOf(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copy the deployment's annotations, then raise the revision to
 * `newRevision` if it is lower. A ReplicaSet that already had a revision is being rolled back to:
 * its old number joins revision-history ("2" → revision 4, history "2"; later "2,4" → revision 6).
 * A ReplicaSet about to be created (`exists` false) also gets desired/max-replicas.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, maxHistoryChars = MAX_REV_HISTORY_LENGTH_IN_CHARS): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const annotations = annotationsOf(rs);
  const had = Object.hasOwn(annotations, REVISION_ANNOTATION);
  const oldRevision = annotations[REVISION_ANNOTATION] ?? "";
  const isInt = (s: string) => /^[+-]?\d+$/.test(s);
  if (oldRevision !== "" && !isInt(oldRevision)) return false; // upstream logs and leaves it alone
  if (!isInt(newRevision)) return false;
  const oldInt = oldRevision === "" ? 0 : Number(oldRevision);
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (had) appendRevisionHistory(annotations, oldRevision, maxHistoryChars);
  }
  if (!exists && setReplicasAnnotations(rs, deploymentReplicas(d), deploymentReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** Appends `oldRevision` to revision-history, dropping the oldest entries to stay under the cap. */
function appendRevisionHistory(annotations: Record<string, string>, oldRevision: string, maxChars: number): void {
  const history = annotations[REVISION_HISTORY_ANNOTATION] ?? "";
  if (history === "") {
    annotations[REVISION_HISTORY_ANNOTATION] = oldRevision;
    return;
  }
  const entries = history.split(",");
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > maxChars && start < entries.length) total -= entries[start++].length + 1;
  if (total <= maxChars) annotations[REVISION_HISTORY_ANNOTATION] = [...entries.slice(start), oldRevision].join(",");
}

/** SetDeploymentRevision: the deployment's revision annotation follows its new ReplicaSet's. */
export function setDeploymentRevision(d: Deployment, rev: string): boolean {
  const annotations = annotationsOf(d);
  if (annotations[REVISION_ANNOTATION] === rev) return false;
  annotations[REVISION_ANNOTATION] = rev;
  return true;
}

/**
 * SetDeploymentAnnotationsTo: on rollback the deployment takes the annotations of the ReplicaSet it
 * rolls back to (so its change-cause comes back too), keeping only its own skipped ones.
 */
export function setDeploymentAnnotationsTo(d: Deployment, rollbackTo: ReplicaSet): void {
  const kept = Object.entries(d.metadata.annotations ?? {}).filter(([k]) => skipCopyAnnotation(k));
  const copied = Object.entries(rollbackTo.metadata.annotations ?? {}).filter(([k]) => !skipCopyAnnotation(k));
  d.metadata.annotations = Object.fromEntries([...kept, ...copied]);
}

/** SetReplicasAnnotations: desired-replicas and max-replicas (= replicas + maxSurge), as decimal strings. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = annotationsOf(rs);
  let changed = false;
  for (const [key, value] of [[DESIRED_REPLICAS_ANNOTATION, String(desired)], [MAX_REPLICAS_ANNOTATION, String(max)]] as const) {
    if (annotations[key] !== value) {
      annotations[key] = value;
      changed = true;
    }
  }
  return changed;
}

/** ReplicasAnnotationsNeedUpdate */
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const annotations = rs.metadata.annotations;
  return !annotations || annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || annotations[MAX_REPLICAS_ANNOTATION] !== String(max);
}
