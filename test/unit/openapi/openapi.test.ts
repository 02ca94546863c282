import "./generated";
import { describe, expect, it } from "vitest";
import { openapiDocument, openapiRoot } from "../../../src/api/openapi";
import { RESOURCE_TYPES } from "../../../src/api/resources";

type Json = Record<string, any>;

const doc = (key: string) => openapiDocument(key) as Json;
const gvKey = (group: string, version: string) => (group ? `apis/${group}/${version}` : `api/${version}`);
const METHODS = ["get", "put", "post", "patch", "delete"];

/** Every operation of a document, with its path and method. */
function operations(document: Json): { path: string; method: string; op: Json }[] {
  return Object.entries(document.paths as Json).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ path, method, op: item[method] })),
  );
}

/**
 * What `kubectl explain <resource>.<fields>` prints as the field's description, following its
 * plaintext template: the GVK of the first list/item path operation, the component schema carrying
 * that GVK, then `properties` through `$ref`, single `allOf`, `items` and `additionalProperties`.
 */
function explain(group: string, version: string, plural: string, fields: string[]): { gvk: Json; description: string } {
  const document = doc(gvKey(group, version));
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const candidates = [`${prefix}/${plural}`, `${prefix}/${plural}/{name}`, `${prefix}/namespaces/{namespace}/${plural}`, `${prefix}/namespaces/{namespace}/${plural}/{name}`];
  const item = candidates.map((p) => document.paths[p]).find(Boolean);
  const gvk = METHODS.map((m) => item?.[m]?.["x-kubernetes-group-version-kind"]).find(Boolean);
  let schema: Json = Object.values(document.components.schemas as Json).find((s) =>
    (s["x-kubernetes-group-version-kind"] ?? []).some((g: Json) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind),
  );
  const resolve = (s: Json): Json => {
    if (s.$ref) return resolve(document.components.schemas[s.$ref.replace("#/components/schemas/", "")]);
    if (s.items) return resolve(s.items);
    if (s.allOf && !s.properties) return resolve(s.allOf[0]);
    return s;
  };
  const descriptions: string[] = [];
  for (const field of fields) {
    schema = resolve(schema).properties[field];
    expect(schema, `field ${field}`).toBeDefined();
  }
  descriptions.push(schema.description ?? "");
  if (schema.allOf || schema.items) descriptions.push(resolve(schema).description ?? "");
  return { gvk, description: descriptions.join("\n") };
}

