/**
 * The deprecated server-side rollback (upstream rollback.go): extensions/v1beta1's spec.rollbackTo
 * survives in apps/v1 as the `deprecated.deployment.rollback.to` annotation. When set, the
 * deployment's template is replaced by that revision's (0 = the previous one), its annotations by
 * that ReplicaSet's, the annotation is cleared, and a DeploymentRollback event says so. Today's
 * `kubectl rollout undo` patches the template itself instead, which needs nothing here: the template
 * then equals an old ReplicaSet's, and that ReplicaSet is reused with a new revision.
 */
import { done, type ReconcileResult, type Write } from "../types";
import { getAllReplicaSetsAndSyncRevision, isResult } from "./newReplicaSet";
import { setDeploymentAnnotationsTo } from "./revision";
import {
  COMPONENT,
  DEPLOYMENTS,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REASON,
  clone,
  equalIgnoreHash,
  lastRevision,
  revision,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

/** getRollbackTo: the requested revision; undefined when absent or not an integer (then ignored). */
export function getRollbackTo(d: Deployment): number | undefined {
  const value = d.metadata.annotations?.[DEPRECATED_ROLLBACK_TO_ANNOTATION];
  if (!value || !/^[+-]?\d+$/.test(value)) return undefined;
  return Number(value);
}

const event = (d: Deployment, type: "Normal" | "Warning", reason: string, message: string): Write =>
  ({ op: "event", involved: d, type, reason, message, component: COMPONENT });

/** updateDeploymentAndClearRollbackTo: write the (possibly rolled back) deployment without the request. */
function clearRollbackTo(d: Deployment, writes: Write[]): ReconcileResult {
  const copy = clone(d);
  delete copy.metadata.annotations?.[DEPRECATED_ROLLBACK_TO_ANNOTATION];
  return done([{ op: "update", resource: DEPLOYMENTS, object: copy }, ...writes]);
}

/** rollback: find the revision's ReplicaSet and copy its template back; give up with a warning if none. */
export function rollback(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): ReconcileResult {
  const found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  if (isResult(found)) return found;
  const allRSs = [...found.oldRSs, ...(found.newRS ? [found.newRS] : [])];
  let to = getRollbackTo(d)!;
  if (to === 0) {
    to = lastRevision(allRSs);
    if (to === 0) return clearRollbackTo(d, [event(d, "Warning", REASON.rollbackRevisionNotFound, "Unable to find last revision.")]);
  }
  const target = allRSs.find((rs) => revision(rs) === to);
  if (!target) return clearRollbackTo(d, [event(d, "Warning", REASON.rollbackRevisionNotFound, "Unable to find the revision to rollback to.")]);
  if (equalIgnoreHash(d.spec.template, target.spec.template)) {
    const message = `The rollback revision contains the same template as current deployment "${d.metadata.name}"`;
    return clearRollbackTo(d, [event(d, "Warning", REASON.rollbackTemplateUnchanged, message)]);
  }
  // SetFromReplicaSetTemplate + SetDeploymentAnnotationsTo; the revision moves on the next pass.
  const rolledBack = clone(d);
  const template = clone(target.spec.template!);
  if (template.metadata?.labels) delete template.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  rolledBack.spec.template = template;
  setDeploymentAnnotationsTo(rolledBack, target);
  return clearRollbackTo(rolledBack, [event(d, "Normal", REASON.rollbackDone, `Rolled back deployment "${d.metadata.name}" to revision ${to}`)]);
}
