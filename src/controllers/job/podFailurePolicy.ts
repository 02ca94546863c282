/**
 * spec.podFailurePolicy (upstream pod_failure_policy.go): the first rule matching a failed pod — by a
 * terminated container's non-zero exit code, or by a pod condition — decides what its failure means:
 * FailJob ends the Job, FailIndex ends the pod's index, Ignore does not count it, Count counts it.
 */
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from "kubernetes-types/batch/v1";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1";

export type PodFailurePolicyAction = "FailJob" | "FailIndex" | "Ignore" | "Count";

export interface PolicyMatch {
  /** The Job's failure message when a FailJob rule matched. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit (and backoffLimitPerIndex). */
  countFailed: boolean;
  action?: PodFailurePolicyAction;
}

function exitCodeMatches(code: number, req: PodFailurePolicyOnExitCodesRequirement): boolean {
  if (req.operator === "In") return req.values.includes(code);
  if (req.operator === "NotIn") return !req.values.includes(code);
  return false;
}

/** getMatchingContainerFromList: the first terminated container with a non-zero exit code the rule matches. */
function matchingContainer(statuses: ContainerStatus[] | undefined, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  return statuses?.find((s) => {
    const terminated = s.state?.terminated;
    if (!terminated) return false;
    if (req.containerName != null && req.containerName !== s.name) return false;
    return terminated.exitCode !== 0 && exitCodeMatches(terminated.exitCode, req);
  });
}

/** matchPodFailurePolicy. Without a policy every failure counts. */
export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  if (!policy) return { countFailed: true };
  const rules = policy.rules ?? [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const action = rule.action as PodFailurePolicyAction;
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const status = matchingContainer(pod.status?.containerStatuses, rule.onExitCodes)
        ?? matchingContainer(pod.status?.initContainerStatuses, rule.onExitCodes);
      if (!status) continue;
      failJobMessage = `Container ${status.name} for pod ${pod.metadata?.namespace}/${pod.metadata?.name} failed with exit code ${status.state!.terminated!.exitCode} matching FailJob rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const condition = pod.status?.conditions?.find((c) => rule.onPodConditions!.some((p) => p.type === c.type && p.status === c.status));
      if (!condition) continue;
      failJobMessage = `Pod ${pod.metadata?.namespace}/${pod.metadata?.name} has condition ${condition.type} matching FailJob rule at index ${index}`;
    } else continue;
    switch (action) {
      case "Ignore":
        return { countFailed: false, action };
      case "FailIndex":
      case "Count":
        return { countFailed: true, action };
      case "FailJob":
        return { failJobMessage, countFailed: true, action };
    }
    // An unknown action falls through to the next rule, as upstream's switch does.
  }
  return { countFailed: true };
}
