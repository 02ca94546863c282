/**
 * A DaemonSet's ControllerRevisions, after upstream's constructHistory, snapshot, dedupCurHistories
 * and cleanupHistory (daemon_controller.go, update.go):
 * - the current revision is the one whose data equals the set's template; none → a new revision
 *   `<ds>-<ComputeHash(template)>`; an older one matching (a rollback) is renumbered to the top;
 * - its `controller-revision-hash` label is the hash every new pod carries;
 * - old revisions beyond revisionHistoryLimit go, oldest first, unless a pod still runs them.
 */
import type { LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { computeHash } from "../deployment/hash";
import {
  claimRevisions, CONTROLLER_REVISION_HASH_LABEL, CONTROLLER_REVISIONS, deleteRevision, equalRevision, historyToDelete, maxRevision,
  newControllerRevision, revisionData, withRevision, type ControllerRevision,
} from "../history";
import type { Snapshot, Write } from "../types";
import { PODS, type DaemonSet } from "./util";

export interface History {
  current: ControllerRevision;
  old: ControllerRevision[];
  /** The current revision's hash label: what updated pods carry. */
  hash: string;
  /** status.collisionCount after any name collision (undefined when never set). */
  collisionCount: number | undefined;
  writes: Write[];
}

/** snapshot(): the set's template as revision `revision`, named by ComputeHash with the collision count. */
export function newDaemonSetRevision(ds: DaemonSet, revision: number, collisionCount: number | undefined): ControllerRevision {
  const hash = computeHash(ds.spec.template, collisionCount);
  return newControllerRevision({
    owner: ds,
    labels: ds.spec.template?.metadata?.labels,
    annotations: ds.metadata.annotations,
    data: revisionData(ds.spec.template),
    revision,
    hash,
  });
}

/** Match: the revision restores exactly the set's template. */
const matches = (ds: DaemonSet, rev: ControllerRevision) => equalRevision(rev, newDaemonSetRevision(ds, 0, undefined));

/**
 * dedupCurHistories: of several revisions equal to the template, keep the highest; the pods of the
 * others are relabelled to its hash before those revisions are deleted.
 */
function dedup(ds: DaemonSet, current: ControllerRevision[], snapshot: Snapshot): { keep: ControllerRevision; writes: Write[] } {
  const keep = current.reduce((a, b) => (b.revision > a.revision ? b : a));
  const hash = keep.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? keep.metadata.name!;
  const writes: Write[] = [];
  for (const dup of current) {
    if (dup === keep) continue;
    const dupHash = dup.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
    for (const pod of snapshot.ownedBy(PODS, ds.metadata.uid!)) {
      if (!dupHash || pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] !== dupHash) continue;
      const relabelled = structuredClone(pod) as KObject;
      relabelled.metadata.labels = { ...relabelled.metadata.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash };
      writes.push({ op: "update", resource: PODS, object: relabelled });
    }
    writes.push(deleteRevision(dup));
  }
  return { keep, writes };
}

/** constructHistory: the current revision (created or renumbered as needed) and the old ones. */
export function constructHistory(ds: DaemonSet, selector: LabelSelector, snapshot: Snapshot): History {
  const claimed = claimRevisions(ds, selector, snapshot);
  const writes = [...claimed.writes];
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (let rev of claimed.revisions) {
    // Revisions from before the hash label: labelled with their name, as upstream does.
    if (!rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]) {
      rev = structuredClone(rev) as ControllerRevision;
      rev.metadata.labels = { ...rev.metadata.labels, [CONTROLLER_REVISION_HASH_LABEL]: rev.metadata.name! };
      writes.push({ op: "update", resource: CONTROLLER_REVISIONS, object: rev });
    }
    (matches(ds, rev) ? current : old).push(rev);
  }
  const next = maxRevision(old) + 1;
  let collisionCount = ds.status?.collisionCount ?? undefined;
  let cur: ControllerRevision;
  if (current.length === 0) {
    // snapshot(): a name taken by other data bumps status.collisionCount and hashes again.
    for (;;) {
      const rev = newDaemonSetRevision(ds, next, collisionCount);
      const existing = snapshot.get(CONTROLLER_REVISIONS, rev.metadata.namespace ?? "", rev.metadata.name!) as ControllerRevision | undefined;
      if (!existing) {
        writes.push({ op: "create", resource: CONTROLLER_REVISIONS, object: rev });
        cur = rev;
        break;
      }
      if (equalRevision(existing, rev)) {
        cur = existing;
        break;
      }
      collisionCount = (collisionCount ?? 0) + 1;
    }
  } else {
    const deduped = dedup(ds, current, snapshot);
    writes.push(...deduped.writes);
    cur = deduped.keep;
    if (cur.revision < next) {
      const write = withRevision(cur, next);
      writes.push(write);
      cur = (write as { object: KObject }).object as ControllerRevision;
    }
  }
  return { current: cur, old, hash: hashOf(cur), collisionCount, writes };
}

const hashOf = (rev: ControllerRevision) => rev.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "";

/**
 * cleanupHistory: with more old revisions than revisionHistoryLimit, the oldest go — skipping those
 * a pod (even a finished one) still carries the hash of.
 */
export function cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly KObject[]): Write[] {
  const live = new Set(pods.map((p) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL]).filter(Boolean));
  return historyToDelete(old, (r) => live.has(hashOf(r)), ds.spec.revisionHistoryLimit ?? 10, true).map(deleteRevision);
}
