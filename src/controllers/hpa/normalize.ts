/**
 * From the metrics' proposal to the size the HPA sets, after upstream's normalizeDesiredReplicas
 * (no `behavior`: 5-minute scale-down stabilization, scale up at most to max(2 × current, 4)) and
 * normalizeDesiredReplicasWithBehaviors (stabilization windows, then Pods/Percent rate policies).
 * Pure: recommendations and scale events come in as data, the conditions' reasons come out.
 *
 *   no behavior, current 1, proposal 10 → 4 (ScaleUpLimit); current 3 → 6
 *   scale down from 10, policy Percent 10%/60s → 9, then 9 again until 60 s passed → 8
 *   scale up from 1 with the defaults (Pods 4/15s, Percent 100%/15s, Max) → 5
 *   down window 300 s, recommendations 7, 5 in it, proposal 2 → stays 7 (ScaleDownStabilized)
 */
import type { HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import type { Sample, ScaleEvent } from "./history";

const MAX_INT32 = 2 ** 31 - 1;
const MIN_INT32 = -(2 ** 31);

export interface Limited {
  replicas: number;
  reason: string;
  message: string;
}

// ---- without behavior --------------------------------------------------------------------------------

/** calculateScaleUpLimit: no more than double, and never less than 4 (issue #32304: bogus CPU spikes). */
export function calculateScaleUpLimit(currentReplicas: number): number {
  return Math.trunc(Math.max(2 * currentReplicas, 4));
}

/** stabilizeRecommendation: the highest recommendation of the window (samples at or after the cutoff) and this one. */
export function stabilizeRecommendation(samples: Sample[], prenormalized: number, now: number, windowMs: number): number {
  const cutoff = now - windowMs;
  let max = prenormalized;
  for (const s of samples) if (s.at >= cutoff && s.replicas > max) max = s.replicas;
  return max;
}

/** convertDesiredReplicasWithRules: clamp to [minReplicas, min(maxReplicas, scale-up limit)]. */
export function convertDesiredReplicasWithRules(currentReplicas: number, desired: number, minReplicas: number, maxReplicas: number): Limited {
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas);
  let maximum: number;
  let reason: string;
  let message: string;
  if (maxReplicas > scaleUpLimit) {
    maximum = scaleUpLimit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximum = maxReplicas;
    reason = "TooManyReplicas";
    message = "the desired replica count is more than the maximum replica count";
  }
  if (desired < minReplicas) return { replicas: minReplicas, reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
  if (desired > maximum) return { replicas: maximum, reason, message };
  return { replicas: desired, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

// ---- with behavior -------------------------------------------------------------------------------------

/**
 * stabilizeRecommendationWithBehaviors: keep the current size between the lowest recommendation of
 * the scale-up window and the highest of the scale-down window (samples strictly after each cutoff,
 * plus this one).
 */
export function stabilizeRecommendationWithBehaviors(
  samples: Sample[], currentReplicas: number, desired: number, upWindowMs: number, downWindowMs: number, now: number,
): Limited {
  let up = desired;
  let down = desired;
  for (const s of samples) {
    if (s.at > now - upWindowMs) up = Math.min(up, s.replicas);
    if (s.at > now - downWindowMs) down = Math.max(down, s.replicas);
  }
  let recommendation = currentReplicas;
  if (recommendation < up) recommendation = up;
  if (recommendation > down) recommendation = down;
  return desired >= currentReplicas
    ? { replicas: recommendation, reason: "ScaleUpStabilized", message: "recent recommendations were lower than current one, applying the lowest recent recommendation" }
    : { replicas: recommendation, reason: "ScaleDownStabilized", message: "recent recommendations were higher than current one, applying the highest recent recommendation" };
}

/** getReplicasChangePerPeriod: replicas changed by events strictly after now − period. */
export function replicasChangePerPeriod(periodMs: number, events: ScaleEvent[], now: number): number {
  return events.reduce((sum, e) => (e.at > now - periodMs ? sum + e.change : sum), 0);
}

export interface RateInputs {
  currentReplicas: number;
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
  now: number;
  /** Milliseconds per policy second (timeScale). */
  secondMs: number;
}

/** The size at the start of a policy period: what the events in that period added or removed, undone. */
function periodStart(rules: { periodSeconds: number }, x: RateInputs): number {
  const periodMs = rules.periodSeconds * x.secondMs;
  return x.currentReplicas - replicasChangePerPeriod(periodMs, x.scaleUpEvents, x.now) + replicasChangePerPeriod(periodMs, x.scaleDownEvents, x.now);
}

/** calculateScaleUpLimitWithScalingRules: Pods adds value, Percent multiplies (rounded up); Max picks the largest, Min the smallest. */
export function calculateScaleUpLimitWithScalingRules(rules: HPAScalingRules, x: RateInputs): number {
  if (rules.selectPolicy === "Disabled") return x.currentReplicas;
  const pickMin = rules.selectPolicy === "Min";
  let result = pickMin ? MAX_INT32 : MIN_INT32;
  for (const policy of rules.policies ?? []) {
    const start = periodStart(policy, x);
    const proposed = policy.type === "Pods" ? start + policy.value : Math.ceil(start * (1 + policy.value / 100));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors: Pods removes value, Percent keeps (1 − value%) truncated; Max picks the lowest floor, Min the highest. */
export function calculateScaleDownLimitWithBehaviors(rules: HPAScalingRules, x: RateInputs): number {
  if (rules.selectPolicy === "Disabled") return x.currentReplicas;
  const pickMin = rules.selectPolicy === "Min";
  let result = pickMin ? MIN_INT32 : MAX_INT32;
  for (const policy of rules.policies ?? []) {
    const start = periodStart(policy, x);
    const proposed = policy.type === "Pods" ? start - policy.value : Math.trunc(start * (1 - policy.value / 100));
    result = pickMin ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** convertDesiredReplicasWithBehaviorRate: bound the stabilized size by the rate policies and min/max. */
export function convertDesiredReplicasWithBehaviorRate(
  desired: number, minReplicas: number, maxReplicas: number, scaleUp: HPAScalingRules, scaleDown: HPAScalingRules, x: RateInputs,
): Limited {
  if (desired > x.currentReplicas) {
    // No further scale up until old events leave the period.
    const limit = Math.max(calculateScaleUpLimitWithScalingRules(scaleUp, x), x.currentReplicas);
    const limited = maxReplicas > limit;
    const maximum = limited ? limit : maxReplicas;
    if (desired > maximum) {
      return limited
        ? { replicas: maximum, reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" }
        : { replicas: maximum, reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" };
    }
  } else if (desired < x.currentReplicas) {
    const limit = Math.min(calculateScaleDownLimitWithBehaviors(scaleDown, x), x.currentReplicas);
    const limited = minReplicas < limit;
    const minimum = limited ? limit : minReplicas;
    if (desired < minimum) {
      return limited
        ? { replicas: minimum, reason: "ScaleDownLimit", message: "the desired replica count is decreasing faster than the maximum scale rate" }
        : { replicas: minimum, reason: "TooFewReplicas", message: "the desired replica count is less than the minimum replica count" };
    }
  }
  return { replicas: desired, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

/** The rules as defaulting leaves them (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules), for objects stored before it. */
export function effectiveRules(rules: HPAScalingRules | undefined, direction: "up" | "down", downscaleWindowSeconds: number): Required<Pick<HPAScalingRules, "selectPolicy" | "policies" | "stabilizationWindowSeconds">> {
  const defaults = direction === "up"
    ? { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Pods", value: 4, periodSeconds: 15 }, { type: "Percent", value: 100, periodSeconds: 15 }] }
    : { stabilizationWindowSeconds: downscaleWindowSeconds, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
  return {
    stabilizationWindowSeconds: rules?.stabilizationWindowSeconds ?? defaults.stabilizationWindowSeconds,
    selectPolicy: rules?.selectPolicy ?? defaults.selectPolicy,
    policies: rules?.policies ?? defaults.policies,
  };
}

/** getLongestPolicyPeriod, in seconds. */
export function longestPolicyPeriod(rules: HPAScalingRules): number {
  return (rules.policies ?? []).reduce((max, p) => Math.max(max, p.periodSeconds), 0);
}
