import { describe, expect, it } from "vitest";
import { aggregatedDiscovery, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from "../../src/api/discovery";
import { parsePath } from "../../src/api/paths";

describe("discovery", () => {
  it("lists autoscaling with v2 preferred, as kubectl get hpa expects", () => {
    const autoscaling = apiGroupList().groups.find((g) => g.name === "autoscaling")!;
    expect(autoscaling.versions.map((v) => v.groupVersion)).toEqual(["autoscaling/v2", "autoscaling/v1"]);
    expect(autoscaling.preferredVersion).toEqual({ groupVersion: "autoscaling/v2", version: "v2" });
  });

  it("lists pods/eviction for kubectl drain and every resource before its subresources", () => {
    const core = apiResourceList("", "v1")!;
    const names = core.resources.map((r) => r.name);
    expect(core.resources.find((r) => r.name === "pods/eviction")).toEqual({ name: "pods/eviction", singularName: "", namespaced: true, group: "policy", version: "v1", kind: "Eviction", verbs: ["create"] });
    expect(names.indexOf("pods")).toBeLessThan(names.indexOf("pods/status"));
    expect(names).toContain("pods/log");
  });

  it.each([
    ["deployments", "apps", "v1", ["deploy"], ["all"]],
    ["replicationcontrollers", "", "v1", ["rc"], ["all"]],
    ["horizontalpodautoscalers", "autoscaling", "v2", ["hpa"], ["all"]],
    ["configmaps", "", "v1", ["cm"], undefined],
  ])("gives %s its short names and categories", (name, group, version, shortNames, categories) => {
    const entry = apiResourceList(group, version)!.resources.find((r) => r.name === name)!;
    expect(entry).toMatchObject({ shortNames, verbs: ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"] });
    expect((entry as { categories?: string[] }).categories).toEqual(categories);
  });

  it("scales through autoscaling/v1 Scale", () => {
    const scale = apiResourceList("apps", "v1")!.resources.find((r) => r.name === "deployments/scale");
    expect(scale).toMatchObject({ group: "autoscaling", version: "v1", kind: "Scale", verbs: ["get", "patch", "update"] });
  });

  it("answers /api with v1", () => {
    expect(apiVersions().versions).toEqual(["v1"]);
  });
});

describe("paths", () => {
  it.each([
    ["/api/v1/namespaces/default/pods/web/log", { namespace: "default", name: "web", subresource: "log", plural: "pods" }],
    ["/api/v1/namespaces/kube-system", { namespace: undefined, name: "kube-system", plural: "namespaces" }],
    ["/api/v1/namespaces/kube-system/status", { namespace: undefined, name: "kube-system", subresource: "status", plural: "namespaces" }],
    ["/apis/apps/v1/deployments", { namespace: undefined, name: undefined, plural: "deployments" }],
    ["/apis/autoscaling/v1/namespaces/a/horizontalpodautoscalers/h", { namespace: "a", name: "h", plural: "horizontalpodautoscalers" }],
  ])("parses %s", (path, expected) => {
    const parsed = parsePath(path);
    expect(parsed.kind).toBe("resource");
    if (parsed.kind !== "resource") return;
    const { namespace, name, subresource, type } = parsed.path;
    expect({ namespace, name, subresource, plural: type.plural }).toEqual({ subresource: undefined, ...expected });
  });

  it("refuses a namespaced object outside a namespace", () => {
    expect(parsePath("/api/v1/pods/web").kind).toBe("unknownResource");
  });
});

describe("aggregated discovery", () => {
  it("is chosen only for kubectl's exact media type", () => {
    expect(wantsAggregated("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json")).toBe(true);
    expect(wantsAggregated("application/json, */*")).toBe(false);
  });

  it("lists the core group as \"\" and apps with its subresources", () => {
    const core = aggregatedDiscovery(true);
    expect(core.items.map((i) => i.metadata.name)).toEqual([""]);
    const apps = aggregatedDiscovery(false).items.find((i) => i.metadata.name === "apps")!;
    const deployments = apps.versions[0].resources.find((r) => r.resource === "deployments")!;
    expect(deployments).toMatchObject({
      responseKind: { group: "apps", version: "v1", kind: "Deployment" },
      scope: "Namespaced",
      shortNames: ["deploy"],
      categories: ["all"],
    });
    expect(deployments.subresources).toContainEqual({ subresource: "scale", responseKind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
  });

  it("orders autoscaling v2 before v1", () => {
    const autoscaling = aggregatedDiscovery(false).items.find((i) => i.metadata.name === "autoscaling")!;
    expect(autoscaling.versions.map((v) => v.version)).toEqual(["v2", "v1"]);
  });
});
