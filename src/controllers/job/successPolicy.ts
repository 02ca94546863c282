/**
 * spec.successPolicy (upstream success_policy.go, Indexed jobs): the Job succeeds as soon as one rule
 * is met — all of its succeededIndexes, or succeededCount of them (or of all indexes).
 */
import type { SuccessPolicy } from "kubernetes-types/batch/v1";
import { countIndexes, coversRule, parseIndexes, type Intervals } from "./indexes";

/**
 * matchSuccessPolicy: "Matched rules at index N" for the first rule met. Rules [{succeededIndexes
 * "0"}], completions 5, succeeded "0,3" → "Matched rules at index 0".
 */
export function matchSuccessPolicy(policy: SuccessPolicy | undefined, completions: number, succeeded: Intervals): string | undefined {
  if (!policy || succeeded.length === 0) return undefined;
  const rules = policy.rules ?? [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    if (rule.succeededIndexes != null) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.length === 0) continue;
      if (coversRule(required, succeeded, rule.succeededCount ?? undefined)) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount != null && countIndexes(succeeded) >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
