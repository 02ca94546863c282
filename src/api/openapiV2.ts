/**
 * GET /openapi/v2, served only as protobuf (a gnostic openapi_v2.Document), the only form kubectl
 * accepts (kubectl-compat.md §5). kubectl asks with `Accept:
 * application/com.github.proto-openapi.spec.v2@v1.0+protobuf`; the response must carry
 * OPENAPI_V2_CONTENT_TYPE (".v1.0", as kube-openapi's handler answers), because Go's mime parser
 * rejects the "@" form ("mime: unexpected content after media subtype").
 *
 * kubectl needs it for what it validates client-side: a `kind: List` manifest (always), and any
 * object whose kind's PATCH operation in /openapi/v3 lacks the fieldValidation parameter. It parses
 * `definitions` with kube-openapi's proto.NewOpenAPIData, finds a kind's model by the
 * definition's `x-kubernetes-group-version-kind` (a YAML list in a NamedAny), and walks `$ref`,
 * `properties`, `items`, `additionalProperties` and `required`. Client-side `apply` on an existing
 * object also reads the `x-kubernetes-patch-*` extensions to compute its strategic merge patch,
 * so they are emitted here from upstream's struct tags: without them kubectl would replace lists
 * such as `containers` instead of merging them by name.
 *
 * Built from the same generated schemas as /openapi/v3 (src/generated/schemas.json) and the same
 * paths (openapi.ts), converted to Swagger 2.0 shapes: `#/components/schemas/X` → `#/definitions/X`,
 * `{description, allOf: [{$ref}]}` → `{$ref, description}` (kube-openapi honours siblings of $ref
 * but ignores allOf), IntOrString and Quantity → `type: string` with upstream's formats.
 * Encoded once per isolate and memoized.
 */
import { stringify as yaml } from "yaml";
import generated from "../generated/schemas.json";
import { openapiDocument, openapiRoot, type Schema } from "./openapi";
import { ProtoWriter } from "./protobuf/wire";

export const OPENAPI_V2_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

const SCHEMAS = (generated as unknown as { schemas: Record<string, Schema> }).schemas;
const V3_REF = "#/components/schemas/";
const V2_REF = "#/definitions/";
const KUBERNETES_VERSION = "v1.31.0";

let encoded: Uint8Array | undefined;

/** The encoded document; shared, so callers must not modify it. */
export function openapiV2Protobuf(): Uint8Array {
  encoded ??= encodeDocument();
  return encoded;
}

// ---- field numbers of gnostic's openapi_v2 messages (github.com/google/gnostic-models, openapiv2/OpenAPIv2.proto) ----

const DOCUMENT = { swagger: 1, info: 2, paths: 8, definitions: 9 } as const;
const INFO = { title: 1, version: 2 } as const;
const PATHS = { path: 2 } as const;
const NAMED = { name: 1, value: 2 } as const; // NamedPathItem, NamedSchema, NamedAny, NamedResponseValue
const PATH_ITEM = { get: 2, put: 3, post: 4, delete: 5, patch: 8, parameters: 9 } as const;
const OPERATION = { description: 3, operationId: 5, produces: 6, consumes: 7, parameters: 8, responses: 9, schemes: 10, vendorExtension: 13 } as const;
const PARAMETERS_ITEM = { parameter: 1 } as const;
const PARAMETER = { bodyParameter: 1, nonBodyParameter: 2 } as const;
const BODY_PARAMETER = { description: 1, name: 2, in: 3, required: 4, schema: 5 } as const;
const NON_BODY_PARAMETER = { query: 3, path: 4 } as const;
const QUERY_PARAMETER = { required: 1, in: 2, description: 3, name: 4, type: 6, uniqueItems: 20 } as const;
const PATH_PARAMETER = { required: 1, in: 2, description: 3, name: 4, type: 5, uniqueItems: 19 } as const;
const RESPONSES = { responseCode: 1 } as const;
const RESPONSE_VALUE = { response: 1 } as const;
const RESPONSE = { description: 1, schema: 2 } as const;
const SCHEMA_ITEM = { schema: 1 } as const;
const SCHEMA = { ref: 1, format: 2, description: 4, required: 19, additionalProperties: 21, type: 22, items: 23, properties: 25, vendorExtension: 31 } as const;
const ADDITIONAL_PROPERTIES_ITEM = { schema: 1 } as const;
const TYPE_ITEM = { value: 1 } as const;
const ITEMS_ITEM = { schema: 1 } as const;
const PROPERTIES = { additionalProperties: 1 } as const; // also Definitions
const ANY = { yaml: 2 } as const;

