/**
 * A pod's total requests and limits, as component-helpers' resource.PodRequests / PodLimits (what
 * quotas charge and LimitRange Pod items bound).
 */
import type { Container, Pod } from "kubernetes-types/core/v1";
import { addLists, compareQuantities, type ResourceList, toQuantity } from "./resourceLists";

/** Element-wise maximum, keeping the larger value's text. */
function maxLists(a: ResourceList, b: ResourceList): ResourceList {
  const out: ResourceList = { ...a };
  for (const [name, value] of Object.entries(b)) {
    if (!(name in out) || compare(value, out[name]) > 0) out[name] = value;
  }
  return out;
}

const compare = (a: string, b: string) => compareQuantities(toQuantity(a), toQuantity(b));

/**
 * PodRequests / PodLimits: the containers' sum, raised to any init container's own
 * value (sidecars, restartPolicy Always, add up instead), plus the pod overhead.
 *   containers 100m + 200m, init container 500m → 500m
 */
export function podResourceList(pod: Pod, which: "requests" | "limits"): ResourceList {
  const spec = pod.spec;
  const of = (c: Container) => (c.resources?.[which] ?? {}) as ResourceList;
  let sum: ResourceList = {};
  for (const c of spec?.containers ?? []) sum = addLists(sum, of(c));
  let sidecars: ResourceList = {};
  let initMax: ResourceList = {};
  for (const c of spec?.initContainers ?? []) {
    if (c.restartPolicy === "Always") {
      sidecars = addLists(sidecars, of(c));
      sum = addLists(sum, of(c));
    } else {
      initMax = maxLists(initMax, addLists(of(c), sidecars));
    }
  }
  let total = maxLists(sum, initMax);
  if (spec?.overhead) total = addLists(total, spec.overhead as ResourceList);
  return total;
}

