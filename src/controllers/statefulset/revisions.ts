/**
 * A StatefulSet's current and update revisions, after upstream's getStatefulSetRevisions,
 * newRevision and truncateHistory (stateful_set_control.go, stateful_set_utils.go):
 * - the set's template, wrapped as a revision, is the update revision: the newest revision when it
 *   already holds that template, an older one renumbered to the top when it does (a rollback,
 *   `kubectl rollout undo`), else a new revision `<set>-<hash>`;
 * - the current revision is the one status.currentRevision names, else the update revision;
 * - revisions that are neither and that no pod still runs are deleted beyond revisionHistoryLimit.
 */
import type { KObject } from "../../api/types";
import {
  createControllerRevision, deleteRevision, equalRevision, findEqualRevisions, historyToDelete, newControllerRevision, nextRevision,
  revisionData, withRevision, type ControllerRevision,
} from "../history";
import type { Snapshot, Write } from "../types";
import { podRevision, type StatefulSet } from "./util";

export interface SetRevisions {
  current: ControllerRevision;
  update: ControllerRevision;
  collisionCount: number;
  writes: Write[];
}

/** newRevision: the set's template as revision `revision`, with the set's annotations. */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  return newControllerRevision({
    owner: set,
    labels: set.spec.template?.metadata?.labels,
    annotations: set.metadata.annotations,
    data: revisionData(set.spec.template),
    revision,
    collisionCount,
  });
}

/**
 * getStatefulSetRevisions over `revisions` sorted oldest first.
 *   r1(A) r2(B), template B → update r2;  template A → r1 becomes revision 3;  template C → new r3
 */
export function getStatefulSetRevisions(set: StatefulSet, revisions: readonly ControllerRevision[], snapshot: Snapshot): SetRevisions {
  let collisionCount = set.status?.collisionCount ?? 0;
  const next = nextRevision(revisions);
  const candidate = newRevision(set, next, collisionCount);
  const equal = findEqualRevisions(revisions, candidate);
  const writes: Write[] = [];
  let update: ControllerRevision;
  if (equal.length && equalRevision(revisions[revisions.length - 1], equal[equal.length - 1])) {
    update = revisions[revisions.length - 1];
  } else if (equal.length) {
    const write = withRevision(equal[equal.length - 1], next);
    writes.push(write);
    update = (write as { object: KObject }).object as ControllerRevision;
  } else {
    const created = createControllerRevision((count) => newRevision(set, next, count), collisionCount, snapshot);
    writes.push(...created.writes);
    update = created.revision;
    collisionCount = created.collisionCount;
  }
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, writes };
}

/**
 * truncateHistory: beyond revisionHistoryLimit, the oldest revisions that are neither current nor
 * update and that no pod is labelled with go.
 */
export function truncateHistory(set: StatefulSet, pods: readonly KObject[], revisions: readonly ControllerRevision[], revs: SetRevisions): Write[] {
  const live = new Set([revs.current.metadata.name, revs.update.metadata.name, ...pods.map(podRevision)]);
  return historyToDelete(revisions, (r) => live.has(r.metadata.name), set.spec.revisionHistoryLimit ?? 10, false).map(deleteRevision);
}
