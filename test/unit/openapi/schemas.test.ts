import { GENERATED_FILE } from "./generated";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface Schema {
  description?: string;
  type?: string;
  format?: string;
  $ref?: string;
  allOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema;
  required?: string[];
  [extension: string]: unknown;
}

const generated = JSON.parse(readFileSync(GENERATED_FILE, "utf8")) as { source: string; hash: string; schemas: Record<string, Schema> };
const schemas = generated.schemas;
const ref = (name: string) => `#/components/schemas/${name}`;
const CORE = "io.k8s.api.core.v1";
const APPS = "io.k8s.api.apps.v1";
const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

describe("gen-schemas output (from kubernetes-types .d.ts)", () => {
  it("records its source and a content hash", () => {
    expect(generated.source).toBe("kubernetes-types@1.30.0");
    expect(generated.hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    [`${APPS}.Deployment`, { group: "apps", version: "v1", kind: "Deployment" }],
    [`${APPS}.DeploymentList`, { group: "apps", version: "v1", kind: "DeploymentList" }],
    [`${CORE}.Pod`, { group: "", version: "v1", kind: "Pod" }],
    ["io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler", { group: "autoscaling", version: "v1", kind: "HorizontalPodAutoscaler" }],
    ["io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler", { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler" }],
    ["io.k8s.api.coordination.v1.Lease", { group: "coordination.k8s.io", version: "v1", kind: "Lease" }],
    ["io.k8s.api.authentication.v1.TokenRequest", { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" }],
    ["io.k8s.api.policy.v1.Eviction", { group: "policy", version: "v1", kind: "Eviction" }],
  ])("tags the kind %s with its group-version-kind", (name, gvk) => {
    expect(schemas[name]["x-kubernetes-group-version-kind"]).toEqual([gvk]);
  });

  it("does not tag nested types", () => {
    expect(schemas[`${APPS}.DeploymentSpec`]["x-kubernetes-group-version-kind"]).toBeUndefined();
  });

  it("carries type and field descriptions from the JSDoc", () => {
    const strategy = schemas[`${APPS}.DeploymentStrategy`];
    expect(strategy.description).toMatch(/^DeploymentStrategy describes how to replace existing pods/);
    expect(strategy.properties!.type).toEqual({ description: expect.stringMatching(/^Type of deployment/), type: "string" });
  });

  it("wraps a described $ref in allOf, as upstream's v3 documents do", () => {
    expect(schemas[`${APPS}.DeploymentSpec`].properties!.strategy).toEqual({
      description: expect.stringContaining("deployment strategy"),
      allOf: [{ $ref: ref(`${APPS}.DeploymentStrategy`) }],
    });
  });

  it("keeps paragraph breaks of multi-line descriptions", () => {
    expect(schemas["io.k8s.apimachinery.pkg.api.resource.Quantity"].description).toContain("accessors.\n\nThe serialization format is:");
  });

  it("lists non-optional properties as required", () => {
    expect(schemas[`${APPS}.DeploymentSpec`].required).toEqual(["selector", "template"]);
    expect(schemas[`${CORE}.Container`].required).toEqual(["name"]);
    expect(schemas[`${META}.ObjectMeta`].required).toBeUndefined();
  });

  it("types arrays with items and maps with additionalProperties", () => {
    const podSpec = schemas[`${CORE}.PodSpec`].properties!;
    expect(podSpec.containers).toMatchObject({ type: "array", items: { $ref: ref(`${CORE}.Container`) } });
    expect(podSpec.nodeSelector).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(schemas[`${CORE}.ResourceRequirements`].properties!.limits).toMatchObject({
      type: "object",
      additionalProperties: { $ref: ref("io.k8s.apimachinery.pkg.api.resource.Quantity") },
    });
    expect(podSpec.hostNetwork).toMatchObject({ type: "boolean" });
    expect(schemas[`${APPS}.DeploymentSpec`].properties!.replicas).toMatchObject({ type: "integer" });
  });

  it("maps `number | string` to upstream's IntOrString", () => {
    expect(schemas[`${APPS}.RollingUpdateDeployment`].properties!.maxSurge.allOf).toEqual([
      { $ref: ref("io.k8s.apimachinery.pkg.util.intstr.IntOrString") },
    ]);
    expect(schemas["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toMatchObject({
      format: "int-or-string",
      "x-kubernetes-int-or-string": true,
      oneOf: [{ type: "integer" }, { type: "string" }],
    });
  });

  it.each([
    [`${META}.Time`, { type: "string", format: "date-time" }],
    [`${META}.MicroTime`, { type: "string", format: "date-time" }],
    ["io.k8s.apimachinery.pkg.api.resource.Quantity", { oneOf: [{ type: "string" }, { type: "number" }] }],
  ])("gives the string alias %s upstream's wire format", (name, shape) => {
    expect(schemas[name]).toMatchObject(shape);
  });

  it.each([["io.k8s.apimachinery.pkg.runtime.RawExtension"], [`${META}.FieldsV1`]])("leaves %s free-form", (name) => {
    expect(schemas[name]).toMatchObject({ type: "object" });
    expect(schemas[name].properties).toBeUndefined();
  });

  it("emits only the served groups and what they reference", () => {
    const packages = new Set(Object.keys(schemas).map((name) => name.split(".").slice(0, -1).join(".")));
    expect([...packages].sort()).toEqual([
      "io.k8s.api.apps.v1",
      "io.k8s.api.authentication.v1",
      "io.k8s.api.authorization.v1",
      "io.k8s.api.autoscaling.v1",
      "io.k8s.api.autoscaling.v2",
      "io.k8s.api.batch.v1",
      "io.k8s.api.coordination.v1",
      "io.k8s.api.core.v1",
      "io.k8s.api.discovery.v1",
      "io.k8s.api.events.v1",
      "io.k8s.api.networking.v1",
      "io.k8s.api.policy.v1",
      "io.k8s.api.rbac.v1",
      "io.k8s.api.scheduling.v1",
      "io.k8s.api.storage.v1",
      "io.k8s.apimachinery.pkg.api.resource",
      "io.k8s.apimachinery.pkg.apis.meta.v1",
      "io.k8s.apimachinery.pkg.runtime",
      "io.k8s.apimachinery.pkg.util.intstr",
    ]);
  });

  it("resolves every $ref", () => {
    const refs = [...JSON.stringify(schemas).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    const missing = refs.filter((name) => !schemas[name]);
    expect(refs.length).toBeGreaterThan(500);
    expect(missing).toEqual([]);
  });
});
