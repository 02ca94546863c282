/**
 * pods/binding: what the scheduler posts to bind a pod to a node. Like upstream's binding REST, it
 * sets spec.nodeName once (bypassing the pod-update rules that forbid it) and PodScheduled=True.
 */
import { ApiError } from "./errors";
import { getObject, rfc3339, type ApiContext, type Target } from "./rest";
import type { KObject } from "./types";

export function bindPod(ctx: ApiContext, target: Target, name: string, node: string, uid?: string): KObject {
  const pod = getObject(ctx, target, name);
  const spec = pod.spec as { nodeName?: string };
  if ((uid && pod.metadata.uid !== uid) || pod.metadata.deletionTimestamp) {
    throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on pods/binding "${name}": the pod changed before it could be bound`);
  }
  if (spec.nodeName) {
    throw new ApiError(409, "Conflict", `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${spec.nodeName}"`);
  }
  const status = (pod.status ?? {}) as { conditions?: { type: string }[] };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
  const bound: KObject = {
    ...pod,
    spec: { ...(pod.spec as object), nodeName: node },
    status: { ...status, conditions: [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(ctx.now()) }, ...conditions] },
  };
  return ctx.store.put("pods", bound, pod);
}
