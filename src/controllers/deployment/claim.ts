/**
 * Which ReplicaSets a deployment controls (upstream getReplicaSetsForDeployment with the
 * ReplicaSetControllerRefManager): those with its controller ownerReference that its selector still
 * matches. An orphan it matches is adopted; one it controls but no longer matches is released.
 * Adoption and release are writes of their own, so they end the pass.
 */
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../../api/selectors";
import { controllerOf, type Snapshot, type Write } from "../types";
import { REPLICA_SETS, clone, controllerRef, type Deployment, type ReplicaSet } from "./util";

/** The deployment's selector; an invalid one (validation keeps them out) selects nothing. */
export function deploymentSelector(d: Deployment): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(d.spec.selector);
  } catch {
    return undefined;
  }
}

export function claimReplicaSets(d: Deployment, snapshot: Snapshot): { rsList: ReplicaSet[]; writes: Write[] } {
  const selector = deploymentSelector(d);
  const uid = d.metadata.uid;
  const rsList: ReplicaSet[] = [];
  const writes: Write[] = [];
  for (const obj of snapshot.list(REPLICA_SETS, d.metadata.namespace)) {
    const rs = obj as ReplicaSet;
    const ref = controllerOf(rs);
    const matches = !!selector && matchesLabels(selector, rs.metadata.labels);
    if (ref) {
      if (ref.uid !== uid) continue; // another controller's
      if (matches) rsList.push(rs);
      else if (!rs.metadata.deletionTimestamp) writes.push(release(rs, uid));
      continue;
    }
    // An orphan: adopt it unless either side is going away.
    if (matches && !d.metadata.deletionTimestamp && !rs.metadata.deletionTimestamp) writes.push(adopt(rs, d));
  }
  return { rsList, writes };
}

function adopt(rs: ReplicaSet, d: Deployment): Write {
  const copy = clone(rs);
  copy.metadata.ownerReferences = [...(copy.metadata.ownerReferences ?? []), controllerRef(d)];
  return { op: "update", resource: REPLICA_SETS, object: copy };
}

function release(rs: ReplicaSet, uid: string | undefined): Write {
  const copy = clone(rs);
  const rest = (copy.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
  if (rest.length) copy.metadata.ownerReferences = rest;
  else delete copy.metadata.ownerReferences;
  return { op: "update", resource: REPLICA_SETS, object: copy };
}
