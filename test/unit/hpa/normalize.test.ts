/**
 * From proposal to size: the legacy limits (no behavior), the behavior's stabilization windows and
 * rate policies, with the HPA docs' examples, and the history kept in the annotation.
 */
import type { HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import { describe, expect, it } from "vitest";
import {
  SCALE_EVENTS_ANNOTATION, encodeHistory, readHistory, recommendationSamples, recordInitialRecommendation, recordRecommendation, recordScaleEvent, emptyHistory, type ScaleEvent,
} from "../../../src/controllers/hpa/history";
import {
  convertDesiredReplicasWithBehaviorRate, convertDesiredReplicasWithRules, effectiveRules, stabilizeRecommendation, stabilizeRecommendationWithBehaviors,
} from "../../../src/controllers/hpa/normalize";
import { T0 } from "./fixtures";

const S = 1000;
const up = (rules: HPAScalingRules = {}) => effectiveRules(rules, "up", 300);
const down = (rules: HPAScalingRules = {}) => effectiveRules(rules, "down", 300);
const ago = (seconds: number) => T0 - seconds * S;
const rate = (current: number, scaleUpEvents: ScaleEvent[] = [], scaleDownEvents: ScaleEvent[] = []) => ({ currentReplicas: current, scaleUpEvents, scaleDownEvents, now: T0, secondMs: S });

describe("without behavior (normalizeDesiredReplicas)", () => {
  it.each([
    // current, desired, min, max, expected, reason
    [1, 10, 1, 10, 4, "ScaleUpLimit"],
    [3, 10, 1, 10, 6, "ScaleUpLimit"],
    [8, 20, 1, 10, 10, "TooManyReplicas"],
    [2, 0, 2, 10, 2, "TooFewReplicas"],
    [4, 3, 1, 10, 3, "DesiredWithinRange"],
    [1, 5, 1, 10, 4, "ScaleUpLimit"],
  ])("current %i, proposal %i, min %i, max %i → %i (%s)", (current, desired, min, max, expected, reason) => {
    const r = convertDesiredReplicasWithRules(current, desired, min, max);
    expect(r.replicas).toBe(expected);
    expect(r.reason).toBe(reason);
  });

  it.each([
    // samples (replicas, seconds ago), proposal, expected
    ["the highest recommendation of the last 5 minutes wins", [[7, 100], [5, 200]], 2, 7],
    ["a recommendation exactly at the cutoff still counts", [[5, 300]], 2, 5],
    ["older ones do not", [[5, 301]], 2, 2],
    ["a higher proposal is taken at once", [[5, 100]], 8, 8],
  ])("scale-down stabilization: %s", (_name, samples, proposal, expected) => {
    const s = (samples as number[][]).map(([replicas, secondsAgo]) => ({ replicas, at: ago(secondsAgo) }));
    expect(stabilizeRecommendation(s, proposal as number, T0, 300 * S)).toBe(expected);
  });
});

describe("behavior: stabilization windows", () => {
  it.each([
    // name, samples, current, proposal, up window s, down window s, expected, reason
    ["down window keeps the highest recent recommendation", [[7, 100], [5, 200], [9, 400]], 7, 2, 0, 300, 7, "ScaleDownStabilized"],
    ["down window 0 scales down at once", [[7, 100]], 7, 2, 0, 0, 2, "ScaleDownStabilized"],
    ["down window, old recommendations expire", [[7, 301]], 7, 2, 0, 300, 2, "ScaleDownStabilized"],
    ["up window keeps the lowest recent recommendation", [[3, 30]], 3, 8, 60, 300, 3, "ScaleUpStabilized"],
    ["up window 0 scales up at once", [[3, 30]], 3, 8, 0, 300, 8, "ScaleUpStabilized"],
    ["between the windows' limits the current size stays", [[2, 30], [9, 30]], 5, 5, 60, 300, 5, "ScaleUpStabilized"],
  ])("%s", (_name, samples, current, proposal, upWindow, downWindow, expected, reason) => {
    const s = (samples as number[][]).map(([replicas, secondsAgo]) => ({ replicas, at: ago(secondsAgo) }));
    const r = stabilizeRecommendationWithBehaviors(s, current as number, proposal as number, (upWindow as number) * S, (downWindow as number) * S, T0);
    expect(r.replicas).toBe(expected);
    expect(r.reason).toBe(reason);
  });
});

describe("behavior: rate policies", () => {
  it.each([
    // name, current, desired, scaleUp rules, events up, expected, reason
    ["defaults: the faster of +4 pods and +100% → 1 → 5", 1, 10, {}, [], 5, "ScaleUpLimit"],
    ["defaults: from 10 the +100% policy wins → 20", 10, 30, {}, [], 20, "ScaleUpLimit"],
    ["within the rate: the proposal is taken", 4, 6, {}, [], 6, "DesiredWithinRange"],
    ["selectPolicy Min: the slower of +4 and +100% → 1 → 2", 1, 10, { selectPolicy: "Min" }, [], 2, "ScaleUpLimit"],
    ["Pods 4 per 60 s after adding 4 within the period → no more", 5, 10, { policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] }, [{ change: 4, at: ago(30) }], 5, "ScaleUpLimit"],
    ["Pods 4 per 60 s after the period passed → +4", 5, 10, { policies: [{ type: "Pods", value: 4, periodSeconds: 60 }] }, [{ change: 4, at: ago(61) }], 9, "ScaleUpLimit"],
    ["Disabled: never up", 3, 10, { selectPolicy: "Disabled" }, [], 3, "ScaleUpLimit"],
  ])("scale up: %s", (_name, current, desired, rules, events, expected, reason) => {
    const r = convertDesiredReplicasWithBehaviorRate(desired, 1, 100, up(rules as HPAScalingRules), down(), rate(current, events as ScaleEvent[]));
    expect(r.replicas).toBe(expected);
    expect(r.reason).toBe(reason);
  });

  it("maxReplicas below the rate limit: TooManyReplicas", () => {
    const r = convertDesiredReplicasWithBehaviorRate(30, 1, 12, up(), down(), rate(10));
    expect(r).toEqual({ replicas: 12, reason: "TooManyReplicas", message: "the desired replica count is more than the maximum replica count" });
  });

  // The docs' example: scaleDown policies Pods 4/60 s and Percent 10/60 s; selectPolicy Max picks the bigger change.
  const docsScaleDown: HPAScalingRules = { policies: [{ type: "Pods", value: 4, periodSeconds: 60 }, { type: "Percent", value: 10, periodSeconds: 60 }] };
  it.each([
    // name, current, rules, events down, expected, reason
    ["Percent 10%/60s from 10 → 9", 10, { policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] }, [], 9, "ScaleDownLimit"],
    ["Percent 10%/60s: 30 s after the last step → still 9", 9, { policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] }, [{ change: 1, at: ago(30) }], 9, "ScaleDownLimit"],
    ["Percent 10%/60s: 61 s after the last step → 8", 9, { policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] }, [{ change: 1, at: ago(61) }], 8, "ScaleDownLimit"],
    ["docs: 80 replicas → the Percent policy removes 8 → 72", 80, docsScaleDown, [], 72, "ScaleDownLimit"],
    ["docs: 40 replicas → both remove 4 → 36", 40, docsScaleDown, [], 36, "ScaleDownLimit"],
    ["docs: 20 replicas → the Pods policy removes 4 → 16", 20, docsScaleDown, [], 16, "ScaleDownLimit"],
    ["docs, selectPolicy Min: 80 → the smaller change, 4 → 76", 80, { ...docsScaleDown, selectPolicy: "Min" }, [], 76, "ScaleDownLimit"],
    ["Disabled: never down", 5, { selectPolicy: "Disabled" }, [], 5, "ScaleDownLimit"],
    ["defaults (-100% per 15 s): straight to minReplicas", 10, {}, [], 1, "TooFewReplicas"],
  ])("scale down: %s", (_name, current, rules, events, expected, reason) => {
    // The metrics propose 0 (idle); minReplicas is 1.
    const r = convertDesiredReplicasWithBehaviorRate(0, 1, 100, up(), down(rules as HPAScalingRules), rate(current as number, [], events as ScaleEvent[]));
    expect(r.replicas).toBe(expected);
    expect(r.reason).toBe(reason);
  });

  it("a scale up within the period counts against the scale down's starting size", () => {
    // 10 replicas now, 5 of them added 20 s ago: the period began at 5; Pods 2/60s allows 5 − 2 = 3... but never above current.
    const r = convertDesiredReplicasWithBehaviorRate(1, 1, 100, up(), down({ policies: [{ type: "Pods", value: 2, periodSeconds: 60 }] }), rate(10, [{ change: 5, at: ago(20) }]));
    expect(r.replicas).toBe(3);
  });
});

