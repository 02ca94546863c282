/**
 * The replica calculator against the HPA docs' algorithm details and upstream's
 * replica_calculator_test cases: desired = ceil(current × currentMetric / target), the tolerance,
 * missing and unready pods, and the errors.
 */
import { describe, expect, it } from "vitest";
import {
  type CalculatorConfig, MetricError, calculateRequests, groupPods, perPodMetricReplicas, plainMetricReplicas, resourceReplicas, usageRatioReplicaCount, withinTolerance,
} from "../../../src/controllers/hpa/replicas";
import { T0, calcPod, metricsOf, type PodSpec } from "./fixtures";

const cfg: CalculatorConfig = { tolerance: 0.1, cpuInitializationPeriod: 300_000, delayOfInitialReadinessStatus: 30_000, now: T0 };
const pods = (specs: PodSpec[]) => specs.map((s, i) => calcPod(i, { request: "200m", ...s }));

describe("the docs' formula", () => {
  it.each([
    // name, current replicas, pod usages (milli), target (milli), expected
    ["current 200m, target 100m, 1 replica → double", [200], 100, 2],
    ["current 50m, target 100m, 2 replicas → halve", [50, 50], 100, 1],
    ["current 100m, target 100m → no change", [100, 100, 100], 100, 3],
    ["within tolerance (105m of 100m) → no change", [105, 105], 100, 2],
    ["within tolerance (91m of 100m) → no change", [91, 91, 91], 100, 3],
    ["just outside tolerance (89m of 100m) → ceil(3 × 0.89)", [89, 89, 89], 100, 3],
    ["outside tolerance (120m of 100m), 5 replicas → 6", [120, 120, 120, 120, 120], 100, 6],
  ])("AverageValue: %s", (_name, usages, target, expected) => {
    const ps = pods(usages.map(() => ({})));
    expect(plainMetricReplicas(ps.length, target, "", ps, metricsOf(ps, usages), cfg).replicas).toBe(expected);
  });

  it.each([
    // name, pod usages (milli of a 200m request), target %, expected replicas, expected utilization
    ["50% target, 3 pods at 90% → ceil(3 × 1.8) = 6", [180, 180, 180], 50, 6, 90],
    ["50% target, 1 pod at 250% (the walkthrough) → 5", [500], 50, 5, 250],
    ["50% target, 4 pods at 77% → ceil(4 × 1.54) = 7", [154, 154, 154, 154], 50, 7, 77],
    ["50% target, 7 pods at 44% → ceil(7 × 0.88) = 7", [88, 88, 88, 88, 88, 88, 88], 50, 7, 44],
    ["50% target, pods at 53% → within tolerance", [106, 106], 50, 2, 53],
    ["50% target, pods at 0% → 0 (min replicas applies later)", [0, 0, 0], 50, 0, 0],
    ["80% target, uneven pods 100% and 20% → 60% → ceil(2 × 0.75) = 2", [200, 40], 80, 2, 60],
  ])("Utilization: %s", (_name, usages, target, expected, utilization) => {
    const ps = pods(usages.map(() => ({})));
    const r = resourceReplicas(ps.length, target, "cpu", "", ps, metricsOf(ps, usages), cfg);
    expect(r.replicas).toBe(expected);
    expect(r.utilization).toBe(utilization);
  });

  it("reports the raw average usage next to the utilization", () => {
    const ps = pods([{}, {}]);
    expect(resourceReplicas(2, 50, "cpu", "", ps, metricsOf(ps, [500, 100]), cfg)).toEqual({ replicas: 6, utilization: 150, rawUtilization: 300 });
  });

  it.each([[0.9, true], [1.1, true], [1.0, true], [0.89, false], [1.11, false]])("tolerance 0.1: ratio %f within = %s", (ratio, within) => {
    expect(withinTolerance(ratio, 0.1)).toBe(within);
  });
});

