import "../openapi/generated";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import generated from "../../../src/generated/schemas.json";
import { openapiV2Protobuf } from "../../../src/api/openapiV2";
import { RESOURCE_TYPES } from "../../../src/api/resources";

// ---- a tiny protobuf reader, independent of src/api/protobuf ----

type Fields = Map<number, (number | Uint8Array)[]>;

function readFields(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error("truncated");
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  while (pos < bytes.length) {
    const tag = varint();
    const [field, wireType] = [Math.floor(tag / 8), tag % 8];
    let value: number | Uint8Array;
    if (wireType === 0) value = varint();
    else if (wireType === 2) {
      const length = varint();
      value = bytes.subarray(pos, pos + length);
      pos += length;
      if (pos > bytes.length) throw new Error("truncated");
    } else if (wireType === 1) {
      value = bytes.subarray(pos, (pos += 8));
    } else throw new Error(`wire type ${wireType}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const utf8 = new TextDecoder();
// Tolerant of a missing parent, so a chain of `message` calls reads like a path.
const messages = (f: Fields | undefined, n: number) => (f?.get(n) ?? []).map((v) => readFields(v as Uint8Array));
const message = (f: Fields | undefined, n: number) => messages(f, n)[0];
const strings = (f: Fields, n: number) => (f.get(n) ?? []).map((v) => utf8.decode(v as Uint8Array));
const string = (f: Fields, n: number) => strings(f, n)[0];
const bool = (f: Fields, n: number) => f.get(n)?.[0] === 1;

/** gnostic NamedX list → name → value message. */
const named = (list: Fields[]) => new Map(list.map((n) => [string(n, 1), message(n, 2)]));
/** Vendor extensions (NamedAny with YAML): name → parsed value. */
const extensions = (list: Fields[]) => new Map(list.map((n) => [string(n, 1), parseYaml(string(message(n, 2), 2))]));

/** A gnostic Schema as plain JSON, with v2 field names. */
interface V2Schema {
  $ref?: string;
  type?: string[];
  format?: string;
  description?: string;
  required?: string[];
  items?: V2Schema[];
  additionalProperties?: V2Schema;
  properties?: Map<string, V2Schema>;
  extensions: Map<string, unknown>;
}

function schema(f: Fields): V2Schema {
  const out: V2Schema = { extensions: extensions(messages(f, 31)) };
  if (f.has(1)) out.$ref = string(f, 1);
  if (f.has(2)) out.format = string(f, 2);
  if (f.has(4)) out.description = string(f, 4);
  if (f.has(19)) out.required = strings(f, 19);
  if (f.has(21)) out.additionalProperties = schema(message(message(f, 21), 1));
  if (f.has(22)) out.type = strings(message(f, 22), 1);
  if (f.has(23)) out.items = messages(message(f, 23), 1).map(schema);
  if (f.has(25)) out.properties = new Map([...named(messages(message(f, 25), 1))].map(([k, v]) => [k, schema(v)]));
  return out;
}

const bytes = openapiV2Protobuf();
const document = readFields(bytes);
const definitions = new Map([...named(messages(message(document, 9), 1))].map(([k, v]) => [k, schema(v)]));
const paths = named(messages(message(document, 8), 2));
const SCHEMA_NAMES = Object.keys((generated as { schemas: Record<string, unknown> }).schemas);

const definition = (name: string) => definitions.get(name)!;
const property = (name: string, field: string) => definition(name).properties!.get(field)!;

describe("/openapi/v2 as a gnostic openapi_v2.Document", () => {
  it("is Swagger 2.0 with info, and memoized", () => {
    expect(string(document, 1)).toBe("2.0");
    expect(string(message(document, 2), 1)).toBe("Kubernetes");
    expect(openapiV2Protobuf()).toBe(bytes);
  });

  it("defines every generated schema, sorted", () => {
    expect([...definitions.keys()]).toStrictEqual([...SCHEMA_NAMES].sort());
  });

  it("follows the rules kube-openapi's proto.NewOpenAPIData enforces, so kubectl can parse it", () => {
    const visit = (s: V2Schema, where: string) => {
      if (s.$ref) {
        expect(s.$ref, where).toMatch(/^#\/definitions\//);
        expect(definitions.has(s.$ref.slice("#/definitions/".length)), `${where}: dangling ${s.$ref}`).toBe(true);
        expect(s.type ?? s.properties, `${where}: $ref with a type or properties`).toBeUndefined();
        return;
      }
      expect((s.type ?? []).length, where).toBeLessThanOrEqual(1);
      const type = s.type?.[0];
      if (type) expect(["object", "array", "string", "integer", "number", "boolean"], where).toContain(type);
      if (type === "array") expect(s.items?.length, `${where}: array needs exactly one item schema`).toBe(1);
      s.items?.forEach((item) => visit(item, `${where}[]`));
      if (s.additionalProperties) visit(s.additionalProperties, `${where}{}`);
      for (const [name, child] of s.properties ?? []) visit(child, `${where}.${name}`);
    };
    for (const [name, s] of definitions) visit(s, name);
  });

  it("tags each served kind's definition with its GVK, as YAML in a NamedAny", () => {
    expect(definition("io.k8s.api.apps.v1.Deployment").extensions.get("x-kubernetes-group-version-kind")).toStrictEqual([{ group: "apps", kind: "Deployment", version: "v1" }]);
    const tagged = new Set<string>();
    for (const s of definitions.values()) {
      for (const gvk of (s.extensions.get("x-kubernetes-group-version-kind") ?? []) as { group: string; version: string; kind: string }[]) {
        tagged.add(`${gvk.group}/${gvk.version}/${gvk.kind}`);
      }
    }
    for (const type of RESOURCE_TYPES.filter((t) => !t.readOnly)) {
      for (const version of type.versions) expect(tagged, `${type.kind}`).toContain(`${type.group}/${version}/${type.kind}`);
    }
  });

  it("turns v3's allOf-wrapped references into $ref with the description beside it", () => {
    const spec = property("io.k8s.api.apps.v1.Deployment", "spec");
    expect(spec.$ref).toBe("#/definitions/io.k8s.api.apps.v1.DeploymentSpec");
    expect(spec.description).toMatch(/desired behavior/);
    expect(definition("io.k8s.api.apps.v1.DeploymentSpec").required).toEqual(expect.arrayContaining(["selector", "template"]));
    expect(property("io.k8s.api.apps.v1.DeploymentSpec", "replicas").type).toStrictEqual(["integer"]);
    expect(property("io.k8s.api.core.v1.PodSpec", "nodeSelector").additionalProperties?.type).toStrictEqual(["string"]);
  });

  it("gives IntOrString and Quantity upstream's string types", () => {
    expect(definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString")).toMatchObject({ type: ["string"], format: "int-or-string" });
    expect(definition("io.k8s.apimachinery.pkg.api.resource.Quantity").type).toStrictEqual(["string"]);
  });

  it.each([
    ["io.k8s.api.core.v1.PodSpec", "containers", "merge", "name"],
    ["io.k8s.api.core.v1.PodSpec", "volumes", "merge,retainKeys", "name"],
    ["io.k8s.api.core.v1.Container", "ports", "merge", "containerPort"],
    ["io.k8s.api.core.v1.Container", "env", "merge", "name"],
    ["io.k8s.api.core.v1.ServiceSpec", "ports", "merge", "port"],
    ["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "finalizers", "merge", undefined],
    ["io.k8s.api.apps.v1.DeploymentSpec", "strategy", "retainKeys", undefined],
  ])("carries the patch strategy of %s.%s for client-side apply", (name, field, strategy, key) => {
    const { extensions: ext } = property(name, field);
    expect(ext.get("x-kubernetes-patch-strategy")).toBe(strategy);
    expect(ext.get("x-kubernetes-patch-merge-key")).toBe(key);
  });

  it("lists PATCH operations with the GVK and the fieldValidation parameter", () => {
    const item = paths.get("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")!;
    const patch = message(item, 8);
    const ext = extensions(messages(patch, 13));
    expect(ext.get("x-kubernetes-group-version-kind")).toStrictEqual({ group: "apps", kind: "Deployment", version: "v1" });
    expect(ext.get("x-kubernetes-action")).toBe("patch");
    const query = messages(patch, 8).map((p) => message(message(message(p, 1), 2), 3)).filter(Boolean);
    expect(query.map((q) => string(q, 4))).toContain("fieldValidation");
    expect(query.every((q) => string(q, 2) === "query")).toBe(true);
    const pathParameters = messages(item, 9).map((p) => message(message(message(p, 1), 2), 4));
    expect(pathParameters.map((p) => [string(p, 4), bool(p, 1)])).toStrictEqual([
      ["name", true],
      ["namespace", true],
    ]);
  });

  it("gives POST a body parameter and a 201 response referencing the kind", () => {
    const post = message(paths.get("/apis/apps/v1/namespaces/{namespace}/deployments")!, 4);
    const bodyParameter = messages(post, 8)
      .map((p) => message(message(p, 1), 1))
      .find(Boolean)!;
    expect([string(bodyParameter, 2), string(bodyParameter, 3), bool(bodyParameter, 4)]).toStrictEqual(["body", "body", true]);
    expect(schema(message(bodyParameter, 5)).$ref).toBe("#/definitions/io.k8s.api.apps.v1.Deployment");
    const responses = named(messages(message(post, 9), 1));
    const created = message(message(responses.get("201")!, 1), 2);
    expect(schema(message(created, 1)).$ref).toBe("#/definitions/io.k8s.api.apps.v1.Deployment");
  });
});

/**
 * kubectl's client-side validation (kube-openapi pkg/util/proto/validation), reduced to unknown
 * fields and primitive types: enough to show what a `kind: List` manifest meets once the document
 * decodes. The real kubectl run is in the report of this change.
 */
function validate(value: unknown, s: V2Schema, path: string, errors: string[], model = ""): void {
  if (s.$ref) {
    const name = s.$ref.slice("#/definitions/".length);
    return validate(value, definition(name), path, errors, name);
  }
  const type = s.type?.[0];
  if (value === null || value === undefined) return;
  if (s.properties && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      const field = s.properties.get(key);
      if (!field) errors.push(`ValidationError(${path}): unknown field "${key}" in ${model}`);
      else validate(child, field, `${path}.${key}`, errors);
    }
  } else if (type === "array" && Array.isArray(value)) {
    value.forEach((item, i) => validate(item, s.items![0], `${path}[${i}]`, errors));
  } else if (type === "object" && s.additionalProperties && typeof value === "object") {
    for (const [key, child] of Object.entries(value!)) validate(child, s.additionalProperties, `${path}.${key}`, errors);
  } else if (type === "integer" && typeof value !== "number") {
    errors.push(`ValidationError(${path}): invalid type for ${model}: got "${typeof value}", expected "integer"`);
  }
}

function validateListItem(item: { apiVersion: string; kind: string }): string[] {
  const [group, version] = item.apiVersion.includes("/") ? item.apiVersion.split("/") : ["", item.apiVersion];
  const name = [...definitions].find(([, s]) =>
    ((s.extensions.get("x-kubernetes-group-version-kind") ?? []) as { group: string; version: string; kind: string }[]).some(
      (g) => g.group === group && g.version === version && g.kind === item.kind,
    ),
  )?.[0];
  const errors: string[] = [];
  validate(item, definition(name!), item.kind, errors, name);
  return errors;
}

describe("validating a kind: List the way kubectl does", () => {
  const configMap = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm1" }, data: { a: "b" } };
  const deployment = (spec: Record<string, unknown>) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web" },
    spec: { selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] } }, ...spec },
  });

  it("accepts a valid ConfigMap and Deployment", () => {
    expect([configMap, deployment({ replicas: 2 })].flatMap(validateListItem)).toStrictEqual([]);
  });

  it("names an unknown field by its model, as kubectl prints it", () => {
    expect(validateListItem(deployment({ replicaz: 3 }))).toStrictEqual(['ValidationError(Deployment.spec): unknown field "replicaz" in io.k8s.api.apps.v1.DeploymentSpec']);
  });
});
