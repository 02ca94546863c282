/**
 * The Priority admission plugin (plugin/pkg/admission/priority): a new pod's priorityClassName is
 * resolved to spec.priority and spec.preemptionPolicy from its PriorityClass (or the global default
 * class, or 0 and PreemptLowerPriority without one); an unknown class refuses the pod. A new or
 * changed PriorityClass may not become a second global default. Pure: the caller lists the classes.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";

/** getDefaultPriorityClass: the globalDefault class, the lowest value if several claim it. */
export function defaultPriorityClass(classes: readonly PriorityClass[]): PriorityClass | undefined {
  let found: PriorityClass | undefined;
  for (const pc of classes) if (pc.globalDefault && (!found || pc.value < found.value)) found = pc;
  return found;
}

/**
 * admitPod on create, in place: the refusal message, or "" once priority is set.
 *   priorityClassName "high-priority" (value 1000000) → spec.priority 1000000
 *   priorityClassName "nope" → "no PriorityClass with name nope was found"
 */
export function resolvePodPriority(pod: Pod, classes: readonly PriorityClass[]): string {
  const spec = pod.spec!;
  let priority = 0;
  let preemptionPolicy: string | undefined = "PreemptLowerPriority";
  if (!spec.priorityClassName) {
    const pc = defaultPriorityClass(classes);
    if (pc) {
      spec.priorityClassName = pc.metadata!.name;
      priority = pc.value;
      preemptionPolicy = pc.preemptionPolicy;
    }
  } else {
    const pc = classes.find((c) => c.metadata?.name === spec.priorityClassName);
    if (!pc) return `no PriorityClass with name ${spec.priorityClassName} was found`;
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    return `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  }
  spec.priority = priority;
  if (preemptionPolicy) {
    if (spec.preemptionPolicy && spec.preemptionPolicy !== preemptionPolicy) {
      return `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`;
    }
    spec.preemptionPolicy = preemptionPolicy;
  }
  return "";
}

/** validatePriorityClass: only one class may be the global default. */
export function secondGlobalDefault(pc: PriorityClass, classes: readonly PriorityClass[]): string {
  if (!pc.globalDefault) return "";
  const existing = defaultPriorityClass(classes.filter((c) => c.metadata?.name !== pc.metadata?.name));
  return existing ? `PriorityClass ${existing.metadata!.name} is already marked as default. Only one default can exist` : "";
}
