/**
 * The /openapi/v3 documents: a root listing one document per served group-version, and per
 * group-version an OpenAPI 3.0 document shaped like upstream's `api/openapi-spec/v3/*.json`.
 *
 * kubectl needs them for two things (see kubectl-compat.md §5):
 * - `apply`/`create`/`replace -f` look for a PATCH operation carrying the object's
 *   x-kubernetes-group-version-kind and a `fieldValidation` query parameter; finding it, they
 *   leave validation to the server (`?fieldValidation=Strict`) instead of downloading /openapi/v2.
 * - `kubectl explain` finds the GVK on the resource's list/item path, then the component schema
 *   carrying that GVK, and walks `properties` / `allOf` / `items` / `additionalProperties`.
 *
 * Schemas come from src/generated/schemas.json, generated at build time from kubernetes-types by
 * src/tools/gen-schemas.mjs. Documents are built on first use and memoized for the isolate's life;
 * the returned objects are shared, so callers must not mutate them.
 */
import generated from "../generated/schemas.json";
import { RESOURCE_TYPES, apiGroups, type ResourceType, type Subresource } from "./resources";

/** An OpenAPI v3 schema as emitted by gen-schemas. */
export interface Schema {
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
  "x-kubernetes-group-version-kind"?: GroupVersionKind[];
  "x-kubernetes-int-or-string"?: boolean;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

interface Generated {
  source: string;
  /** Content hash of `schemas`, computed by the generator. */
  hash: string;
  schemas: Record<string, Schema>;
}

const GENERATED = generated as unknown as Generated;
/** The version our /version reports; upstream documents carry the server's version in `info`. */
const KUBERNETES_VERSION = "v1.31.0";
const REF_PREFIX = "#/components/schemas/";

type JsonObject = Record<string, unknown>;
type Action = "get" | "list" | "post" | "put" | "patch" | "delete" | "deletecollection";

export function openapiRoot(): { paths: Record<string, { serverRelativeURL: string }> } {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const key of servedGroupVersionKeys()) {
    paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${groupVersionPaths(key)!.hash}` };
  }
  return { paths };
}

/** The OpenAPI document of "api/v1" or "apis/<group>/<version>"; undefined when not served. */
export function openapiDocument(groupVersionPath: string): object | undefined {
  const key = groupVersionPath.replace(/^\/+|\/+$/g, "");
  const cached = documents.get(key);
  if (cached) return cached;
  const built = groupVersionPaths(key);
  if (!built) return undefined;
  const schemas: Record<string, Schema> = {};
  for (const name of built.schemaNames) schemas[name] = GENERATED.schemas[name];
  const document = {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: KUBERNETES_VERSION },
    paths: built.paths,
    components: { schemas },
  };
  documents.set(key, document);
  return document;
}

/** The component schema name of a kind, found by its x-kubernetes-group-version-kind. */
export function schemaNameOfKind(gvk: GroupVersionKind): string | undefined {
  return gvkIndex().get(gvkKey(gvk));
}

/** A component schema by name or by `#/components/schemas/<name>` reference. */
export function componentSchema(nameOrRef: string): Schema | undefined {
  const name = nameOrRef.startsWith(REF_PREFIX) ? nameOrRef.slice(REF_PREFIX.length) : nameOrRef;
  return Object.hasOwn(GENERATED.schemas, name) ? GENERATED.schemas[name] : undefined;
}

// ---- group-versions ----

function groupVersionKey(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** "api/v1" first, then each group's versions in `/apis` order, as upstream's root lists them. */
function servedGroupVersionKeys(): string[] {
  const core = RESOURCE_TYPES.filter((t) => !t.group).flatMap((t) => t.versions);
  const keys = [...new Set(core)].map((version) => groupVersionKey("", version));
  for (const { name, versions } of apiGroups()) {
    for (const version of versions) keys.push(groupVersionKey(name, version));
  }
  return keys;
}

function parseGroupVersionKey(key: string): { group: string; version: string } | undefined {
  const parts = key.split("/");
  if (parts.length === 2 && parts[0] === "api") return { group: "", version: parts[1] };
  if (parts.length === 3 && parts[0] === "apis") return { group: parts[1], version: parts[2] };
  return undefined;
}

interface GroupVersionPaths {
  paths: Record<string, JsonObject>;
  /** The transitive closure of the schemas the paths reference, sorted. */
  schemaNames: string[];
  hash: string;
}

const pathsByKey = new Map<string, GroupVersionPaths | undefined>();
const documents = new Map<string, object>();

function groupVersionPaths(key: string): GroupVersionPaths | undefined {
  if (pathsByKey.has(key)) return pathsByKey.get(key);
  const gv = parseGroupVersionKey(key);
  const types = gv ? RESOURCE_TYPES.filter((t) => t.group === gv.group && t.versions.includes(gv.version)) : [];
  let result: GroupVersionPaths | undefined;
  if (gv && types.length) {
    const paths = resourcePaths(gv.group, gv.version, types);
    const schemaNames = schemaClosure(paths);
    // The document is fully determined by its paths and the names of the (content-hashed) schemas.
    const hash = contentHash(`${GENERATED.hash}\n${KUBERNETES_VERSION}\n${JSON.stringify(paths)}\n${schemaNames.join(",")}`);
    result = { paths, schemaNames, hash };
  }
  pathsByKey.set(key, result);
  return result;
}

// ---- paths and operations ----

/**
 * Every path upstream serves for these resource types, minus the deprecated /watch/ paths:
 * collection and item paths (namespaced ones also get a cross-namespace list path), and the
 * subresources. Sorted by path, as upstream's documents are.
 */
function resourcePaths(group: string, version: string, types: ResourceType[]): Record<string, JsonObject> {
  const prefix = `/${groupVersionKey(group, version)}`;
  const gvName = operationGroupVersion(group, version);
  const paths: Record<string, JsonObject> = {
    [`${prefix}/`]: {
      get: {
        description: "get available resources",
        operationId: `get${gvName}APIResources`,
        responses: okResponses([200], `${REF_PREFIX}${META}.APIResourceList`),
      },
    },
  };
  for (const type of types) {
    const gvk: GroupVersionKind = { group, version, kind: type.kind };
    const scope = type.namespaced ? "Namespaced" : "";
    const collection = `${prefix}${type.namespaced ? "/namespaces/{namespace}" : ""}/${type.plural}`;
    const scopeParams = type.namespaced ? [NAMESPACE_PARAM] : [];
    const op = (action: Action, verb: string) => operation(action, `${verb}${gvName}${scope}${type.kind}`, gvk, type);
    if (type.createOnly) {
      // Reviews are a POST on the collection and nothing else (createAuthorizationV1SelfSubjectAccessReview).
      paths[collection] = { ...(scopeParams.length ? { parameters: scopeParams } : {}), post: op("post", "create") };
      continue;
    }

    if (type.namespaced) {
      paths[`${prefix}/${type.plural}`] = {
        get: operation("list", `list${gvName}${type.kind}ForAllNamespaces`, gvk, type),
      };
    }
    paths[collection] = {
      ...(scopeParams.length ? { parameters: scopeParams } : {}),
      get: op("list", "list"),
      ...(type.readOnly ? {} : { post: op("post", "create"), delete: op("deletecollection", "deleteCollection") }),
    };
    paths[`${collection}/{name}`] = {
      parameters: [NAME_PARAM, ...scopeParams],
      get: op("get", "read"),
      ...(type.readOnly ? {} : { put: op("put", "replace"), patch: op("patch", "patch"), delete: op("delete", "delete") }),
    };
    for (const subresource of type.subresources ?? []) {
      const spec = SUBRESOURCES[subresource];
      const subGVK = spec.kind ?? gvk;
      const suffix = subresource[0].toUpperCase() + subresource.slice(1);
      const item: JsonObject = { parameters: [NAME_PARAM, ...scopeParams] };
      for (const action of spec.actions) {
        if (spec.connect) {
          // exec and attach are "connect" operations: a stream, not an object, on GET (WebSocket) and POST (SPDY).
          const method = action === "get" ? "Get" : "Post";
          item[action] = connectOperation(`connect${method}${gvName}${scope}${type.kind}${suffix}`, subGVK, subresource);
          continue;
        }
        const verb = { get: "read", post: "create", put: "replace", patch: "patch" }[action];
        item[action] = operation(action, `${verb}${gvName}${scope}${type.kind}${suffix}`, subGVK, type, subresource);
      }
      paths[`${collection}/{name}/${subresource}`] = item;
    }
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** What each subresource's path serves: its operations and, when not the parent's, its body kind. */
const SUBRESOURCES: Record<Subresource, { actions: ("get" | "post" | "put" | "patch")[]; kind?: GroupVersionKind; connect?: boolean }> = {
  status: { actions: ["get", "put", "patch"] },
  scale: { actions: ["get", "put", "patch"], kind: { group: "autoscaling", version: "v1", kind: "Scale" } },
  log: { actions: ["get"] },
  eviction: { actions: ["post"], kind: { group: "policy", version: "v1", kind: "Eviction" } },
  binding: { actions: ["post"], kind: { group: "", version: "v1", kind: "Binding" } },
  token: { actions: ["post"], kind: { group: "authentication.k8s.io", version: "v1", kind: "TokenRequest" } },
  exec: { actions: ["get", "post"], kind: { group: "", version: "v1", kind: "PodExecOptions" }, connect: true },
  attach: { actions: ["get", "post"], kind: { group: "", version: "v1", kind: "PodAttachOptions" }, connect: true },
  portforward: { actions: ["get", "post"], kind: { group: "", version: "v1", kind: "PodPortForwardOptions" }, connect: true },
};

const STREAM_PARAMS = {
  exec: [
    query("command", "string", "Command is the remote command to execute. argv array. Not executed within a shell."),
    query("container", "string", "Container in which to execute the command. Defaults to only container if there is only one container in the pod."),
  ],
  attach: [
    query("container", "string", "The container in which to execute the command. Defaults to only container if there is only one container in the pod."),
  ],
};

/** connect{Get,Post}NamespacedPod{Exec,Attach}: upstream's stream operations (the answer is the stream). */
function connectOperation(operationId: string, gvk: GroupVersionKind, subresource: Subresource): JsonObject {
  const streams = subresource === "exec" ? STREAM_PARAMS.exec : STREAM_PARAMS.attach;
  const parameters = subresource === "portforward"
    ? [query("ports", "integer", "List of ports to forward Required when using WebSockets")]
    : [
        ...streams,
        query("stderr", "boolean", "Redirect the standard error stream of the pod for this call."),
        query("stdin", "boolean", "Redirect the standard input stream of the pod for this call."),
        query("stdout", "boolean", "Redirect the standard output stream of the pod for this call."),
        query("tty", "boolean", "TTY if true indicates that a tty will be allocated for the exec call."),
      ];
  return {
    description: `connect ${operationId.startsWith("connectGet") ? "GET" : "POST"} requests to ${subresource} of Pod`,
    operationId,
    parameters,
    responses: { "200": { description: "OK", content: { "*/*": { schema: { type: "string" } } } } },
    "x-kubernetes-action": "connect",
    "x-kubernetes-group-version-kind": { group: gvk.group, kind: gvk.kind, version: gvk.version },
  };
}

/** "apps", "v1" → "AppsV1"; "coordination.k8s.io" → "CoordinationV1"; core → "CoreV1" (upstream's operationIds). */
function operationGroupVersion(group: string, version: string): string {
  const name = group ? group.split(".")[0] : "core";
  return name[0].toUpperCase() + name.slice(1) + version[0].toUpperCase() + version.slice(1);
}

function operation(
  action: Action,
  operationId: string,
  gvk: GroupVersionKind,
  type: ResourceType,
  subresource?: Subresource,
): JsonObject {
  const kindRef = schemaRef(gvk);
  const op: JsonObject = {
    description: operationDescription(action, type, subresource),
    operationId,
  };
  switch (action) {
    case "get":
      if (subresource === "log") {
        op.parameters = LOG_PARAMS;
        op.responses = { "200": { description: "OK", content: { "text/plain": { schema: { type: "string" } } } } };
      } else {
        op.responses = okResponses([200], kindRef);
      }
      break;
    case "list":
      op.parameters = LIST_PARAMS;
      op.responses = okResponses([200], schemaRef({ ...gvk, kind: `${gvk.kind}List` }));
      break;
    case "post":
      op.parameters = WRITE_PARAMS;
      op.requestBody = body({ "*/*": kindRef });
      op.responses = okResponses([200, 201, 202], kindRef);
      break;
    case "put":
      op.parameters = WRITE_PARAMS;
      op.requestBody = body({ "*/*": kindRef });
      op.responses = okResponses([200, 201], kindRef);
      break;
    case "patch": {
      op.parameters = PATCH_PARAMS;
      // No application/strategic-merge-patch+json here, on purpose: declaring it makes client-side
      // `kubectl apply` compute the SMP from these schemas, which carry no merge keys (the .d.ts
      // has none), so it would replace lists instead of merging them. Without it kubectl uses its
      // compiled-in types (kubectl-compat.md §5 gotchas).
      op.requestBody = body({
        "application/apply-patch+yaml": PATCH_REF,
        "application/json-patch+json": PATCH_REF,
        "application/merge-patch+json": PATCH_REF,
      });
      op.responses = okResponses([200, 201], kindRef);
      break;
    }
    case "delete":
      op.parameters = DELETE_PARAMS;
      op.requestBody = body({ "*/*": DELETE_OPTIONS_REF });
      op.responses = okResponses([200, 202], STATUS_REF);
      break;
    case "deletecollection":
      op.parameters = [...DELETE_PARAMS, ...LIST_PARAMS];
      op.requestBody = body({ "*/*": DELETE_OPTIONS_REF });
      op.responses = okResponses([200], STATUS_REF);
      break;
  }
  op["x-kubernetes-action"] = action;
  op["x-kubernetes-group-version-kind"] = { group: gvk.group, kind: gvk.kind, version: gvk.version };
  return op;
}

function operationDescription(action: Action, type: ResourceType, subresource?: string): string {
  const what = subresource ? `${subresource} of the specified ${type.kind}` : `the specified ${type.kind}`;
  switch (action) {
    case "get":
      return `read ${what}`;
    case "list":
      return `list or watch objects of kind ${type.kind}`;
    case "post":
      return subresource ? `create ${subresource} of a ${type.kind}` : `create a ${type.kind}`;
    case "put":
      return `replace ${what}`;
    case "patch":
      return `partially update ${what}`;
    case "delete":
      return `delete a ${type.kind}`;
    case "deletecollection":
      return `delete collection of ${type.kind}`;
  }
}

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";
const STATUS_REF = `${REF_PREFIX}${META}.Status`;
const DELETE_OPTIONS_REF = `${REF_PREFIX}${META}.DeleteOptions`;
const PATCH_REF = `${REF_PREFIX}${META}.Patch`;

/** The `#/components/schemas/...` reference of a kind, or undefined when no schema describes it. */
function schemaRef(gvk: GroupVersionKind): string | undefined {
  const name = schemaNameOfKind(gvk);
  return name ? REF_PREFIX + name : undefined;
}

function okResponses(codes: number[], ref: string | undefined): JsonObject {
  const text: Record<number, string> = { 200: "OK", 201: "Created", 202: "Accepted" };
  const responses: JsonObject = {};
  for (const code of codes) {
    responses[code] = ref
      ? { description: text[code], content: { "application/json": { schema: { $ref: ref } } } }
      : { description: text[code] };
  }
  return responses;
}

function body(content: Record<string, string | undefined>): JsonObject {
  const media: JsonObject = {};
  for (const [type, ref] of Object.entries(content)) media[type] = ref ? { schema: { $ref: ref } } : {};
  return { required: true, content: media };
}

// ---- parameters (inline: kubectl's query-param check reads only inline names) ----

function query(name: string, type: "string" | "integer" | "boolean", description: string): JsonObject {
  return { name, in: "query", description, schema: { type }, uniqueItems: true };
}

const NAME_PARAM = { name: "name", in: "path", required: true, description: "name of the object", schema: { type: "string" }, uniqueItems: true };
const NAMESPACE_PARAM = { name: "namespace", in: "path", required: true, description: "object name and auth scope, such as for teams and projects", schema: { type: "string" }, uniqueItems: true };
const DRY_RUN = query("dryRun", "string", "When present, the request is validated but not persisted. The only valid value is All.");
const WRITE_PARAMS = [
  DRY_RUN,
  query("fieldManager", "string", "Name of the actor making the change, recorded in managedFields."),
  query(
    "fieldValidation",
    "string",
    "How the server treats fields of the body that the schema does not declare, and duplicate fields: Ignore (drop them silently), Warn (drop them and add a Warning header per field) or Strict (fail the request with BadRequest).",
  ),
];
const PATCH_PARAMS = [...WRITE_PARAMS, query("force", "boolean", "Server-side apply only: take ownership of fields owned by other managers instead of failing with a conflict.")];
const LIST_PARAMS = [
  query("allowWatchBookmarks", "boolean", "Watch only: ask for BOOKMARK events."),
  query("continue", "string", "The continue token of the previous page of a paginated list."),
  query("fieldSelector", "string", "Restricts the list to objects whose fields match, e.g. metadata.name=web."),
  query("labelSelector", "string", "Restricts the list to objects whose labels match, e.g. app=web,tier!=db."),
  query("limit", "integer", "Maximum number of items to return; more are fetched with `continue`."),
  query("resourceVersion", "string", "The resourceVersion the list must be at least as new as, or the watch must start after."),
  query("resourceVersionMatch", "string", "How resourceVersion applies to a list: Exact or NotOlderThan."),
  query("sendInitialEvents", "boolean", "Watch only: start with synthetic ADDED events for the current state."),
  query("timeoutSeconds", "integer", "Timeout for the list or watch call."),
  query("watch", "boolean", "Watch for changes instead of listing."),
];
const DELETE_PARAMS = [
  DRY_RUN,
  query("gracePeriodSeconds", "integer", "Seconds before the object is deleted; 0 deletes immediately."),
  query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
  query("propagationPolicy", "string", "Whether and how dependents are garbage collected: Orphan, Background or Foreground."),
];
const LOG_PARAMS = [
  query("container", "string", "The container whose logs to return; may be omitted when the pod has one container."),
  query("follow", "boolean", "Stream the log."),
  query("limitBytes", "integer", "Maximum number of bytes to return."),
  query("previous", "boolean", "Return the logs of the previous terminated instance of the container."),
  query("sinceSeconds", "integer", "Only return lines newer than this many seconds."),
  query("sinceTime", "string", "Only return lines newer than this RFC 3339 time."),
  query("tailLines", "integer", "Number of lines from the end of the log to return."),
  query("timestamps", "boolean", "Prefix every line with its RFC 3339 timestamp."),
];

// ---- schema closure, GVK index, hashing ----

let gvkIndexCache: Map<string, string> | undefined;

function gvkKey({ group, version, kind }: GroupVersionKind): string {
  return `${group}/${version}/${kind}`;
}

function gvkIndex(): Map<string, string> {
  if (gvkIndexCache) return gvkIndexCache;
  gvkIndexCache = new Map();
  for (const [name, schema] of Object.entries(GENERATED.schemas)) {
    for (const gvk of schema["x-kubernetes-group-version-kind"] ?? []) gvkIndexCache.set(gvkKey(gvk), name);
  }
  return gvkIndexCache;
}

const directRefs = new Map<string, string[]>();

/** Every `$ref` target in a JSON value, as schema names. */
function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) refsIn(item, out);
  } else if (value && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string" && child.startsWith(REF_PREFIX)) {
        out.push(child.slice(REF_PREFIX.length));
      } else {
        refsIn(child, out);
      }
    }
  }
  return out;
}

function schemaClosure(paths: Record<string, JsonObject>): string[] {
  const names = new Set<string>();
  const queue = refsIn(paths);
  while (queue.length) {
    const name = queue.pop()!;
    if (names.has(name) || !componentSchema(name)) continue;
    names.add(name);
    let refs = directRefs.get(name);
    if (!refs) directRefs.set(name, (refs = refsIn(GENERATED.schemas[name])));
    queue.push(...refs);
  }
  return [...names].sort();
}

/**
 * A 64-bit FNV-style hash of the document's identity, in hex: two 32-bit lanes, fed two UTF-16
 * code units per step (half the steps of byte-wise FNV; this runs cold, once per isolate, over
 * ~0.5 MB of paths). It only has to change when the document does: kubectl caches `?hash=` URLs.
 */
function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  let i = 0;
  for (; i + 1 < text.length; i += 2) {
    const word = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ word, 0x01000193);
    b = (Math.imul(b ^ word, 0x5bd1e995) + a) | 0;
  }
  if (i < text.length) a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
  return ((a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0")).toUpperCase();
}
