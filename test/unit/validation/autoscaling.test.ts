import { describe, expect, it } from "vitest";
import { changed, createErrors, forbidden, hpa, invalid, required, typeOf, unsupported } from "./fixtures";

const HPA = typeOf("HorizontalPodAutoscaler", "autoscaling");
const TYPES = '"ContainerResource", "External", "Object", "Pods", "Resource"';
const cpu = (target: object) => ({ type: "Resource", resource: { name: "cpu", target } });

describe("HorizontalPodAutoscaler (ValidateHorizontalPodAutoscaler)", () => {
  it.each([
    ["defaults only (cpu 80%)", hpa("web"), []],
    ["a memory AverageValue target", hpa("web", { metrics: [{ type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "200Mi" } } }] }), []],
    ["minReplicas above maxReplicas", hpa("web", { min: 5, max: 2 }), [invalid("spec.maxReplicas", "2: must be greater than or equal to `minReplicas`")]],
    ["maxReplicas 0 (minReplicas defaults to 1)", hpa("web", { max: 0 }), [
      invalid("spec.maxReplicas", "0: must be greater than 0"),
      invalid("spec.maxReplicas", "0: must be greater than or equal to `minReplicas`"),
    ]],
    ["minReplicas 0", hpa("web", { min: 0 }), [invalid("spec.minReplicas", "0: must be greater than or equal to 1")]],
    ["a scale target without a name", changed(hpa("web"), (o) => { o.spec.scaleTargetRef = { kind: "Deployment" }; }), [required("spec.scaleTargetRef.name")]],
    ["an unknown metric type", hpa("web", { metrics: [{ type: "Memory" }] }), [unsupported("spec.metrics[0].type", `"Memory": supported values: ${TYPES}`)]],
    ["a metric without a type", hpa("web", { metrics: [{ resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }] }), [
      required("spec.metrics[0].type", "must specify a metric source type"),
      unsupported("spec.metrics[0].type", `"": supported values: ${TYPES}`),
    ]],
    ["a Resource type without its source", hpa("web", { metrics: [{ type: "Resource" }] }), [
      required("spec.metrics[0].resource", "must populate information for the given metric source"),
    ]],
    ["a utilization target without a value", hpa("web", { metrics: [cpu({ type: "Utilization" })] }), [
      required("spec.metrics[0].resource.target.averageUtilization", "must set either a target raw value or a target utilization"),
    ]],
    ["utilization 0", hpa("web", { metrics: [cpu({ type: "Utilization", averageUtilization: 0 })] }), [
      invalid("spec.metrics[0].resource.target.averageUtilization", "0: must be greater than 0"),
    ]],
    ["both a utilization and a raw value", hpa("web", { metrics: [cpu({ type: "Utilization", averageUtilization: 50, averageValue: "500m" })] }), [
      forbidden("spec.metrics[0].resource.target.averageValue", "may not set both a target raw value and a target utilization"),
    ]],
    ["an unknown target type", hpa("web", { metrics: [cpu({ type: "Percent", averageUtilization: 50 })] }), [
      invalid("spec.metrics[0].resource.target.type", '"Percent": must be either Utilization, Value, or AverageValue'),
    ]],
    ["a scale-down window above an hour and a bad policy", hpa("web", { behavior: { scaleDown: { stabilizationWindowSeconds: 4000, policies: [{ type: "Pods", value: 0, periodSeconds: 2000 }] } } }), [
      invalid("spec.behavior.scaleDown.stabilizationWindowSeconds", "4000: must be less than or equal to 3600"),
      invalid("spec.behavior.scaleDown.policies[0].value", "0: must be greater than zero"),
      invalid("spec.behavior.scaleDown.policies[0].periodSeconds", "2000: must be less than or equal to 1800"),
    ]],
    ["an empty policy list", hpa("web", { behavior: { scaleUp: { policies: [] } } }), [
      required("spec.behavior.scaleUp.policies", "must specify at least one Policy"),
    ]],
    ["an unknown selectPolicy", hpa("web", { behavior: { scaleUp: { selectPolicy: "Avg" } } }), [
      unsupported("spec.behavior.scaleUp.selectPolicy", '"Avg": supported values: "Disabled", "Max", "Min"'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(HPA, obj)).toEqual(expected);
  });
});