describe("/openapi/v3 root", () => {
  it("lists one document per served group-version, core first", () => {
    const keys = Object.keys(openapiRoot().paths);
    expect(keys[0]).toBe("api/v1");
    expect(keys).toEqual(expect.arrayContaining(["apis/apps/v1", "apis/autoscaling/v2", "apis/autoscaling/v1", "apis/batch/v1", "apis/policy/v1", "apis/coordination.k8s.io/v1", "apis/storage.k8s.io/v1"]));
    const expected = new Set(RESOURCE_TYPES.flatMap((t) => t.versions.map((v) => gvKey(t.group, v))));
    expect(new Set(keys)).toEqual(expected);
  });

  it("points at each document with a content hash that is stable and distinct", () => {
    const first = openapiRoot().paths;
    const again = openapiRoot().paths;
    expect(again).toEqual(first);
    expect(first["apis/apps/v1"].serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{16}$/);
    const hashes = Object.values(first).map((p) => p.serverRelativeURL.split("hash=")[1]);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});

describe("/openapi/v3/<group-version> documents", () => {
  it("is an OpenAPI 3.0 document titled like upstream's", () => {
    expect(doc("apis/apps/v1")).toMatchObject({ openapi: "3.0.0", info: { title: "Kubernetes", version: "v1.31.0" } });
    expect(openapiDocument("/apis/apps/v1")).toBe(openapiDocument("apis/apps/v1"));
  });

  it.each([["apis/nope/v1"], ["apis/apps/v2"], ["api/v2"], ["version"], [""]])("is undefined for %j", (key) => {
    expect(openapiDocument(key)).toBeUndefined();
  });

  it("serves namespaced kinds at upstream's paths", () => {
    const paths = doc("apis/apps/v1").paths;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/apis/apps/v1/",
        "/apis/apps/v1/deployments",
        "/apis/apps/v1/namespaces/{namespace}/deployments",
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status",
        "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale",
      ]),
    );
    const item = paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
    expect(Object.keys(item).sort()).toEqual(["delete", "get", "parameters", "patch", "put"]);
    expect(item.parameters.map((p: Json) => `${p.in}:${p.name}`)).toEqual(["path:name", "path:namespace"]);
    expect(item.patch).toMatchObject({
      operationId: "patchAppsV1NamespacedDeployment",
      "x-kubernetes-action": "patch",
      "x-kubernetes-group-version-kind": { group: "apps", kind: "Deployment", version: "v1" },
    });
    const collection = paths["/apis/apps/v1/namespaces/{namespace}/deployments"];
    expect(collection.get["x-kubernetes-action"]).toBe("list");
    expect(collection.get["x-kubernetes-group-version-kind"]).toEqual({ group: "apps", kind: "Deployment", version: "v1" });
    expect(collection.post["x-kubernetes-action"]).toBe("post");
    expect(collection.delete["x-kubernetes-action"]).toBe("deletecollection");
  });

  it("serves cluster-scoped kinds without a namespace segment", () => {
    const paths = doc("api/v1").paths;
    expect(paths["/api/v1/nodes/{name}"].patch["x-kubernetes-group-version-kind"]).toEqual({ group: "", kind: "Node", version: "v1" });
    expect(paths["/api/v1/nodes/{name}"].parameters.map((p: Json) => p.name)).toEqual(["name"]);
    expect(paths["/api/v1/namespaces/{namespace}/nodes"]).toBeUndefined();
    expect(paths["/api/v1/namespaces/{name}/status"]).toBeDefined();
  });

  it.each([
    ["apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch", { group: "autoscaling", kind: "Scale", version: "v1" }],
    ["apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status", "patch", { group: "apps", kind: "Deployment", version: "v1" }],
    ["api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/eviction", "post", { group: "policy", kind: "Eviction", version: "v1" }],
    ["api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/binding", "post", { group: "", kind: "Binding", version: "v1" }],
    ["api/v1", "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token", "post", { group: "authentication.k8s.io", kind: "TokenRequest", version: "v1" }],
    ["api/v1", "/api/v1/namespaces/{namespace}/pods/{name}/log", "get", { group: "", kind: "Pod", version: "v1" }],
  ])("in %s, %s %s is for %j", (key, path, method, gvk) => {
    expect(doc(key).paths[path][method]["x-kubernetes-group-version-kind"]).toEqual(gvk);
  });

  it("includes the body schemas of subresources", () => {
    expect(doc("apis/apps/v1").components.schemas["io.k8s.api.autoscaling.v1.Scale"]).toBeDefined();
    expect(doc("api/v1").components.schemas["io.k8s.api.policy.v1.Eviction"]).toBeDefined();
    expect(doc("api/v1").components.schemas["io.k8s.api.authentication.v1.TokenRequest"]).toBeDefined();
  });

  // Reviews have only a POST (below); every other kind has PATCH and a List.
  const servedKinds = RESOURCE_TYPES.filter((t) => !t.createOnly).flatMap((t) => t.versions.map((v) => [gvKey(t.group, v), t.kind] as const));

  it.each([
    ["apis/authorization.k8s.io/v1", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "SelfSubjectAccessReview"],
    ["apis/authorization.k8s.io/v1", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "SelfSubjectRulesReview"],
    ["apis/authentication.k8s.io/v1", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "SelfSubjectReview"],
  ])("in %s, %s is a create-only review of %s", (key, path, kind) => {
    const item = doc(key).paths[path];
    expect(Object.keys(item).filter((k) => k !== "parameters")).toEqual(["post"]);
    expect(item.post.operationId).toBe(`create${key.includes("authorization") ? "AuthorizationV1" : "AuthenticationV1"}${kind}`);
    expect(item.post["x-kubernetes-group-version-kind"]).toEqual({ group: key.split("/")[1], kind, version: "v1" });
    expect(doc(key).paths[`${path}/{name}`]).toBeUndefined();
  });

  // kubectl (cli-runtime queryParamVerifierV3) takes the first PATCH operation with the object's
  // GVK, in map order, and requires an inline `fieldValidation` parameter on it.
  it.each(servedKinds)("declares fieldValidation on every PATCH of %s %s", (key, kind) => {
    const patches = operations(doc(key)).filter(({ method, op }) => method === "patch" && op["x-kubernetes-group-version-kind"].kind === kind);
    expect(patches.length).toBeGreaterThan(0);
    for (const { op } of patches) {
      expect(op.parameters).toContainEqual(expect.objectContaining({ name: "fieldValidation", in: "query" }));
      expect(op.parameters.map((p: Json) => p.name)).toEqual(expect.arrayContaining(["dryRun", "fieldManager"]));
    }
  });

  it.each(servedKinds)("uses the %s schema of %s, with its List", (key, kind) => {
    const version = key.split("/").pop()!;
    const schemas = doc(key).components.schemas;
    const tagged = Object.values(schemas as Json).flatMap((s) => s["x-kubernetes-group-version-kind"] ?? []);
    expect(tagged).toContainEqual(expect.objectContaining({ kind, version }));
    expect(tagged).toContainEqual(expect.objectContaining({ kind: `${kind}List`, version }));
  });

  it("declares fieldValidation, dryRun and fieldManager on every POST and PUT", () => {
    for (const key of Object.keys(openapiRoot().paths)) {
      // connect operations (pods/exec, pods/attach) open a stream: no object, so none of these.
      for (const { method, op } of operations(doc(key)).filter((o) => (o.method === "post" || o.method === "put") && o.op["x-kubernetes-action"] !== "connect")) {
        expect(op.parameters.map((p: Json) => p.name), `${key} ${method} ${op.operationId}`).toEqual(
          expect.arrayContaining(["fieldValidation", "dryRun", "fieldManager"]),
        );
      }
    }
  });

  it("never declares strategic merge patch bodies (kubectl would compute SMPs from schemas without merge keys)", () => {
    for (const key of Object.keys(openapiRoot().paths)) {
      expect(JSON.stringify(doc(key))).not.toContain("strategic-merge-patch");
    }
  });

  it("carries exactly the schemas its paths reach", () => {
    for (const key of Object.keys(openapiRoot().paths)) {
      const document = doc(key);
      const refsOf = (value: unknown) => [...JSON.stringify(value).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
      const reached = new Set<string>();
      const queue = refsOf(document.paths);
      while (queue.length) {
        const name = queue.pop()!;
        if (reached.has(name)) continue;
        reached.add(name);
        expect(document.components.schemas[name], `${key}: ${name}`).toBeDefined();
        queue.push(...refsOf(document.components.schemas[name]));
      }
      expect(Object.keys(document.components.schemas).sort()).toEqual([...reached].sort());
    }
  });

  it("keeps each HPA version's own schemas", () => {
    const v1 = Object.keys(doc("apis/autoscaling/v1").components.schemas);
    const v2 = Object.keys(doc("apis/autoscaling/v2").components.schemas);
    expect(v1).toContain("io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler");
    expect(v1.some((name) => name.startsWith("io.k8s.api.autoscaling.v2."))).toBe(false);
    expect(v2).toContain("io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler");
    expect(v2.some((name) => name.startsWith("io.k8s.api.autoscaling.v1."))).toBe(false);
  });
});

describe("what kubectl explain finds", () => {
  it.each([
    ["apps", "v1", "deployments", ["spec", "strategy"], /existing pods with new ones[\s\S]*DeploymentStrategy describes/],
    ["", "v1", "pods", ["spec", "containers"], /List of containers belonging to the pod[\s\S]*A single application container/],
    ["", "v1", "pods", ["spec", "containers", "image"], /Container image name/],
    ["autoscaling", "v2", "horizontalpodautoscalers", ["spec", "metrics"], /metrics contains the specifications/],
    ["autoscaling", "v1", "horizontalpodautoscalers", ["spec", "targetCPUUtilizationPercentage"], /target average CPU utilization/],
    ["batch", "v1", "cronjobs", ["spec", "jobTemplate", "spec", "template", "spec", "restartPolicy"], /Restart policy for all containers/],
  ])("%s/%s %s.%s", (group, version, plural, fields, description) => {
    const found = explain(group, version, plural, fields);
    expect(found.gvk.version).toBe(version);
    expect(found.description).toMatch(description);
  });
});
