/**
 * Taints and tolerations as the API helpers define them (k8s.io/api core/v1 toleration.go and
 * pkg/apis/core/v1/helper): shared by the scheduler's TaintToleration and NodeUnschedulable plugins,
 * the node lifecycle controller's taint eviction and the DaemonSet controller.
 */
import type { Taint, Toleration } from "kubernetes-types/core/v1";

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/**
 * Toleration.ToleratesTaint: the effects match (an empty toleration effect matches every effect),
 * the keys match (an empty key matches every key, which validation allows only with Exists), and
 * the value matches by operator: Exists ignores it, Equal (the default) compares it.
 *
 *   {operator: Exists}                         tolerates every taint
 *   {key: "gpu", operator: Exists}             tolerates gpu=anything with any effect
 *   {key: "gpu", value: "a", effect: NoSchedule} tolerates gpu=a:NoSchedule only
 */
export function tolerationToleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? "Equal") {
    case "Exists":
      return true;
    case "Equal":
    case "":
      return (toleration.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

/** TolerationsTolerateTaint: some toleration in the list tolerates the taint. */
export function toleratesTaint(tolerations: readonly Toleration[] | undefined | null, taint: Taint): boolean {
  if (!tolerations) return false;
  for (const t of tolerations) if (tolerationToleratesTaint(t, taint)) return true;
  return false;
}

/** Only NoSchedule and NoExecute taints keep a pod off a node (PreferNoSchedule only scores). */
export function doNotScheduleTaint(taint: Taint): boolean {
  return taint.effect === "NoSchedule" || taint.effect === "NoExecute";
}

/**
 * FindMatchingUntoleratedTaint: the first taint (in the node's order) passing `filter` that no
 * toleration tolerates, or undefined when the pod tolerates them all.
 */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined | null,
  filter: (taint: Taint) => boolean = doNotScheduleTaint,
): Taint | undefined {
  if (!taints) return undefined;
  for (const taint of taints) if (filter(taint) && !toleratesTaint(tolerations, taint)) return taint;
  return undefined;
}

/**
 * GetMatchingTolerations: whether every taint is tolerated and, if so, the tolerations that do it
 * (the first matching toleration for each taint) — the taint manager derives eviction times from them.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined | null): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations?.find((t) => tolerationToleratesTaint(t, taint));
    if (!match) return { allTolerated: false, used: [] };
    used.push(match);
  }
  return { allTolerated: true, used };
}

/** The well-known taint keys the node lifecycle controller manages (TaintNodesByCondition and eviction). */
export const TAINT_NOT_READY = "node.kubernetes.io/not-ready";
export const TAINT_UNREACHABLE = "node.kubernetes.io/unreachable";
export const TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
export const TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
export const TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
export const TAINT_PID_PRESSURE = "node.kubernetes.io/pid-pressure";
export const TAINT_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";
