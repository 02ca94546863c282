/**
 * The remaining kinds' defaulting: core/v1's SetDefaults_Namespace(Status) with the namespace
 * strategy's `kubernetes` finalizer, SetDefaults_NodeStatus, SetDefaults_Secret with the v1
 * conversion that folds stringData into data, and autoscaling/v2's SetDefaults_HorizontalPodAutoscaler.
 */
import type { HorizontalPodAutoscaler, HPAScalingRules } from "kubernetes-types/autoscaling/v2";
import type { Namespace, Node, Secret } from "kubernetes-types/core/v1";
import { defaultResourceList } from "./quantities";

/**
 * Namespace: phase Active and the kubernetes.io/metadata.name label; on create the strategy adds the
 * `kubernetes` finalizer (only then: the namespace controller removes it to finish a deletion).
 */
export function defaultNamespace(ns: Namespace, creating: boolean): void {
  const spec = (ns.spec ??= {});
  if (creating && !spec.finalizers?.includes("kubernetes")) spec.finalizers = [...(spec.finalizers ?? []), "kubernetes"];
  const status = ((ns as { status?: { phase?: string } }).status ??= {});
  status.phase ||= "Active";
  const name = ns.metadata?.name;
  if (name) (ns.metadata!.labels ??= {})["kubernetes.io/metadata.name"] = name;
}

/** Node: allocatable defaults to capacity. */
export function defaultNode(node: Node): void {
  const status = (node as { status?: { capacity?: Record<string, string>; allocatable?: Record<string, string> } }).status;
  if (!status) return;
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
  if (!status.allocatable && status.capacity) status.allocatable = { ...status.capacity };
}

/** base64 of a UTF-8 string, without Buffer (workerd has btoa). */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Secret: type Opaque; stringData is write-only and lands in data (stringData wins on conflicts). */
export function defaultSecret(secret: Secret): void {
  secret.type ||= "Opaque";
  if (secret.stringData) {
    const data = (secret.data ??= {});
    for (const [key, value] of Object.entries(secret.stringData)) data[key] = base64(String(value));
    delete secret.stringData;
  }
}

/** scaleUpLimitRules: no stabilization, the faster of +4 pods or +100% every 15 s. */
function scaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
  };
}

/** scaleDownLimitRules: 300 s stabilization, at most -100% every 15 s. */
function scaleDownRules(): HPAScalingRules {
  return { stabilizationWindowSeconds: 300, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] };
}

/** GenerateHPAScaleUpRules / GenerateHPAScaleDownRules: fill what the user left out. */
function fillRules(rules: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!rules) return defaults;
  rules.stabilizationWindowSeconds ??= defaults.stabilizationWindowSeconds;
  rules.selectPolicy ??= defaults.selectPolicy;
  rules.policies ??= defaults.policies;
  return rules;
}

/**
 * HPA: minReplicas 1, an 80% CPU utilization metric when none is given, and, only when the user
 * wrote a behavior, both directions' rules completed with upstream's defaults.
 */
export function defaultHorizontalPodAutoscaler(hpa: HorizontalPodAutoscaler): void {
  const spec = (hpa.spec ??= {} as NonNullable<HorizontalPodAutoscaler["spec"]>);
  spec.minReplicas ??= 1;
  if (!spec.metrics?.length) {
    spec.metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
  }
  if (spec.behavior) {
    spec.behavior.scaleUp = fillRules(spec.behavior.scaleUp, scaleUpRules());
    spec.behavior.scaleDown = fillRules(spec.behavior.scaleDown, scaleDownRules());
  }
}