describe("missing and unready pods", () => {
  it.each([
    // name, pods, usages, target %, current replicas, expected
    ["scale up: a pod without metrics counts as 0% → 66% → 4", [{}, {}, {}], [200, 200, undefined], 50, 3, 4],
    ["scale down: a pod without metrics counts as 100% → 32% → 3", [{}, {}, {}, {}], [20, 20, 20, undefined], 50, 4, 3],
    ["scale down: missing counts as the target when it is above 100%", [{}, {}], [20, undefined], 150, 2, 2],
    ["scale up: unready (Pending) pods count as 0% → 50%, within tolerance", [{}, {}, { phase: "Pending" }, { phase: "Pending" }], [200, 200, undefined, undefined], 50, 4, 4],
    ["scale up: a direction flip keeps the current count", [{}, {}, {}, {}], [120, undefined, undefined, undefined], 50, 4, 4],
    ["deleted and Failed pods are ignored", [{}, { deleting: true }, { phase: "Failed" }], [200, 0, 0], 50, 3, 2],
  ])("%s", (_name, specs, usages, target, current, expected) => {
    const ps = pods(specs as PodSpec[]);
    expect(resourceReplicas(current, target, "cpu", "", ps, metricsOf(ps, usages), cfg).replicas).toBe(expected);
  });

  it("a pod in its CPU initialization period is unready until it has been Ready for one metric window", () => {
    const fresh = calcPod(0, { request: "200m", startTime: T0 - 60_000, readySince: T0 - 5_000 });
    const settled = calcPod(1, { request: "200m", startTime: T0 - 60_000, readySince: T0 - 20_000 });
    const groups = groupPods([fresh, settled], metricsOf([fresh, settled], [100, 100]), "cpu", cfg);
    expect([...groups.unready]).toEqual(["pod-0"]);
    expect(groups.readyPodCount).toBe(1);
  });

  it("after the initialization period, only a pod that has never been ready is unready", () => {
    const never = calcPod(0, { request: "200m", ready: false, startTime: T0 - 600_000, readySince: T0 - 590_000 });
    const lost = calcPod(1, { request: "200m", ready: false, startTime: T0 - 600_000, readySince: T0 - 60_000 });
    const groups = groupPods([never, lost], metricsOf([never, lost], [100, 100]), "cpu", cfg);
    expect([...groups.unready]).toEqual(["pod-0"]);
    expect(groups.readyPodCount).toBe(1);
  });

  it("readiness only matters for cpu", () => {
    const p = calcPod(0, { request: "200m", startTime: T0 - 60_000, readySince: T0 - 1_000 });
    expect(groupPods([p], metricsOf([p], [100]), "memory", cfg).readyPodCount).toBe(1);
  });
});

describe("errors, as upstream words them", () => {
  it.each([
    ["no pods", () => resourceReplicas(1, 50, "cpu", "", [], new Map(), cfg), "no pods returned by selector while calculating replica count"],
    ["only unready pods", () => {
      const ps = pods([{ phase: "Pending" }]);
      return resourceReplicas(1, 50, "cpu", "", ps, new Map(), cfg);
    }, "did not receive metrics for targeted pods (pods might be unready)"],
    ["a container without a request", () => {
      const ps = [calcPod(0, { name: "php-apache-7bbb7cbc75-5bcsx" })];
      return resourceReplicas(1, 50, "cpu", "", ps, metricsOf(ps, [100]), cfg);
    }, "missing request for cpu in container app of Pod php-apache-7bbb7cbc75-5bcsx"],
    ["a named container that is not there", () => calculateRequests([calcPod(0, { request: "1" })], "sidecar", "cpu"), "container sidecar not found in Pod pod-0"],
  ])("%s", (_name, fn, message) => {
    expect(fn).toThrow(MetricError);
    expect(fn).toThrow(message);
  });
});

describe("object and external metrics", () => {
  it.each([
    // current, ratio, ready pods, expected
    [2, 2, 2, 4],
    [3, 1.05, 3, 3],
    [4, 0.5, 3, 2],
    [0, 2.5, 0, 3], // scale from zero: ceil(ratio), no tolerance
  ])("Value target: %i replicas at ratio %f with %i ready → %i", (current, ratio, ready, expected) => {
    expect(usageRatioReplicaCount(current, ratio, 0.1, () => ready)).toBe(expected);
  });

  it.each([
    // total, status replicas, target per pod, expected replicas, usage per pod
    [30_000, 2, 5_000, 6, 15_000],
    [10_500, 2, 5_000, 2, 5_250],
    [1_000, 4, 5_000, 1, 250],
  ])("AverageValue target: total %i over %i replicas, %i each → %i", (total, replicas, target, expected, usage) => {
    expect(perPodMetricReplicas(replicas, total, target, 0.1)).toEqual({ replicas: expected, usage });
  });
});