describe("the kubeflare.dev/scale-events history", () => {
  it("stores one run per change of recommendation; a steady one writes nothing", () => {
    let h = recordInitialRecommendation(emptyHistory(), 1, ago(60));
    h = recordRecommendation(h, 1, ago(45), 300 * S, 15 * S);
    h = recordRecommendation(h, 5, ago(30), 300 * S, 15 * S);
    const steady = recordRecommendation(h, 5, ago(15), 300 * S, 15 * S);
    expect(steady).toBe(h);
    expect(h.recommendations).toEqual([{ replicas: 1, since: ago(60) }, { replicas: 5, since: ago(30) }]);
    // Each run's latest sample: one sync before the next run, or before now.
    expect(recommendationSamples(h, T0, 15 * S)).toEqual([{ replicas: 1, at: ago(45) }, { replicas: 5, at: ago(15) }]);
  });

  it("forgets runs whose latest sample left the longest window when it records a new one", () => {
    let h = recordInitialRecommendation(emptyHistory(), 3, ago(1000));
    h = recordRecommendation(h, 4, ago(900), 300 * S, 15 * S);
    h = recordRecommendation(h, 2, ago(100), 300 * S, 15 * S);
    h = recordRecommendation(h, 5, T0, 300 * S, 15 * S);
    // 3 was last recommended 915 s ago; 4 until 115 s ago (it was recommended every sync until 2 took over).
    expect(h.recommendations.map((r) => r.replicas)).toEqual([4, 2, 5]);
  });

  it("keeps scale events for the longest policy period", () => {
    let h = recordScaleEvent(emptyHistory(), 1, 5, ago(100), 60 * S, 60 * S);
    h = recordScaleEvent(h, 5, 7, T0, 60 * S, 60 * S);
    h = recordScaleEvent(h, 7, 6, T0, 60 * S, 60 * S);
    expect(h.scaleUp).toEqual([{ change: 2, at: T0 }]);
    expect(h.scaleDown).toEqual([{ change: 1, at: T0 }]);
  });

  it("round-trips through the annotation and ignores garbage", () => {
    const h = { recommendations: [{ replicas: 4, since: T0 }], scaleUp: [{ change: 3, at: T0 }], scaleDown: [] };
    const text = encodeHistory(h)!;
    expect(JSON.parse(text)).toEqual({ recommendations: [{ replicas: 4, since: "2026-11-25T00:00:00.000Z" }], scaleUp: [{ change: 3, at: "2026-11-25T00:00:00.000Z" }] });
    expect(readHistory({ metadata: { annotations: { [SCALE_EVENTS_ANNOTATION]: text } } })).toEqual(h);
    expect(readHistory({ metadata: { annotations: { [SCALE_EVENTS_ANNOTATION]: "{nope" } } })).toEqual(emptyHistory());
    expect(encodeHistory(emptyHistory())).toBeUndefined();
  });
});
