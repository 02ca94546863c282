import "./generated";
import { describe, expect, it } from "vitest";
import { unknownFields } from "../../../src/api/fieldValidation";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** A Deployment manifest as `kubectl create deployment web --image=nginx` would write it, plus `extra` merged into spec. */
function deployment(extra: { spec?: Record<string, unknown>; container?: Record<string, unknown>; top?: Record<string, unknown> } = {}) {
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", labels: { app: "web", "example.com/any-key": "x" }, annotations: { "a/b": "c" } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: {
          containers: [
            { name: "sidecar", image: "busybox" },
            { name: "web", image: "nginx", ports: [{ containerPort: 80 }], resources: { limits: { cpu: "1", memory: 128 } }, ...extra.container },
          ],
        },
      },
      ...extra.spec,
    },
    status: { replicas: 3, conditions: [{ type: "Available", status: "True", lastTransitionTime: "2024-01-01T00:00:00Z" }] },
    ...extra.top,
  });
}

describe("unknownFields (fieldValidation=Strict)", () => {
  it.each([
    ["a valid deployment", deployment(), []],
    ["an unknown spec field", deployment({ spec: { foo: 1 } }), ["spec.foo"]],
    ["a misspelt container field", deployment({ container: { imagee: "nginx" } }), ["spec.template.spec.containers[1].imagee"]],
    ["an unknown top-level field", deployment({ top: { foo: {} } }), ["foo"]],
    ["an unknown metadata field", deployment({ top: { metadata: { name: "web", labelz: {} } } }), ["metadata.labelz"]],
    ["an unknown status field", deployment({ top: { status: { ready: 1 } } }), ["status.ready"]],
    ["several, in document order", deployment({ spec: { a: 1, b: { c: 1 } }, container: { x: true } }), ["spec.template.spec.containers[1].x", "spec.a", "spec.b"]],
    ["an unknown field under a map of structs' value", deployment({ spec: { selector: { matchLabels: {}, matchExpressions: [{ key: "k", operator: "In", valuez: [] }] } } }), ["spec.selector.matchExpressions[0].valuez"]],
    ["a key named like an Object.prototype member", deployment({ spec: { constructor: 1, toString: 2 } }), ["spec.constructor", "spec.toString"]],
  ])("%s", (_name, obj, expected) => {
    expect(unknownFields("apps/v1", "Deployment", obj)).toEqual(expected);
  });

  it("accepts anything in maps, RawExtension and FieldsV1", () => {
    expect(unknownFields("v1", "ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { anything: "x", "a.b": "y" } })).toEqual([]);
    expect(
      unknownFields("apps/v1", "ControllerRevision", {
        metadata: { name: "r", managedFields: [{ manager: "kubectl", fieldsV1: { "f:spec": { "f:replicas": {} } } }] },
        revision: 1,
        data: { spec: { template: { whatever: true } } },
      }),
    ).toEqual([]);
  });

  it("checks maps' struct values", () => {
    const svc = { metadata: { name: "s" }, spec: { ports: [{ port: 80, targetPort: "http", nodePortt: 1 }] } };
    expect(unknownFields("v1", "Service", svc)).toEqual(["spec.ports[0].nodePortt"]);
  });

  it("uses the schema of the object's own version", () => {
    const hpa = { metadata: { name: "h" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } };
    expect(unknownFields("autoscaling/v1", "HorizontalPodAutoscaler", hpa)).toEqual([]);
    expect(unknownFields("autoscaling/v2", "HorizontalPodAutoscaler", hpa)).toEqual(["spec.targetCPUUtilizationPercentage"]);
    expect(unknownFields("events.k8s.io/v1", "Event", { note: "x", eventTime: "2024-01-01T00:00:00.000000Z" })).toEqual([]);
    expect(unknownFields("v1", "Event", { note: "x" })).toEqual(["note"]);
  });

  it("skips values of the wrong JSON type (type errors are not unknown fields)", () => {
    expect(unknownFields("apps/v1", "Deployment", { spec: "nope", metadata: [1], status: null })).toEqual([]);
    expect(unknownFields("apps/v1", "Deployment", { spec: { template: { spec: { containers: { name: "x", bad: 1 } } } } })).toEqual([]);
  });

  it.each([
    ["an unserved kind", "apps/v1", "Nope"],
    ["an unserved version", "apps/v2", "Deployment"],
    ["a List", "v1", "List"],
  ])("reports nothing for %s", (_name, apiVersion, kind) => {
    expect(unknownFields(apiVersion, kind, { foo: 1 })).toEqual([]);
  });

  it("accepts the subresource bodies kubectl sends", () => {
    expect(unknownFields("policy/v1", "Eviction", { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: "p", namespace: "default" }, deleteOptions: {} })).toEqual([]);
    expect(unknownFields("autoscaling/v1", "Scale", { metadata: { name: "web" }, spec: { replicas: 2 } })).toEqual([]);
    expect(unknownFields("authentication.k8s.io/v1", "TokenRequest", { spec: { audiences: [], expirationSeconds: 3600 } })).toEqual([]);
  });
});