const METHODS = ["get", "put", "post", "delete", "patch"] as const;
const PRODUCES = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"];

type JsonObject = Record<string, any>;

function encodeDocument(): Uint8Array {
  const w = new ProtoWriter();
  w.string(DOCUMENT.swagger, "2.0");
  w.message(DOCUMENT.info, (info) => info.string(INFO.title, "Kubernetes").string(INFO.version, KUBERNETES_VERSION));
  w.message(DOCUMENT.paths, (paths) => {
    for (const [path, item] of servedPaths()) {
      paths.message(PATHS.path, (named) => named.string(NAMED.name, path).message(NAMED.value, (p) => writePathItem(p, item)));
    }
  });
  w.message(DOCUMENT.definitions, (definitions) => {
    for (const name of Object.keys(SCHEMAS).sort()) {
      definitions.message(PROPERTIES.additionalProperties, (named) =>
        named.string(NAMED.name, name).message(NAMED.value, (s) => writeSchema(s, SCHEMAS[name], name)),
      );
    }
  });
  return w.finish();
}

/** Every path of every served group-version's /openapi/v3 document, sorted. */
function servedPaths(): [string, JsonObject][] {
  const all: [string, JsonObject][] = [];
  for (const key of Object.keys(openapiRoot().paths)) {
    const document = openapiDocument(key) as { paths: Record<string, JsonObject> } | undefined;
    all.push(...Object.entries(document?.paths ?? {}));
  }
  return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---- paths ----

function writePathItem(w: ProtoWriter, item: JsonObject): void {
  for (const method of METHODS) {
    if (item[method]) w.message(PATH_ITEM[method], (op) => writeOperation(op, item[method]));
  }
  for (const parameter of item.parameters ?? []) w.message(PATH_ITEM.parameters, (p) => writeParameter(p, parameter));
}

function writeOperation(w: ProtoWriter, op: JsonObject): void {
  w.string(OPERATION.description, op.description);
  w.string(OPERATION.operationId, op.operationId);
  w.strings(OPERATION.produces, PRODUCES);
  const content: JsonObject | undefined = op.requestBody?.content;
  if (content) w.strings(OPERATION.consumes, Object.keys(content));
  for (const parameter of op.parameters ?? []) w.message(OPERATION.parameters, (p) => writeParameter(p, parameter));
  if (content) {
    const schema = Object.values(content).find((media: JsonObject) => media.schema)?.schema;
    w.message(OPERATION.parameters, (item) =>
      item.message(PARAMETERS_ITEM.parameter, (p) =>
        p.message(PARAMETER.bodyParameter, (body) => {
          body.string(BODY_PARAMETER.name, "body").string(BODY_PARAMETER.in, "body").bool(BODY_PARAMETER.required, true);
          if (schema) body.message(BODY_PARAMETER.schema, (s) => writeSchema(s, schema));
        }),
      ),
    );
  }
  w.message(OPERATION.responses, (responses) => {
    for (const [code, response] of Object.entries(op.responses ?? {}) as [string, JsonObject][]) {
      const schema = Object.values((response.content ?? {}) as JsonObject)[0]?.schema;
      responses.message(RESPONSES.responseCode, (named) =>
        named.string(NAMED.name, code).message(NAMED.value, (value) =>
          value.message(RESPONSE_VALUE.response, (r) => {
            r.string(RESPONSE.description, response.description);
            if (schema) r.message(RESPONSE.schema, (item) => item.message(SCHEMA_ITEM.schema, (s) => writeSchema(s, schema)));
          }),
        ),
      );
    }
  });
  w.strings(OPERATION.schemes, ["https"]);
  writeExtension(w, OPERATION.vendorExtension, "x-kubernetes-action", op["x-kubernetes-action"]);
  writeExtension(w, OPERATION.vendorExtension, "x-kubernetes-group-version-kind", op["x-kubernetes-group-version-kind"]);
}

/** A v3 query or path parameter (`{name, in, schema: {type}}`) as a v2 non-body parameter. */
function writeParameter(w: ProtoWriter, parameter: JsonObject): void {
  const inPath = parameter.in === "path";
  const fields = inPath ? PATH_PARAMETER : QUERY_PARAMETER;
  w.message(PARAMETERS_ITEM.parameter, (p) =>
    p.message(PARAMETER.nonBodyParameter, (nonBody) =>
      nonBody.message(inPath ? NON_BODY_PARAMETER.path : NON_BODY_PARAMETER.query, (s) => {
        s.bool(fields.required, parameter.required)
          .string(fields.in, parameter.in)
          .string(fields.description, parameter.description)
          .string(fields.name, parameter.name)
          .string(fields.type, parameter.schema?.type)
          .bool(fields.uniqueItems, parameter.uniqueItems);
      }),
    ),
  );
}

// ---- schemas ----

/** The definitions upstream's v2 document gives as plain strings (with a format) instead of oneOf. */
const STRING_DEFINITIONS: Readonly<Record<string, string | undefined>> = {
  "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
  "io.k8s.apimachinery.pkg.api.resource.Quantity": undefined,
};

/** `name` is the definition's name when writing a definition (for its patch metadata). */
function writeSchema(w: ProtoWriter, schema: Schema, name?: string): void {
  // `{description, allOf: [{$ref}]}` is how v3 attaches a description to a reference.
  const ref = schema.$ref ?? (schema.allOf?.length === 1 && !schema.properties ? schema.allOf[0].$ref : undefined);
  if (ref) {
    w.string(SCHEMA.ref, ref.startsWith(V3_REF) ? V2_REF + ref.slice(V3_REF.length) : ref);
    w.string(SCHEMA.description, schema.description);
    return; // kube-openapi rejects a $ref with a type or properties beside it
  }
  const asString = name !== undefined && Object.hasOwn(STRING_DEFINITIONS, name);
  const type = asString ? "string" : schema.type;
  const format = asString ? STRING_DEFINITIONS[name!] : schema.format;
  w.string(SCHEMA.format, format);
  w.string(SCHEMA.description, schema.description);
  w.strings(SCHEMA.required, schema.required);
  if (schema.additionalProperties) {
    const additional = schema.additionalProperties;
    w.message(SCHEMA.additionalProperties, (a) => a.message(ADDITIONAL_PROPERTIES_ITEM.schema, (s) => writeSchema(s, additional)));
  }
  if (type) w.message(SCHEMA.type, (t) => t.strings(TYPE_ITEM.value, [type]));
  if (schema.items) {
    const items = schema.items;
    w.message(SCHEMA.items, (i) => i.message(ITEMS_ITEM.schema, (s) => writeSchema(s, items)));
  }
  if (schema.properties) {
    const patchMeta = name ? patchMetaOf(name) : undefined;
    const properties = schema.properties;
    w.message(SCHEMA.properties, (props) => {
      for (const [property, child] of Object.entries(properties)) {
        props.message(PROPERTIES.additionalProperties, (named) =>
          named.string(NAMED.name, property).message(NAMED.value, (s) => {
            writeSchema(s, child);
            const meta = patchMeta?.get(property);
            if (meta) writePatchMeta(s, meta);
          }),
        );
      }
    });
  }
  if (!asString) writeExtension(w, SCHEMA.vendorExtension, "x-kubernetes-group-version-kind", schema["x-kubernetes-group-version-kind"]);
}

/** A vendor extension: gnostic NamedAny whose Any holds the value as YAML, as upstream encodes it. */
function writeExtension(w: ProtoWriter, field: number, name: string, value: unknown): void {
  if (value === undefined) return;
  w.message(field, (named) => named.string(NAMED.name, name).message(NAMED.value, (any) => any.string(ANY.yaml, yaml(value))));
}

// ---- patch metadata ----

/**
 * `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api v0.33 in the served groups, per
 * definition: "field:strategy[:mergeKey]". kubectl's client-side apply reads them from here
 * (strategicpatch.NewPatchMetaFromOpenAPI) once /openapi/v2 is served, instead of from its
 * compiled-in structs, so they must match those tags. EphemeralContainerCommon's are under
 * EphemeralContainer, which inlines it.
 */
const PATCH_META: Readonly<Record<string, string>> = {
  "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": "ownerReferences:merge:uid finalizers:merge",
  "io.k8s.api.core.v1.PersistentVolumeClaimStatus": "conditions:merge:type",
  "io.k8s.api.core.v1.Container": "ports:merge:containerPort env:merge:name volumeMounts:merge:mountPath volumeDevices:merge:devicePath",
  "io.k8s.api.core.v1.ContainerStatus": "volumeMounts:merge:mountPath allocatedResourcesStatus:merge:name",
  "io.k8s.api.core.v1.PodSpec":
    "volumes:merge,retainKeys:name initContainers:merge:name containers:merge:name ephemeralContainers:merge:name imagePullSecrets:merge:name hostAliases:merge:ip topologySpreadConstraints:merge:topologyKey schedulingGates:merge:name resourceClaims:merge,retainKeys:name",
  "io.k8s.api.core.v1.EphemeralContainer": "ports:merge:containerPort env:merge:name volumeMounts:merge:mountPath volumeDevices:merge:devicePath",
  "io.k8s.api.core.v1.PodStatus": "conditions:merge:type hostIPs:merge:ip podIPs:merge:ip resourceClaimStatuses:merge,retainKeys:name",
  "io.k8s.api.core.v1.ReplicationControllerStatus": "conditions:merge:type",
  "io.k8s.api.core.v1.ServiceStatus": "conditions:merge:type",
  "io.k8s.api.core.v1.ServiceSpec": "ports:merge:port",
  "io.k8s.api.core.v1.ServiceAccount": "secrets:merge:name",
  "io.k8s.api.core.v1.NodeSpec": "podCIDRs:merge",
  "io.k8s.api.core.v1.NodeStatus": "conditions:merge:type addresses:merge:type",
  "io.k8s.api.core.v1.NamespaceStatus": "conditions:merge:type",
  "io.k8s.api.apps.v1.StatefulSetStatus": "conditions:merge:type",
  "io.k8s.api.apps.v1.DeploymentSpec": "strategy:retainKeys",
  "io.k8s.api.apps.v1.DeploymentStatus": "conditions:merge:type",
  "io.k8s.api.apps.v1.DaemonSetStatus": "conditions:merge:type",
  "io.k8s.api.apps.v1.ReplicaSetStatus": "conditions:merge:type",
  "io.k8s.api.batch.v1.JobStatus": "conditions:merge:type",
  "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus": "conditions:merge:type",
  "io.k8s.api.policy.v1.PodDisruptionBudgetSpec": "selector:replace",
  "io.k8s.api.policy.v1.PodDisruptionBudgetStatus": "conditions:merge:type",
};

interface PatchMeta {
  strategy: string;
  mergeKey?: string;
}

function patchMetaOf(definition: string): Map<string, PatchMeta> | undefined {
  const spec = PATCH_META[definition];
  if (!spec) return undefined;
  return new Map(
    spec.split(" ").map((entry) => {
      const [field, strategy, mergeKey] = entry.split(":");
      return [field, { strategy, mergeKey }];
    }),
  );
}

function writePatchMeta(w: ProtoWriter, meta: PatchMeta): void {
  if (meta.mergeKey) writeExtension(w, SCHEMA.vendorExtension, "x-kubernetes-patch-merge-key", meta.mergeKey);
  writeExtension(w, SCHEMA.vendorExtension, "x-kubernetes-patch-strategy", meta.strategy);
}
